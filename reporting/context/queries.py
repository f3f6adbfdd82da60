"""Reads of initiatives, populations and the areas they name (clear rows only)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select

from reporting.context.models import AreaPopulation, Initiative
from reporting.extensions import db
from reporting.reports.models import Choice


def areas() -> list[tuple[str, str]]:
    """(code, words) of the "area" answer list, in its order, inactive ones too."""
    rows = db.session.execute(select(Choice.code, Choice.label).where(Choice.list_name == "area")
                              .order_by(Choice.position, Choice.label)).all()
    return [(code, label) for code, label in rows]


def initiatives() -> list[Initiative]:
    """Every initiative, the latest first."""
    return list(db.session.scalars(select(Initiative).order_by(Initiative.starts_on.desc(), Initiative.id.desc())))


def initiatives_between(first: date, last: date, area: str | None = None) -> list[Initiative]:
    """Initiatives running at any time from ``first`` to ``last`` (both days included), oldest
    first; with ``area``, those in that area or in every area."""
    statement = (select(Initiative).where(Initiative.starts_on <= last)
                 .where(or_(Initiative.ends_on.is_(None), Initiative.ends_on >= first))
                 .order_by(Initiative.starts_on, Initiative.id))
    if area:
        statement = statement.where(or_(Initiative.area.is_(None), Initiative.area == area))
    return list(db.session.scalars(statement))


def populations() -> dict[str, AreaPopulation]:
    """Area code -> its population as entered."""
    return {row.area: row for row in db.session.scalars(select(AreaPopulation))}
