"""Support services as data: list, save, and the CSV import/export format.

CSV columns (UTF-8, header row required, in any order):
  slug, name, helps_with, phone, web_address, hours, example, active, position
``slug`` and ``name`` are required; ``example`` and ``active`` are ``yes``/``no``
(demo entries are examples, and every page that shows them says so);
``web_address`` starts with ``https://`` or ``http://``. An import creates or
updates services by slug and is all or nothing; each row is checked by the admin's form
(support.forms.services_from_csv, through reporting.forms.csv_import).
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select

from reporting import audit
from reporting.disclosure.cells import csv_cell
from reporting.extensions import db
from reporting.support.models import SupportService

COLUMNS = ("slug", "name", "helps_with", "phone", "web_address", "hours", "example", "active", "position")
REQUIRED = ("slug", "name")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LIMITS = {"slug": 64, "name": 200, "helps_with": 2000, "phone": 40, "web_address": 300, "hours": 300}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PHONE = re.compile(r"^[0-9 +()-]*$")


@dataclass
class SupportData:
    slug: str
    name: str
    helps_with: str = ""
    phone: str = ""
    web_address: str = ""
    hours: str = ""
    example: bool = False
    active: bool = True
    position: int = 0


def validate(data: SupportData) -> list[str]:
    """Problems with one service's data, in plain words (empty when fine)."""
    problems = [f"{name} is missing" for name in REQUIRED if not getattr(data, name)]
    if data.slug and not SLUG.match(data.slug):
        problems.append(f"slug '{data.slug}' must be lower-case letters, digits and single hyphens")
    for name, limit in LIMITS.items():
        value = getattr(data, name)
        if len(value) > limit:
            problems.append(f"{name} is longer than {limit} characters")
        if _CONTROL.search(value):
            problems.append(f"{name} contains control characters")
    if data.phone and not _PHONE.match(data.phone):
        problems.append("phone may hold only digits, spaces, +, ( ) and -")
    if data.web_address and not data.web_address.startswith(("https://", "http://")):
        problems.append("web_address must start with https://")
    return problems


def active_services() -> list[SupportService]:
    """The services shown to someone who wants support, in the admin's order."""
    return list(db.session.scalars(
        select(SupportService).where(SupportService.active.is_(True)).order_by(SupportService.position, SupportService.name)
    ))


def all_services() -> list[SupportService]:
    return list(db.session.scalars(
        select(SupportService).order_by(SupportService.active.desc(), SupportService.position, SupportService.name)
    ))


def save_service(data: SupportData, *, actor: Any, service: SupportService | None = None) -> SupportService:
    """Create or update one service (by slug if ``service`` is not given). Flushes and audits."""
    if service is None:
        service = db.session.scalar(select(SupportService).where(SupportService.slug == data.slug))
    created = service is None
    if service is None:
        service = SupportService(slug=data.slug)
        db.session.add(service)
    for name, value in asdict(data).items():
        setattr(service, name, value)
    db.session.flush()
    audit.record("support.created" if created else "support.updated", f"support:{service.id}", actor=actor)
    return service


def import_services(rows: Iterable[SupportData], *, actor: Any) -> tuple[int, int]:
    """Create or update every row (by slug). Returns (created, updated)."""
    created = updated = 0
    for data in rows:
        exists = db.session.scalar(select(SupportService.id).where(SupportService.slug == data.slug)) is not None
        save_service(data, actor=actor)
        created, updated = (created, updated + 1) if exists else (created + 1, updated)
    return created, updated


def export_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for service in all_services():
        writer.writerow([
            csv_cell(service.slug), csv_cell(service.name), csv_cell(service.helps_with),
            csv_cell(service.phone, phone=True), csv_cell(service.web_address), csv_cell(service.hours),
            "yes" if service.example else "no", "yes" if service.active else "no", service.position,
        ])
    return out.getvalue()
