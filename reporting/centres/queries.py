"""Reads of centres for the directory, posters and journeys."""
from __future__ import annotations

from sqlalchemy import select

from reporting.centres.models import Centre
from reporting.extensions import db
from reporting.reports.models import Choice


def active_centre(slug: str | None) -> Centre | None:
    if not slug or len(slug) > 64:
        return None
    return db.session.scalar(select(Centre).where(Centre.slug == slug, Centre.active.is_(True)))


def active_centres(*, town: str | None = None, offers: list[str] | None = None) -> list[Centre]:
    """Active centres, optionally in one town and offering everything asked for."""
    query = select(Centre).where(Centre.active.is_(True)).order_by(Centre.name)
    if town:
        query = query.where(Centre.town == town)
    centres = list(db.session.scalars(query))
    wanted = set(offers or [])
    return [centre for centre in centres if wanted <= set(centre.offers or [])]


def towns_with_active_centres() -> list[tuple[str, str]]:
    """(area code, label) of every area with an active centre, in the areas list's order."""
    towns = select(Centre.town).where(Centre.active.is_(True)).distinct()
    rows = db.session.execute(
        select(Choice.code, Choice.label)
        .where(Choice.list_name == "area", Choice.code.in_(towns))
        .order_by(Choice.position, Choice.label)
    ).all()
    return [(code, label) for code, label in rows]


def area_labels() -> dict[str, str]:
    """Every area's label by code, retired areas included (a centre may still name one)."""
    rows = db.session.execute(select(Choice.code, Choice.label).where(Choice.list_name == "area")).all()
    return {code: label for code, label in rows}
