"""Staff account management: creating accounts with their centre or agency, role changes, resets,
deactivation, and the key grants that go with a role. Services flush and audit; callers commit.

Sign-in, sessions, TOTP and a person's own password stay in :mod:`reporting.auth`; this is the
administrators' side, which knows centres and keys.
"""
from __future__ import annotations

from sqlalchemy import delete, func, select

from reporting import audit
from reporting.auth import services as auth_services
from reporting.auth.models import Passkey, Role, StaffSession, User
from reporting.centres.models import Centre
from reporting.exceptions import LastKeyHolderError
from reporting.extensions import db
from reporting.codes import KEY_FOR_ROLE
from reporting.keys.models import GrantRequest, KeyGrant, KeyPurpose
from reporting.keys.services import current_key
from reporting.settings import Settings


def create_user(
    *, email: str, role: Role, password: str, actor: User | str | None, centre: Centre | None = None,
    agency_id: int | None = None, settings: Settings,
) -> User:
    """Create a staff account with its personal key pair. No key is granted yet."""
    return auth_services.create_account(email=email, role=role, password=password, actor=actor,
                                        centre_id=centre.id if centre else None, agency_id=agency_id,
                                        settings=settings)


def key_holders(purpose: KeyPurpose = KeyPurpose.GROUP) -> list[User]:
    """Active people holding the current key of ``purpose``."""
    try:
        key = current_key(purpose)
    except Exception:  # no keys yet: nobody holds anything
        return []
    return list(
        db.session.scalars(
            select(User)
            .join(KeyGrant, KeyGrant.user_id == User.id)
            .where(KeyGrant.service_key_id == key.id, User.active.is_(True))
            .order_by(User.email)
        )
    )


def _refuse_if_last_holder(user: User) -> None:
    for purpose in (KeyPurpose.GROUP, KeyPurpose.POLICE):
        holders = key_holders(purpose)
        if holders and [h.id for h in holders] == [user.id]:
            raise LastKeyHolderError(purpose.value)


def reset_user(user: User, new_password: str, *, actor: User | str, settings: Settings) -> None:
    """New password and personal keys; the old key wraps and TOTP are dropped, no data is."""
    _refuse_if_last_holder(user)
    auth_services.check_password_policy(new_password, user.email, user.role, settings=settings)
    dropped = db.session.execute(delete(KeyGrant).where(KeyGrant.user_id == user.id)).rowcount  # type: ignore[attr-defined]
    # The passkeys locked the old personal key: they go with it (a lost passkey's way back).
    passkeys = db.session.execute(delete(Passkey).where(Passkey.user_id == user.id)).rowcount  # type: ignore[attr-defined]
    auth_services.new_personal_keys(user, new_password, settings)
    user.must_change_password = True
    user.totp_secret = None
    user.totp_confirmed = False
    user.totp_last_counter = 0
    user.reset_by_id = actor.id if isinstance(actor, User) else None
    db.session.execute(delete(GrantRequest).where(GrantRequest.user_id == user.id, GrantRequest.approved_at.is_(None)))
    db.session.execute(delete(StaffSession).where(StaffSession.user_id == user.id))
    db.session.flush()
    extra = {"passkeys_removed": passkeys} if passkeys else {}
    audit.record("user.reset", f"user:{user.id}", actor=actor, grants_dropped=dropped, **extra)


def set_active(user: User, active: bool, *, actor: User | str) -> None:
    """Deactivating ends every session and deletes every grant: coming back needs a new grant."""
    dropped = 0
    if not active:
        _refuse_if_last_holder(user)
        db.session.execute(delete(StaffSession).where(StaffSession.user_id == user.id))
        dropped = db.session.execute(delete(KeyGrant).where(KeyGrant.user_id == user.id)).rowcount  # type: ignore[attr-defined]
        db.session.execute(delete(GrantRequest).where(GrantRequest.user_id == user.id, GrantRequest.approved_at.is_(None)))
    user.active = active
    db.session.flush()
    if active:
        audit.record("user.activated", f"user:{user.id}", actor=actor)
    else:
        audit.record("user.deactivated", f"user:{user.id}", actor=actor, grants_dropped=dropped)


def change_role(user: User, role: Role, *, actor: User | str, centre: Centre | None = None) -> None:
    if role.value != user.role:
        if KEY_FOR_ROLE.get(role.value) != KEY_FOR_ROLE.get(user.role):
            _refuse_if_last_holder(user)
            db.session.execute(delete(KeyGrant).where(KeyGrant.user_id == user.id))
        old = user.role
        user.role = role.value
        audit.record("user.role_changed", f"user:{user.id}", actor=actor, old=old, new=role.value)
    user.centre_id = centre.id if centre else None
    db.session.flush()


def count_users() -> int:
    return int(db.session.scalar(select(func.count(User.id))) or 0)
