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
the page's table, the open data table and the chart's figures from what it returns, so the
page, every export and open data show the same numbers.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from flask_babel import gettext

from reporting import labels
from reporting.codes import Outcome, Status
from reporting.db import utcnow
from reporting.periods import london_month, quarter

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


def outcome_code(outcome: str) -> str:
    return f"outcome:{outcome}"


class Line(NamedTuple):
    """One row of a table, in the order of figures.Row's fields (code, label, values, total)."""

    code: str
    label: str
    values: list[Any]
    total: bool = False


def month_counts(rows: Iterable[Sequence[Any]], received: int, closed: int) -> Counter[str]:
    """One month's cohort counts from its grouped rows (month, passed, acknowledged, crime, outcome,
    reports: only the reports passed to the police or matched to a crime), how many reports it
    received and how many of them are closed now."""
    counts: Counter[str] = Counter({RECEIVED: received})
    for _month, passed, acknowledged, crime, outcome, n in rows:
        if passed:
            counts[PASSED] += n
            if outcome and outcome not in KNOWN_OUTCOMES:  # a code no longer in the list: "other", so they add up
                outcome = Outcome.OTHER.value
            counts[outcome_code(outcome) if outcome else NO_OUTCOME] += n
        if acknowledged:
            counts[ACKNOWLEDGED] += n
        if crime:
            counts[CRIME] += n
    counts[STILL_OPEN] = max(0, counts[RECEIVED] - closed)
    return counts


def this_month() -> str:
    """The month it is now in London: a quarter holding it, or ending after it, has not ended."""
    return london_month(utcnow())


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


def quarter_label(key: str, inside: list[str], this_month: str) -> str:
    """The quarter's name, marked "to date" if it has not ended, or with its months if the dates
    chosen hold only part of it."""
    whole = _quarter_months(key)
    if whole[-1] < this_month and inside == whole:
        return key
    if whole[-1] >= this_month and inside == [m for m in whole if m <= this_month]:
        return _("%(quarter)s (to date)", quarter=key)
    return _("%(quarter)s (%(first)s to %(last)s only)", quarter=key, first=labels.month_name(inside[0]),
             last=labels.month_name(inside[-1]))


def lines(monthly: Mapping[str, Counter[str]], months: list[str], this_month: str) -> list[Line]:
    """One line per quarter of receipt in ``months``, then the total of them all."""
    out = []
    keys = list(dict.fromkeys(quarter(m) for m in months))
    for key in keys:
        inside = [m for m in months if quarter(m) == key]
        counts: Counter[str] = sum((monthly[m] for m in inside), Counter())
        out.append(Line(key, quarter_label(key, inside, this_month), _values(counts)))
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
        "whenever that was: a report passed to the police in a later quarter, or whose outcome came later, stays "
        "in the row of the quarter it was received in, so a quarter's figures grow as outcomes come in. Passed "
        "to police: a referral was sent (the share is the Police and Crime Commissioner's measure). "
        "Acknowledged: the police acknowledged a referral. Recorded as a crime: a referral brought a crime "
        "reference back or the force matched the report to a crime it recorded, counted once. Police outcome: "
        "the latest outcome the police recorded on the report's referrals. Still open: the report's status now "
        "is anything but closed. A quarter not yet ended is marked to date.")


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


def open_note() -> str:
    return _(
        "Reports by the quarter or year they were received in, with everything that has happened to them since: "
        "these figures grow as outcomes come in. Passed to police: a referral was sent. Recorded as a crime: a "
        "referral brought a crime reference back or the force matched the report to a crime, counted once. "
        "Police outcome: the latest outcome on the report's referrals. Still open: not closed now. Counts from "
        "1 to 4 are shown as <5, and others that would reveal them as [c].")


def open_cube(monthly: Mapping[str, Counter[str]]) -> Counter[tuple[str, str]]:
    """(month, count code) -> reports, as the open data tables are made of."""
    return Counter({(month, code): n for month, counts in monthly.items() for code, n in counts.items()})
