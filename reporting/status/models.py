"""Messages with the reporter, receipt sessions and evidence files.

Everything a person wrote or uploaded is sealed to the report's own key, so the
reporter (with their receipt code) and the Group can read it, and the server
alone cannot. The Group's notes are elsewhere, sealed to the group key.
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from reporting.db import Base, UTCDateTime, utcnow


class MessageKind(enum.StrEnum):
    TO_REPORTER = "to_reporter"  # from the Group
    FROM_REPORTER = "from_reporter"  # a reply
    ADDITION = "addition"  # more information added to the report


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


class Evidence(Base):
    """An uploaded file: the original and a copy with metadata removed, both sealed.

    ``sha256`` is of the original as uploaded, recorded for evidential integrity.
    ``kind`` (image, pdf, text) decides the safe content type it is served with.
    """

    __tablename__ = "evidence"
    __table_args__ = (CheckConstraint("kind IN ('image', 'pdf', 'text')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(8))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    original: Mapped[bytes] = mapped_column(LargeBinary)
    cleaned: Mapped[bytes] = mapped_column(LargeBinary)
    details: Mapped[bytes] = mapped_column(LargeBinary)  # sealed: file name, content type
