from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from reporting.db import Base, UTCDateTime, utcnow

# What a centre can offer a visitor. The codes are stable; labels are translated.
OFFERS = ("step_free", "hearing_loop", "quiet_room", "bsl", "interpreters")


class Centre(Base):
    """A third-party reporting centre (library, council office, charity). Centre staff belong to one."""

    __tablename__ = "centres"
    __table_args__ = (
        CheckConstraint("closed_on IS NULL OR opened_on IS NULL OR closed_on >= opened_on", name="closed_after_opened"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(Text, default="")
    town: Mapped[str] = mapped_column(String(48), default="", index=True)  # an area code
    postcode: Mapped[str] = mapped_column(String(10), default="")
    opening_hours: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    offers: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    how_to_get_help: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Its history (issue 31): a centre counts in the statistics for the days it was open; once
    # closed it leaves the public directory and the poster link. None: not known (before records).
    opened_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    # Where training reminders go (the centre's own contact, not a reporter's).
    contact_email: Mapped[str] = mapped_column(String(254), default="")

    def is_open(self, on: date) -> bool:
        """Open on that day: opened by then (or not known) and not yet closed."""
        return (self.opened_on is None or self.opened_on <= on) and (self.closed_on is None or self.closed_on > on)


class CentreVisit(Base):
    """A check of a centre by the Group: the poster, leaflets, and staff who can take a report.
    Never about a report: notes are short and say so in their hint."""

    __tablename__ = "centre_visits"
    __table_args__ = (CheckConstraint("staff_able >= 0", name="staff_able_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id", ondelete="CASCADE"), index=True)
    visited_on: Mapped[date] = mapped_column(Date)
    visitor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    poster_displayed: Mapped[bool] = mapped_column(Boolean)
    leaflets_stocked: Mapped[bool] = mapped_column(Boolean)
    staff_able: Mapped[int] = mapped_column(Integer)  # staff present who can take a report
    notes: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CentreTraining(Base):
    """A person at a centre (partner staff, never a reporter) trained in hate crime awareness."""

    __tablename__ = "centre_training"
    __table_args__ = (CheckConstraint("refresher_due > trained_on", name="refresher_after_training"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id", ondelete="CASCADE"), index=True)
    person_name: Mapped[str] = mapped_column(String(120))
    person_role: Mapped[str] = mapped_column(String(120), default="")
    trained_on: Mapped[date] = mapped_column(Date)
    refresher_due: Mapped[date] = mapped_column(Date, index=True)
    # The due date a reminder was last sent for: never twice for the same date.
    reminded_for: Mapped[date | None] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
