"""Support and the reporters' "How did we do?" by quarter (issue 30 item 8), from clear columns only.

- Support, by the quarter a report was received: reports, support wanted (the reporter's
  clear answer), support offered, accepted and completed (``case_support``, recorded by the
  Group), each with its share.
- "How did we do?", by the quarter the answer was given: answers, the average score and how
  many gave each score (``reporter_feedback.score``; the sealed words are never read).

Quarters are of the financial year (April to June is Q1), as the other tables'; a quarter not yet
ended is marked "to date". The same filters as every table: the dates chosen and the report's
area, strand, channel and centre. The rows are grouped by month with every other statement and
kept as theirs are (reporting/stats/cache.py; the statements are in support_queries.py).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from reporting.codes import FeedbackScore, SupportAccepted, SupportCompleted, SupportOffered
from reporting.db import utcnow
from reporting.periods import LONDON, month_key, months_between, quarter
from reporting.stats import cache, queries
from reporting.words import gettext as _

# Fewer answers than this in a quarter: no average is shown (it would say little, and point at people).
FEW_ANSWERS = 5


Value = int | float | str | None


@dataclass(frozen=True)
class SupportTable:
    """A table as reporting.stats.figures makes its ``Table`` of it: rows as (code, words, values, total)."""

    id: str
    title: str
    row_header: str
    columns: list[str]
    rows: list[tuple[str, str, list[Value], bool]]
    note: str = ""


def _share(count: int, total: int) -> str:
    return f"{round(100 * count / total)}%" if total else "–"


def _quarters(months: list[str], this_month: str) -> list[tuple[str, str, list[str]]]:
    """(code, words, months) of each quarter the months fall in; "to date" for one not yet ended."""
    found: dict[str, list[str]] = {}
    for month in months:
        found.setdefault(quarter(month), []).append(month)
    this_quarter = quarter(this_month)
    return [(code, _("%(quarter)s (to date)", quarter=code) if code == this_quarter else code, inside)
            for code, inside in found.items()]


def _this_month() -> str:
    return month_key(utcnow().astimezone(LONDON).date())


@dataclass(frozen=True)
class MonthCounts:
    """One month's support (by reports received) and answers (by the day answered), summed from its rows."""

    support: Counter[str]
    scores: Counter[int]


def month_counts(payload: Mapping[str, list[list[Any]]]) -> MonthCounts:
    """What the tables need of one month's kept rows (cache.monthly's digest)."""
    counted: Counter[str] = Counter()
    for _month, wanted, offered, accepted, completed, n in payload.get("support", []):
        counted["reports"] += n
        counted["wanted"] += n if wanted else 0
        counted["offered"] += n if offered == SupportOffered.YES else 0
        counted["not_recorded"] += n if offered is None else 0
        counted["accepted"] += n if accepted == SupportAccepted.YES else 0
        counted["completed"] += n if completed == SupportCompleted.YES else 0
        counted["stopped"] += n if completed == SupportCompleted.STOPPED else 0
    scores: Counter[int] = Counter()
    for _month, score, n in payload.get("feedback", []):
        scores[int(score)] += n
    return MonthCounts(counted, scores)


def _by_quarter(monthly: Mapping[str, Counter[Any]], months: list[str], today_month: str,
                values: Callable[[Counter[Any]], list[Value]]) -> list[tuple[str, str, list[Value], bool]]:
    """A row for each quarter of ``months`` (its months' counts added up), then the total row."""
    rows: list[tuple[str, str, list[Value], bool]] = []
    total: Counter[Any] = Counter()
    for code, words, inside in _quarters(months, today_month):
        summed: Counter[Any] = sum((monthly[m] for m in inside), Counter())
        total.update(summed)
        rows.append((code, words, values(summed), False))
    rows.append(("total", _("All quarters shown"), values(total), True))
    return rows


def support_table(f: queries.Filters, sums: Mapping[str, MonthCounts], today_month: str) -> SupportTable:
    months = months_between(f.first_month, f.last_month)
    counts = {m: sums[m].support for m in months}

    def values(c: Counter[str]) -> list[Value]:
        return [c["reports"], c["wanted"], _share(c["wanted"], c["reports"]), c["offered"],
                _share(c["offered"], c["reports"]), c["accepted"], _share(c["accepted"], c["offered"]),
                c["completed"], _share(c["completed"], c["accepted"]), c["stopped"], c["not_recorded"]]

    rows = _by_quarter(counts, months, today_month, values)
    return SupportTable("support_by_quarter", _("Support by quarter the report was received"), _("Quarter"), [
        _("Reports"), _("Support wanted"), _("Share of reports"), _("Support offered"), _("Share of reports"),
        _("Support accepted"), _("Share of those offered"), _("Support completed"), _("Share of those accepted"),
        _("Support stopped before the end"), _("Offer not recorded yet"),
    ], rows, note=_(
        "Support wanted is the reporter's own answer. Offered, accepted and completed are what the Group "
        "recorded on the case, as it stands now. A quarter not yet ended is marked “to date”; a quarter only "
        "partly inside the dates chosen counts only its months inside them."))


def feedback_table(f: queries.Filters, sums: Mapping[str, MonthCounts], today_month: str) -> SupportTable:
    months = months_between(f.first_month, f.last_month)
    scores = {m: sums[m].scores for m in months}
    order = [member.number for member in FeedbackScore]

    def values(c: Counter[int]) -> list[Value]:
        answers = sum(c.values())
        average: Value = round(sum(s * n for s, n in c.items()) / answers, 1) if answers >= FEW_ANSWERS else None
        return [answers, average, *(c[s] for s in order)]

    rows = _by_quarter(scores, months, today_month, values)
    return SupportTable("feedback_by_quarter", _("Reporters' answers to “How did we do” by quarter answered"), _("Quarter"), [
        _("Answers"), _("Average score (1 very poor to 5 very good)"),
        *(_("%(number)s: %(words)s", number=member.number, words=str(member.label)) for member in FeedbackScore),
    ], rows, note=_(
        "Optional and anonymous: reporters answer at /status with their receipt code, once a report (a later "
        "answer replaces theirs, and counts in the quarter it was given). From the score only; their words are "
        "sealed and never counted. Where fewer than %(few)s people answered in a period no average is shown: "
        "so few answers say little, and could point to who gave them.", few=FEW_ANSWERS))


def tables(f: queries.Filters) -> list[SupportTable]:
    """The support and feedback tables for the statistics page and its exports."""
    sums = cache.monthly(f, month_counts)
    today_month = _this_month()
    return [support_table(f, sums, today_month), feedback_table(f, sums, today_month)]



