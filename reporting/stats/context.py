"""Context for a rise (issue 30 item 7): the statistics' view of what else was going on.

A rise in reports may come from better reporting, not more hate. Three things help a reader
tell: the Group's initiatives (reporting/context) named in the period tables, listed in their
own table and marked on the trend chart; reports per 1,000 residents by area, where an
administrator entered the area's population; and the months in which an area or a strand rose
well beyond its usual range, by one stated rule (``is_unusual``).

Everything here is read from clear columns and counts (the months the statistics keep, and the
initiatives' and populations' rows): no key, no sealed column.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import fmean, pstdev
from typing import Any

from reporting import labels
from reporting.context import queries as context_queries
from reporting.context.models import AreaPopulation, Initiative
from reporting.periods import calendar_year, financial_year, months_between, next_month, parse_month, quarter
from reporting.stats import cache, queries
from reporting.stats.figures import Figures, Row, Table, month_sums
from reporting.words import gettext as _

# The rule for an unusual month, stated on the page (``rule_words``) and tested at its edges.
HISTORY_MONTHS = 12  # the months before a month that make its usual range
SPREAD = 2  # standard deviations above the mean
AT_LEAST_MORE = 3  # and at least this many reports more than the mean
# The period tables that name the initiatives running in each row's months.
PERIOD_TABLES = {"by_month": lambda m: m, "by_quarter": quarter, "by_financial_year": financial_year,
                 "by_calendar_year": calendar_year}
LABEL_LENGTH = 24  # a marker's label on the chart


def rule_words() -> str:
    return str(_("A month is flagged when an area's or a strand's reports are more than the average of the "
             "%(months)s months before it plus %(spread)s standard deviations, and at least %(more)s more than "
             "that average. The usual range is the average minus and plus %(spread)s standard deviations (never "
             "below 0). A month is judged only when the service has records for all %(months)s months before it, "
             "and never before it has ended: this month is “to date”.",
             months=HISTORY_MONTHS, spread=SPREAD, more=AT_LEAST_MORE))


@dataclass(frozen=True)
class UsualRange:
    mean: float
    low: float
    high: float


def usual_range(history: Sequence[int]) -> UsualRange:
    """The average of ``history`` and the range within ``SPREAD`` population standard deviations."""
    mean = fmean(history)
    spread = SPREAD * pstdev(history)
    return UsualRange(mean, max(0.0, mean - spread), mean + spread)


def is_unusual(reports: int, history: Sequence[int]) -> bool:
    """The rule: ``HISTORY_MONTHS`` months of history, and reports above the usual range and at
    least ``AT_LEAST_MORE`` more than the average. Less history than that is never judged.

    Worked in whole numbers, so a count exactly at the top of the range (or exactly 3 more) is
    judged as the words say, and fast (the page asks for every area and strand of every month):
    with n months summing to S, their squares to Q, and d = n * reports - S, the count is more
    than the mean plus SPREAD deviations when d > 0 and d² > SPREAD² (nQ - S²), and at least
    AT_LEAST_MORE more than the mean when d >= AT_LEAST_MORE * n."""
    if len(history) < HISTORY_MONTHS:
        return False
    months = history[-HISTORY_MONTHS:]
    n, total = len(months), sum(months)
    above = n * reports - total
    if above < AT_LEAST_MORE * n or above <= 0:
        return False
    return above * above > SPREAD * SPREAD * (n * sum(x * x for x in months) - total * total)


def _shift(month: str, by: int) -> str:
    year, number = int(month[:4]), int(month[5:7]) - 1 + by
    return f"{year + number // 12:04d}-{number % 12 + 1:02d}"


@dataclass(frozen=True)
class Flag:
    dimension: str  # "area" or "strand"
    code: str
    month: str
    reports: int
    usual: UsualRange


def unusual_months(series: Mapping[str, Mapping[Any, int]], months: Sequence[str], *, dimension: str,
                   earliest: str | None, this_month: str) -> list[Flag]:
    """The flagged (code, month)s of ``months``: ``series`` is month -> code -> reports, holding the
    ``HISTORY_MONTHS`` months before the first too. ``earliest`` is the service's first month with a
    report (months before it are no history); ``this_month`` and later are never flagged."""
    flags = []
    codes = sorted({code for counts in series.values() for code in counts if code is not None}, key=str)
    for month in months:
        first = _shift(month, -HISTORY_MONTHS)
        if month >= this_month or earliest is None or first < earliest:
            continue
        before = [_shift(month, -i) for i in range(HISTORY_MONTHS, 0, -1)]
        for code in codes:
            history = [series.get(m, {}).get(code, 0) for m in before]
            reports = series.get(month, {}).get(code, 0)
            if is_unusual(reports, history):
                flags.append(Flag(dimension, str(code), month, reports, usual_range(history)))
    return flags


def _last_day(month: str) -> date:
    return next_month(parse_month(month)) - timedelta(days=1)


def _runs_in(initiative: Initiative, months: Sequence[str]) -> bool:
    return initiative.starts_on <= _last_day(months[-1]) and (
        initiative.ends_on is None or initiative.ends_on >= parse_month(months[0]))


def _named(initiative: Initiative, areas: Mapping[str, str]) -> str:
    if initiative.area:
        return str(_("%(title)s (%(area)s)", title=initiative.title, area=areas.get(initiative.area, initiative.area)))
    return initiative.title


def _rate(reports: int, population: int) -> float:
    return round(1000 * reports / population, 2)


def _one_decimal(value: float) -> str:
    return f"{value:.1f}"


def add_to(figures: Figures, this_month: str) -> None:
    """Add the context to a page's (or an export's) figures: the initiatives running in each row
    of the period tables, reports per 1,000 residents in the area table, and three tables: the
    initiatives, the areas' rates, and the unusual months."""
    f, months = figures.filters, figures.months
    areas = dict(context_queries.areas())
    running = context_queries.initiatives_between(parse_month(months[0]), _last_day(months[-1]), f.area)
    if running:
        for table_id, period in PERIOD_TABLES.items():
            table = next((t for t in figures.tables if t.id == table_id), None)
            if table is None:
                continue
            inside: dict[str, list[str]] = {}
            for m in months:
                inside.setdefault(period(m), []).append(m)
            table.columns = [*table.columns, _("Initiatives running")]
            table.text_columns.add(len(table.columns) - 1)
            for row in table.rows:
                names = [_named(i, areas) for i in running if row.code in inside and _runs_in(i, inside[row.code])]
                row.values = [*row.values, "; ".join(names) or None]
    # A table with no rows is left out (every table of a page is in its exports, with rows): the
    # page says in words that there is none, from the summaries.
    for table in (_initiatives_table(running, areas), None, _unusual_table(figures, this_month, areas)):
        if table is None:
            _add_rates(figures, context_queries.populations())
        elif table.rows:
            figures.tables.append(table)
        else:
            figures.summaries[table.id] = table.note


def _initiatives_table(running: Sequence[Initiative], areas: Mapping[str, str]) -> Table:
    rows = [Row(str(i.id), i.title, [
        labels.label("initiative_kind", i.kind), labels.day(i.starts_on),
        labels.day(i.ends_on) if i.ends_on else _("Still running"),
        areas.get(i.area, i.area) if i.area else _("Every area"),
    ]) for i in running]
    note = _("What the Group did that may bring more reports, running at any time in the dates chosen. "
             "Analysts and administrators record them on the initiatives page.")
    if not rows:
        note = _("No initiative recorded ran in these months.") + " " + note
    return Table("context_initiatives", _("Initiatives running in these months"), _("Initiative"),
                 [_("Kind"), _("Started"), _("Ended"), _("Area")], rows, note=note, text_columns={0, 1, 2, 3})


def _add_rates(figures: Figures, populations: Mapping[str, AreaPopulation]) -> None:
    by_area = next((t for t in figures.tables if t.id == "by_area"), None)
    if by_area is None:
        return
    if not populations:
        by_area.note = " ".join(filter(None, [by_area.note, _(
            "No area's population is entered, so there are no rates per 1,000 residents: an administrator "
            "can enter them under Administration, Area populations.")]))
        return
    by_area.columns = [*by_area.columns, _("Reports per 1,000 residents")]
    rows = []
    for row in by_area.rows:
        entered = populations.get(row.code)
        reports = row.values[0] if isinstance(row.values[0], int) else 0
        row.values = [*row.values, _rate(reports, entered.population) if entered else _("Not entered")]
        if entered:
            rows.append(Row(row.code, row.label, [reports, entered.population, _rate(reports, entered.population),
                                                  entered.source, entered.year]))
    sources = "; ".join(_("%(area)s: %(residents)s residents (%(source)s, %(year)s)", area=row.label,
                          residents=labels.thousands(int(row.values[1] or 0)), source=row.values[3],
                          year=row.values[4]) for row in rows)
    per = _("Reports per 1,000 residents: the reports in the dates chosen for every 1,000 people living in "
            "the area. Residents: %(sources)s. Areas with no population entered have no rate.", sources=sources)
    by_area.note = " ".join(filter(None, [by_area.note, per]))
    if rows:
        figures.tables.append(Table(
            "context_rates", _("Reports per 1,000 residents by area"), _("Area"),
            [_("Reports"), _("Residents"), _("Reports per 1,000 residents"), _("Source of the population"),
             _("Year of the population")], rows, note=per, text_columns={3}))


def _unusual_table(figures: Figures, this_month: str, areas: Mapping[str, str]) -> Table:
    f, months = figures.filters, figures.months
    wider = queries.Filters(parse_month(_shift(months[0], -HISTORY_MONTHS)), f.last_month, f.area, f.strand,
                            f.channel, f.centre_id)
    sums = cache.monthly(wider, month_sums)
    earliest = queries.earliest_month()
    strands = {code: words for code, words, _g in queries.choice_labels("strand")}
    flags: list[Flag] = []
    for dimension in ("area", "strand"):
        series = {m: sums[m].by[dimension] for m in months_between(wider.first_month, wider.last_month)}
        flags += unusual_months(series, months, dimension=dimension, earliest=earliest, this_month=this_month)
    flags.sort(key=lambda flag: (flag.month, flag.dimension, flag.code))
    rows = []
    for flag in flags:
        words = areas.get(flag.code, flag.code) if flag.dimension == "area" else strands.get(flag.code, flag.code)
        what = _("Area: %(name)s", name=words) if flag.dimension == "area" else _("Strand: %(name)s", name=words)
        rows.append(Row(f"{flag.dimension}:{flag.code}:{flag.month}", what, [
            labels.month_name(flag.month), flag.reports, round(flag.usual.mean, 1),
            _("%(low)s to %(high)s", low=_one_decimal(flag.usual.low), high=_one_decimal(flag.usual.high)),
        ]))
    note = rule_words()
    if not rows:
        note = _("No month is flagged.") + " " + note
    return Table("context_unusual_months", _("Months well beyond the usual range"), _("Area or strand"),
                 [_("Month"), _("Reports"), _("Average of the 12 months before"), _("Usual range")], rows, note=note,
                 text_columns={0})


def chart_markers(figures: Figures) -> list[tuple[int, str]]:
    """(month index, short label) of each initiative starting within the chart's months."""
    months = figures.months
    out = []
    for initiative in context_queries.initiatives_between(parse_month(months[0]), _last_day(months[-1]),
                                                          figures.filters.area):
        start = f"{initiative.starts_on.year:04d}-{initiative.starts_on.month:02d}"
        if start in months:
            title = initiative.title
            short = title if len(title) <= LABEL_LENGTH else title[:LABEL_LENGTH - 1].rstrip() + "…"
            out.append((months.index(start), short))
    return out
