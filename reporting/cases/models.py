"""What the Group does to a case: its timeline and links between cases.

Clear columns carry only what the queue and statistics need (kinds, statuses,
codes, ids). Anything a person wrote (notes, reasons) is in ``sealed``, sealed to
the group key, never to the report's own key, so a receipt cannot open it.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

# The codes of this package's columns (defined, with their words, in reporting.codes;
# re-exported for the modules that read them from here).
from reporting.codes import (
    EventKind as EventKind,
    LinkKind as LinkKind,
)
from reporting.db import Base, UTCDateTime, utcnow


class CaseEvent(Base):
    __tablename__ = "case_events"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('status', 'note', 'assignment', 'priority', 'flags', 'link', 'unlink', 'referral', 'meeting', "
            "'hold', 'retention')",
            name="kind",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(16))
    # Codes only: e.g. "new>in_triage", a priority, a user id, a linked reference.
    summary: Mapped[str] = mapped_column(String(200), default="")
    sealed: Mapped[bytes | None] = mapped_column(LargeBinary)


class CaseLink(Base):
    """``report_id`` is related to, or a duplicate of, ``other_id``."""

    __tablename__ = "case_links"
    __table_args__ = (
        UniqueConstraint("report_id", "other_id", name="pair"),
        CheckConstraint("kind IN ('related', 'duplicate')", name="kind"),
        CheckConstraint("report_id != other_id", name="not_self"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    other_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
