"""The deletion register (legal holds are in reporting/reports/holds.py, below the queue).

Clear columns are ids, dates, rule codes and counts only: the register names the
reference, never any content.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from reporting.db import Base, UTCDateTime, utcnow


class DeletionRecord(Base):
    """One line of the deletion register: which report's content went, when, under which rule."""

    __tablename__ = "deletion_register"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    destroyed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    rule: Mapped[str] = mapped_column(String(24))
    items: Mapped[int] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(254))
