"""Legal holds: a hold on a report stops its content being destroyed until it is lifted.

The model and the condition the queue filters on sit here, below the case queue and
retention, so both read holds without importing each other; placing and lifting a hold
(with the audit and the two-person rule) stays in reporting/retention.
Clear columns are ids and dates only: the reason for a hold is sealed to the group key.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, LargeBinary, exists, func, select
from sqlalchemy.orm import Mapped, mapped_column

from reporting.db import Base, UTCDateTime, utcnow
from reporting.extensions import db
from reporting.reports.models import Report


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


def held_condition() -> Any:
    """SQL: the report has a hold not lifted (for the queue's filter and the retention run)."""
    return exists().where(LegalHold.report_id == Report.id, LegalHold.lifted_at.is_(None))


def is_held(report: Report) -> bool:
    return bool(db.session.scalar(
        select(func.count()).select_from(LegalHold).where(LegalHold.report_id == report.id, LegalHold.lifted_at.is_(None))
    ))


__all__ = ["LegalHold", "held_condition", "is_held"]
