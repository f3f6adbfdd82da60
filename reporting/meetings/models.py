"""Meetings of the Group, partner agencies and the actions given to them.

Clear columns are dates, codes and ids, so lists, reminders and the statistics
never decrypt. What a person wrote is sealed: what an agency reads (the summaries
of a meeting it was invited to, its actions, its updates) to that agency's own key,
with the Group's own copy sealed to the group key; minutes and decisions to the
group key only. One agency's key opens nothing of another's.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, LargeBinary, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

# The codes of this package's columns (defined, with their words, in reporting.codes;
# re-exported for the modules that read them from here).
from reporting.codes import (
    ActionStatus as ActionStatus,
    Attendance as Attendance,
    AgencyKind as AgencyKind,
)
from reporting.db import Base, UTCDateTime, one_of, utcnow


class Agency(Base):
    __tablename__ = "agencies"
    __table_args__ = (CheckConstraint(one_of("kind", AgencyKind), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(24))
    contact_email: Mapped[str] = mapped_column(String(254))
    # Who an overdue action is escalated to (the agency's lead for the Group); the contact address when empty.
    lead_contact_email: Mapped[str | None] = mapped_column(String(254))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Meeting(Base):
    """One meeting of the Group. ``minutes`` are sealed to the group key."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    held_on: Mapped[date] = mapped_column(Date, index=True)
    place: Mapped[str] = mapped_column(String(300))  # a room or a call link, never case content
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    shared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    minutes: Mapped[bytes | None] = mapped_column(LargeBinary)


class MeetingAgency(Base):
    """An agency invited to a meeting, and whether it attended or sent its apologies (never both)."""

    __tablename__ = "meeting_agencies"
    __table_args__ = (CheckConstraint("NOT (attended AND apologies)", name="attended_or_apologies"),)

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True, index=True)
    attended: Mapped[bool] = mapped_column(Boolean, default=False)
    apologies: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class MeetingPerson(Base):
    """A person (the Group's staff, or someone at an agency) who attended a meeting or sent apologies."""

    __tablename__ = "meeting_people"
    __table_args__ = (CheckConstraint(one_of("attendance", Attendance), name="attendance"),)

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    attendance: Mapped[str] = mapped_column(String(16))


class MeetingItem(Base):
    """A case on a meeting's agenda: its summary (the Group's copy; each invited agency's in
    MeetingItemCopy) and decision. ``summary_partners`` holds only a summary sealed to the
    old shared partners' key, until `keys split-partners` moves it into the copies."""

    __tablename__ = "meeting_items"
    __table_args__ = (UniqueConstraint("meeting_id", "report_id", name="case"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    summary_partners: Mapped[bytes | None] = mapped_column(LargeBinary)
    summary_group: Mapped[bytes | None] = mapped_column(LargeBinary)
    decision: Mapped[bytes | None] = mapped_column(LargeBinary)  # sealed to the group key
    heard_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)


class MeetingItemCopy(Base):
    """A meeting item's summary sealed to one invited agency's own key."""

    __tablename__ = "meeting_item_copies"

    item_id: Mapped[int] = mapped_column(ForeignKey("meeting_items.id", ondelete="CASCADE"), primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True, index=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)


class MeetingFlag(Base):
    """A case chosen for the next meeting (cleared when it is put on an agenda)."""

    __tablename__ = "meeting_flags"

    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True)
    flagged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    flagged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class Action(Base):
    """Something asked of one agency about one case; the words sealed to that agency's own key
    (``text_partners``; an older action's to the old partners' key) and the Group's copy."""

    __tablename__ = "actions"
    __table_args__ = (CheckConstraint(one_of("status", ActionStatus), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    due_on: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(16), default=ActionStatus.OPEN.value, index=True)
    text_partners: Mapped[bytes] = mapped_column(LargeBinary)
    text_group: Mapped[bytes] = mapped_column(LargeBinary)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The Group's decision as the agency may read it (checked by the disclosure gate), sealed
    # to the agency's own key, and the Group's copy; never the minutes or the decision itself.
    decision_partners: Mapped[bytes | None] = mapped_column(LargeBinary)
    decision_group: Mapped[bytes | None] = mapped_column(LargeBinary)
    # When the agency's lead contact was told the action is long overdue (so never twice).
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ActionUpdate(Base):
    """An agency's update on an action, sealed to that agency's own key (the Group's copy is on the timeline)."""

    __tablename__ = "action_updates"
    __table_args__ = (CheckConstraint(one_of("status", ActionStatus), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16))
    sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
