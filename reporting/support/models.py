"""Support services: name, what they help with, how to reach them; and the support each case
was offered, accepted and completed (issue 30 item 8).

Phone numbers and addresses are data the Partnership confirms, never code. Demo
entries are marked ``example`` and say so wherever they are shown.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

# The codes of this package's columns (defined, with their words, in reporting.codes).
from reporting.codes import (
    SupportAccepted as SupportAccepted,
    SupportCompleted as SupportCompleted,
    SupportOffered as SupportOffered,
)
from reporting.db import Base, UTCDateTime, utcnow


class SupportService(Base):
    __tablename__ = "support_services"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    helps_with: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    web_address: Mapped[str] = mapped_column(String(300), default="")
    hours: Mapped[str] = mapped_column(String(300), default="")
    example: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class CaseSupport(Base):
    """Support for one case, in clear codes for the statistics: offered (and when), accepted,
    completed. Nothing anyone wrote: a reviewer's words about it go in a note (sealed).

    ``accepted`` is kept only once support was offered, ``completed`` only once it was accepted;
    the database holds that too."""

    __tablename__ = "case_support"
    __table_args__ = (
        CheckConstraint("offered IN ('yes', 'no')", name="offered"),
        CheckConstraint("accepted IS NULL OR accepted IN ('yes', 'no', 'not_yet')", name="accepted"),
        CheckConstraint("completed IS NULL OR completed IN ('yes', 'stopped', 'not_yet')", name="completed"),
        CheckConstraint("offered = 'yes' OR (offered_on IS NULL AND accepted IS NULL AND completed IS NULL)",
                        name="only_if_offered"),
        CheckConstraint("offered = 'no' OR (offered_on IS NOT NULL AND accepted IS NOT NULL)", name="offer_recorded"),
        CheckConstraint("completed IS NULL OR accepted = 'yes'", name="only_if_accepted"),
    )

    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True)
    offered: Mapped[str] = mapped_column(String(8))
    offered_on: Mapped[date | None] = mapped_column(Date)
    accepted: Mapped[str | None] = mapped_column(String(8))
    completed: Mapped[str | None] = mapped_column(String(8))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
