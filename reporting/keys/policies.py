"""Who may act on the Group's behalf: the one check every service calls."""
from __future__ import annotations

from reporting.auth.models import Role, User
from reporting.exceptions import PermissionDeniedError
from reporting.keys.models import KeyPurpose
from reporting.keys.services import is_holder


def is_active_reviewer(user: User) -> bool:
    return user.role == Role.REVIEWER.value and user.active


def require_reviewer(actor: User, *, holding_key: bool = False) -> None:
    """Refuse anyone but an active reviewer; with ``holding_key``, one who holds the current group key.

    Holding the key matters where the action speaks for the Group to someone outside
    it (a message to the reporter, approving a safeguarding override): a reviewer
    who cannot read the case must not do that blind.
    """
    if not is_active_reviewer(actor):
        raise PermissionDeniedError(actor.email)
    if holding_key and not is_holder(actor, KeyPurpose.GROUP):
        raise PermissionDeniedError(actor.email)
