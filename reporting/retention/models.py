"""Legal holds and the deletion register.

Clear columns are ids, dates, rule codes and counts only: the reason for a hold is
sealed to the group key, and the register names the reference, never any content.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from reporting.db import Base, UTCDateTime, utcnow


class LegalHold(Base):
    """A hold on a case stops its content being destroyed until it is lifted."""

    __tablename__ = "legal_holds"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    placed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[bytes | None] = mapped_column(LargeBinary)  # sealed to the group key
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    lifted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class DeletionRecord(Base):
    """One line of the deletion register: which report's content went, when, under which rule."""

    __tablename__ = "deletion_register"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    destroyed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    rule: Mapped[str] = mapped_column(String(24))
    items: Mapped[int] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(254))
