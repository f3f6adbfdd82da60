"""Reads for the queue: only clear fields, never a decryption: the queue selects the columns a line
shows and never loads the sealed ones (a few KB a row)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, and_, exists, func, literal, select
from sqlalchemy.orm import aliased

from reporting.auth.models import Role, User
from reporting.cases.models import CaseLink
from reporting.extensions import db
from reporting.retention.models import LegalHold
from reporting.reports.models import Priority, Report, ReportIncidentType, ReportStrand, Status

PAGE_SIZE = 50
# Counts stop here ("more than 1,000"): exact counts of a long queue cost more than the page.
COUNT_CAP = 1000
MAX_PAGE = 10_000  # a page number beyond this is taken as the last that could exist
SORTS = ("newest", "oldest", "priority", "incident_date")
# Aliases made once, not per call: the first use of a column of a new alias of a table as wide
# as reports builds all its columns, about a millisecond on every case page that made one.
_LINKED = aliased(Report, name="linked")
_NEARBY = aliased(Report, name="nearby")
_NEARBY_STRAND = aliased(ReportStrand, name="nearby_strand")
# Most urgent first: the priority sort walks the (priority, received_at) index once per
# priority, each walk stopping when the page is full, instead of sorting every match.
PRIORITY_ORDER = (Priority.URGENT.value, Priority.HIGH.value, Priority.NORMAL.value, Priority.LOW.value)


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


@dataclass(frozen=True)
class QueueRow:
    """What one line of the queue shows: clear fields only, read as plain values (no ORM rows:
    building fifty Report objects with their strands cost more than the rest of the page)."""

    id: int
    reference: str
    received_at: datetime
    status: str
    priority: str
    area: str
    channel: str
    new_information: bool
    assignee_id: int | None
    strand_codes: list[str]
    incident_type_codes: list[str]


@dataclass(frozen=True)
class OtherCase:
    """A case named on another's page (a possible duplicate): its reference and when it came in."""

    reference: str
    received_at: datetime


@dataclass
class QueuePage:
    rows: list[QueueRow]
    total: int
    page: int
    # None when the total passed COUNT_CAP: the queue then pages on without a last page number.
    pages: int | None
    has_next: bool
    status_counts: dict[str, int] = field(default_factory=dict)
    # Statuses whose count reached COUNT_CAP: shown as "more than 1,000".
    capped: frozenset[str] = frozenset()
    assignees: dict[int, str] = field(default_factory=dict)

    @property
    def total_capped(self) -> bool:
        return bool(self.capped)


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
    if sort == "incident_date":
        return query.order_by(Report.incident_date.desc().nulls_last(), Report.id.desc())
    return query.order_by(Report.received_at.desc(), Report.id.desc())


def _capped_counts(conditions: list[Any]) -> dict[str, int]:
    """Matching cases per status, each counted no further than COUNT_CAP + 1, in one statement.

    Counting every one of 100,000 cases on each queue page cost more than the rest of the page;
    a status index stops each count at the cap, and a queue that long is read by its filters."""
    columns = [
        select(func.count())
        .select_from(select(literal(1)).where(Report.status == status, *conditions).limit(COUNT_CAP + 1).subquery())
        .scalar_subquery()
        .label(status.value)
        for status in Status
    ]
    row = db.session.execute(select(*columns)).one()
    return {status.value: int(row[index]) for index, status in enumerate(Status)}


def _by_priority(conditions: list[Any], offset: int, limit: int) -> list[int]:
    """Ids most urgent first, then newest first: one index walk per priority, in turn, until
    ``limit`` ids are found after skipping ``offset``. Sorting every matching case by a CASE
    expression read the whole filtered set (20,000 cases of a large area) for one page."""
    found: list[int] = []
    skip = offset
    walks = [Report.priority == value for value in PRIORITY_ORDER]
    walks.append(Report.priority.not_in(PRIORITY_ORDER))  # none today; never lost if one appears
    for walk in walks:
        matching = select(Report.id).where(walk, *conditions)
        if skip:
            # How many of this priority come before the page (counted no further than needed).
            before = db.session.scalar(select(func.count()).select_from(matching.limit(skip).subquery())) or 0
            if before < skip:
                skip -= before
                continue
        found += db.session.scalars(
            matching.order_by(Report.received_at.desc(), Report.id.desc()).offset(skip).limit(limit - len(found))
        )
        skip = 0
        if len(found) >= limit:
            break
    return found


def _codes(table: Any, column: Any, ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for report_id, code in db.session.execute(
        select(table.report_id, column).where(table.report_id.in_(ids)).order_by(table.report_id, column)
    ):
        found.setdefault(report_id, []).append(code)
    return found


def review_queue(filters: QueueFilters, *, viewer_id: int) -> QueuePage:
    """One page of the queue and the count of cases in each status under the same filters."""
    counts = _capped_counts(_filtered(filters, viewer_id, with_status=False))
    capped = frozenset(status for status, number in counts.items() if number > COUNT_CAP)
    counts = {status: min(number, COUNT_CAP) for status, number in counts.items()}
    if filters.status:
        total, exact = counts.get(filters.status, 0), filters.status not in capped
    else:
        total, exact = sum(counts.values()), not capped
    pages = max(1, -(-total // PAGE_SIZE)) if exact else None
    page = min(max(filters.page, 1), pages or MAX_PAGE)
    # The page's ids, ordered and cut from the indexes alone (one more than a page: is there a
    # next?); then only the columns a line shows, for those ids.
    conditions = _filtered(filters, viewer_id)
    if filters.sort == "priority" and not filters.priority:
        page_ids = _by_priority(conditions, (page - 1) * PAGE_SIZE, PAGE_SIZE + 1)
    else:  # one priority chosen: most urgent first is newest first
        sort = "newest" if filters.sort == "priority" else filters.sort
        page_ids = list(
            db.session.scalars(
                _ordered(select(Report.id).where(*conditions), sort).limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)
            )
        )
    has_next = len(page_ids) > PAGE_SIZE
    page_ids = page_ids[:PAGE_SIZE]
    found = {
        row.id: row
        for row in db.session.execute(
            select(
                Report.id, Report.reference, Report.received_at, Report.status, Report.priority, Report.area,
                Report.channel, Report.new_information, Report.assignee_id,
            ).where(Report.id.in_(page_ids))
        )
    } if page_ids else {}
    strands = _codes(ReportStrand, ReportStrand.strand, page_ids) if page_ids else {}
    incident_types = _codes(ReportIncidentType, ReportIncidentType.incident_type, page_ids) if page_ids else {}
    rows = [
        QueueRow(*found[report_id], strand_codes=strands.get(report_id, []),
                 incident_type_codes=incident_types.get(report_id, []))
        for report_id in page_ids
        if report_id in found
    ]
    assignee_ids = {r.assignee_id for r in rows if r.assignee_id}
    assignees = (
        dict(db.session.execute(select(User.id, User.email).where(User.id.in_(assignee_ids))).all())
        if assignee_ids
        else {}
    )
    return QueuePage(rows, total, page, pages, has_next, counts, capped, assignees)


def not_reviewed_since(now: datetime, working_days: int) -> datetime:
    """Cases still "new" and received before this moment have waited longer than promised."""
    from reporting.cases.policies import working_day_cutoff

    cutoff = working_day_cutoff(now.date(), working_days)
    return datetime.combine(cutoff + timedelta(days=1), time.min, tzinfo=now.tzinfo or UTC)


def by_reference(reference: str) -> Select[tuple[Report]]:
    return select(Report).where(Report.reference == reference)


def report_by_reference(reference: str) -> Report | None:
    return db.session.scalar(by_reference(reference))


def possible_duplicates(report: Report, *, days: int = 3, limit: int = 10) -> list[OtherCase]:
    """Cases from the same area sharing a strand, within a few days of this one (the two
    columns the page shows, not ORM rows with their sealed columns)."""
    anchor = report.incident_date
    other_strand = _NEARBY_STRAND
    strands = [s.strand for s in report.strands if s.strand not in ("other", "unknown")] or [
        s.strand for s in report.strands
    ]
    window = _NEARBY
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
        select(Report.reference, Report.received_at)
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
    return [OtherCase(reference, received_at) for reference, received_at in db.session.execute(query)]


def linked_cases(report: Report) -> list[tuple[CaseLink, Report]]:
    other = _LINKED
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


