"""Support services as data: list, save, and the CSV import/export format; and the support
a case's person was offered, accepted and completed (``record_support``, at the end).

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
from datetime import date
from typing import Any

from sqlalchemy import select

from reporting import audit
from reporting.auth.models import User
from reporting.cases.models import EventKind
from reporting.cases.services import record_event
from reporting.db import utcnow
from reporting.exceptions import DomainError
from reporting.disclosure.cells import csv_cell
from reporting.extensions import db
from reporting.keys.policies import require_reviewer
from reporting.reports.models import Report
from reporting.support.models import CaseSupport, SupportAccepted, SupportCompleted, SupportOffered, SupportService

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


# Support for a case (issue 30 item 8) ----------------------------------------------------

class SupportRecordError(DomainError):
    """Answers that do not fit together (accepted without an offer, completed without
    acceptance, an offer without its day): the form says so before this is reached."""


@dataclass(frozen=True)
class SupportAnswers:
    """What a reviewer records: ``offered``; if yes, the day and ``accepted``; if accepted, ``completed``."""

    offered: SupportOffered
    offered_on: date | None = None
    accepted: SupportAccepted | None = None
    completed: SupportCompleted | None = None

    def problems(self) -> list[str]:
        found = []
        if self.offered == SupportOffered.YES:
            if self.offered_on is None:
                found.append("offered_on")
            if self.accepted is None:
                found.append("accepted")
            if self.accepted == SupportAccepted.YES and self.completed is None:
                found.append("completed")
            if self.accepted != SupportAccepted.YES and self.completed is not None:
                found.append("completed")
        elif (self.offered_on, self.accepted, self.completed) != (None, None, None):
            found.append("offered")
        return found


def support_of(report: Report) -> CaseSupport | None:
    return db.session.get(CaseSupport, report.id)


def record_support(report: Report, answers: SupportAnswers, *, actor: User) -> list[str]:
    """Record the support offered, accepted and completed for a case (a reviewer only).

    Each part that changed goes on the case's timeline as a ``support`` event and into the
    audit log; nothing changed, nothing is written. Returns the parts changed. Flushes; the
    caller commits."""
    require_reviewer(actor)
    if answers.problems():
        raise SupportRecordError(",".join(answers.problems()))
    record = support_of(report)
    before: dict[str, str | None] = {"offered": None, "offered_on": None, "accepted": None, "completed": None}
    if record is not None:
        before = {"offered": record.offered, "offered_on": record.offered_on.isoformat() if record.offered_on else None,
                  "accepted": record.accepted, "completed": record.completed}
    after = {"offered": answers.offered.value,
             "offered_on": answers.offered_on.isoformat() if answers.offered_on else None,
             "accepted": answers.accepted.value if answers.accepted else None,
             "completed": answers.completed.value if answers.completed else None}
    changed = [part for part in ("offered", "accepted", "completed")
               if before[part] != after[part] or (part == "offered" and before["offered_on"] != after["offered_on"])]
    if not changed:
        return []
    if record is None:
        record = CaseSupport(report_id=report.id)
        db.session.add(record)
    record.offered, record.offered_on = answers.offered.value, answers.offered_on
    record.accepted, record.completed = after["accepted"], after["completed"]
    record.updated_at = utcnow()
    db.session.flush()
    for part in changed:
        record_event(report, actor, EventKind.SUPPORT, part, before=before[part], after=after[part],
                     ref=after["offered_on"] if part == "offered" else None)
    audit.record("support.case_recorded", f"report:{report.id}", actor=actor,
                 **{part: after[part] for part in changed if after[part] is not None})
    return changed
