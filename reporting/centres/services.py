"""Centres as data: create, edit, retire, and the CSV import/export format.

CSV columns (UTF-8, header row required, in any order):
  slug, name, address, town, postcode, opening_hours, phone, offers, languages,
  how_to_get_help, active
``town`` is an area code from the areas list (e.g. ``shrewsbury``); ``offers`` and
``languages`` hold several values separated by ``;``; ``active`` is ``yes``/``no``.
Multi-line fields (address, opening hours) use normal CSV quoting.
An import is all or nothing: any bad row and nothing changes.
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
from reporting.disclosure.cells import csv_cell, formula_problems
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


class CentreImportError(Exception):
    """The CSV has problems; ``problems`` lists them with their row numbers."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


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


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def parse_csv(text: str) -> list[CentreData]:
    """Parse and check a whole file; raise CentreImportError naming every bad row."""
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED if name not in header]
    unknown = [name for name in header if name not in COLUMNS]
    if missing or unknown:
        header_problems = []
        if missing:
            header_problems.append(f"Row 1 (header): missing columns {', '.join(missing)}")
        if unknown:
            header_problems.append(f"Row 1 (header): unknown columns {', '.join(unknown)}")
        raise CentreImportError(header_problems)
    towns = area_codes()
    rows: list[CentreData] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(reader, start=2):
        if None in raw:
            problems.append(f"Row {number}: more values than columns")
            continue
        value = {key.strip(): (raw.get(key) or "").strip() for key in raw}
        active = value.get("active", "yes").lower() or "yes"
        data = CentreData(
            slug=value.get("slug", ""),
            name=value.get("name", ""),
            address=value.get("address", ""),
            town=value.get("town", ""),
            postcode=value.get("postcode", "").upper(),
            opening_hours=value.get("opening_hours", ""),
            phone=value.get("phone", ""),
            offers=_split(value.get("offers", "")),
            languages=_split(value.get("languages", "")),
            how_to_get_help=value.get("how_to_get_help", ""),
            active=active in ("yes", "true", "1"),
        )
        row_problems = formula_problems(value) + validate(data, towns=towns)
        if active not in ("yes", "no", "true", "false", "1", "0"):
            row_problems.append(f"active must be yes or no, not '{active}'")
        if data.slug in seen:
            row_problems.append(f"slug '{data.slug}' is also on row {seen[data.slug]}")
        seen.setdefault(data.slug, number)
        problems += [f"Row {number}: {problem}" for problem in row_problems]
        rows.append(data)
    if problems:
        raise CentreImportError(problems)
    if not rows:
        raise CentreImportError(["The file has no centres"])
    return rows


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
