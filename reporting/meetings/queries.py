"""Reads for meetings, agencies and actions: clear columns only, never a decryption."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import aliased

from reporting.auth.models import Role, User
from reporting.extensions import db, read
from reporting.meetings.models import (
    Action,
    ActionStatus,
    Agency,
    Attendance,
    Meeting,
    MeetingAgency,
    MeetingFlag,
    MeetingItem,
    MeetingItemCopy,
    MeetingPerson,
)
from reporting.periods import london_today
from reporting.reports.models import Report


def agencies(*, active_only: bool = False) -> list[Agency]:
    query = select(Agency).order_by(Agency.active.desc(), Agency.name)
    if active_only:
        query = query.where(Agency.active.is_(True))
    return list(db.session.scalars(query))


def agency_names() -> list[tuple[int, str, bool]]:
    """(id, name, active) of every agency, active first: what the case page needs of them."""
    return [(row.id, row.name, row.active) for row in read(_AGENCY_NAMES)]


_AGENCY_NAMES = select(Agency.id, Agency.name, Agency.active).order_by(Agency.active.desc(), Agency.name)


def meetings() -> list[Meeting]:
    return list(db.session.scalars(select(Meeting).order_by(Meeting.held_on.desc(), Meeting.id.desc())))


def flagged_reports() -> list[Report]:
    """Cases flagged for the next meeting, oldest flag first."""
    return list(db.session.scalars(
        select(Report).join(MeetingFlag, MeetingFlag.report_id == Report.id).order_by(MeetingFlag.flagged_at)
    ))


def is_flagged(report_id: int) -> bool:
    return read(_FLAGGED, {"report_id": report_id}).first() is not None


_FLAGGED = select(MeetingFlag.report_id).where(MeetingFlag.report_id == bindparam("report_id"))


def flagged_filter() -> Select[tuple[int]]:
    """For the queue's "for the next meeting" filter: ids of flagged cases."""
    return select(MeetingFlag.report_id)


def items(meeting: Meeting) -> list[tuple[MeetingItem, Report]]:
    return [(item, report) for item, report in db.session.execute(
        select(MeetingItem, Report).join(Report, Report.id == MeetingItem.report_id)
        .where(MeetingItem.meeting_id == meeting.id).order_by(MeetingItem.position, MeetingItem.id)
    ).all()]


def copies(meeting: Meeting, agency_id: int) -> dict[int, bytes]:
    """One agency's sealed copies of a meeting's summaries, by item id."""
    return {item_id: sealed for item_id, sealed in db.session.execute(
        select(MeetingItemCopy.item_id, MeetingItemCopy.sealed)
        .join(MeetingItem, MeetingItem.id == MeetingItemCopy.item_id)
        .where(MeetingItem.meeting_id == meeting.id, MeetingItemCopy.agency_id == agency_id)
    ).all()}


def invited(meeting: Meeting) -> list[tuple[MeetingAgency, Agency]]:
    return [(row, agency) for row, agency in db.session.execute(
        select(MeetingAgency, Agency).join(Agency, Agency.id == MeetingAgency.agency_id)
        .where(MeetingAgency.meeting_id == meeting.id).order_by(Agency.name)
    ).all()]


def meetings_for_agency(agency_id: int) -> list[Meeting]:
    """Meetings this agency was invited to whose pack has been shared."""
    return list(db.session.scalars(
        select(Meeting).join(MeetingAgency, MeetingAgency.meeting_id == Meeting.id)
        .where(MeetingAgency.agency_id == agency_id, Meeting.shared_at.is_not(None))
        .order_by(Meeting.held_on.desc())
    ))


def agency_invited(meeting: Meeting, agency_id: int) -> bool:
    return db.session.get(MeetingAgency, (meeting.id, agency_id)) is not None


def actions(*, agency_id: int | None = None, report_id: int | None = None, meeting_id: int | None = None,
            open_only: bool = False) -> list[tuple[Action, Agency, str]]:
    """Actions with their agency and the case's reference, soonest due first."""
    query = (
        select(Action, Agency, Report.reference)
        .join(Agency, Agency.id == Action.agency_id).join(Report, Report.id == Action.report_id)
        .order_by(Action.due_on, Action.id)
    )
    if agency_id is not None:
        query = query.where(Action.agency_id == agency_id)
    if report_id is not None:
        query = query.where(Action.report_id == report_id)
    if meeting_id is not None:
        query = query.where(Action.meeting_id == meeting_id)
    if open_only:
        query = query.where(Action.status == ActionStatus.OPEN.value)
    return [(action, agency, reference) for action, agency, reference in db.session.execute(query).all()]


def is_overdue(action: Action, today: date) -> bool:
    return action.status == ActionStatus.OPEN.value and action.due_on < today


def _earlier(meeting: Meeting, other: Any) -> Any:
    """``other`` (a Meeting, or an alias of it) was held before ``meeting`` (the same day: made before it)."""
    return (other.held_on < meeting.held_on) | ((other.held_on == meeting.held_on) & (other.id < meeting.id))


def carried_forward(meeting: Meeting, *, agency_id: int | None = None) -> list[tuple[Action, Agency, str]]:
    """Open actions given before this meeting (at an earlier one, or from a case page before its
    day): they stay on every later agenda until they are closed. One agency's only, when
    ``agency_id`` is given."""
    given_at = aliased(Meeting)
    next_day = datetime.combine(meeting.held_on + timedelta(days=1), time(), tzinfo=UTC)
    query = (
        select(Action, Agency, Report.reference)
        .join(Agency, Agency.id == Action.agency_id).join(Report, Report.id == Action.report_id)
        .outerjoin(given_at, given_at.id == Action.meeting_id)
        .where(Action.status == ActionStatus.OPEN.value,
               _earlier(meeting, given_at) | (Action.meeting_id.is_(None) & (Action.created_at < next_day)))
        .order_by(Action.due_on, Action.id)
    )
    if agency_id is not None:
        query = query.where(Action.agency_id == agency_id)
    return [(action, agency, reference) for action, agency, reference in db.session.execute(query).all()]


def previous_decisions(meeting: Meeting) -> list[tuple[MeetingItem, Meeting, str]]:
    """The Group's decisions on this agenda's cases at earlier meetings (still sealed), oldest first."""
    on_agenda = select(MeetingItem.report_id).where(MeetingItem.meeting_id == meeting.id)
    return [(item, earlier, reference) for item, earlier, reference in db.session.execute(
        select(MeetingItem, Meeting, Report.reference)
        .join(Meeting, Meeting.id == MeetingItem.meeting_id).join(Report, Report.id == MeetingItem.report_id)
        .where(MeetingItem.report_id.in_(on_agenda), MeetingItem.decision.is_not(None),
               _earlier(meeting, Meeting))
        .order_by(Report.reference, Meeting.held_on, Meeting.id)
    ).all()]


def people_who_may_attend(meeting: Meeting) -> list[User]:
    """Who may be recorded at a meeting: the Group's reviewers, the police liaison and the people
    at the agencies invited (active accounts)."""
    invited_ids = select(MeetingAgency.agency_id).where(MeetingAgency.meeting_id == meeting.id)
    return list(db.session.scalars(
        select(User).where(User.active.is_(True),
                           User.role.in_([Role.REVIEWER.value, Role.POLICE.value])
                           | ((User.role == Role.AGENCY.value) & User.agency_id.in_(invited_ids)))
        .order_by(User.agency_id.is_not(None), User.email)
    ))


@dataclass(frozen=True)
class AttendanceRow:
    name: str  # an agency's name, or a person's email address
    attendance: Attendance | None  # None: neither attended nor sent apologies
    agency: str = ""  # a person's agency, or "" for the Group's own people


@dataclass(frozen=True)
class MeetingAttendance:
    """Who attended a meeting and who sent apologies, and whether it was quorate."""

    agencies: list[AttendanceRow]
    people: list[AttendanceRow]
    quorum: int  # agencies that must attend

    @property
    def agencies_attending(self) -> int:
        return sum(1 for row in self.agencies if row.attendance == Attendance.ATTENDED)

    @property
    def quorate(self) -> bool:
        return self.agencies_attending >= self.quorum

    def agencies_with(self, attendance: Attendance | None) -> list[str]:
        return [row.name for row in self.agencies if row.attendance == attendance]

    def people_with(self, attendance: Attendance) -> list[AttendanceRow]:
        return [row for row in self.people if row.attendance == attendance]


def attendance(meeting: Meeting, quorum: int) -> MeetingAttendance:
    """The meeting's attendance and apologies (agencies and people) against the quorum."""
    agencies = [AttendanceRow(agency.name, Attendance.ATTENDED if row.attended
                              else Attendance.APOLOGIES if row.apologies else None)
                for row, agency in invited(meeting)]
    names = {agency_id: name for agency_id, name, _active in agency_names()}
    people = [AttendanceRow(user.email, Attendance(row.attendance), names.get(user.agency_id or 0, ""))
              for row, user in db.session.execute(
                  select(MeetingPerson, User).join(User, User.id == MeetingPerson.user_id)
                  .where(MeetingPerson.meeting_id == meeting.id).order_by(User.agency_id.is_not(None), User.email))]
    return MeetingAttendance(agencies, people, quorum)


def people_recorded(meeting: Meeting) -> dict[int, Attendance]:
    return {user_id: Attendance(value) for user_id, value in db.session.execute(
        select(MeetingPerson.user_id, MeetingPerson.attendance).where(MeetingPerson.meeting_id == meeting.id))}


def escalation_due(today: date, days: int) -> list[tuple[Agency, list[Action]]]:
    """Active agencies' open actions overdue by ``days`` or more and never escalated, by agency."""
    rows = db.session.execute(
        select(Agency, Action).join(Action, Action.agency_id == Agency.id)
        .where(Agency.active.is_(True), Action.status == ActionStatus.OPEN.value, Action.escalated_at.is_(None),
               Action.due_on <= today - timedelta(days=days))
        .order_by(Agency.name, Action.id)
    ).all()
    grouped: dict[int, tuple[Agency, list[Action]]] = {}
    for agency, action in rows:
        grouped.setdefault(agency.id, (agency, []))[1].append(action)
    return list(grouped.values())


def due_by_agency(today: date) -> list[tuple[Agency, int]]:
    """Active agencies with open actions due today or earlier, and how many (for reminders)."""
    return [(agency, int(count)) for agency, count in db.session.execute(
        select(Agency, func.count(Action.id)).join(Action, Action.agency_id == Agency.id)
        .where(Agency.active.is_(True), Action.status == ActionStatus.OPEN.value, Action.due_on <= today)
        .group_by(Agency.id).order_by(Agency.name)
    ).all()]


# For the statistics ------------------------------------------------------------------------
#
# "Heard at a meeting of the Group" is defined here, once, and read by the statistics
# (reporting/stats/queries.py), their exports and open data, and the meeting pages: a case is heard
# on the DATE OF THE MEETING that heard it (a decision recorded for it: meeting_items.heard_at), not
# on the day someone typed the decision, and only once that meeting has been held (``held_on`` is
# today or before). A case heard at several meetings counts once, at the first. "Reviewed by the
# Group" (moved to "under review" in its status history) is a different measure, in the statistics.


def is_heard(item: MeetingItem, meeting: Meeting, today: date) -> bool:
    """Whether a case on a meeting's agenda counts as heard at it (the meeting pages' tag)."""
    return item.heard_at is not None and meeting.held_on <= today


def first_hearings(today: date) -> Any:
    """(report_id, heard_on): each case heard at a meeting held on or before ``today``, at its first.
    Clear columns only; a subquery the statistics group by month and filter by the report."""
    return (
        select(MeetingItem.report_id.label("report_id"), func.min(Meeting.held_on).label("heard_on"))
        .join(Meeting, Meeting.id == MeetingItem.meeting_id)
        .where(MeetingItem.heard_at.is_not(None), Meeting.held_on <= today)
        .group_by(MeetingItem.report_id)
        .subquery("first_hearings")
    )


def heard_cases(start: date, end: date, today: date | None = None) -> Select[Any]:
    """(report_id, heard_on) for each case first heard at a meeting held from ``start`` to ``end``
    inclusive, and on or before ``today`` (London): the statistics' measure, case by case."""
    first = first_hearings(today or london_today())
    return select(first.c.report_id, first.c.heard_on).where(first.c.heard_on >= start, first.c.heard_on <= end)


def heard_report_ids(start: date, end: date, today: date | None = None) -> set[int]:
    """Ids of the cases first heard at a meeting held from ``start`` to ``end`` inclusive (and held already)."""
    return {int(row[0]) for row in db.session.execute(heard_cases(start, end, today)).all()}


def first_meeting_on() -> date | None:
    """The day of the first meeting of the Group kept here: before it, no hearing was recorded."""
    return db.session.scalar(select(func.min(Meeting.held_on)))
