"""Creating and finding the service's keys. Flushes; the caller commits."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from reporting import crypto
from reporting.db import utcnow
from reporting.exceptions import KeysAlreadyInitialisedError, KeysNotInitialisedError
from reporting.extensions import db
from reporting.keys.models import KeyPurpose, ServiceKey

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


def _add_sealed_to_recovery(purpose: KeyPurpose, algorithm: str, recovery: ServiceKey) -> ServiceKey:
    pair = crypto.generate_keypair(algorithm)
    record = ServiceKey(
        kid=pair.kid,
        purpose=purpose.value,
        algorithm=pair.algorithm,
        public_key=pair.public,
        recovery_wrap=crypto.seal(recovery.algorithm, recovery.public_key, pair.private, recovery_binding(pair.kid)),
    )
    db.session.add(record)
    return record


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
    group = _add_sealed_to_recovery(KeyPurpose.GROUP, algorithm, recovery)
    police = _add_sealed_to_recovery(KeyPurpose.POLICE, algorithm, recovery)
    db.session.flush()
    log.info("keys initialised: recovery %s group %s police %s", recovery.kid, group.kid, police.kid)
    return InitialisedKeys(recovery_text, recovery.kid, group.kid, police.kid)


def rotate_key(purpose: KeyPurpose, *, now: datetime | None = None) -> ServiceKey:
    """Make a new key for new content of ``purpose``; the old one stays for old content."""
    old = current_key(purpose)
    recovery = current_key(KeyPurpose.RECOVERY)
    new = _add_sealed_to_recovery(purpose, old.algorithm, recovery)
    old.retired_at = now or utcnow()
    db.session.flush()
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
