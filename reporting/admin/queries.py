"""Reads for the administrators' area: accounts with their key status, and the audit log."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from reporting.audit.models import AuditEvent
from reporting.auth.models import User
from reporting.centres.models import Centre
from reporting.db import utcnow
from reporting.exceptions import KeysNotInitialisedError
from reporting.extensions import db
from reporting.keys.models import KeyGrant, KeyName, KeyPurpose, ServiceKey
from reporting.keys.services import current_key, key_for, purpose_for_role
from reporting.reports.choice_words import in_language
from reporting.reports.models import Choice

AUDIT_PAGE_SIZE = 50


@dataclass(frozen=True)
class UserRow:
    """One account as the admin pages show it."""

    user: User
    centre: Centre | None
    key: KeyName | None  # the key their role reads, if any (a person at an agency: their agency's)
    holder: bool  # holds the current key of that purpose

    @property
    def purpose(self) -> KeyPurpose | None:
        return self.key.purpose if self.key else None

    @property
    def waiting_for_key(self) -> bool:
        return self.purpose is not None and not self.holder and self.user.active


def holder_ids(purpose: KeyPurpose) -> set[int]:
    """Ids of everyone (active or not) granted the current key of ``purpose``."""
    try:
        key = current_key(purpose)
    except KeysNotInitialisedError:
        return set()
    return set(db.session.scalars(select(KeyGrant.user_id).where(KeyGrant.service_key_id == key.id)))


def agency_holder_ids() -> set[int]:
    """Ids of people holding the current key of their own agency."""
    return set(db.session.scalars(
        select(KeyGrant.user_id).join(ServiceKey, ServiceKey.id == KeyGrant.service_key_id)
        .join(User, User.id == KeyGrant.user_id)
        .where(ServiceKey.purpose == KeyPurpose.AGENCY.value, ServiceKey.retired_at.is_(None),
               ServiceKey.agency_id == User.agency_id)
    ))


def _rows(users: list[User]) -> list[UserRow]:
    # Every purpose a role reads (group, police, each agency's, and any added later): asked once each.
    purposes = {purpose_for_role(user.role) for user in users} - {None}
    holders = {purpose: agency_holder_ids() if purpose == KeyPurpose.AGENCY else holder_ids(purpose)
               for purpose in purposes if purpose is not None}
    centre_ids = {u.centre_id for u in users if u.centre_id}
    centres = (
        {c.id: c for c in db.session.scalars(select(Centre).where(Centre.id.in_(centre_ids)))} if centre_ids else {}
    )
    rows = []
    for user in users:
        key = key_for(user)
        rows.append(
            UserRow(
                user=user,
                centre=centres.get(user.centre_id) if user.centre_id else None,
                key=key,
                holder=key is not None and user.id in holders.get(key.purpose, set()),
            )
        )
    return rows


def user_rows() -> list[UserRow]:
    return _rows(list(db.session.scalars(select(User).order_by(User.email))))


def user_row(user: User) -> UserRow:
    return _rows([user])[0]


def centre_choices() -> list[tuple[str, str]]:
    """Centres a centre-staff account can belong to: a closed centre takes no new staff."""
    today = utcnow().date()
    return [(c.slug, c.name) for c in db.session.scalars(select(Centre).order_by(Centre.name)) if c.is_open(today)]


def centre_by_slug(slug: str | None) -> Centre | None:
    if not slug:
        return None
    return db.session.scalar(select(Centre).where(Centre.slug == slug))


# Audit log ----------------------------------------------------------------------------

@dataclass(frozen=True)
class AuditRow:
    event: AuditEvent
    details: list[tuple[str, str]]


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    total: int
    page: int
    pages: int


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


def _details(raw: str) -> list[tuple[str, str]]:
    try:
        parsed: Any = json.loads(raw or "{}")
    except ValueError:
        return [("detail", raw)]
    if not isinstance(parsed, dict):
        return [("detail", str(parsed))]
    return [(str(k), str(v)) for k, v in sorted(parsed.items())]


# Details that hold a code of an answer list (the statistics' filters): shown by the list's label.
_CHOICE_DETAILS = {"area": "area", "strand": "strand"}


def _with_names(details: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Answer-list codes and centre ids in an entry's details, as the names people know them by."""
    named = []
    for key, value in details:
        if key in _CHOICE_DETAILS:
            words = db.session.scalar(
                select(Choice.label).where(Choice.list_name == _CHOICE_DETAILS[key], Choice.code == value))
            value = str(in_language(words)) if words else value
        elif key == "centre" and value.isdigit():
            centre = db.session.get(Centre, int(value))
            value = centre.name if centre is not None else value
        named.append((key, value))
    return named


def audit_page(action: str | None, page: int) -> AuditPage:
    """Newest first, ``AUDIT_PAGE_SIZE`` a page; a page past the end shows the last."""
    condition = [AuditEvent.action == action] if action else []
    total = int(db.session.scalar(select(func.count(AuditEvent.id)).where(*condition)) or 0)
    pages = max(1, -(-total // AUDIT_PAGE_SIZE))
    page = min(max(1, page), pages)
    events = db.session.scalars(
        select(AuditEvent)
        .where(*condition)
        .order_by(AuditEvent.seq.desc())
        .limit(AUDIT_PAGE_SIZE)
        .offset((page - 1) * AUDIT_PAGE_SIZE)
    )
    return AuditPage([AuditRow(e, _with_names(_details(e.detail))) for e in events], total, page, pages)


def _month(column: Any) -> Any:
    """The calendar month of a timestamp as "YYYY-MM", in the database's own dialect."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM")
    return func.strftime("%Y-%m", column)


def month_labels(now: datetime, count: int) -> list[str]:
    """The last ``count`` months as "YYYY-MM", oldest first."""
    year, month = now.year, now.month
    labels = []
    for _ in range(count):
        labels.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(labels))


@dataclass(frozen=True)
class CentreActivity:
    per_month: dict[tuple[int, str], int]
    last_report: dict[int, datetime]


def centre_activity(since: datetime) -> CentreActivity:
    """Reports per centre per month since ``since``, and each centre's latest report (clear fields only)."""
    from reporting.reports.models import Report

    month = _month(Report.received_at)
    per_month = {
        (centre_id, label): int(number)
        for centre_id, label, number in db.session.execute(
            select(Report.centre_id, month, func.count(Report.id))
            .where(Report.centre_id.is_not(None), Report.received_at >= since)
            .group_by(Report.centre_id, month)
        )
    }
    last = dict(
        db.session.execute(
            select(Report.centre_id, func.max(Report.received_at))
            .where(Report.centre_id.is_not(None))
            .group_by(Report.centre_id)
        ).all()
    )
    return CentreActivity(per_month, last)
