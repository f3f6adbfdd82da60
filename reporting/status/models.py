"""Messages with the reporter and receipt sessions (a new code waiting to be used,
PendingReceipt, is in reporting/reports/models.py beside the report's own code).

Everything a person wrote or uploaded is sealed to the report's own key, so the
reporter (with their receipt code) and the Group can read it, and the server
alone cannot. The Group's notes are elsewhere, sealed to the group key.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, LargeBinary, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

# The codes of this package's columns (defined, with their words, in reporting.codes;
# re-exported for the modules that read them from here).
from reporting.codes import (
    MessageKind as MessageKind,
)
from reporting.db import Base, UTCDateTime, utcnow


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (CheckConstraint("kind IN ('to_reporter', 'from_reporter', 'addition')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(16))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    read_by_reporter_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ReceiptSession(Base):
    """A reporter's visit opened with their receipt: the report's private key kept
    encrypted under a secret that lives only in their cookie."""

    __tablename__ = "receipt_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    keys: Mapped[bytes] = mapped_column(LargeBinary)


class ReporterFeedback(Base):
    """The reporter's optional, anonymous "How did we do?" (issue 30 item 8): one answer a report,
    which they may change. The score is in clear for the statistics; any words they add are sealed
    to the report's own key (the reporter and the Group's key holders read them, the server
    cannot). Nothing else: no time finer than the day, no session, no address."""

    __tablename__ = "reporter_feedback"
    __table_args__ = (CheckConstraint("score BETWEEN 1 AND 5", name="score"),)

    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True)
    score: Mapped[int] = mapped_column(SmallInteger)
    answered_on: Mapped[date] = mapped_column(Date, index=True)
    comment: Mapped[bytes | None] = mapped_column(LargeBinary)
