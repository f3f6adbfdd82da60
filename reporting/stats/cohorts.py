"""Each quarter's reports followed to their outcomes: the cohort table third-party reporting
services publish (issue 30).

A cohort is the reports received in one financial-year quarter. Each report stays in the quarter
it was received in, whatever happened to it later and whenever: a report received in June and
referred in July, whose outcome came in November, counts in the June quarter's row as passed to
the police, acknowledged and with that outcome. So a quarter's row grows as outcomes come in, and
a quarter not yet ended is marked "to date".

The figures come from one grouped statement per month of receipt (``queries.cohorts_by_month``,
kept with the other statements by reporting/stats/cache.py) and the status now of each month's
reports (``who_and_what_next``). This module only adds them up: reporting/stats/figures.py makes
the page's table and the chart's figures from what it returns, so the page and every staff
export show the same numbers; open data's table is made from the final counts (below).

Two cohorts, never claiming to be the same measure (issue 30):

- the page's and the staff exports' cohort is "to date": everything that has happened to a
  quarter's reports by now, so its rows grow as outcomes come in;
- open data's cohort is FINAL: a quarter is published only once ``FOLLOW_UP_MONTHS`` (six) whole
  months after its end have passed, and counts only what was known by the end of them (the
  horizon), read from the times the tables keep (``queries.final_cohorts_by_month``). Two
  publications on different days therefore give the same figures for every quarter both
  publish, and cannot be subtracted to learn of a few reports' outcomes.

"Recorded as a crime" is one definition (``queries.cohorts_by_month``): the strategy's measure
"crimes recorded" is this table's count, by the report's month (reporting/stats/figures.py).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

from reporting import labels
from reporting.codes import Outcome, Status
from reporting.periods import has_ended, month_key, month_start, next_month, parse_month, quarter
from reporting.words import gettext

# What one month's reports count in (month_counts); "outcome:<code>" for each police outcome.
RECEIVED = "received"
PASSED = "passed"
ACKNOWLEDGED = "acknowledged"
CRIME = "crime"
NO_OUTCOME = "no_outcome"
STILL_OPEN = "still_open"
TABLE_ID = "cohorts"
KNOWN_OUTCOMES = frozenset(code.value for code in Outcome)
OPEN_TABLE_ID = "open_cohorts"
# Open data follows each quarter's reports for this many whole months after the quarter's end, and
# publishes the quarter only then, with what was known by that horizon: its figures never change.
FOLLOW_UP_MONTHS = 6


def outcome_code(outcome: str) -> str:
    return f"outcome:{outcome}"


class Line(NamedTuple):
    """One row of a table, in the order of figures.Row's fields (code, label, values, total, to_date)."""

    code: str
    label: str
    values: list[Any]
    total: bool = False
    to_date: bool = False  # a quarter not over yet


def _add(counts: Counter[str], passed: Any, acknowledged: Any, crime: Any, outcome: str | None, n: int) -> None:
    """Count ``n`` reports of one grouped row (SQLite gives 0/1, PostgreSQL booleans)."""
    if passed:
        counts[PASSED] += n
        if outcome and outcome not in KNOWN_OUTCOMES:  # a code no longer in the list: "other", so they add up
            outcome = Outcome.OTHER.value
        counts[outcome_code(outcome) if outcome else NO_OUTCOME] += n
    if acknowledged:
        counts[ACKNOWLEDGED] += n
    if crime:
        counts[CRIME] += n


def month_counts(rows: Iterable[Sequence[Any]], received: int, closed: int) -> Counter[str]:
    """One month's cohort counts to date from its grouped rows (month, passed, acknowledged, crime,
    outcome, reports: only the reports passed to the police or matched to a crime), how many reports
    it received and how many of them are closed now."""
    counts: Counter[str] = Counter({RECEIVED: received})
    for _month, passed, acknowledged, crime, outcome, n in rows:
        _add(counts, passed, acknowledged, crime, outcome, n)
    counts[STILL_OPEN] = max(0, counts[RECEIVED] - closed)
    return counts


def final_month_counts(rows: Iterable[Sequence[Any]]) -> dict[str, Counter[str]]:
    """Month received -> the cohort counts known at the horizon, from the grouped rows of
    ``queries.final_cohorts_by_month`` (month, passed, acknowledged, crime, outcome, closed, reports:
    every report received)."""
    out: dict[str, Counter[str]] = {}
    for month, passed, acknowledged, crime, outcome, closed, n in rows:
        counts = out.setdefault(str(month), Counter())
        counts[RECEIVED] += n
        _add(counts, passed, acknowledged, crime, outcome, n)
        if not closed:
            counts[STILL_OPEN] += n
    return out


def window_last_month(last_month: str) -> str:
    """The last month of the follow-up window of a period ending with ``last_month`` (``YYYY-MM``)."""
    day = parse_month(last_month)
    for _ in range(FOLLOW_UP_MONTHS):
        day = next_month(day)
    return month_key(day)


def horizon(last_month: str) -> datetime:
    """The end of the follow-up window (midnight in London, as UTC) of a period ending with
    ``last_month``: 2025/26 Q1 (April to June 2025) is followed to 1 January 2026."""
    return month_start(next_month(parse_month(window_last_month(last_month))))


def is_final(last_month: str, today: date) -> bool:
    """Whether a period ending with ``last_month`` may be published in open data on ``today``:
    its follow-up window is over (periods.has_ended, as every table's "to date")."""
    return has_ended(window_last_month(last_month), today)


def closed_status() -> str:
    return Status.CLOSED.value


def outcomes() -> list[tuple[str, str]]:
    """(count code, words) of every police outcome, in the list's order."""
    return [(outcome_code(code), str(words)) for code, words in Outcome.words().items()]


def _(text: str, **variables: Any) -> str:
    return str(gettext(text, **variables))


def _share(count: int, total: int) -> str:
    return f"{round(100 * count / total)}%" if total else "–"


# The page's table: one row per quarter of receipt --------------------------------------------

def columns() -> list[str]:
    return [
        _("Reports received"), _("Passed to police"), _("Share passed to police"), _("Acknowledged by police"),
        _("Recorded as a crime"),
        *(_("Police outcome: %(outcome)s", outcome=words) for _code, words in outcomes()),
        _("Passed to police, no outcome yet"), _("Still open"), _("Share still open"),
    ]


def _values(counts: Mapping[str, int]) -> list[Any]:
    received = counts.get(RECEIVED, 0)
    return [
        received, counts.get(PASSED, 0), _share(counts.get(PASSED, 0), received), counts.get(ACKNOWLEDGED, 0),
        counts.get(CRIME, 0), *(counts.get(code, 0) for code, _words in outcomes()),
        counts.get(NO_OUTCOME, 0), counts.get(STILL_OPEN, 0), _share(counts.get(STILL_OPEN, 0), received),
    ]


def _quarter_months(key: str) -> list[str]:
    """The three months of a financial-year quarter ("2025/26 Q2" -> 2025-07, 2025-08, 2025-09)."""
    start, number = int(key[:4]), int(key[-1])
    first = 4 + 3 * (number - 1)
    return [f"{start + (m > 12):04d}-{(m - 1) % 12 + 1:02d}" for m in range(first, first + 3)]


def quarter_label(key: str, inside: list[str], today: date) -> tuple[str, bool]:
    """The quarter's name and whether it is not over yet by ``today``: marked "to date" in the words
    every table uses (labels.to_date_label, periods.has_ended), and with its months if the dates
    chosen hold only part of what it has had so far."""
    whole = _quarter_months(key)
    unfinished = not has_ended(whole[-1], today)
    so_far = [m for m in whole if m <= month_key(today)]
    if inside == so_far:
        name = key
    else:
        name = _("%(quarter)s (%(first)s to %(last)s only)", quarter=key, first=labels.month_name(inside[0]),
                 last=labels.month_name(inside[-1]))
    return (labels.to_date_label(name) if unfinished else name), unfinished


def lines(monthly: Mapping[str, Counter[str]], months: list[str], today: date) -> list[Line]:
    """One line per quarter of receipt in ``months`` as of ``today`` (London), then the total of them all."""
    out = []
    keys = list(dict.fromkeys(quarter(m) for m in months))
    for key in keys:
        inside = [m for m in months if quarter(m) == key]
        counts: Counter[str] = sum((monthly[m] for m in inside), Counter())
        label, unfinished = quarter_label(key, inside, today)
        out.append(Line(key, label, _values(counts), to_date=unfinished))
    everything: Counter[str] = sum((monthly[m] for m in months), Counter())
    out.append(Line("total", _("All these quarters"), _values(everything), True))
    return out


def title() -> str:
    return _("Each quarter's reports followed to their outcomes")


def row_header() -> str:
    return _("Quarter received")


def note() -> str:
    return _(
        "Each report counts once, in the quarter it was received, with everything that has happened to it since, "
        "whenever that was, to date: a report passed to the police in a later quarter, or whose outcome came "
        "later, stays in the row of the quarter it was received in, so a quarter's figures grow as outcomes come "
        "in. Passed to police: a referral was sent, counted in the quarter the report was received (the "
        "strategy's measure “referred to police” counts a report in the period its first referral was sent, so "
        "the two differ; the share is the Police and Crime Commissioner's measure). Acknowledged: the police "
        "acknowledged a referral (the measure “referrals acknowledged” counts referrals in the period they were "
        "acknowledged). Recorded as a crime: a referral brought a crime reference back or the force matched the "
        "report to a crime it recorded, counted once: the same count as the measure “police-recorded crimes”. "
        "Police outcome: the latest outcome the police recorded on the report's referrals. Still open: the "
        "report's status now is anything but closed. A quarter not yet ended is marked to date. Open data "
        "publishes a different, final cohort: each quarter followed for %(months)s months after its end.",
        months=FOLLOW_UP_MONTHS)


def summary(line: Line | None) -> str:
    """One sentence for the chart, from the total line."""
    if line is None or not line.values[0]:
        return _("No reports in this period.")
    received, passed, share, _ack, crime = line.values[:5]
    still_open = line.values[-2]
    return _("Of %(received)s reports received, %(passed)s (%(share)s) were passed to the police and %(crime)s "
             "recorded as a crime; %(open)s are still open.", received=received, passed=passed, share=share,
             crime=crime, open=still_open)


def chart_series(table_lines: Sequence[Any]) -> tuple[list[str], list[tuple[str, list[int]]]]:
    """The quarters and the counts the chart draws for each, from the table's rows (Line or figures.Row)."""
    quarters = [line for line in table_lines if not line.total]
    picked = [(0, _("Received")), (1, _("Passed to police")), (3, _("Acknowledged")), (4, _("Recorded as a crime")),
              (len(columns()) - 2, _("Still open"))]
    return ([line.label for line in quarters],
            [(name, [int(line.values[i]) for line in quarters]) for i, name in picked])


# Open data: one row per count, one column per published period -------------------------------

def open_rows() -> list[tuple[str, str]]:
    """(count code, words) of the open data table's rows. The first, the reports received, is the
    period's reports of every other table: not a total of the rows below it (they overlap)."""
    return [(RECEIVED, _("Reports received")), (PASSED, _("Passed to police")),
            (ACKNOWLEDGED, _("Acknowledged by police")), (CRIME, _("Recorded as a crime")),
            *((code, _("Police outcome: %(outcome)s", outcome=words)) for code, words in outcomes()),
            (NO_OUTCOME, _("Passed to police, no outcome yet")), (STILL_OPEN, _("Still open"))]


def open_relations(reports_row: str) -> list[tuple[list[str], list[str]]]:
    """What a reader knows of the rows in every column: (smaller, larger) sums of row codes.

    The first row is the period's reports (the margin every open data table shares); none is
    more than they are; acknowledged ones and each outcome were passed to the police;
    the outcomes and "no outcome yet" together are exactly the reports passed to the police."""
    split = [code for code, _words in outcomes()] + [NO_OUTCOME]
    return [
        ([RECEIVED], [reports_row]), ([reports_row], [RECEIVED]),  # the same reports
        *(([code], [RECEIVED]) for code, _words in open_rows() if code != RECEIVED),
        ([ACKNOWLEDGED], [PASSED]),
        *(([code], [PASSED]) for code in split),
        (split, [PASSED]), ([PASSED], split),
    ]


def open_title() -> str:
    return _("Each quarter's reports followed for %(months)s months after the quarter's end", months=FOLLOW_UP_MONTHS)


def open_note() -> str:
    return _(
        "Reports by the quarter they were received in, with what had happened to them within %(months)s months "
        "after the end of that quarter (for a year, each quarter's reports within %(months)s months of their own "
        "quarter's end, so the quarters add up to the year). A quarter is published only once those months have "
        "passed, and its figures are final: they never change in a later publication. This is not the to-date "
        "table on the statistics page, which grows as outcomes come in. Passed to police: a referral was sent. "
        "Acknowledged: the police acknowledged a referral. Recorded as a crime: a referral brought a crime "
        "reference back or the force matched the report to a crime, counted once. Police outcome: the latest "
        "outcome recorded on the report's referrals. Still open: not closed at the end of those months. Counts "
        "from 1 to 4 are shown as <5, and others that would reveal them as [c].", months=FOLLOW_UP_MONTHS)


def open_cube(monthly: Mapping[str, Counter[str]]) -> Counter[tuple[str, str]]:
    """(month, count code) -> reports, as the open data tables are made of."""
    return Counter({(month, code): n for month, counts in monthly.items() for code, n in counts.items()})
