"""Who may do what with meetings, agencies and actions."""
from __future__ import annotations

from reporting.auth.models import Role, User
from reporting.exceptions import PermissionDeniedError

AGENCY = Role.AGENCY.value
ADMIN = Role.ADMIN.value


def require_agency_user(actor: User) -> int:
    """Refuse anyone but an active person at a partner agency; their agency's id."""
    if actor.role != AGENCY or not actor.active or actor.agency_id is None:
        raise PermissionDeniedError(actor.email)
    return actor.agency_id


def require_admin(actor: User) -> None:
    if actor.role != ADMIN or not actor.active:
        raise PermissionDeniedError(actor.email)
