"""Disclosure control for published figures ("open data"): the statistics' tables as one
system of counts for reporting/disclosure/suppression.py.

Every count from 1 to 4 is shown as "<5" (primary suppression); more are hidden as "[c]"
(secondary suppression) until no hidden count can be worked out from everything published
together: rows adding up to their totals, the quarters to their year, columns to the total
row, the total row being the same reports in every table, and what a reader knows besides
(no strand has more reports than the period has; every report names a strand and a type).

Everything that can be published together is suppressed in one call: open data is only
ever the fixed periods (financial years and their quarters, reporting/periods.py) and
the fixed breakdowns, all of them at once, so no two publications can be subtracted.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from reporting.disclosure.suppression import PRIMARY, SECONDARY, System, suppress as suppress_system
from reporting.stats import figures, queries
from reporting.stats.figures import REPORTS_ROW, Row, Table
from reporting.periods import Period, parse_month, publishable_periods

__all__ = ["PRIMARY", "SECONDARY", "Publication", "open_data", "publishable", "suppress", "system_for"]
Key = tuple[int, int, int]  # (table, row, column) across the tables published together


def system_for(tables: list[Table], *, shared_margin: bool = True) -> System:
    """The counts of ``tables`` and every sum and inequality a reader of them all knows."""
    system = System({})
    margin: dict[int, Key] = {}  # column -> the first total row's cell: the period's reports
    for t, table in enumerate(tables):
        values = [[int(v) if isinstance(v, int) else 0 for v in row.values] for row in table.rows]
        for r, row in enumerate(values):
            for c, value in enumerate(row):
                system.values[(t, r, c)] = value
        width = len(table.columns)
        row_sums = list(table.row_sums)
        if table.additive_rows and width > 1:
            row_sums.append((list(range(width - 1)), width - 1))
        for r in range(len(values)):
            for parts, total in row_sums:
                system.add_sum([(t, r, c) for c in parts], (t, r, total))
        total_row = len(values) - 1 if table.rows and table.rows[-1].total else None
        if table.additive_columns and total_row:  # rows above the total row add up to it
            for c in range(width):
                system.add_sum([(t, r, c) for r in range(total_row)], (t, total_row, c))
        if shared_margin and total_row is not None:
            for c in range(width):
                if c in margin:
                    system.add_same(margin[c], (t, total_row, c))
                else:
                    margin[c] = (t, total_row, c)
    for t, table in enumerate(tables):
        where = {row.code: r for r, row in enumerate(table.rows)}
        for smaller, larger in table.relations:
            for c in range(len(table.columns)):
                def cells(codes: list[str]) -> list[Key] | None:
                    out = []
                    for code in codes:
                        if code in where:
                            out.append((t, where[code], c))
                        elif code == REPORTS_ROW and c in margin:
                            out.append(margin[c])
                        else:
                            return None
                    return out
                low, high = cells(smaller), cells(larger)
                if low is not None and high is not None:
                    system.add_at_most(low, high)
    return system


def suppress(tables: Iterable[Table], *, shared_margin: bool = True) -> list[Table]:
    """Published copies of ``tables`` with "<5" and "[c]" in place of the hidden counts,
    suppressed together (see the module's docstring).

    With ``shared_margin``, the tables with a total row share it (the reports of each period),
    and a margin cell hidden in one is hidden in all of them.
    """
    tables = list(tables)
    system = system_for(tables, shared_margin=shared_margin)

    def rank(key: object) -> int:  # an inner count before a total
        assert isinstance(key, tuple)
        table_index, row_index, _column = key
        return int(tables[table_index].rows[row_index].total)

    result = suppress_system(system, rank=rank)
    out = []
    for t, table in enumerate(tables):
        rows = []
        for r, row in enumerate(table.rows):
            values: list[int | float | str | None] = [
                result.shown((t, r, c), v) if isinstance(v, int) else v
                for c, v in enumerate(row.values)]
            rows.append(Row(row.code, row.label, values, row.total))
        out.append(Table(table.id, table.title, table.row_header, list(table.columns), rows, table.note,
                         table.additive_rows, table.additive_columns, list(table.column_codes),
                         list(table.row_sums), list(table.relations)))
    return out


@dataclass(frozen=True)
class Publication:
    """Open data: every publishable period's tables, suppressed together."""

    periods: list[Period]
    tables: list[Table]


def publishable(today: date) -> tuple[list[Period], list[Table]]:
    """The periods open data may publish on ``today`` and their tables before suppression."""
    periods = publishable_periods(queries.earliest_month(), today)
    if not periods:
        return [], []
    f = queries.Filters(first_month=parse_month(periods[0].first), last_month=parse_month(periods[-1].last))
    built = figures.build(f, today)
    # The cohort table: only quarters followed for six months after their end, with what was known then.
    final = figures.final_cohorts(periods, today)
    return periods, figures.open_data_tables(built, periods, final)


def open_data(today: date) -> Publication:
    """Everything open data may publish on ``today``: the fixed tables for every financial
    year ended and every quarter ended since the first report (the cohort table for those whose
    follow-up window has ended: reporting/stats/cohorts.py), suppressed in one system, never for
    other dates or filters."""
    periods, tables = publishable(today)
    return Publication(periods, suppress(tables)) if periods else Publication([], [])
