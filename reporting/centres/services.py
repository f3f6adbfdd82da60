"""Centres as data: create, edit, retire, and the CSV import/export format.

CSV columns (UTF-8, header row required, in any order):
  slug, name, address, town, postcode, opening_hours, phone, offers, languages,
  how_to_get_help, active
``town`` is an area code from the areas list (e.g. ``shrewsbury``); ``offers`` and
``languages`` hold several values separated by ``;``; ``active`` is ``yes``/``no``.
Multi-line fields (address, opening hours) use normal CSV quoting.
An import is all or nothing: any bad row and nothing changes. Each row is checked by the
admin's form (centres.admin_forms.centres_from_csv, through reporting.forms.csv_import).
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from reporting import audit
from reporting.centres.models import OFFERS, Centre
from reporting.disclosure.cells import csv_cell
from reporting.extensions import db
from reporting.reports.models import Choice

COLUMNS = (
    "slug", "name", "address", "town", "postcode", "opening_hours", "phone", "offers", "languages",
    "how_to_get_help", "active",
)
REQUIRED = ("slug", "name", "town")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LIMITS = {"slug": 64, "name": 200, "address": 1000, "town": 48, "postcode": 10, "opening_hours": 1000,
          "phone": 40, "how_to_get_help": 2000}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class CentreData:
    slug: str
    name: str
    address: str = ""
    town: str = ""
    postcode: str = ""
    opening_hours: str = ""
    phone: str = ""
    offers: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    how_to_get_help: str = ""
    active: bool = True


def area_codes() -> set[str]:
    return set(db.session.scalars(select(Choice.code).where(Choice.list_name == "area")))


def validate(data: CentreData, *, towns: set[str]) -> list[str]:
    """Problems with one centre's data, in plain words (empty when fine)."""
    problems = []
    for name in REQUIRED:
        if not getattr(data, name):
            problems.append(f"{name} is missing")
    if data.slug and not SLUG.match(data.slug):
        problems.append(f"slug '{data.slug}' must be lower-case letters, digits and single hyphens")
    for name, limit in LIMITS.items():
        value = getattr(data, name)
        if len(value) > limit:
            problems.append(f"{name} is longer than {limit} characters")
        if _CONTROL.search(value):
            problems.append(f"{name} contains control characters")
    if data.town and data.town not in towns:
        problems.append(f"town '{data.town}' is not a known area code")
    unknown = [offer for offer in data.offers if offer not in OFFERS]
    if unknown:
        problems.append(f"unknown offers: {', '.join(unknown)} (known: {', '.join(OFFERS)})")
    if any(len(language) > 60 or _CONTROL.search(language) for language in data.languages):
        problems.append("a language name is too long or has control characters")
    return problems


def _apply(centre: Centre, data: CentreData) -> None:
    for name in ("name", "address", "town", "postcode", "opening_hours", "phone", "how_to_get_help", "active"):
        setattr(centre, name, getattr(data, name))
    centre.offers = list(data.offers)
    centre.languages = list(data.languages)


def save_centre(data: CentreData, *, actor: Any, centre: Centre | None = None) -> Centre:
    """Create (or, given ``centre``, update) a centre from validated data."""
    if centre is None:
        centre = Centre(slug=data.slug, name=data.name)
        db.session.add(centre)
    _apply(centre, data)
    db.session.flush()
    audit.record("centre.save", f"centre:{centre.id}", actor=actor, slug=centre.slug)
    return centre


def retire_centre(centre: Centre, *, actor: Any) -> None:
    centre.active = False
    db.session.flush()
    audit.record("centre.retire", f"centre:{centre.id}", actor=actor)


def import_centres(rows: Iterable[CentreData], *, actor: Any) -> tuple[int, int]:
    """Create or update centres by slug. Returns (created, updated)."""
    created = updated = 0
    for data in rows:
        centre = db.session.scalar(select(Centre).where(Centre.slug == data.slug))
        if centre is None:
            created += 1
        else:
            updated += 1
        save_centre(data, actor=actor, centre=centre)
    return created, updated


def export_csv() -> str:
    """Every centre as CSV; text that a spreadsheet would run as a formula is written as text."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for centre in db.session.scalars(select(Centre).order_by(Centre.slug)):
        writer.writerow([csv_cell(cell) for cell in (
            centre.slug, centre.name, centre.address, centre.town, centre.postcode, centre.opening_hours,
        )] + [csv_cell(centre.phone, phone=True)] + [csv_cell(cell) for cell in (
            ";".join(centre.offers or []), ";".join(centre.languages or []), centre.how_to_get_help,
            "yes" if centre.active else "no",
        )])
    return out.getvalue()
