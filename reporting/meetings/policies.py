"""Who may do what with meetings, agencies and actions."""
from __future__ import annotations

from reporting.auth.models import Role, User
from reporting.exceptions import PermissionDeniedError
from reporting.extensions import db
from reporting.meetings.models import Agency

AGENCY = Role.AGENCY.value
ADMIN = Role.ADMIN.value


def agency_open(user: User) -> bool:
    """Whether the account is not closed by its agency: True for everyone but a person at
    an agency that is no longer active (or gone). Asked on every request and sign-in."""
    if user.agency_id is None:
        return user.role != AGENCY
    agency = db.session.get(Agency, user.agency_id)
    return agency is not None and agency.active


def require_agency_user(actor: User) -> int:
    """Refuse anyone but an active person at an active partner agency; their agency's id."""
    if actor.role != AGENCY or not actor.active or actor.agency_id is None or not agency_open(actor):
        raise PermissionDeniedError(actor.email)
    return actor.agency_id


def require_admin(actor: User) -> None:
    if actor.role != ADMIN or not actor.active:
        raise PermissionDeniedError(actor.email)
