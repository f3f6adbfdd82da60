"""Messages with the reporter and receipt sessions.

Everything a person wrote or uploaded is sealed to the report's own key, so the
reporter (with their receipt code) and the Group can read it, and the server
alone cannot. The Group's notes are elsewhere, sealed to the group key.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, String
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


class PendingReceipt(Base):
    """A new receipt code a second key holder approved and sent to the reporter, not yet used.

    The reporter's old code keeps working until this one is first used at /status; that
    use moves these columns onto the report (the old code then stops) and removes the row.
    Like the report's own: the lookup in clear, the report's key wrapped under Argon2id
    of the code's secret part; the code itself is nowhere.
    """

    __tablename__ = "pending_receipts"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), unique=True)
    lookup: Mapped[str] = mapped_column(String(16), unique=True)
    salt: Mapped[bytes] = mapped_column(LargeBinary)
    kdf: Mapped[str] = mapped_column(String(64))
    verifier: Mapped[bytes] = mapped_column(LargeBinary)
    key_wrap: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
