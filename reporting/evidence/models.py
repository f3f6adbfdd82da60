"""Evidence files: the original and a copy without metadata, both sealed to the report's key."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from reporting.db import Base, UTCDateTime, utcnow


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
