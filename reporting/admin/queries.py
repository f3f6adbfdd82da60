"""Reads for the administrators' area: accounts with their key status, and the audit log."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from reporting.audit.models import AuditEvent
from reporting.auth.models import User
from reporting.centres.models import Centre
from reporting.exceptions import KeysNotInitialisedError
from reporting.extensions import db
from reporting.keys.models import KeyGrant, KeyPurpose
from reporting.keys.services import current_key, purpose_for_role

AUDIT_PAGE_SIZE = 50


@dataclass(frozen=True)
class UserRow:
    """One account as the admin pages show it."""

    user: User
    centre: Centre | None
    purpose: KeyPurpose | None  # the key their role reads, if any
    holder: bool  # holds the current key of that purpose

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


def _rows(users: list[User]) -> list[UserRow]:
    holders = {purpose: holder_ids(purpose) for purpose in (KeyPurpose.GROUP, KeyPurpose.POLICE)}
    centre_ids = {u.centre_id for u in users if u.centre_id}
    centres = (
        {c.id: c for c in db.session.scalars(select(Centre).where(Centre.id.in_(centre_ids)))} if centre_ids else {}
    )
    rows = []
    for user in users:
        purpose = purpose_for_role(user.role)
        rows.append(
            UserRow(
                user=user,
                centre=centres.get(user.centre_id) if user.centre_id else None,
                purpose=purpose,
                holder=purpose is not None and user.id in holders[purpose],
            )
        )
    return rows


def user_rows() -> list[UserRow]:
    return _rows(list(db.session.scalars(select(User).order_by(User.email))))


def user_row(user: User) -> UserRow:
    return _rows([user])[0]


def centre_choices() -> list[tuple[str, str]]:
    return [(c.slug, c.name) for c in db.session.scalars(select(Centre).order_by(Centre.name))]


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
    return AuditPage([AuditRow(e, _details(e.detail)) for e in events], total, page, pages)
