"""Reads for the queue: only clear fields, never a decryption: the queue selects the columns a line
shows and never loads the sealed ones (a few KB a row)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, and_, bindparam, exists, func, literal, or_, select, true
from sqlalchemy.orm import aliased, joinedload

from reporting import casefile
from reporting.auth.models import Role, User
from reporting.cases.models import CaseLink
from reporting.extensions import db, read
from reporting.reports.holds import held_condition
from reporting.reports.models import Priority, Report, ReportIncidentType, ReportStrand, Status, strand_set

PAGE_SIZE = 50
# Counts stop here ("more than 1,000"): exact counts of a long queue cost more than the page.
COUNT_CAP = 1000
MAX_PAGE = 10_000  # a page number beyond this is taken as the last that could exist
SORTS = ("newest", "oldest", "priority", "incident_date")
# Aliases made once, not per call: the first use of a column of a new alias of a table as wide
# as reports builds all its columns, about a millisecond on every case page that made one.
_LINKED = aliased(Report, name="linked")
_NEARBY = aliased(Report, name="nearby")
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
    hold: str | None = None  # "held" or "not_held" (legal holds, reporting/reports/holds.py)
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
    tags: frozenset[str] = frozenset()  # the warning tags (reporting/casefile.py) this case carries


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


def _filtered(filters: QueueFilters, viewer_id: int, *, with_status: bool = True) -> tuple[tuple[str, ...], dict[str, Any]]:
    """The filters in use, by name, and the values they bind (see ``_condition``)."""
    names: list[str] = []
    params: dict[str, Any] = {}

    def use(name: str, **values: Any) -> None:
        names.append(name)
        params.update(values)

    if with_status and filters.status:
        use("status", status=filters.status)
    if filters.strand:
        # Codes are [a-z_]: "_" is the one LIKE wildcard among them, so it is escaped.
        use("strand", strand=filters.strand,
            strand_pattern=f"%{strand_set([filters.strand])}%".replace("_", "\\_"))
    if filters.incident_type:
        use("incident_type", incident_type=filters.incident_type)
    if filters.area:
        use("area", area=filters.area)
    if filters.channel:
        use("channel", channel=filters.channel)
    if filters.centre_id:
        use("centre", centre_id=filters.centre_id)
    if filters.received_from:
        use("received_from", received_from=_start_of(filters.received_from))
    if filters.received_to:
        use("received_to", received_to=_start_of(filters.received_to + timedelta(days=1)))
    if filters.assigned == "me":
        use("mine", viewer_id=viewer_id)
    elif filters.assigned == "unassigned":
        use("unassigned")
    if filters.priority:
        use("priority", priority=filters.priority)
    if filters.next_meeting:
        use("next_meeting")
    if filters.hold in ("held", "not_held"):
        use(filters.hold)
    return tuple(names), params


@lru_cache(maxsize=None)
def _condition(name: str) -> Any:
    """One filter as a condition on bound parameters. Statements are built once for each set of
    filters in use and each page only binds its values: building the queue's statements anew
    cost more than running them."""
    if name == "strand":
        return exists().where(ReportStrand.report_id == Report.id, ReportStrand.strand == bindparam("strand"))
    if name == "incident_type":
        return exists().where(ReportIncidentType.report_id == Report.id,
                              ReportIncidentType.incident_type == bindparam("incident_type"))
    if name in ("held", "not_held"):
        held = held_condition()
        return held if name == "held" else ~held
    if name == "next_meeting":
        # The meetings' own filter, as they registered it (reporting/casefile.py); none, no filter.
        condition = casefile.registry().queue_filter(name)
        return condition() if condition is not None else true()
    simple: dict[str, Any] = {
        "status": Report.status == bindparam("status"),
        "area": Report.area == bindparam("area"),
        "channel": Report.channel == bindparam("channel"),
        "centre": Report.centre_id == bindparam("centre_id"),
        "received_from": Report.received_at >= bindparam("received_from"),
        "received_to": Report.received_at < bindparam("received_to"),
        "mine": Report.assignee_id == bindparam("viewer_id"),
        "unassigned": Report.assignee_id.is_(None),
        "priority": Report.priority == bindparam("priority"),
    }
    return simple[name]


def _conditions(names: tuple[str, ...], *, counting: bool = False) -> list[Any]:
    """The conditions of these filters. Counting, a strand is matched in ``strand_set``, which the
    indexes the counts read carry (the count never reads a row). Finding a page's ids, it is
    matched in report_strands: on SQLite a row's ``strand_set`` lies after its sealed columns, in
    overflow pages, and a page stops at its fifty-first match anyway."""
    return [_STRAND_IN_INDEX if counting and name == "strand" else _condition(name) for name in names]


_STRAND_IN_INDEX = Report.strand_set.like(bindparam("strand_pattern"), escape="\\")


def _ordered(query: Select[Any], sort: str) -> Select[Any]:
    if sort == "oldest":
        return query.order_by(Report.received_at.asc(), Report.id.asc())
    if sort == "incident_date":
        return query.order_by(Report.incident_date.desc().nulls_last(), Report.id.desc())
    return query.order_by(Report.received_at.desc(), Report.id.desc())


def _capped_counts(names: tuple[str, ...], params: dict[str, Any]) -> dict[str, int]:
    """Matching cases per status, each counted no further than COUNT_CAP + 1, in one statement.

    Counting every one of 100,000 cases on each queue page cost more than the rest of the page;
    a status index stops each count at the cap, and a queue that long is read by its filters."""
    row = read(_counts_statement(names), params | {"cap": COUNT_CAP + 1}).one()
    return {status.value: int(row[index]) for index, status in enumerate(Status)}


@lru_cache(maxsize=256)
def _counts_statement(names: tuple[str, ...]) -> Select[Any]:
    conditions = _conditions(names, counting=True)
    return select(*(
        select(func.count())
        .select_from(select(literal(1)).where(Report.status == status, *conditions).limit(bindparam("cap")).subquery())
        .scalar_subquery()
        .label(status.value)
        for status in Status
    ))


@lru_cache(maxsize=256)
def _page_statement(names: tuple[str, ...], sort: str) -> Select[Any]:
    return _ordered(select(Report.id).where(*_conditions(names)), sort).limit(bindparam("limit")).offset(bindparam("offset"))


# One walk per priority, most urgent first (and any other, none today, last: never lost).
_WALKS = (*(Report.priority == value for value in PRIORITY_ORDER), Report.priority.not_in(PRIORITY_ORDER))


@lru_cache(maxsize=256)
def _walk_statements(names: tuple[str, ...], walk: int) -> tuple[Select[Any], Select[Any]]:
    """For one priority under these filters: how many come before the page (counted no further
    than needed), and the page's ids of it, newest first."""
    matching = select(Report.id).where(_WALKS[walk], *_conditions(names))
    before = select(func.count()).select_from(matching.limit(bindparam("skip")).subquery())
    page = (matching.order_by(Report.received_at.desc(), Report.id.desc())
            .offset(bindparam("offset")).limit(bindparam("limit")))
    return before, page


def _by_priority(names: tuple[str, ...], params: dict[str, Any], offset: int, limit: int) -> list[int]:
    """Ids most urgent first, then newest first: one index walk per priority, in turn, until
    ``limit`` ids are found after skipping ``offset``. Sorting every matching case by a CASE
    expression read the whole filtered set (20,000 cases of a large area) for one page."""
    found: list[int] = []
    skip = offset
    for walk in range(len(_WALKS)):
        before_page, page = _walk_statements(names, walk)
        if skip:
            before = read(before_page, params | {"skip": skip}).scalar() or 0
            if before < skip:
                skip -= before
                continue
        found += read(page, params | {"offset": skip, "limit": limit - len(found)}).scalars()
        skip = 0
        if len(found) >= limit:
            break
    return found


def _codes_of(column: Any, report_id: Any) -> Any:
    """A report's codes in one column of a linked table, as one string (codes are [a-z_])."""
    return select(func.aggregate_strings(column, ",")).where(report_id == Report.id).correlate(Report).scalar_subquery()


# What a line of the queue shows, for a page of ids, in one statement built once: the clear
# columns, the strands and incident types, and the assignee's address.
_LINES = (
    select(
        Report.id, Report.reference, Report.received_at, Report.status, Report.priority, Report.area,
        Report.channel, Report.new_information, Report.assignee_id,
        _codes_of(ReportStrand.strand, ReportStrand.report_id).label("strands"),
        _codes_of(ReportIncidentType.incident_type, ReportIncidentType.report_id).label("incident_types"),
        User.email.label("assignee"),
    )
    .outerjoin(User, User.id == Report.assignee_id)
    .where(Report.id.in_(bindparam("ids", expanding=True)))
)


@lru_cache(maxsize=8)
def _lines_with(tag_columns: tuple[Any, ...]) -> Select[Any]:
    """The lines' statement with the registered warning tags' columns (the registry builds them
    once, so each set is one statement, built once)."""
    return _LINES.add_columns(*tag_columns)


_LINE_COLUMNS = 9  # the clear columns of _LINES that make a QueueRow's first fields


def _split(codes: str | None) -> list[str]:
    return sorted(codes.split(",")) if codes else []


def review_queue(filters: QueueFilters, *, viewer_id: int, now: datetime | None = None,
                 settings: Any = None) -> QueuePage:
    """One page of the queue and the count of cases in each status under the same filters;
    each line with the warning tags the features registered, as at ``now`` under ``settings``
    (none when not given)."""
    counts = _capped_counts(*_filtered(filters, viewer_id, with_status=False))
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
    names, params = _filtered(filters, viewer_id)
    if filters.sort == "priority" and not filters.priority:
        page_ids = _by_priority(names, params, (page - 1) * PAGE_SIZE, PAGE_SIZE + 1)
    else:  # one priority chosen: most urgent first is newest first
        sort = "newest" if filters.sort == "priority" else filters.sort
        page_ids = list(read(
            _page_statement(names, sort), params | {"limit": PAGE_SIZE + 1, "offset": (page - 1) * PAGE_SIZE}
        ).scalars())
    has_next = len(page_ids) > PAGE_SIZE
    page_ids = page_ids[:PAGE_SIZE]
    registry = casefile.registry()
    tag_names = [tag.name for tag in registry.queue_tags()] if now is not None else []
    lines, line_params = _LINES, {"ids": page_ids}
    if tag_names:
        lines = _lines_with(registry.queue_tag_columns())
        line_params |= registry.queue_tag_params(now, settings)
    found = {row.id: row for row in read(lines, line_params)} if page_ids else {}
    rows = [
        QueueRow(*found[report_id][:_LINE_COLUMNS], strand_codes=_split(found[report_id].strands),
                 incident_type_codes=_split(found[report_id].incident_types),
                 tags=frozenset(name for name in tag_names if getattr(found[report_id], f"tag_{name}")))
        for report_id in page_ids
        if report_id in found
    ]
    assignees = {row.assignee_id: row.assignee for row in found.values() if row.assignee_id}
    return QueuePage(rows, total, page, pages, has_next, counts, capped, assignees)


def not_reviewed_since(now: datetime, working_days: int) -> datetime:
    """Cases still "new" and received before this moment have waited longer than promised."""
    from reporting.cases.policies import working_day_cutoff

    cutoff = working_day_cutoff(now.date(), working_days)
    return datetime.combine(cutoff + timedelta(days=1), time.min, tzinfo=now.tzinfo or UTC)


def by_reference(reference: str) -> Select[tuple[Report]]:
    # One statement for the report and its few strands and types, not three (a case page asks for it each time).
    return (select(Report).where(Report.reference == reference)
            .options(joinedload(Report.strands), joinedload(Report.incident_types)))


def case_with_holdings(reference: str) -> tuple[Report, casefile.Holdings] | None:
    """The case page's report, with what it holds of each kind the features registered
    (reporting/casefile.py), in the same one statement."""
    registry = casefile.registry()
    row = db.session.execute(
        by_reference(reference).add_columns(*registry.holding_columns())
    ).unique().first()
    return (row[0], registry.holdings(row)) if row is not None else None


def holdings_of(report: Report) -> casefile.Holdings:
    """What a case loaded already holds (a page shown again after a refused form)."""
    registry = casefile.registry()
    row = db.session.execute(
        select(*registry.holding_columns()).where(Report.id == bindparam("report_id")), {"report_id": report.id}
    ).one()
    return registry.holdings(row)


def report_by_reference(reference: str) -> Report | None:
    return db.session.scalar(by_reference(reference))


def possible_duplicates(report: Report, *, days: int = 3, limit: int = 10) -> list[OtherCase]:
    """Cases from the same area sharing a strand, within a few days of this one (the two
    columns the page shows, not ORM rows with their sealed columns)."""
    strands = sorted({s.strand for s in report.strands if s.strand not in ("other", "unknown")}
                     or {s.strand for s in report.strands})
    if not strands:
        return []
    anchor = report.incident_date
    centre = anchor if anchor is not None else report.received_at
    params: dict[str, Any] = {"first": centre - timedelta(days=days), "last": centre + timedelta(days=days),
                              "report_id": report.id, "area": report.area, "limit": limit}
    for n, code in enumerate(strands):
        # Codes are [a-z_]: "_" is the one LIKE wildcard among them, so it is escaped.
        params[f"strand_{n}"] = f"%{strand_set([code])}%".replace("_", "\\_")
    query = _duplicates_near("incident_date" if anchor is not None else "received_at", len(strands))
    return [OtherCase(reference, received_at) for reference, received_at in read(query, params)]


@lru_cache(maxsize=None)
def _duplicates_near(column: str, strands: int) -> Select[Any]:
    """Possible duplicates within a window of ``column`` (of the other cases) sharing one of
    ``strands`` strands (bound as strand_0, strand_1, ...), built once for each."""
    already = select(CaseLink.other_id).where(CaseLink.report_id == bindparam("report_id"))
    if column == "incident_date":
        # The area and the few days' window are one range of the (area, incident_date) index, on
        # both databases. Written as a subquery of the window by date alone, the statement was
        # planned by PostgreSQL, on some days' statistics, at 27 ms a case page at 100,000
        # reports instead of 1 ms (the bench's profiles, four runs of ten).
        where = (Report.area == bindparam("area"), Report.incident_date >= bindparam("first"),
                 Report.incident_date <= bindparam("last"))
    else:
        # No incident date: the window of received times (its index) picks the candidates, then the
        # area filters them; led by the area, SQLite read every case of it (a fifth of all in a town).
        window = _NEARBY
        near = select(window.id).where(window.received_at >= bindparam("first"),
                                       window.received_at <= bindparam("last"))
        where = (Report.id.in_(near), Report.area == bindparam("area"))
    return (
        select(Report.reference, Report.received_at)
        .where(
            *where,
            Report.id != bindparam("report_id"),
            # The strands from the candidate's own row (strand_set, written with its report_strands
            # rows): an EXISTS on report_strands became, on PostgreSQL, a hash join reading every row
            # of the strand (187,000 at 1M reports, about a second) for a window of a few hundred.
            or_(*(Report.strand_set.like(bindparam(f"strand_{n}"), escape="\\") for n in range(strands))),
            Report.id.not_in(already),
        )
        .order_by(Report.received_at.desc())
        .limit(bindparam("limit"))
    )



# A case's links and the two columns shown of each other case, in a statement built once.
_LINKS = (
    select(CaseLink, _LINKED.reference, _LINKED.received_at)
    .join(_LINKED, _LINKED.id == CaseLink.other_id)
    .where(CaseLink.report_id == bindparam("report_id"))
    .order_by(CaseLink.created_at)
)


def linked_cases(report: Report) -> list[tuple[CaseLink, OtherCase]]:
    """The cases linked to this one: each link, and the other case's reference and date (not
    an ORM row of it with its sealed columns)."""
    return [(link, OtherCase(reference, received_at))
            for link, reference, received_at in db.session.execute(_LINKS, {"report_id": report.id})]


def centre_names() -> list[tuple[int, str]]:
    return [(row.id, row.name) for row in read(_centre_names())]


@lru_cache(maxsize=1)
def _centre_names() -> Select[Any]:
    """Built once (every queue page asks it); imported here, as before, not at the top."""
    from reporting.centres.models import Centre

    return select(Centre.id, Centre.name).order_by(Centre.name)


_REVIEWERS = (
    select(User.id, User.email).where(User.role == Role.REVIEWER, User.active.is_(True)).order_by(User.email)
)


def reviewers() -> list[tuple[str, str]]:
    """The active reviewers a case can be assigned to: (id as text, email)."""
    return [(str(user_id), email) for user_id, email in read(_REVIEWERS)]


