"""Reads for meetings, agencies and actions: clear columns only, never a decryption."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import aliased

from reporting.extensions import db, read
from reporting.meetings.models import (
    Action,
    ActionStatus,
    Agency,
    Meeting,
    MeetingAgency,
    MeetingFlag,
    MeetingItem,
    MeetingItemCopy,
)
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


def due_by_agency(today: date) -> list[tuple[Agency, int]]:
    """Active agencies with open actions due today or earlier, and how many (for reminders)."""
    return [(agency, int(count)) for agency, count in db.session.execute(
        select(Agency, func.count(Action.id)).join(Action, Action.agency_id == Agency.id)
        .where(Agency.active.is_(True), Action.status == ActionStatus.OPEN.value, Action.due_on <= today)
        .group_by(Agency.id).order_by(Agency.name)
    ).all()]


# For the statistics ------------------------------------------------------------------------

def heard_cases(start: date, end: date) -> Select[Any]:
    """(report_id, heard_on) for each case heard at a meeting held from ``start`` to ``end``
    inclusive: one row per case, at its first hearing in the range. Clear columns only
    (meeting_items.heard_at is set when the Group records its decision on the case)."""
    first = aliased(Meeting)
    return (
        select(MeetingItem.report_id, func.min(first.held_on).label("heard_on"))
        .join(first, first.id == MeetingItem.meeting_id)
        .where(MeetingItem.heard_at.is_not(None), first.held_on >= start, first.held_on <= end)
        .group_by(MeetingItem.report_id)
    )


def heard_report_ids(start: date, end: date) -> set[int]:
    """Ids of the cases heard at a meeting held from ``start`` to ``end`` inclusive."""
    return {int(row[0]) for row in db.session.execute(heard_cases(start, end)).all()}


