"""Reads of centres for the directory, posters and journeys."""
from __future__ import annotations

from sqlalchemy import select

from reporting.centres.models import Centre
from reporting.extensions import db


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
