"""Initiatives and area populations: clear rows an analyst or administrator types in."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from reporting.codes import InitiativeKind as InitiativeKind
from reporting.db import Base, UTCDateTime, one_of, utcnow

TITLE_MAX = 80
SOURCE_MAX = 120
POPULATION_MAX = 100_000_000


class Initiative(Base):
    """Something the Group did that may bring more reports, with the dates it ran.

    No end date: it is still running (a new centre, say). No area: it covered every area."""

    __tablename__ = "initiatives"
    __table_args__ = (
        CheckConstraint(one_of("kind", InitiativeKind), name="kind"),
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    kind: Mapped[str] = mapped_column(String(24))
    starts_on: Mapped[date] = mapped_column(Date, index=True)
    ends_on: Mapped[date | None] = mapped_column(Date)
    area: Mapped[str | None] = mapped_column(String(48))  # a code of the "area" answer list
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class AreaPopulation(Base):
    """How many people live in an area (a code of the "area" answer list), and where that
    figure comes from: the statistics give reports per 1,000 residents where one is entered."""

    __tablename__ = "area_populations"
    __table_args__ = (
        CheckConstraint(f"population > 0 AND population <= {POPULATION_MAX}", name="population"),
        CheckConstraint("year >= 1900 AND year <= 2100", name="year"),
    )

    area: Mapped[str] = mapped_column(String(48), primary_key=True)
    population: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(SOURCE_MAX))
    year: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
