"""The statistics' reads: explicit clear columns, grouped in SQL, never an ORM row.

Every public function takes ``Filters`` and returns plain tuples; each grouped statement is built
once per process and shape of filters (see ``Scope``) and run with the filters' values. No statement here names
a sealed column (``content``, ``staff_flags``, key wraps, packages, ``sealed``), and
tests/stats/test_no_keys.py holds that true for every statement the pages run.

Periods are grouped by month (``YYYY-MM``, Europe/London time) in SQL; quarters and
years are sums of months, made in Python.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import g
from sqlalchemy import Integer, String, and_, bindparam, case, or_, cast, func, select, true, union
from sqlalchemy import exists, false, null, union_all
from sqlalchemy.sql.elements import ColumnElement

from reporting.cases.models import CaseEvent, CaseLink
from reporting.centres.models import Centre
from reporting.extensions import db
from reporting.referrals.models import PoliceMatch, Referral
from reporting.reports.models import Choice, Report, ReportIncidentType, ReportStrand
from reporting.meetings.queries import first_hearings, first_meeting_on
from reporting.periods import london_month, month_key, month_start, next_month

REPORTS = Report.__table__
REFERRALS = Referral.__table__
reports = REPORTS.c
strands = ReportStrand.__table__.c
types = ReportIncidentType.__table__.c
events = CaseEvent.__table__.c
links = CaseLink.__table__.c
referrals = REFERRALS.c


@dataclass(frozen=True)
class Filters:
    first_month: date
    last_month: date
    area: str | None = None
    strand: str | None = None
    channel: str | None = None
    centre_id: int | None = None

    @property
    def start(self) -> datetime:
        """The first month's start, midnight in London, as UTC."""
        return month_start(self.first_month)

    @property
    def end(self) -> datetime:
        return month_start(next_month(self.last_month))


def _dialect() -> str:
    return db.session.get_bind().dialect.name


class Scope:
    """The filters as bound parameters, for building a statement once and running it for any
    months and values: the grouped statements below are built per process for each dialect and
    each shape of filters (which of area, strand, channel and centre are set), not on each look,
    where building them cost about 1 ms each, as much as grouping a small month."""

    def __init__(self, f: Filters) -> None:
        self.start: Any = bindparam("start")
        self.end: Any = bindparam("end")
        self.area: Any = bindparam("area") if f.area else None
        self.strand: Any = bindparam("strand") if f.strand else None
        self.channel: Any = bindparam("channel") if f.channel else None
        self.centre_id: Any = bindparam("centre_id") if f.centre_id is not None else None


_BUILT: dict[tuple[Callable[[Scope], Any], str, bool, bool, bool, bool], Any] = {}


def _grouped(build: Callable[[Scope], Any], f: Filters) -> Sequence[Any]:
    """Run the statement ``build`` makes for the filters' shape (built once), with their values."""
    shape = (build, _dialect(), bool(f.area), bool(f.strand), bool(f.channel), f.centre_id is not None)
    statement = _BUILT.get(shape)
    if statement is None:
        statement = _BUILT[shape] = build(Scope(f))
    params = {"start": f.start, "end": f.end, "area": f.area, "strand": f.strand, "channel": f.channel,
              "centre_id": f.centre_id}
    return db.session.execute(statement, {k: v for k, v in params.items() if v is not None}).all()


def month_of(column: Any) -> ColumnElement[str]:
    """``YYYY-MM`` in Europe/London time of a UTC timestamp column, in SQL.

    SQLite stores UTC as "YYYY-MM-DD HH:MM:SS.ffffff" and knows no time zones. London is UTC
    or UTC+1 (British Summer Time, from the last Sunday of March to the last Sunday of
    October, changing at 01:00 UTC), so a London month differs from the UTC one only in the
    last hour (23:00 UTC) of a month ending in summer time: the ends of March to September
    (March's and September's last days always fall inside it; October's never does). Only
    those rows are moved on an hour; tests/stats/test_months.py checks this against the
    zone database hour by hour.
    """
    if _dialect() == "postgresql":
        return func.to_char(func.timezone("Europe/London", column), "YYYY-MM")
    summer_month_end = and_(func.substr(column, 6, 2).between("03", "09"), func.substr(column, 12, 2) == "23")
    return case(
        (summer_month_end, func.substr(func.datetime(column, "+1 hour"), 1, 7)),
        else_=func.substr(column, 1, 7),
    )


def tenths_of_days(later: Any, earlier: Any) -> ColumnElement[int]:
    """Whole tenths of a day between two timestamps, in SQL (for medians from a histogram)."""
    if _dialect() == "postgresql":
        return cast(func.floor(func.extract("epoch", later - earlier) / 8640), Integer)
    return cast((func.julianday(later) - func.julianday(earlier)) * 10, Integer)


def _report_scope(f: Scope) -> list[ColumnElement[bool]]:
    """Conditions on the report itself (not its dates): area, strand, channel, centre."""
    conditions: list[ColumnElement[bool]] = []
    if f.area is not None:
        conditions.append(reports.area == f.area)
    if f.channel is not None:
        conditions.append(reports.channel == f.channel)
    if f.centre_id is not None:
        conditions.append(reports.centre_id == f.centre_id)
    if f.strand is not None:
        conditions.append(reports.id.in_(select(strands.report_id).where(strands.strand == f.strand)))
    return conditions


def _received_in(f: Scope) -> list[ColumnElement[bool]]:
    return [reports.received_at >= f.start, reports.received_at < f.end, *_report_scope(f)]


def _scoped(statement: Any, f: Scope, column: Any) -> Any:
    """A statement over rows joined to reports, dated by ``column``, within the filters."""
    conditions = [column >= f.start, column < f.end, *_report_scope(f)]
    return statement.where(and_(*conditions))


def where_and_how(f: Filters) -> Sequence[Any]:
    """(month, area, channel, centre id, count) of reports received."""
    return _grouped(_where_and_how, f)


def _where_and_how(f: Scope) -> Any:
    month = month_of(reports.received_at)
    return (
        select(month, reports.area, reports.channel, reports.centre_id, func.count())
        .where(*_received_in(f))
        .group_by(month, reports.area, reports.channel, reports.centre_id)
    )


def who_and_what_next(f: Filters) -> Sequence[Any]:
    """(month, reporter type, police consent, support wanted, status, closure reason, count)."""
    return _grouped(_who_and_what_next, f)


def _who_and_what_next(f: Scope) -> Any:
    month = month_of(reports.received_at)
    columns = (reports.reporter_type, reports.police_consent, reports.support_wanted, reports.status,
               reports.closure_reason)
    return select(month, *columns, func.count()).where(*_received_in(f)).group_by(month, *columns)


def strategy_groups_by_month(f: Filters) -> Sequence[Any]:
    """(month, strategy groups, count): the clear ``reports.strategy_groups`` as stored ("disability,migrant",
    "" for none, None for a report from before they were kept), from its own small index."""
    return _grouped(_strategy_groups_by_month, f)


def _strategy_groups_by_month(f: Scope) -> Any:
    month = month_of(reports.received_at)
    return (
        select(month, reports.strategy_groups, func.count()).where(*_received_in(f))
        .group_by(month, reports.strategy_groups)
    )


def strands_by_month(f: Filters) -> Sequence[Any]:
    """(month, strand, reports): a report with two strands counts once in each."""
    return _grouped(_strands_by_month, f)


def _strands_by_month(f: Scope) -> Any:
    month = month_of(reports.received_at)
    rows, strand = _of_each_report(strands.strand, strands.report_id)
    return select(month, strand, func.count()).select_from(rows).where(*_received_in(f)).group_by(month, strand)


def types_by_month(f: Filters) -> Sequence[Any]:
    """(month, incident type, reports)."""
    return _grouped(_types_by_month, f)


def _types_by_month(f: Scope) -> Any:
    month = month_of(reports.received_at)
    rows, incident_type = _of_each_report(types.incident_type, types.report_id)
    return (
        select(month, incident_type, func.count()).select_from(rows).where(*_received_in(f))
        .group_by(month, incident_type)
    )


def _of_each_report(column: Any, key: Any) -> tuple[Any, Any]:
    """The reports joined to their rows of a table keyed by (report id, code), and its code column.

    SQLite walks the table's primary key from each of the month's reports. PostgreSQL, given the
    plain join, read the whole table (parallel sequential scans, hash joins of 0.5-0.6 s at 1M
    reports) to keep a month's part; a LATERAL subquery it may not merge into the join (OFFSET 0)
    makes it look up each of the month's reports in the primary key instead."""
    if _dialect() == "postgresql":
        rows = select(column).where(key == reports.id).offset(0).lateral(f"each_{column.table.name}")
        return REPORTS.join(rows, true()), rows.c[column.key]
    return column.table.join(REPORTS, reports.id == key), column


# The strategy's measures ------------------------------------------------------------

# Two measures of the Group's work, each defined once (issue 30):
# - "heard at a meeting of the Group": on the date of the meeting, once it has been held, each case
#   once, at its first hearing. Defined in reporting/meetings/queries.py (first_hearings), which the
#   meeting pages read too; grouped here live (see heard_at_meeting_by_month), never kept by month,
#   since a meeting still to come starts to count on its day with no change in the database.
# - "reviewed by the Group": first moved to "under review" in its status history, in the month that
#   happened, each case once. The years before meetings were kept here have only this one.
REVIEWED_STATUS = "under_review"
CLOSED_STATUS = "closed"


def _first_in_range(column: Any, table: Any, key: Any, condition: Any, f: Scope) -> Any:
    """(report id, first time) for the reports whose first matching row falls within the filters'
    dates: candidates are found by the date index, then each one's first time over all its rows."""
    candidates = select(key.label("candidate")).where(condition, column >= f.start, column < f.end).distinct().subquery()
    return (
        select(key.label("report_id"), func.min(column).label("at"))
        .select_from(candidates.join(table, key == candidates.c.candidate))
        .where(condition)
        .group_by(key)
        .having(func.min(column) >= f.start)
        .subquery()
    )


def _count_first_by_month(first: Any, f: Scope) -> Any:
    """(month, reports) of first times; the reports' own rows are read only to apply a filter."""
    month = month_of(first.c.at)
    statement = select(month, func.count()).select_from(first).where(first.c.at >= f.start, first.c.at < f.end)
    scope = _report_scope(f)
    if scope:
        statement = statement.join(REPORTS, reports.id == first.c.report_id).where(*scope)
    return statement.group_by(month)


def cases_reviewed_by_month(f: Filters) -> Sequence[Any]:
    """(month, cases first moved to "under review" that month): each case counted once, when first reviewed."""
    return _grouped(_cases_reviewed_by_month, f)


def _cases_reviewed_by_month(f: Scope) -> Any:
    reviewed = and_(events.kind == "status", events.after == REVIEWED_STATUS)
    return _count_first_by_month(_first_in_range(events.at, CaseEvent.__table__, events.report_id, reviewed, f), f)


def heard_at_meeting_by_month(f: Filters, today: date) -> dict[str, int]:
    """Month (of the meeting) -> cases first heard at a meeting of the Group held by ``today``,
    within the filters. A small read of the meetings' items (a few dozen a month), run on each look."""
    first = first_hearings(today)
    if _dialect() == "postgresql":
        month: Any = func.to_char(first.c.heard_on, "YYYY-MM")
    else:
        month = func.substr(cast(first.c.heard_on, String), 1, 7)
    statement = select(month, func.count()).select_from(first).where(
        first.c.heard_on >= f.first_month, first.c.heard_on < next_month(f.last_month))
    scope = _report_scope(Scope(f))
    if scope:
        statement = statement.join(REPORTS, reports.id == first.c.report_id).where(*scope)
    params = {"area": f.area, "strand": f.strand, "channel": f.channel, "centre_id": f.centre_id}
    rows = db.session.execute(statement.group_by(month), {k: v for k, v in params.items() if v is not None}).all()
    return {str(m): int(n) for m, n in rows}


def first_meeting_month() -> str | None:
    """The month of the first meeting of the Group kept here (``YYYY-MM``), or None."""
    day = first_meeting_on()
    return None if day is None else month_key(day)


def first_review_histogram(f: Filters) -> Sequence[Any]:
    """(month received, tenths of a day from receipt to the first status change, reports)."""
    return _grouped(_first_review_histogram, f)


def _first_review_histogram(f: Scope) -> Any:
    first = (
        select(events.report_id, reports.received_at.label("received_at"), func.min(events.at).label("at"))
        .join(REPORTS, reports.id == events.report_id)
        .where(events.kind == "status", *_received_in(f))
        .group_by(events.report_id, reports.received_at)
        .subquery()
    )
    month = month_of(first.c.received_at)
    tenths = tenths_of_days(first.c.at, first.c.received_at)
    return select(month, tenths, func.count()).select_from(first).group_by(month, tenths)


def referrals_by_month(f: Filters) -> Sequence[Any]:
    """(month sent, reports referred that month) - a report referred twice counts once, when first sent."""
    return _grouped(_referrals_by_month, f)


def _referrals_by_month(f: Scope) -> Any:
    first = _first_in_range(referrals.sent_at, REFERRALS, referrals.report_id, referrals.sent_at.is_not(None), f)
    return _count_first_by_month(first, f)


def acknowledged_histogram(f: Filters) -> Sequence[Any]:
    """(month acknowledged, tenths of a day from sending to acknowledgement, referrals)."""
    return _grouped(_acknowledged_histogram, f)


def _acknowledged_histogram(f: Scope) -> Any:
    month = month_of(referrals.acknowledged_at)
    tenths = tenths_of_days(referrals.acknowledged_at, referrals.sent_at)
    statement = (
        select(month, tenths, func.count())
        .select_from(REFERRALS.join(REPORTS, reports.id == referrals.report_id))
        .where(referrals.sent_at.is_not(None))
    )
    return _scoped(statement, f, referrals.acknowledged_at).group_by(month, tenths)


def outcomes_by_month(f: Filters) -> Sequence[Any]:
    """(month of the outcome, outcome, has a crime reference, referrals)."""
    return _grouped(_outcomes_by_month, f)


def _outcomes_by_month(f: Scope) -> Any:
    month = month_of(referrals.outcome_at)
    has_reference = referrals.crime_reference.is_not(None)
    statement = (
        select(month, referrals.outcome, has_reference, func.count())
        .select_from(REFERRALS.join(REPORTS, reports.id == referrals.report_id))
        .where(referrals.outcome.is_not(None))
    )
    return _scoped(statement, f, referrals.outcome_at).group_by(month, referrals.outcome, has_reference)


def linked_by_month(f: Filters) -> Sequence[Any]:
    """(month received, link kind, reports with at least one link of that kind)."""
    return _grouped(_linked_by_month, f)


def _linked_by_month(f: Scope) -> Any:
    month = month_of(reports.received_at)
    either = union(*(
        select(reports.id.label("report_id"), month.label("month"), links.kind.label("kind"))
        .select_from(REPORTS.join(CaseLink.__table__, side == reports.id))
        .where(*_received_in(f))
        for side in (links.report_id, links.other_id)
    )).subquery()
    return select(either.c.month, either.c.kind, func.count()).group_by(either.c.month, either.c.kind)


# Reference data ----------------------------------------------------------------------

def choice_labels(list_name: str) -> list[tuple[str, str, str | None]]:
    """(code, label, grouping) of a list, in its order, inactive ones too (old reports use them).

    Read once per request (the form and the tables both want them), never kept longer: an
    administrator's new label shows on the next look."""
    memo: dict[str, list[tuple[str, str, str | None]]] = g.setdefault("stats_choice_labels", {})
    if list_name not in memo:
        memo[list_name] = _choice_labels(list_name)
    return memo[list_name]


def _choice_labels(list_name: str) -> list[tuple[str, str, str | None]]:
    choices = Choice.__table__.c
    rows = db.session.execute(
        select(choices.code, choices.label, choices.grouping)
        .where(choices.list_name == list_name)
        .order_by(choices.position, choices.label)
    ).all()
    return [(code, label, grouping) for code, label, grouping in rows]


def centre_names() -> list[tuple[int, str]]:
    centres = Centre.__table__.c
    return [(i, n) for i, n in db.session.execute(select(centres.id, centres.name).order_by(centres.name)).all()]


def earliest_month() -> str | None:
    """The month of the first report (for the form's hints)."""
    first = db.session.scalar(select(func.min(reports.received_at)))
    if first is None:
        return None
    return london_month(first)


# Each quarter's reports followed to their outcomes (reporting/stats/cohorts.py) ----------------

def cohorts_by_month(f: Filters) -> Sequence[Any]:
    """(month received, passed to police, acknowledged, recorded as a crime, police outcome, reports) of
    the reports passed to the police or matched to a crime; the month's other reports are only received.

    Each report counts once, in the month it was received, with everything that has happened to it
    since, whenever that was: passed to the police (a referral sent), acknowledged (a sent referral
    acknowledged), recorded as a crime (a sent referral brought a crime reference back, or the force
    matched the report to a crime it recorded) and its police outcome (the latest outcome of its
    sent referrals; None if none yet). A referral or a match writes a case event or drops its
    report's month (reporting/stats/cache.py), so the month is grouped again when one changes.

    "Recorded as a crime" is defined here only (issue 30): the strategy's measure "crimes recorded"
    is this statement's count, by the report's month, as reporting/referrals/extract.py's extract_rows
    reads the references (a sent referral's crime reference, or the force's match)."""
    return _grouped(_cohorts_by_month, f)


def _cohorts_by_month(f: Scope) -> Any:
    # Two lookups a report (a sent referral? a match?) in the primary keys' indexes, the rest only
    # for the few referred: five for every report cost as much as the heaviest statement here.
    matches = PoliceMatch.__table__.c
    sent = and_(referrals.report_id == reports.id, referrals.sent_at.is_not(None))
    matched = exists().where(matches.report_id == reports.id)
    latest_outcome = (
        select(referrals.outcome).where(sent, referrals.outcome.is_not(None))
        .order_by(referrals.outcome_at.desc(), referrals.id.desc()).limit(1).scalar_subquery()
    )
    month = month_of(reports.received_at).label("month")
    referred = select(
        month,
        true().label("passed"),
        exists().where(sent, referrals.acknowledged_at.is_not(None)).label("acknowledged"),
        or_(exists().where(sent, referrals.crime_reference.is_not(None)), matched).label("crime"),
        latest_outcome.label("outcome"),
    ).where(*_received_in(f), exists().where(sent))
    matched_only = select(
        month, false().label("passed"), false().label("acknowledged"), true().label("crime"),
        cast(null(), String).label("outcome"),
    ).where(*_received_in(f), matched, ~exists().where(sent))
    each = union_all(referred, matched_only).subquery("each_report")
    columns = (each.c.month, each.c.passed, each.c.acknowledged, each.c.crime, each.c.outcome)
    return select(*columns, func.count()).group_by(*columns)


def final_cohorts_by_month(first_month: date, last_month: date, horizon: datetime) -> Sequence[Any]:
    """(month received, passed to police, acknowledged, recorded as a crime, police outcome, closed,
    reports) of EVERY report received in the months, as it stood at ``horizon`` (open data's final
    cohort, reporting/stats/cohorts.py): only what had happened before it counts, from the times
    the tables keep, so once ``horizon`` has passed the figures never change. Run only for open data
    (a statement per quarter published, never kept by the month cache: its answer is final).

    - passed to police: a referral sent (``sent_at``, set once) before the horizon;
    - acknowledged: a referral sent and acknowledged (``acknowledged_at``, set once) before it;
    - recorded as a crime: an "outcome" case event carrying a crime reference before it, or the
      force's match (``matched_at``: when the force first matched the report; a later import that
      changes the reference keeps it) before it. A referral's own ``crime_reference`` and
      ``outcome_at`` are overwritten by a later outcome, so they count only for a referral whose
      outcome was written with no case event (data from before events were kept) and only if
      ``outcome_at`` is before the horizon;
    - police outcome: the latest "outcome" case event before the horizon; failing one, as above,
      the latest referral outcome whose ``outcome_at`` is before it;
    - closed: the status at the horizon: the latest status event before it, else the status the
      first status event after it changed from, else (no status change since) the status now.
    """
    statement = _FINAL.get(_dialect())
    if statement is None:
        statement = _FINAL[_dialect()] = _final_cohorts_by_month()
    params = {"start": month_start(first_month), "end": month_start(next_month(last_month)), "horizon": horizon}
    return db.session.execute(statement, params).all()


_FINAL: dict[str, Any] = {}


def _final_cohorts_by_month() -> Any:
    matches = PoliceMatch.__table__.c
    start, end, horizon = bindparam("start"), bindparam("end"), bindparam("horizon")
    sent = and_(referrals.report_id == reports.id, referrals.sent_at < horizon)
    outcome_events = and_(events.report_id == reports.id, events.kind == "referral", events.action == "outcome",
                          events.at < horizon)
    crime = or_(
        exists().where(outcome_events, events.ref.is_not(None)),
        exists().where(sent, referrals.crime_reference.is_not(None), referrals.outcome_at < horizon),
        exists().where(matches.report_id == reports.id, matches.matched_at < horizon),
    )
    by_event = (select(events.after).where(outcome_events)
                .order_by(events.at.desc(), events.id.desc()).limit(1).scalar_subquery())
    by_referral = (select(referrals.outcome).where(sent, referrals.outcome.is_not(None), referrals.outcome_at < horizon)
                   .order_by(referrals.outcome_at.desc(), referrals.id.desc()).limit(1).scalar_subquery())
    status_events = and_(events.report_id == reports.id, events.kind == "status")
    status_then = func.coalesce(
        select(events.after).where(status_events, events.at < horizon)
        .order_by(events.at.desc(), events.id.desc()).limit(1).scalar_subquery(),
        select(events.before).where(status_events, events.at >= horizon)
        .order_by(events.at, events.id).limit(1).scalar_subquery(),
        reports.status,
    )
    passed = exists().where(sent)
    each = select(
        month_of(reports.received_at).label("month"),
        passed.label("passed"),
        exists().where(sent, referrals.acknowledged_at < horizon).label("acknowledged"),
        crime.label("crime"),
        case((passed, func.coalesce(by_event, by_referral)), else_=cast(null(), String)).label("outcome"),
        (status_then == CLOSED_STATUS).label("closed"),
    ).where(reports.received_at >= start, reports.received_at < end).subquery("each_report")
    columns = (each.c.month, each.c.passed, each.c.acknowledged, each.c.crime, each.c.outcome, each.c.closed)
    return select(*columns, func.count()).group_by(*columns)
