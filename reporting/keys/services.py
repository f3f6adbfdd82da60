"""Creating and finding the service's keys. Flushes; the caller commits."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from typing import Any

from reporting import audit, crypto
from reporting.auth.models import User
from reporting.db import utcnow
from reporting.exceptions import KeysAlreadyInitialisedError, KeysNotInitialisedError, NotAKeyHolderError
from reporting.extensions import db
from reporting.keys.models import KEY_FOR_ROLE, KeyGrant, KeyPurpose, ServiceKey

log = logging.getLogger(__name__)


def recovery_binding(kid: str) -> crypto.Binding:
    return crypto.Binding("service_keys", "recovery_wrap", kid)


def current_key(purpose: KeyPurpose) -> ServiceKey:
    """The key new content of this purpose is sealed to."""
    key = db.session.scalar(
        select(ServiceKey)
        .where(ServiceKey.purpose == purpose.value, ServiceKey.retired_at.is_(None))
        .order_by(ServiceKey.id.desc())
        .limit(1)
    )
    if key is None:
        raise KeysNotInitialisedError(purpose.value)
    return key


def has_keys() -> bool:
    return db.session.scalar(select(ServiceKey.id).limit(1)) is not None


@dataclass(frozen=True)
class InitialisedKeys:
    recovery_text: str
    recovery_kid: str
    group_kid: str
    police_kid: str
    # After --force: the active people who held a retired key and hold none of the new ones.
    to_grant_again: tuple[str, ...] = ()


def _add_sealed_to_recovery(
    purpose: KeyPurpose, algorithm: str, recovery: ServiceKey
) -> tuple[ServiceKey, crypto.KeyPair]:
    pair = crypto.generate_keypair(algorithm)
    record = ServiceKey(
        kid=pair.kid,
        purpose=purpose.value,
        algorithm=pair.algorithm,
        public_key=pair.public,
        recovery_wrap=crypto.seal(recovery.algorithm, recovery.public_key, pair.private, recovery_binding(pair.kid)),
    )
    db.session.add(record)
    return record, pair


def init_keys(*, algorithm: str = crypto.ALG_HYBRID, force: bool = False, now: datetime | None = None) -> InitialisedKeys:
    """Create the recovery key, the review group key and the police liaison key.

    The recovery key's private half is returned once as text and never stored.
    With ``force``, existing keys are retired (old content stays readable with them).
    """
    if not crypto.hybrid_available() and algorithm == crypto.ALG_HYBRID:
        raise crypto.UnsupportedAlgorithmError("this build of cryptography has no ML-KEM-768")
    now = now or utcnow()
    existing = db.session.scalars(select(ServiceKey).where(ServiceKey.retired_at.is_(None))).all()
    if existing and not force:
        raise KeysAlreadyInitialisedError("keys exist")
    previous_holders = sorted(set(db.session.scalars(
        select(User.email)
        .join(KeyGrant, KeyGrant.user_id == User.id)
        .where(KeyGrant.service_key_id.in_([key.id for key in existing]), User.active.is_(True))
    ))) if existing else []
    for key in existing:
        key.retired_at = now
    recovery_text, recovery_secret = crypto.new_recovery_key()
    recovery_pair = crypto.keypair_from_secret(recovery_secret, algorithm)
    recovery = ServiceKey(
        kid=recovery_pair.kid,
        purpose=KeyPurpose.RECOVERY.value,
        algorithm=recovery_pair.algorithm,
        public_key=recovery_pair.public,
    )
    db.session.add(recovery)
    group, _ = _add_sealed_to_recovery(KeyPurpose.GROUP, algorithm, recovery)
    police, _ = _add_sealed_to_recovery(KeyPurpose.POLICE, algorithm, recovery)
    db.session.flush()
    audit.record("keys.init", f"key:{group.kid}", actor="cli", police=police.kid, recovery=recovery.kid, algorithm=algorithm)
    log.info("keys initialised: recovery %s group %s police %s", recovery.kid, group.kid, police.kid)
    return InitialisedKeys(recovery_text, recovery.kid, group.kid, police.kid, tuple(previous_holders))


def rotate_key(purpose: KeyPurpose, *, now: datetime | None = None, actor: Any = "cli") -> ServiceKey:
    """Make a new key for new content of ``purpose``; the old one stays for old content.

    Everyone who held the old key is granted the new one: that needs only their
    public keys, so no holder has to be signed in.
    """
    old = current_key(purpose)
    recovery = current_key(KeyPurpose.RECOVERY)
    new, pair = _add_sealed_to_recovery(purpose, old.algorithm, recovery)
    old.retired_at = now or utcnow()
    db.session.flush()
    holders = db.session.scalars(
        select(User)
        .join(KeyGrant, KeyGrant.user_id == User.id)
        .where(KeyGrant.service_key_id == old.id, User.active.is_(True))
    ).all()
    for holder in holders:
        _seal_grant(new, pair.private, holder, granted_by=None)
    db.session.flush()
    audit.record("keys.rotate", f"key:{new.kid}", actor=actor, purpose=purpose.value, old=old.kid, holders=len(holders))
    log.info("%s key rotated: %s -> %s", purpose.value, old.kid, new.kid)
    return new


def private_key_with_recovery(key: ServiceKey, recovery_text: str) -> bytes:
    """Open a service key's private half with the offline recovery key."""
    if key.recovery_wrap is None:
        raise KeysNotInitialisedError(key.kid)
    recovery_record = db.session.scalar(
        select(ServiceKey).where(
            ServiceKey.purpose == KeyPurpose.RECOVERY.value,
            ServiceKey.kid == crypto.sealed_key_id(key.recovery_wrap),
        )
    )
    if recovery_record is None:
        raise KeysNotInitialisedError("recovery key not found")
    pair = crypto.keypair_from_secret(crypto.parse_recovery_key(recovery_text), recovery_record.algorithm)
    return crypto.open_sealed(pair.algorithm, pair.private, key.recovery_wrap, recovery_binding(key.kid))


# Grants ------------------------------------------------------------------------------

def grant_binding(user_id: int, service_key_id: int) -> crypto.Binding:
    return crypto.Binding("key_grants", "wrapped", f"{user_id}:{service_key_id}")


def _seal_grant(key: ServiceKey, private: bytes, grantee: User, *, granted_by: User | None) -> KeyGrant | None:
    exists_already = db.session.scalar(
        select(KeyGrant).where(KeyGrant.user_id == grantee.id, KeyGrant.service_key_id == key.id)
    )
    if exists_already is not None:
        return None
    grant = KeyGrant(
        user_id=grantee.id,
        service_key_id=key.id,
        wrapped=crypto.seal(grantee.key_algorithm, grantee.public_key, private, grant_binding(grantee.id, key.id)),
        granted_by_id=granted_by.id if granted_by else None,
    )
    db.session.add(grant)
    return grant


def purpose_for_role(role: str) -> KeyPurpose | None:
    """The key a role's holders need (None: the role reads no reports)."""
    return KEY_FOR_ROLE.get(role)


def _keys_of(purpose: KeyPurpose) -> list[ServiceKey]:
    return list(db.session.scalars(select(ServiceKey).where(ServiceKey.purpose == purpose.value).order_by(ServiceKey.id)))


def grant_with_recovery(grantee: User, recovery_text: str, *, actor: Any = "cli") -> int:
    """Grant exactly the keys of the grantee's purpose that this recovery key opens.

    After ``keys init --force`` there are two recovery keys: each opens its own
    generation of keys and none of the other's, so each grants only those. A
    recovery key that opens none of them raises DecryptionError.
    """
    purpose = purpose_for_role(grantee.role)
    if purpose is None:
        raise NotAKeyHolderError(grantee.role)
    made = opened = 0
    for key in _keys_of(purpose):
        try:
            private = private_key_with_recovery(key, recovery_text)
        except (crypto.CryptoError, KeysNotInitialisedError):
            continue  # sealed to another generation's recovery key
        opened += 1
        if _seal_grant(key, private, grantee, granted_by=None):
            made += 1
    if opened == 0:
        raise crypto.DecryptionError()
    db.session.flush()
    audit.record("keys.grant", f"user:{grantee.id}", actor=actor, purpose=purpose.value, via="recovery", keys=made)
    return made


def holder_private_key(holder: User, personal_private: bytes, key: ServiceKey) -> bytes:
    """A service key's private half, opened with a holder's personal private key."""
    grant = db.session.scalar(
        select(KeyGrant).where(KeyGrant.user_id == holder.id, KeyGrant.service_key_id == key.id)
    )
    if grant is None:
        raise NotAKeyHolderError(holder.email)
    return crypto.open_sealed(
        holder.key_algorithm, personal_private, grant.wrapped, grant_binding(holder.id, key.id)
    )


def grant_from_holder(granter: User, granter_private: bytes, grantee: User) -> int:
    """A signed-in holder grants every key of the grantee's purpose that the granter holds."""
    purpose = purpose_for_role(grantee.role)
    if purpose is None or not grantee.active:
        raise NotAKeyHolderError(grantee.role)
    made = 0
    for key in _keys_of(purpose):
        try:
            private = holder_private_key(granter, granter_private, key)
        except NotAKeyHolderError:
            continue
        if _seal_grant(key, private, grantee, granted_by=granter):
            made += 1
    if made == 0 and not is_holder(grantee, purpose):
        raise NotAKeyHolderError(granter.email)
    db.session.flush()
    audit.record("keys.grant", f"user:{grantee.id}", actor=granter, purpose=purpose.value, via="holder", keys=made)
    return made


def is_holder(user: User, purpose: KeyPurpose = KeyPurpose.GROUP) -> bool:
    try:
        key = current_key(purpose)
    except KeysNotInitialisedError:
        return False
    return db.session.scalar(
        select(KeyGrant.id).where(KeyGrant.user_id == user.id, KeyGrant.service_key_id == key.id)
    ) is not None
