"""Changes to initiatives and area populations: flush and audit; callers commit."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from reporting import audit
from reporting.context.models import AreaPopulation, Initiative, InitiativeKind
from reporting.db import utcnow
from reporting.extensions import db


@dataclass(frozen=True)
class InitiativeData:
    title: str
    kind: InitiativeKind
    starts_on: date
    ends_on: date | None
    area: str | None


def save_initiative(data: InitiativeData, *, actor: Any, initiative: Initiative | None = None) -> Initiative:
    """Create an initiative (``initiative`` None) or change one; audited with its kind and area.
    (The form refuses an end before the start, and so does the database.)"""
    if initiative is None:
        initiative = Initiative(created_by_id=getattr(actor, "id", None))
        db.session.add(initiative)
    initiative.title = data.title
    initiative.kind = data.kind.value
    initiative.starts_on = data.starts_on
    initiative.ends_on = data.ends_on
    initiative.area = data.area
    db.session.flush()
    audit.record("initiative.save", f"initiative:{initiative.id}", actor=actor, kind=initiative.kind,
                 area=initiative.area or "")
    return initiative


def remove_initiative(initiative: Initiative, *, actor: Any) -> None:
    """Delete an initiative; the audit log keeps that it was removed (its id and kind)."""
    audit.record("initiative.remove", f"initiative:{initiative.id}", actor=actor, kind=initiative.kind)
    db.session.delete(initiative)
    db.session.flush()


def save_population(area: str, *, population: int, source: str, year: int, actor: Any) -> AreaPopulation:
    """Enter or change an area's population, with where the figure comes from and its year."""
    row = db.session.get(AreaPopulation, area)
    if row is None:
        row = AreaPopulation(area=area)
        db.session.add(row)
    row.population, row.source, row.year = population, source, year
    row.updated_at = utcnow()
    row.updated_by_id = getattr(actor, "id", None)
    db.session.flush()
    audit.record("population.save", "populations", actor=actor, area=area, population=population, year=year)
    return row


def remove_population(area: str, *, actor: Any) -> bool:
    """Forget an area's population (its rate is then shown as not available). False if none."""
    row = db.session.get(AreaPopulation, area)
    if row is None:
        return False
    db.session.delete(row)
    db.session.flush()
    audit.record("population.remove", "populations", actor=actor, area=area)
    return True
