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
from datetime import date
from typing import Any

from sqlalchemy import select

from reporting import audit
from reporting.centres.models import OFFERS, Centre, CentreTraining, CentreVisit
from reporting.db import utcnow
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


def retire_centre(centre: Centre, *, actor: Any, today: date | None = None) -> None:
    """Take a centre out of the directory; it closes today unless it already closed."""
    centre.active = False
    if centre.closed_on is None:
        centre.closed_on = today or utcnow().date()
        if centre.opened_on and centre.opened_on > centre.closed_on:
            centre.opened_on = centre.closed_on
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


# History, visits and training (issue 31 items 6-7) -------------------------------------

# Reminders go out this many days before a refresher is due (and once when it is overdue).
REMINDER_DAYS_AHEAD = 30


@dataclass
class HistoryData:
    opened_on: date | None
    closed_on: date | None
    contact_email: str = ""


@dataclass
class VisitData:
    visited_on: date
    poster_displayed: bool
    leaflets_stocked: bool
    staff_able: int
    notes: str = ""


@dataclass
class TrainingData:
    person_name: str
    person_role: str
    trained_on: date
    refresher_due: date | None = None  # None: trained_on + the configured months


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when that month is shorter)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - every month has a 28th


def history_problems(data: HistoryData, *, today: date) -> dict[str, str]:
    """Problems by field name, in plain words: dates not in the future, closed not before opened."""
    problems: dict[str, str] = {}
    if data.opened_on and data.opened_on > today:
        problems["opened_on"] = "The opening date must be today or in the past"
    if data.closed_on and data.closed_on > today:
        problems["closed_on"] = "The closing date must be today or in the past: record a closure when it happens"
    if data.opened_on and data.closed_on and data.closed_on < data.opened_on:
        problems["closed_on"] = "The closing date must be the same as or after the opening date"
    return problems


def set_history(centre: Centre, data: HistoryData, *, actor: Any) -> None:
    """Record when a centre opened and closed (closing hides it from the public). Audited."""
    was_closed = centre.closed_on
    centre.opened_on = data.opened_on
    centre.closed_on = data.closed_on
    centre.contact_email = data.contact_email
    db.session.flush()
    details: dict[str, Any] = {"opened_on": str(data.opened_on or ""), "closed_on": str(data.closed_on or "")}
    action = "centre.close" if data.closed_on and not was_closed else (
        "centre.reopen" if was_closed and not data.closed_on else "centre.history")
    audit.record(action, f"centre:{centre.id}", actor=actor, **details)


def record_visit(centre: Centre, data: VisitData, *, actor: Any) -> CentreVisit:
    """A check of the centre: poster, leaflets, staff who can take a report. Audited."""
    visit = CentreVisit(
        centre_id=centre.id, visited_on=data.visited_on, visitor_id=getattr(actor, "id", None),
        poster_displayed=data.poster_displayed, leaflets_stocked=data.leaflets_stocked,
        staff_able=data.staff_able, notes=data.notes,
    )
    db.session.add(visit)
    db.session.flush()
    audit.record("centre.visit", f"centre:{centre.id}", actor=actor, visit=visit.id)
    return visit


def record_training(centre: Centre, data: TrainingData, *, actor: Any, refresh_months: int) -> CentreTraining:
    """A person at the centre trained in hate crime awareness; the refresher falls due
    ``refresh_months`` later unless a date is given. Audited."""
    training = CentreTraining(
        centre_id=centre.id, person_name=data.person_name, person_role=data.person_role,
        trained_on=data.trained_on,
        refresher_due=data.refresher_due or add_months(data.trained_on, refresh_months),
        recorded_by_id=getattr(actor, "id", None),
    )
    db.session.add(training)
    db.session.flush()
    audit.record("centre.training", f"centre:{centre.id}", actor=actor, training=training.id)
    return training


def training_reminder_notice(centre_name: str, link: str) -> tuple[str, str]:
    """The reminder's words: the centre and a sign-in link, nothing of any report."""
    return (
        "Reminder: hate crime awareness training refresher due",
        f"Hate crime awareness training at {centre_name} is due for a refresher.\n\n"
        f"Sign in to see who needs it (sign-in needed): {link}\n",
    )


def reminders_due(today: date) -> list[tuple[Centre, list[CentreTraining]]]:
    """Open centres with a contact whose training is due within REMINDER_DAYS_AHEAD days (or
    overdue) and not yet reminded for that due date: one reminder per centre."""
    horizon = date.fromordinal(today.toordinal() + REMINDER_DAYS_AHEAD)
    rows = db.session.execute(
        select(CentreTraining, Centre).join(Centre, Centre.id == CentreTraining.centre_id)
        .where(CentreTraining.refresher_due <= horizon, Centre.contact_email != "",
               (CentreTraining.reminded_for.is_(None)) | (CentreTraining.reminded_for != CentreTraining.refresher_due))
        .order_by(Centre.name, CentreTraining.id)
    ).all()
    by_centre: dict[int, tuple[Centre, list[CentreTraining]]] = {}
    for training, centre in rows:
        if centre.is_open(today):
            by_centre.setdefault(centre.id, (centre, []))[1].append(training)
    return list(by_centre.values())


def mark_reminded(centre: Centre, trainings: list[CentreTraining]) -> None:
    for training in trainings:
        training.reminded_for = training.refresher_due
    db.session.flush()
    audit.record("centre.training_reminder", f"centre:{centre.id}", actor="cli", due_refresher=len(trainings))
