"""A request for an act that one person alone may not do, and its second key holder's decision.

Clear columns are codes, ids and times only: the reason a person gave is sealed to the
group key (``reason``), and ``facts`` holds codes (how the reporter asked, the route a
new code goes by, an erasure reason), never anything they wrote.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, LargeBinary, String, text
from sqlalchemy.orm import Mapped, mapped_column

# The codes of this package's columns (defined, with their words, in reporting.codes;
# re-exported for the modules that read them from here).
from reporting.codes import (
    Act as Act,
    AskRoute as AskRoute,
    Decision as Decision,
    DeliveryRoute as DeliveryRoute,
    IdentityCheck as IdentityCheck,
)
from reporting.db import Base, UTCDateTime, utcnow


class TwoPersonRequest(Base):
    """One key holder asks; a second (never the same person) approves or declines."""

    __tablename__ = "two_person_requests"
    __table_args__ = (
        CheckConstraint("act IN ('new_receipt_code', 'lift_hold', 'erase_report')", name="act"),
        CheckConstraint("decision IS NULL OR decision IN ('approved', 'declined', 'withdrawn')", name="decision"),
        CheckConstraint("decision = 'withdrawn' OR decided_by_id IS NULL OR requested_by_id IS NULL "
                        "OR decided_by_id != requested_by_id", name="second_person"),
        CheckConstraint("(decision IS NULL) = (decided_at IS NULL)", name="decided_together"),
        # One open request per act and report: a second ask waits on the first.
        Index("uq_two_person_requests_open", "report_id", "act", unique=True,
              sqlite_where=text("decided_at IS NULL"), postgresql_where=text("decided_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    act: Mapped[str] = mapped_column(String(24))
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reason: Mapped[bytes | None] = mapped_column(LargeBinary)  # sealed to the group key
    facts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # codes only
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    decision: Mapped[str | None] = mapped_column(String(16))
