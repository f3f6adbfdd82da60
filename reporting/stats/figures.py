"""The figures of the statistics page, built from the grouped queries.

Everything a page, an export or the command line shows is a ``Table``: a title,
column headings and labelled rows of numbers. The same tables feed the HTML,
CSV, XLSX and JSON (``hcr-stats/1``), so an export always matches the page.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from reporting import labels
from reporting.codes import (
    NOT_CLOSED,
    SUPPORT,
    Channel,
    ClosureReason,
    PoliceConsent,
    ReporterType,
    Status,
    StrategyGroup,
)
from reporting.stats import cache, centre_counts, queries, repeats
from reporting.stats import cohorts
from reporting.periods import (
    Period,
    calendar_year,
    financial_year,
    has_ended,
    london_today,
    month_key,
    months_between,
    parse_month,
    quarter,
)
from reporting.stats import support as support_figures
from reporting.words import gettext as _

Value = int | float | str | None


@dataclass
class Row:
    code: str
    label: str
    values: list[Value]
    total: bool = False  # the table's total row
    to_date: bool = False  # a period not over yet: marked "to date", never compared (issue 30)


@dataclass
class Table:
    id: str
    title: str
    row_header: str
    columns: list[str]
    rows: list[Row]
    note: str = ""
    # For the open data view: rows and columns add up to the last row and column.
    additive_rows: bool = False
    additive_columns: bool = False
    # Open data: each column's period ("2025/26 Q2"), its months ("2025-07..2025-09"), which
    # columns add up to which (the quarters to their year), and what a reader knows of the rows:
    # (smaller, larger) row codes whose sums are in that order in every column, "reports" being
    # the period's reports.
    column_codes: list[str] = field(default_factory=list)
    row_sums: list[tuple[list[int], int]] = field(default_factory=list)
    relations: list[tuple[list[str], list[str]]] = field(default_factory=list)
    # Columns of words, not numbers (by index): shown aligned as text, not as figures.
    text_columns: set[int] = field(default_factory=set)

    def column(self, index: int) -> list[Value]:
        return [row.values[index] for row in self.rows]


@dataclass
class Figures:
    filters: queries.Filters
    months: list[str]
    total: int
    tables: list[Table]
    summaries: dict[str, str] = field(default_factory=dict)
    monthly: dict[str, int] = field(default_factory=dict)
    by_strand: list[tuple[str, int]] = field(default_factory=list)
    by_area: list[tuple[str, int]] = field(default_factory=list)
    # (month, code) -> reports, per dimension: what the open data tables are made of.
    cubes: dict[str, Counter[tuple[str, Any]]] = field(default_factory=dict)
    to_date: str | None = None  # the month not over yet (this month), if the range reaches it
    cohorts: dict[str, Counter[str]] = field(default_factory=dict)  # month received -> its reports followed on

    def table(self, table_id: str) -> Table:
        return next(t for t in self.tables if t.id == table_id)


def percentile(histogram: Mapping[int, int], q: float) -> float | None:
    """Nearest-rank percentile of tenths of a day, in days; the median averages the middle two."""
    n = sum(histogram.values())
    if n == 0:
        return None

    def kth(k: int) -> int:  # 1-based
        seen = 0
        for value in sorted(histogram):
            seen += histogram[value]
            if seen >= k:
                return value
        raise AssertionError("unreachable")

    if q == 0.5:
        middle = (kth((n + 1) // 2) + kth(n // 2 + 1)) / 2
        return round(middle / 10, 1)
    return round(kth(max(1, math.ceil(q * n))) / 10, 1)


def change(now: int, before: int | None) -> str:
    """Year-on-year change in words and figures, e.g. "+12%"; "-" when there is nothing to compare."""
    if before is None:
        return "–"
    if before == 0:
        return "–" if now == 0 else _("up from none")
    pct = round(100 * (now - before) / before)
    return f"{pct:+d}%"


def _share(count: int, total: int) -> str:
    return f"{round(100 * count / total)}%" if total else "–"


def _rollup(monthly: Mapping[str, int], months: list[str], period: Callable[[str], str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for month in months:
        key = period(month)
        out[key] = out.get(key, 0) + monthly.get(month, 0)
    return out


def _shift_year(key: str, kind: str) -> str:
    if kind == "month":
        return f"{int(key[:4]) - 1:04d}{key[4:]}"
    if kind == "calendar":
        return str(int(key) - 1)
    start = int(key[:4]) - 1
    rest = key[7:] if kind == "quarter" else ""
    return f"{start}/{(start + 1) % 100:02d}{rest}"


PERIOD_MONTHS = {"month": 1, "quarter": 3, "fy": 12, "calendar": 12}


def to_date_label(label: str) -> str:
    """A period not over yet, in words: "December 2026 (to date)" (defined in reporting/labels.py, which
    the cohort table uses too)."""
    return labels.to_date_label(label)


def _period_table(table_id: str, title: str, header: str, counts: dict[str, int], kind: str,
                  months: list[str], period: Callable[[str], str], label: Callable[[str], str] = str,
                  today: date | None = None) -> Table:
    """Counts per period with the change on the same period a year before, when both
    periods lie wholly inside the range (a part-year is not compared with a whole one) and
    have ended: a period not over yet is marked "to date" and never compared."""
    size = Counter(period(m) for m in months)
    # Only the period holding this month can be unfinished: no month still to come is ever shown.
    ended = {period(m) for m in months} - ({period(month_key(today))} if today else set())
    whole = {key for key, n in size.items() if n == PERIOD_MONTHS[kind] and key in ended}
    rows = []
    for key, count in counts.items():
        before_key = _shift_year(key, kind)
        before = counts.get(before_key) if key in whole and before_key in whole else None
        unfinished = key not in ended
        rows.append(Row(key, to_date_label(label(key)) if unfinished else label(key), [count, change(count, before)],
                        to_date=unfinished))
    return Table(table_id, title, header, [_("Reports"), _("Change on a year before")], rows,
                 note=_("A period only partly inside the dates chosen is not compared. A period not over yet is "
                        "marked “to date” and is not compared either."))


def _breakdown(table_id: str, title: str, header: str, counts: Mapping[Any, int], order: Iterable[tuple[Any, str]],
               total: int, note: str = "") -> Table:
    rows = []
    seen = set()
    for code, label in order:
        seen.add(code)
        rows.append(Row(str(code), str(label), [counts.get(code, 0), _share(counts.get(code, 0), total)]))
    for code in sorted((c for c in counts if c not in seen), key=str):  # codes no longer in a list
        rows.append(Row(str(code), str(code), [counts[code], _share(counts[code], total)]))
    return Table(table_id, title, header, [_("Reports"), _("Share of reports")], rows, note=note)


# What one month's figures are summed by: a breakdown's dimension -> code -> reports.
DIMENSIONS: tuple[str, ...] = ("area", "channel", "centre", "reporter_type", "police_consent", "support", "status", "closure_reason",
              "strategy_group", "strand", "incident_type")
# The dimensions the open data tables are made of (by month, then summed by financial year).
CUBES: tuple[str, ...] = ("area", "channel", "reporter_type", "strategy_group", "strand", "incident_type")
DIMENSIONS += repeats.DIMENSIONS  # the reporter's answer "happened before", and (area, kind of place)
CUBES += (repeats.ANSWER,)  # open data: reports by whether it had happened before (never by place)


@dataclass(frozen=True)
class MonthSums:
    """One month's figures summed from its grouped rows: what a page adds up over its months.

    Kept by reporting/stats/cache.py for as long as the month is unchanged, so a look sums a
    few small counters per month instead of every grouped row of every month."""

    received: int
    by: dict[str, Counter[Any]]  # dimension -> code -> reports
    measures: Counter[str]  # the strategy's measures that are counts (see MEASURES)
    review: Counter[int]  # tenths of a day from report to first review -> reports
    ack: Counter[int]  # tenths of a day from referral to acknowledgement -> referrals
    cohort: Counter[str] = field(default_factory=Counter)  # the month's reports followed on (cohorts.py)


def month_sums(rows: Mapping[str, list[list[Any]]]) -> MonthSums:
    """Sum one month's grouped rows (statement name -> rows, each starting with the month)."""
    by: dict[str, Counter[Any]] = {name: Counter() for name in DIMENSIONS}
    received = 0
    for _m, area_code, channel_code, centre_id, n in rows["where_and_how"]:
        received += n
        by["area"][area_code] += n
        by["channel"][channel_code] += n
        by["centre"][centre_id] += n
    for _m, reporter_code, consent_code, wanted, status_code, closure_code, n in rows["who_and_what_next"]:
        by["reporter_type"][reporter_code] += n
        by["police_consent"][consent_code] += n
        by["support"][bool(wanted)] += n
        by["status"][status_code] += n
        by["closure_reason"][closure_code] += n
    for _m, groups, n in rows["strategy_groups"]:
        for code in strategy_groups(groups):
            by["strategy_group"][code] += n
    for _m, code, n in rows["strands"]:
        by["strand"][code] += n
    for _m, code, n in rows["types"]:
        by["incident_type"][code] += n
    repeats.add_month(rows["repeats"], by)
    counts: Counter[str] = Counter()
    review: Counter[int] = Counter()
    ack: Counter[int] = Counter()
    for _m, n in rows["reviewed"]:
        counts["reviewed"] += n
    for _m, n in rows["referred"]:
        counts["referred"] += n
    for _m, tenths, n in rows["acknowledged"]:
        counts["acknowledged"] += n
        ack[tenths] += n
    for _m, _outcome, _has_reference, n in rows["outcomes"]:
        counts["outcomes"] += n
    for _m, tenths, n in rows["first_review"]:
        review[tenths] += n
    for _m, kind, n in rows["linked"]:
        counts[f"linked_{kind}"] += n
    counts["received"] = received
    for code, n in by["strategy_group"].items():
        counts[f"group_{code}"] += n
    cohort = cohorts.month_counts(rows.get("cohorts", []), received, by["status"].get(cohorts.closed_status(), 0))
    # One definition (issue 30): the measure "crimes recorded" is the cohort's "recorded as a crime", by
    # the report's month, each report once however many references it has.
    counts["crimes_recorded"] = cohort[cohorts.CRIME]
    return MonthSums(received, by, counts, review, ack, cohort=cohort)


def build(f: queries.Filters, today: date | None = None) -> Figures:
    """Every figure of the page for these filters, as of ``today`` (London; today by default): a
    month still to come is never shown, and this month is marked "to date" and never compared."""
    today = today or london_today()
    if f.last_month > today:
        f = replace(f, last_month=date(today.year, today.month, 1), first_month=min(f.first_month, today.replace(day=1)))
    months = months_between(f.first_month, f.last_month)
    sums = cache.monthly(f, month_sums)
    totals: dict[str, Counter[Any]] = {name: Counter() for name in DIMENSIONS}
    cubes: dict[str, Counter[tuple[str, Any]]] = {name: Counter() for name in CUBES}
    for month in months:
        for name, counts in sums[month].by.items():
            totals[name].update(counts)
            if name in cubes:
                cubes[name].update({(month, code): n for code, n in counts.items()})
    in_range = {m: sums[m].received for m in months}
    total = sum(in_range.values())
    area, channel, centre = totals["area"], totals["channel"], totals["centre"]
    reporter, consent, support = totals["reporter_type"], totals["police_consent"], totals["support"]
    status, closure, group = totals["status"], totals["closure_reason"], totals["strategy_group"]
    strand, incident = totals["strand"], totals["incident_type"]

    area_choices = [(c, lbl) for c, lbl, _g in queries.choice_labels("area")]
    strand_choices = [(c, lbl) for c, lbl, _g in queries.choice_labels("strand")]
    type_choices = [(c, lbl) for c, lbl, _g in queries.choice_labels("incident_type")]
    centre_choices: list[tuple[Any, str]] = [*queries.centre_names(), (None, _("No centre"))]
    # The Home Office's five monitored strands: the strand list marks them (data, not code).
    home_office = [(c, lbl) for c, lbl, grouping in queries.choice_labels("strand") if grouping == "monitored"]

    tables = [
        _period_table("by_month", _("Reports by month"), _("Month"), in_range, "month", months, str, labels.month_name,
                      today),
        _period_table("by_quarter", _("Reports by quarter (financial year)"), _("Quarter"),
                      _rollup(in_range, months, quarter), "quarter", months, quarter, today=today),
        _period_table("by_financial_year", _("Reports by financial year (April to March)"), _("Financial year"),
                      _rollup(in_range, months, financial_year), "fy", months, financial_year, today=today),
        _period_table("by_calendar_year", _("Reports by calendar year"), _("Year"),
                      _rollup(in_range, months, calendar_year), "calendar", months, calendar_year, today=today),
        _breakdown("by_strand", _("Reports by strand (the service's categories)"), _("Strand"), strand, strand_choices,
                   total, _("A report can name more than one strand, so these add up to more than the reports.")),
        _breakdown("by_home_office_strand", _("Reports by the Home Office's five monitored strands"), _("Strand"),
                   {c: strand[c] for c, _lbl in home_office}, home_office, total),
        _breakdown("by_incident_type", _("Reports by incident type"), _("Incident type"), incident, type_choices, total,
                   _("A report can name more than one type, so these add up to more than the reports.")),
        _breakdown("by_area", _("Reports by area"), _("Area"), area, area_choices, total),
        _breakdown("by_channel", _("Reports by channel"), _("Channel"), channel, Channel.words().items(), total),
        _breakdown("by_centre", _("Reports by centre"), _("Centre"), centre, centre_choices, total),
        _breakdown("by_reporter_type", _("Reports by who reported"), _("Reporter"), reporter,
                   ReporterType.words().items(), total),
        _breakdown("by_police_consent", _("Reports by police consent"), _("May the Group pass it to the police?"),
                   consent, PoliceConsent.words().items(), total),
        _breakdown("by_support", _("Reports by support wanted"), _("Support"), support, SUPPORT.items(), total),
        _breakdown("by_status", _("Reports by status now"), _("Status"), status, Status.words().items(), total),
        _breakdown("by_closure_reason", _("Reports by closure reason"), _("Closure reason"), closure,
                   [(None, NOT_CLOSED), *ClosureReason.words().items()], total),
        _breakdown("by_strategy_group", _("Reports from the groups least likely to report"), _("Group"), group,
                   strategy_group_order(), total, strategy_group_note()),
    ]
    tables += repeat_tables([sums[m] for m in months], total, area_choices)
    measures_q, measures_y = measures(sums, months, heard_at_meeting(f, today), today)
    tables += [measures_q, measures_y]
    monthly_cohorts = {m: sums[m].cohort for m in months}
    cohort_lines = cohorts.lines(monthly_cohorts, months, today)
    tables.append(Table(cohorts.TABLE_ID, cohorts.title(), cohorts.row_header(), cohorts.columns(),
                        [Row(*line) for line in cohort_lines], note=cohorts.note()))
    # Issue 30 item 8: support and "How did we do?" by quarter (reporting/stats/support.py).
    tables += [Table(t.id, t.title, t.row_header, t.columns, [Row(*row) for row in t.rows], note=t.note)
               for t in support_figures.tables(f)]
    tables.append(centre_counts.centres_table(months, Table, Row))
    figures = Figures(f, months, total, tables, monthly=in_range,
                      by_strand=[(str(lbl), strand.get(c, 0)) for c, lbl in strand_choices],
                      by_area=[(str(lbl), area.get(c, 0)) for c, lbl in area_choices],
                      cubes={name: cube for name, cube in cubes.items() if cube},
                      to_date=next((m for m in months if not has_ended(m, today)), None))
    figures.summaries = summaries(figures, months, in_range)
    figures.cohorts = monthly_cohorts
    figures.summaries["cohorts"] = cohorts.summary(cohort_lines[-1])
    return figures


# Strategy groups: the clear field names the four groups; "any" and "not known" are made here.
ANY_GROUP = "any"
NOT_KNOWN = "not_known"


def strategy_groups(value: str | None) -> list[str]:
    """The codes one report's clear ``strategy_groups`` counts in: each group it names and "any"
    if it names one; "not known" for a report from before they were kept."""
    if value is None:
        return [NOT_KNOWN]
    named = [code for code in value.split(",") if code]
    return [*named, ANY_GROUP] if named else []


def strategy_group_order() -> list[tuple[str, Any]]:
    return [*((str(code), words) for code, words in StrategyGroup.words().items()),
            (ANY_GROUP, _("Any of these groups")),
            (NOT_KNOWN, _("Not known: received before the service recorded these groups"))]


def strategy_group_note() -> str:
    return str(_("From the reasons the reporter chose, kept in clear only as which of these groups a report names. "
             "A report can name more than one group. Reports received before the service kept this are "
             "counted as not known, never guessed."))


MEASURES = (
    "received", "reviewed", "referred", "acknowledged", "crimes_recorded", "outcomes",
    "review_median", "review_p90", "ack_median", "ack_p90", "linked_related", "linked_duplicate",
    "group_gypsy_roma_traveller", "group_migrant", "group_transgender", "group_disability", "group_any",
    "group_not_known", *repeats.MEASURES,
    "heard_at_meeting",
)


def measure_headings() -> list[str]:
    return [
        _("Reports received"), _("Cases reviewed by the Group"), _("Referred to police"),
        _("Referrals acknowledged"), _("Police-recorded crimes (by the report's month)"),
        _("Police outcomes recorded"),
        _("Median days from report to first review"), _("90th percentile days from report to first review"),
        _("Median days from referral to acknowledgement"), _("90th percentile days from referral to acknowledgement"),
        _("Reports linked as related by the Group"), _("Reports linked as duplicates"),
        *(_("Reports from the group: %(group)s", group=str(words)) for words in StrategyGroup.words().values()),
        _("Reports from any of the groups least likely to report"),
        _("Reports where the groups are not known (received before the service recorded them)"),
        *repeats.measure_headings(),
        _("Cases heard at a meeting of the Group"),
    ]


def heard_at_meeting(f: queries.Filters, today: date) -> dict[str, int | None]:
    """Month -> cases first heard at a meeting of the Group held that month (and by ``today``); None
    for the months before the first meeting kept here, when no hearing was recorded (not zero)."""
    first = queries.first_meeting_month()
    heard = queries.heard_at_meeting_by_month(f, today)
    return {m: (heard.get(m, 0) if first is not None and m >= first else None)
            for m in months_between(f.first_month, f.last_month)}


def heard_note() -> str:
    first = queries.first_meeting_month()
    if first is None:
        return str(_("No meeting of the Group has been recorded here yet, so no case shows as heard at one: "
                     "the cases the Group reviewed are counted as reviewed."))
    return str(_("Meetings of the Group have been recorded here since %(month)s: periods before then show no "
                 "figure for cases heard at a meeting (“–”), only the cases the Group reviewed.",
                 month=labels.month_name(first)))


def measures(sums: Mapping[str, MonthSums], months: list[str], heard: Mapping[str, int | None],
             today: date) -> tuple[Table, Table]:
    """The strategy's measures per quarter and per financial year; a period not over yet is "to date"."""
    monthly = {m: sums[m].measures for m in months}
    review = {m: sums[m].review for m in months}
    ack = {m: sums[m].ack for m in months}

    def table(table_id: str, title: str, header: str, period: Callable[[str], str]) -> Table:
        keys = list(dict.fromkeys(period(m) for m in months))
        rows = []
        for key in keys:
            inside = [m for m in months if period(m) == key]
            counts: Counter[str] = sum((monthly[m] for m in inside), Counter())
            review_h: Counter[int] = sum((review[m] for m in inside), Counter())
            ack_h: Counter[int] = sum((ack[m] for m in inside), Counter())
            values: dict[str, Value] = {name: counts.get(name, 0) for name in MEASURES}
            values |= {"review_median": percentile(review_h, 0.5), "review_p90": percentile(review_h, 0.9),
                       "ack_median": percentile(ack_h, 0.5), "ack_p90": percentile(ack_h, 0.9)}
            values |= repeats.measures([sums[m] for m in inside])
            kept = [n for m in inside if (n := heard.get(m)) is not None]
            values["heard_at_meeting"] = sum(kept) if kept else None
            unfinished = period(month_key(today)) == key  # the period holding this month is not over
            rows.append(Row(key, to_date_label(key) if unfinished else key, [values[name] for name in MEASURES],
                            to_date=unfinished))
        return Table(table_id, title, header, measure_headings(), rows, note=_(
            "Two measures of the Group's work, each case counted once: cases reviewed by the Group (first moved "
            "to “under review”, in the period that happened), and cases heard at a meeting of the Group (in the "
            "period the meeting was held, once it has been held, whenever the decision was typed). "
            "Police-recorded crimes are counted in the period the report was received, as the quarterly "
            "extract lists them, a report with a crime reference from both a referral and the force's matches "
            "once. A period not over yet is marked “to date”. Referrals, acknowledgements and outcomes are counted in the period they happened "
            "(so “referred to police” is not the cohort table's “passed to police”, which counts each report in the "
            "quarter it was received); response "
            "times and links by the month the report was received. Reports linked as related are the Group's links "
            "between cases; whether it had happened before is the reporter's own answer, and a repeat location "
            "is an area and kind of place named by two or more reports in the period. The groups least likely to report (Gypsy, "
            "Roma and Traveller; migrant, asylum seeker or refugee; transgender; disability) come from the "
            "reasons the reporter chose, kept in clear only as which groups a report names; reports received "
            "before the service kept this are counted as not known.") + " " + heard_note())

    return (table("measures_by_quarter", _("The strategy's measures by quarter"), _("Quarter"), quarter),
            table("measures_by_financial_year", _("The strategy's measures by financial year"), _("Financial year"),
                  financial_year))


def summaries(figures: Figures, months: list[str], monthly: Mapping[str, int]) -> dict[str, str]:
    """One sentence per chart, e.g. "Reports rose 12% on the same months a year before"."""
    out: dict[str, str] = {}
    # Only months that have ended are compared: this month, to date, is left out (issue 30).
    ended = [m for m in months if m != figures.to_date]
    last_fy = financial_year(ended[-1]) if ended else None
    this = [m for m in ended if financial_year(m) == last_fy]
    before = [_shift_year(m, "month") for m in this]
    if this and all(m in monthly for m in before):
        now_n, then_n = sum(monthly[m] for m in this), sum(monthly[m] for m in before)
        if then_n == 0:
            out["trend"] = _("%(n)s reports in %(fy)s; none in the same months a year before.", n=now_n, fy=last_fy)
        else:
            pct = round(100 * (now_n - then_n) / then_n)
            if pct > 0:
                text = _("Reports rose %(pct)s%% on the same months a year before", pct=pct)
            elif pct < 0:
                text = _("Reports fell %(pct)s%% on the same months a year before", pct=-pct)
            else:
                text = _("Reports were level with the same months a year before")
            out["trend"] = text + _(" (%(now)s in %(first)s to %(last)s, against %(then)s).", now=now_n,
                                    first=labels.month_name(this[0]), last=labels.month_name(this[-1]), then=then_n)
    else:
        out["trend"] = _("%(n)s reports from %(first)s to %(last)s.", n=figures.total,
                         first=labels.month_name(months[0]), last=labels.month_name(months[-1]))
    if figures.to_date:
        out["trend"] += " " + _("%(month)s is not over yet: its figures are to date, and it is not compared.",
                                month=labels.month_name(figures.to_date))
    for key, pairs in (("strand", figures.by_strand), ("area", figures.by_area)):
        named = [(n, lbl) for lbl, n in pairs if n]
        if named:
            n, lbl = max(named)
            out[key] = _("Most reports: %(label)s (%(n)s of %(total)s).", label=lbl, n=n, total=figures.total)
        else:
            out[key] = _("No reports in this period.")
    return out


REPORTS_ROW = "reports"  # the period's reports: the margin every open data table shares


def open_data_tables(figures: Figures, periods: Sequence[Period],
                     final_cohorts: Mapping[str, Counter[str]] | None = None) -> list[Table]:
    """The tables that may be published, before suppression: reports, and reports by area,
    channel, who reported, strand, incident type and the groups least likely to report, for
    each fixed period (the quarters of a financial year, and the year). Nothing finer than a
    quarter or than the fixed lists; no filter. ``figures`` must span every period.

    ``final_cohorts`` (month received -> its final cohort counts, see ``final_cohorts``) makes the
    cohort table, for the periods whose every month it holds: the first periods, as a quarter's
    follow-up window ends after the windows of every period before it."""
    columns = [p.code for p in periods]
    codes = [f"{p.first}..{p.last}" for p in periods]
    # Four quarters add up to their year.
    row_sums = []
    for y, year in enumerate(periods):
        if year.is_year:
            quarters = [q for q, p in enumerate(periods) if not p.is_year and p.year == year.year]
            if len(quarters) == 4:
                row_sums.append((quarters, y))

    def counts(cube: Mapping[tuple[str, Any], int], code: Any) -> list[Value]:
        return [sum(cube.get((m, code), 0) for m in p.months) for p in periods]

    def table(table_id: str, title: str, header: str, cube: Mapping[tuple[str, Any], int],
              order: Iterable[tuple[Any, str]], total_row: bool, note: str = "",
              relations: list[tuple[list[str], list[str]]] | None = None) -> Table:
        rows = [Row(str(code), str(label), counts(cube, code)) for code, label in order]
        if total_row:
            rows.append(Row(REPORTS_ROW, _("Total"), counts(reports_cube, REPORTS_ROW), total=True))
        return Table(table_id, title, header, list(columns), rows, note=note, additive_columns=total_row,
                     column_codes=list(codes), row_sums=list(row_sums), relations=relations or [])

    reports_cube: Counter[tuple[str, Any]] = Counter({(m, REPORTS_ROW): n for m, n in figures.monthly.items()})
    multi = _("A report can name more than one, so there is no total row.")
    strands = [(c, lbl) for c, lbl, _g in queries.choice_labels("strand")]
    types = [(c, lbl) for c, lbl, _g in queries.choice_labels("incident_type")]
    groups = strategy_group_order()
    named = [str(code) for code in StrategyGroup.words()]

    def each_at_most_reports(order: Iterable[tuple[Any, str]]) -> list[tuple[list[str], list[str]]]:
        return [([str(code)], [REPORTS_ROW]) for code, _label in order]

    def every_report_named(order: Iterable[tuple[Any, str]]) -> list[tuple[list[str], list[str]]]:
        # Every report names at least one (a strand, a type): together they are at least the reports.
        return [*each_at_most_reports(order), ([REPORTS_ROW], [str(code) for code, _label in order])]

    cohort_tables = []
    final = [p for p in periods if final_cohorts is not None and all(m in final_cohorts for m in p.months)]
    if final:
        # Its columns are the first ones of the other tables, so a cell's period is theirs (the shared margin).
        assert list(periods[:len(final)]) == final, "final cohort periods must come first"
        cohort_cube = cohorts.open_cube(final_cohorts or {})
        width = len(final)
        cohort_tables.append(Table(
            cohorts.OPEN_TABLE_ID, cohorts.open_title(), _("Reports"), list(columns[:width]),
            [Row(code, label, [sum(cohort_cube.get((m, code), 0) for m in p.months) for p in final])
             for code, label in cohorts.open_rows()],
            note=cohorts.open_note(), column_codes=list(codes[:width]),
            row_sums=[(parts, total) for parts, total in row_sums if total < width],
            relations=cohorts.open_relations(REPORTS_ROW)))
    group_relations = [*each_at_most_reports(groups), *(([g], [ANY_GROUP]) for g in named), ([ANY_GROUP], named),
                       ([ANY_GROUP, NOT_KNOWN], [REPORTS_ROW])]
    return [
        table("open_reports", _("Reports received"), _("Reports"), reports_cube, [], True),
        table("open_by_area", _("Reports by area"), _("Area"), figures.cubes.get("area", Counter()),
              [(c, lbl) for c, lbl, _g in queries.choice_labels("area")], True),
        table("open_by_channel", _("Reports by channel"), _("Channel"),
              figures.cubes.get("channel", Counter()), Channel.words().items(), True),
        table("open_by_reporter_type", _("Reports by who reported"), _("Reporter"),
              figures.cubes.get("reporter_type", Counter()), ReporterType.words().items(), True),
        table("open_by_strand", _("Reports by strand"), _("Strand"), figures.cubes.get("strand", Counter()),
              strands, False, multi, every_report_named(strands)),
        table("open_by_incident_type", _("Reports by incident type"), _("Incident type"),
              figures.cubes.get("incident_type", Counter()), types, False, multi, every_report_named(types)),
        table("open_by_strategy_group", _("Reports from the groups least likely to report"), _("Group"),
              figures.cubes.get("strategy_group", Counter()), groups, False, strategy_group_note(), group_relations),
        table("open_by_happened_before", _("Reports by whether it had happened before"), _("Had it happened before?"),
              figures.cubes.get(repeats.ANSWER, Counter()), repeats.bands(), True, repeats.open_answer_note()),
        *cohort_tables,
    ]


def repeat_tables(months: Sequence[MonthSums], total: int, area_choices: Iterable[tuple[str, str]]) -> list[Table]:
    """Repeat victimisation as the reporter's answer, the Group's links beside it, and repeat
    locations (reporting/stats/repeats.py), as tables of reports and their share."""
    return [Table(part.id, part.title, part.row_header, [_("Reports"), _("Share of reports")],
                  [Row(code, label, [n, _share(n, total)], is_total) for code, label, n, is_total in part.rows],
                  note=part.note)
            for part in repeats.tables(months, dict(area_choices))]


def final_cohorts(periods: Sequence[Period], today: date) -> dict[str, Counter[str]]:
    """Month received -> open data's final cohort counts, for the months of every quarter among
    ``periods`` whose follow-up window has ended by ``today`` (reporting/stats/cohorts.py): one
    statement per quarter, each bounded by the quarter's own horizon, run only for open data and
    kept by reporting/stats/cache.py (call it after ``build`` over the same months)."""
    out: dict[str, Counter[str]] = {}
    for period in periods:
        if period.is_year or not cohorts.is_final(period.last, today):
            continue
        horizon = cohorts.horizon(period.last)

        def make(p: Period = period, h: Any = horizon) -> dict[str, Counter[str]]:
            return cohorts.final_month_counts(queries.final_cohorts_by_month(parse_month(p.first), parse_month(p.last), h))

        found = cache.final_cohort(period.months, horizon, make)
        out |= {month: Counter(found.get(month, Counter())) for month in period.months}
    return out
