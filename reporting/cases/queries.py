"""Reads for the queue: only clear fields, never a decryption, one query per page."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, and_, case, exists, func, select
from sqlalchemy.orm import aliased, defer

from reporting.auth.models import Role, User
from reporting.cases.models import CaseLink
from reporting.extensions import db
from reporting.retention.models import LegalHold
from reporting.reports.models import Priority, Report, ReportIncidentType, ReportStrand, Status

PAGE_SIZE = 50
SORTS = ("newest", "oldest", "priority", "incident_date")
_PRIORITY_ORDER = case(
    {Priority.URGENT.value: 0, Priority.HIGH.value: 1, Priority.NORMAL.value: 2, Priority.LOW.value: 3},
    value=Report.priority,
    else_=4,
)


# The queue never decrypts: it never loads the sealed columns (a few KB a row), and anything
# that reaches for one on a queue row raises instead of quietly querying once per row.
_CLEAR_ONLY = tuple(
    defer(column, raiseload=True)
    for column in (Report.public_key, Report.key_wrap_group, Report.key_wrap_receipt, Report.receipt_salt,
                   Report.receipt_verifier, Report.content, Report.staff_flags)
)


@dataclass(frozen=True)
class QueueFilters:
    status: str | None = None
    strand: str | None = None
    incident_type: str | None = None
    area: str | None = None
    channel: str | None = None
    centre_id: int | None = None
    received_from: date | None = None
    received_to: date | None = None
    assigned: str | None = None  # "me" or "unassigned"
    priority: str | None = None
    next_meeting: bool = False  # only cases flagged for the Group's next meeting
    hold: str | None = None  # "held" or "not_held" (legal holds, reporting/retention)
    sort: str = "newest"
    page: int = 1


@dataclass
class QueuePage:
    rows: list[Report]
    total: int
    page: int
    pages: int
    status_counts: dict[str, int] = field(default_factory=dict)
    assignees: dict[int, str] = field(default_factory=dict)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _filtered(filters: QueueFilters, viewer_id: int, *, with_status: bool = True) -> list[Any]:
    conditions: list[Any] = []
    if with_status and filters.status:
        conditions.append(Report.status == filters.status)
    if filters.strand:
        conditions.append(
            exists().where(ReportStrand.report_id == Report.id, ReportStrand.strand == filters.strand)
        )
    if filters.incident_type:
        conditions.append(
            exists().where(
                ReportIncidentType.report_id == Report.id, ReportIncidentType.incident_type == filters.incident_type
            )
        )
    if filters.area:
        conditions.append(Report.area == filters.area)
    if filters.channel:
        conditions.append(Report.channel == filters.channel)
    if filters.centre_id:
        conditions.append(Report.centre_id == filters.centre_id)
    if filters.received_from:
        conditions.append(Report.received_at >= _start_of(filters.received_from))
    if filters.received_to:
        conditions.append(Report.received_at < _start_of(filters.received_to + timedelta(days=1)))
    if filters.assigned == "me":
        conditions.append(Report.assignee_id == viewer_id)
    elif filters.assigned == "unassigned":
        conditions.append(Report.assignee_id.is_(None))
    if filters.priority:
        conditions.append(Report.priority == filters.priority)
    if filters.next_meeting:
        from reporting.meetings.queries import flagged_filter

        conditions.append(Report.id.in_(flagged_filter()))
    if filters.hold:
        held = exists().where(LegalHold.report_id == Report.id, LegalHold.lifted_at.is_(None))
        conditions.append(held if filters.hold == "held" else ~held)
    return conditions


def _ordered(query: Select[Any], sort: str) -> Select[Any]:
    if sort == "oldest":
        return query.order_by(Report.received_at.asc(), Report.id.asc())
    if sort == "priority":
        return query.order_by(_PRIORITY_ORDER, Report.received_at.desc(), Report.id.desc())
    if sort == "incident_date":
        return query.order_by(Report.incident_date.desc().nulls_last(), Report.id.desc())
    return query.order_by(Report.received_at.desc(), Report.id.desc())


def review_queue(filters: QueueFilters, *, viewer_id: int) -> QueuePage:
    """One page of the queue and the count of cases in each status under the same filters."""
    # The status counts under the other filters give the total as well: one pass over the
    # matching reports, not two. count(*), not count(id): SQLite counts it from the smallest index.
    counts = {
        status: int(number)
        for status, number in db.session.execute(
            select(Report.status, func.count())
            .where(*_filtered(filters, viewer_id, with_status=False))
            .group_by(Report.status)
        )
    }
    total = counts.get(filters.status, 0) if filters.status else sum(counts.values())
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(filters.page, 1), pages)
    # The page's ids first, ordered and cut from the indexes alone; then only those rows. Sorting
    # whole rows read every matching report (with its sealed columns) to keep fifty of them.
    page_ids = (
        _ordered(select(Report.id).where(*_filtered(filters, viewer_id)), filters.sort)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    rows = list(
        db.session.scalars(
            _ordered(select(Report).options(*_CLEAR_ONLY).where(Report.id.in_(page_ids)), filters.sort)
        )
    )
    assignee_ids = {r.assignee_id for r in rows if r.assignee_id}
    assignees = (
        dict(db.session.execute(select(User.id, User.email).where(User.id.in_(assignee_ids))).all())
        if assignee_ids
        else {}
    )
    return QueuePage(rows, total, page, pages, {s.value: counts.get(s.value, 0) for s in Status}, assignees)


def not_reviewed_since(now: datetime, working_days: int) -> datetime:
    """Cases still "new" and received before this moment have waited longer than promised."""
    from reporting.cases.policies import working_day_cutoff

    cutoff = working_day_cutoff(now.date(), working_days)
    return datetime.combine(cutoff + timedelta(days=1), time.min, tzinfo=now.tzinfo or UTC)


def by_reference(reference: str) -> Select[tuple[Report]]:
    return select(Report).where(Report.reference == reference)


def report_by_reference(reference: str) -> Report | None:
    return db.session.scalar(by_reference(reference))


def possible_duplicates(report: Report, *, days: int = 3, limit: int = 10) -> list[Report]:
    """Cases from the same area sharing a strand, within a few days of this one."""
    anchor = report.incident_date
    other_strand = aliased(ReportStrand)
    strands = [s.strand for s in report.strands if s.strand not in ("other", "unknown")] or [
        s.strand for s in report.strands
    ]
    window = aliased(Report)
    if anchor is not None:
        near = and_(
            window.incident_date >= anchor - timedelta(days=days), window.incident_date <= anchor + timedelta(days=days)
        )
    else:
        near = and_(
            window.received_at >= report.received_at - timedelta(days=days),
            window.received_at <= report.received_at + timedelta(days=days),
        )
    already = select(CaseLink.other_id).where(CaseLink.report_id == report.id)
    query = (
        select(Report)
        .where(
            # The few days' window (a date index) picks the candidates; area and strands then filter
            # them. Led by the area, SQLite read every case of that area (a fifth of all, in a large town).
            Report.id.in_(select(window.id).where(near)),
            Report.id != report.id,
            Report.area == report.area,
            exists().where(other_strand.report_id == Report.id, other_strand.strand.in_(strands)),
            Report.id.not_in(already),
        )
        .order_by(Report.received_at.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def linked_cases(report: Report) -> list[tuple[CaseLink, Report]]:
    other = aliased(Report)
    return [
        (link, linked)
        for link, linked in db.session.execute(
            select(CaseLink, other)
            .join(other, other.id == CaseLink.other_id)
            .where(CaseLink.report_id == report.id)
            .order_by(CaseLink.created_at)
        ).all()
    ]


def centre_names() -> list[tuple[int, str]]:
    from reporting.centres.models import Centre

    return [(row.id, row.name) for row in db.session.execute(select(Centre.id, Centre.name).order_by(Centre.name))]


def reviewers() -> list[User]:
    return list(
        db.session.scalars(select(User).where(User.role == Role.REVIEWER, User.active.is_(True)).order_by(User.email))
    )


