"""Months of grouped figures, kept so a page over years of reports groups only what changed.

Every statistics statement groups by month, so one month's rows never depend on another's.
Each month's rows for a set of filters are kept in ``stats_months`` (clear aggregates only).
Before reading, the statistics look at what is new since they last looked (reports, case
events, links, by id: cheap index ranges) and drop what those touch: every statement of the
month a report was received and of the month an event happened, except that a status change
(the commonest change by far) drops only the figures a status change can move (see
``_changed_months``). The force's matches drop their months when written (a listener on
PoliceMatch rows below: reporting/referrals/extract.py writes them). Nothing else changes a clear
field the statistics read without writing a case event, except deleting, and the database itself
forgets the months a deleted row counts in (triggers, migration 0034): no path has to remember.

Each process also keeps what the page makes of a month (its sums, see ``monthly``) through
reporting.cache, for as long as the month's stamp (``computed_at``) in the database is the same:
every change above gives the month a new stamp or drops it, so a process never adds up a month
another one regrouped.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Text, cast, delete, event, func, inspect, literal, select, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import IntegrityError

from reporting import cache as kept
from reporting.cases.models import CaseEvent, CaseLink
from reporting.db import utcnow
from reporting.extensions import db
from reporting.reports.models import Report
from reporting.stats import queries, repeats, support_queries
from reporting.referrals.models import PoliceMatch
from reporting.stats.models import StatsMark, StatsMonth
from reporting.status.models import ReporterFeedback
from reporting.periods import london_month, month_key, months_between, parse_month

log = logging.getLogger(__name__)

STATEMENTS: dict[str, Callable[[queries.Filters], Sequence[Any]]] = {
    "where_and_how": queries.where_and_how,
    "who_and_what_next": queries.who_and_what_next,
    "strategy_groups": queries.strategy_groups_by_month,
    "strands": queries.strands_by_month,
    "types": queries.types_by_month,
    "reviewed": queries.cases_reviewed_by_month,
    "first_review": queries.first_review_histogram,
    "referred": queries.referrals_by_month,
    "acknowledged": queries.acknowledged_histogram,
    "outcomes": queries.outcomes_by_month,
    "linked": queries.linked_by_month,
    "cohorts": queries.cohorts_by_month,
    # Issue 30 item 8: support by the month received (a change writes a "support" case event, which
    # drops the months below), and "How did we do?" by the month answered (dropped when written, below).
    "support": support_queries.support_by_month,
    "feedback": support_queries.feedback_by_month,
    "repeats": repeats.repeats_by_month,
}
reports = Report.__table__.c
events = CaseEvent.__table__.c
links = CaseLink.__table__.c
MARKS = ("reports", "case_events", "case_links")
MANY = 5000  # more new rows than this since the last look: forget every kept month


# Bumped whenever what a month keeps changes shape or meaning, so rows kept by older code are never read.
SHAPE = "v3"  # v3: "reviewed" (not "heard", now read live) and "crimes" by the report's month (issue 30)


def filter_key(f: queries.Filters) -> str:
    return f"{SHAPE}|area={f.area or ''}|strand={f.strand or ''}|channel={f.channel or ''}|centre={f.centre_id or ''}"


def _month(value: Any) -> str:
    return london_month(value)


# What a change touches. A new report, link or match, or any case event but a status change or a
# note, may move every figure of its months; a status change moves only the status now (the month
# the report came in), the first review if it is the case's first (the same month), and "reviewed" if
# it moved the case to under review (the month it happened). Hearings at meetings are not kept here.
EVERYTHING = frozenset(STATEMENTS)
STATUS_NOW = frozenset({"who_and_what_next"})
Touched = dict[str, frozenset[str]]  # month -> statement names to group again
Payload = dict[str, list[list[Any]]]  # one month's rows: statement name -> its rows, month first
D = TypeVar("D")


def _touch(touched: Touched, months: Iterable[str], names: frozenset[str] = EVERYTHING) -> None:
    for month in months:
        touched[month] = touched.get(month, frozenset()) | names


def forget(months: Iterable[str], names: frozenset[str] = EVERYTHING) -> None:
    """Drop what is kept of these months (only the named statements' rows), for every set of filters."""
    wanted = sorted(set(months))
    if names >= EVERYTHING:
        for i in range(0, len(wanted), 500):
            db.session.execute(delete(StatsMonth).where(StatsMonth.month.in_(wanted[i:i + 500])))
        return
    # One UPDATE in the database's own JSON functions, not a read, decode and write of each row:
    # a month is kept once for every set of filters anyone has looked at, and a status change
    # (the commonest change) comes here on the next look.
    payload: Any = StatsMonth.payload
    if db.session.get_bind().dialect.name == "postgresql":
        trimmed: Any = cast(payload, JSONB)
        for name in sorted(names):
            trimmed = trimmed.op("-")(cast(literal(name), Text))
        payload = cast(trimmed, Text)
    else:
        payload = func.json_remove(payload, *(f"$.{name}" for name in sorted(names)))
    for i in range(0, len(wanted), 500):
        db.session.execute(
            update(StatsMonth).where(StatsMonth.month.in_(wanted[i:i + 500]))
            # A new stamp: no process reuses its sums of the month.
            .values(payload=payload, computed_at=utcnow()).execution_options(synchronize_session="fetch"))


def forget_all() -> None:
    """Drop every kept month: each is grouped again when next looked at."""
    db.session.execute(delete(StatsMonth))


# The force's matches (reporting/referrals/extract.py, below the statistics, which knows nothing of
# this cache): a crime recorded counts in the month its REPORT was received, so a match written today
# (new, changed or gone) drops that month, however long ago, not the month of the import.
@event.listens_for(PoliceMatch, "after_insert")
@event.listens_for(PoliceMatch, "after_update")
@event.listens_for(PoliceMatch, "after_delete")
def _match_written(_mapper: Any, connection: Any, target: PoliceMatch) -> None:
    received = connection.execute(select(reports.received_at).where(reports.id == target.report_id)).scalar()
    if received is not None:
        connection.execute(delete(StatsMonth).where(StatsMonth.month == _month(received)))


# A reporter's "How did we do?" (reporting/status/feedback.py, which knows nothing of this cache): an
# answer new or changed drops its month's figures and, when changed, the month it was answered before.
# A deleted one is forgotten by a trigger (migration 0037).
@event.listens_for(ReporterFeedback, "after_insert")
@event.listens_for(ReporterFeedback, "after_update")
def _feedback_written(_mapper: Any, connection: Any, target: ReporterFeedback) -> None:
    history = inspect(target).attrs.answered_on.history
    months = sorted({month_key(day) for day in (target.answered_on, *history.deleted) if day is not None})
    connection.execute(delete(StatsMonth).where(StatsMonth.month.in_(months)))


def _changed_months() -> Touched:
    """Months, and which statements of each, touched by what is new since the last look; moves the marks on."""
    marks = {m.name: m for m in db.session.scalars(select(StatsMark))}
    for name in MARKS:
        if name not in marks:
            marks[name] = StatsMark(name=name, value=0)
            db.session.add(marks[name])
    touched: Touched = {}
    last_report = marks["reports"].value
    newest_report = db.session.scalar(select(func.max(reports.id))) or 0
    last_event = marks["case_events"].value
    newest_event = db.session.scalar(select(func.max(events.id))) or 0
    if newest_event - last_event > MANY or newest_report - last_report > MANY:
        # The first look, or a great deal at once (an import): cheaper to group everything again.
        forget_all()
        marks["reports"].value, marks["case_events"].value = newest_report, newest_event
        marks["case_links"].value = db.session.scalar(select(func.max(links.id))) or 0
        return {}
    if newest_report > last_report:
        # At most MANY rows, found by the primary key. Never min()/max(received_at) with this condition:
        # SQLite answers that from the received_at index, walking a million entries to reach the new ids.
        received = [_month(v) for v in db.session.scalars(select(reports.received_at).where(reports.id > last_report))]
        if received:
            _touch(touched, months_between(parse_month(min(received)), parse_month(max(received))))
    if newest_event > last_event:
        new_events = db.session.execute(
            select(events.at, events.kind, events.after, reports.received_at, reports.id)
            .join(Report.__table__, reports.id == events.report_id)
            .where(events.id > last_event)
        ).all()
        status_of: dict[int, str] = {}
        reviewed: set[int] = set()
        for at, kind, after, received, report_id in new_events:
            if kind == "note":
                continue
            if kind != "status":
                _touch(touched, {_month(at), _month(received)})
                continue
            status_of[report_id] = _month(received)
            _touch(touched, {_month(received)}, STATUS_NOW)
            if after == queries.REVIEWED_STATUS:
                reviewed.add(report_id)
        ids = sorted(status_of)
        for i in range(0, len(ids), 500):
            part = ids[i:i + 500]
            # A case whose status history began before the last look keeps its first review.
            reviewed_before = set(db.session.scalars(
                select(events.report_id).where(events.kind == "status", events.report_id.in_(part),
                                               events.id <= last_event).distinct()))
            _touch(touched, {status_of[r] for r in part if r not in reviewed_before}, frozenset({"first_review"}))
        ids = sorted(reviewed)
        for i in range(0, len(ids), 500):  # the month each such case was first reviewed may move, old or new
            _touch(touched, {_month(at) for at in db.session.scalars(
                select(events.at).where(events.kind == "status", events.report_id.in_(ids[i:i + 500]),
                                        events.after == queries.REVIEWED_STATUS))},
                   frozenset({"reviewed"}))
        # A referral's crime reference (a "referral" event) counts in the month the report was received,
        # touched above with the event's own month.
    last_link = marks["case_links"].value
    newest_link = db.session.scalar(select(func.max(links.id))) or 0
    if newest_link > last_link:
        for column in (links.report_id, links.other_id):
            _touch(touched, {_month(v) for v in db.session.scalars(
                select(reports.received_at).join(CaseLink.__table__, reports.id == column).where(links.id > last_link))})
    marks["reports"].value, marks["case_events"].value, marks["case_links"].value = newest_report, newest_event, newest_link
    return touched


def monthly(f: queries.Filters, digest: Callable[[Payload], D]) -> dict[str, D]:
    """Each of the filters' months, its statements' rows (kept months read back, the rest grouped
    now) passed through ``digest``: what the page needs of one month, e.g. its totals by strand.

    A month this process digested before and unchanged since (the same stamp) is neither read,
    decoded nor digested again, so a look after a change costs the grouping of what changed
    and the digests of those months, not a pass over every row of every month."""
    touched = _changed_months()
    by_names: dict[frozenset[str], set[str]] = {}
    for month, names in touched.items():
        by_names.setdefault(names, set()).add(month)
    for names, months_touched in by_names.items():
        forget(months_touched, names)
    db.session.flush()
    key = filter_key(f)
    months = months_between(f.first_month, f.last_month)
    stamps = dict(db.session.execute(select(StatsMonth.month, StatsMonth.computed_at).where(
        StatsMonth.filter_key == key, StatsMonth.month.in_(months))).all())
    digested: dict[str, D] = {}
    for month, stamp in stamps.items():
        # What this process made of the month at this stamp (reporting.cache), if anything.
        memo = kept.get(("stats", digest, key, month), stamp)
        if memo is not None:
            digested[month] = memo
    found = {m.month: m for m in db.session.scalars(select(StatsMonth).where(
        StatsMonth.filter_key == key, StatsMonth.month.in_([m for m in stamps if m not in digested])))} \
        if len(digested) < len(stamps) else {}
    payloads: dict[str, Payload] = {month: json.loads(row.payload) for month, row in found.items()}
    # Months partly kept: only the statements a change touched are grouped again, month by month.
    for month, payload in payloads.items():
        missing = [name for name in STATEMENTS if name not in payload]
        if missing:
            day = parse_month(month)
            grouped = _group(queries.Filters(day, day, f.area, f.strand, f.channel, f.centre_id), missing)
            payload.update({name: grouped[name].get(month, []) for name in missing})
            found[month].payload = json.dumps(payload)
            found[month].computed_at = utcnow()
    missing_months = [m for m in months if m not in digested and m not in payloads]
    added: list[StatsMonth] = []
    for first, last in _runs(missing_months):
        grouped = _group(queries.Filters(parse_month(first), parse_month(last), f.area, f.strand, f.channel, f.centre_id),
                         list(STATEMENTS))
        for month in months_between(parse_month(first), parse_month(last)):
            payloads[month] = {name: grouped[name].get(month, []) for name in STATEMENTS}
            added.append(StatsMonth(filter_key=key, month=month, payload=json.dumps(payloads[month]), computed_at=utcnow()))
            db.session.add(added[-1])
    digested |= {month: digest(payload) for month, payload in payloads.items()}
    fresh = {month: row.computed_at for month, row in found.items()} | {row.month: row.computed_at for row in added}
    try:
        db.session.commit()
    except IntegrityError:  # another request kept the same months first: theirs are as good
        db.session.rollback()
    else:
        for month, stamp in fresh.items():
            kept.keep(("stats", digest, key, month), stamp, digested[month])
    return {month: digested[month] for month in months}


def final_cohort(months: list[str], horizon: Any, make: Callable[[], D]) -> D:
    """Open data's final cohort of one quarter (reporting/stats/cohorts.py), made by ``make``: kept
    by this process while the quarter's months keep their stamps in the unfiltered figures (read
    after the open data's figures were built, so any change since is already counted in them).
    Its answer does not change once the horizon has passed, but a report deleted drops its month
    (migration 0034), and the quarter is made again."""
    key = filter_key(queries.Filters(parse_month(months[0]), parse_month(months[-1])))
    stamps = tuple(db.session.execute(select(StatsMonth.month, StatsMonth.computed_at).where(
        StatsMonth.filter_key == key, StatsMonth.month.in_(months)).order_by(StatsMonth.month)).all())
    version = stamps if len(stamps) == len(months) else None
    found: D | None = kept.get(("stats_final_cohort", tuple(months), horizon), version)
    if found is None:
        found = make()
        kept.keep(("stats_final_cohort", tuple(months), horizon), version, found)
    return found


def _group(f: queries.Filters, names: list[str]) -> dict[str, dict[str, list[list[Any]]]]:
    out: dict[str, dict[str, list[list[Any]]]] = {}
    for name in names:
        statement = STATEMENTS[name]
        by_month: dict[str, list[list[Any]]] = {}
        for row in statement(f):
            by_month.setdefault(row[0], []).append([_plain(v) for v in row])
        out[name] = by_month
    return out


def _plain(value: Any) -> Any:
    return value if value is None or isinstance(value, int | float | str) else str(value)


def _runs(months: list[str]) -> list[tuple[str, str]]:
    """Consecutive months as (first, last) runs."""
    runs: list[tuple[str, str]] = []
    for month in months:
        if runs and _next(runs[-1][1]) == month:
            runs[-1] = (runs[-1][0], month)
        else:
            runs.append((month, month))
    return runs


def _next(month: str) -> str:
    day: date = parse_month(month)
    return month_key(date(day.year + (day.month == 12), day.month % 12 + 1, 1))
