"""Creating and finding the service's keys. Flushes; the caller commits."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, select

from typing import Any, NamedTuple, Protocol

from reporting import audit, crypto
from reporting.auth.models import Role, User
from reporting.db import utcnow
from reporting.exceptions import (
    ApprovalNeededError,
    KeysAlreadyInitialisedError,
    KeysNotInitialisedError,
    NoHolderYetError,
    NotAKeyHolderError,
    PermissionDeniedError,
)
from reporting.extensions import db, read
from reporting.codes import KEY_FOR_ROLE
from reporting.keys.models import GrantRequest, KeyGrant, KeyName, KeyPurpose, ServiceKey

log = logging.getLogger(__name__)


def recovery_binding(kid: str) -> crypto.Binding:
    return crypto.Binding("service_keys", "recovery_wrap", kid)


Which = KeyPurpose | KeyName


def key_name(which: Which) -> KeyName:
    """A purpose alone names its one key; an agency's key is named with the agency."""
    return which if isinstance(which, KeyName) else KeyName(which)


def _params(which: Which) -> dict[str, Any]:
    name = key_name(which)
    return {"purpose": name.purpose.value, "agency_id": name.agency_id or 0}


# Agencies' keys carry their agency's id; the others none (0 here).
_SAME_AGENCY = func.coalesce(ServiceKey.agency_id, 0) == bindparam("agency_id")

# Built once (every report sent asks it): each use only binds and runs it.
_CURRENT_KEY = (
    select(ServiceKey)
    .where(ServiceKey.purpose == bindparam("purpose"), _SAME_AGENCY, ServiceKey.retired_at.is_(None))
    .order_by(ServiceKey.id.desc())
    .limit(1)
)


class SealingKey(NamedTuple):
    """What sealing to a purpose's current key needs: its id, algorithm and public half."""

    id: int
    algorithm: str
    public_key: bytes


_SEALING_KEY = (
    select(ServiceKey.id, ServiceKey.algorithm, ServiceKey.public_key)
    .where(ServiceKey.purpose == bindparam("purpose"), _SAME_AGENCY, ServiceKey.retired_at.is_(None))
    .order_by(ServiceKey.id.desc())
    .limit(1)
)


_KEY_BY_ID = select(ServiceKey.id, ServiceKey.algorithm, ServiceKey.public_key).where(ServiceKey.id == bindparam("key_id"))


def service_key(key_id: int) -> SealingKey:
    """A service key's id, algorithm and public half, by its id (as three plain columns)."""
    row = read(_KEY_BY_ID, {"key_id": key_id}).one()
    return SealingKey(row.id, row.algorithm, row.public_key)


def current_key_id(which: Which) -> Any:
    """The id of the key new content of this purpose is sealed to, as a scalar subquery (the
    conditions of :func:`sealing_key`, bound now): for a statement that reads it beside what it
    reads anyway (a draft being sent reads the group key with it: one round trip, not two)."""
    name = key_name(which)
    return (
        select(ServiceKey.id)
        .where(ServiceKey.purpose == name.purpose.value,
               func.coalesce(ServiceKey.agency_id, 0) == (name.agency_id or 0),
               ServiceKey.retired_at.is_(None))
        .order_by(ServiceKey.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def sealing_key(which: Which) -> SealingKey:
    """The key new content of this purpose is sealed to, as three plain columns (every report
    sent and every sealed note asks it). Reads what is flushed: key changes flush first."""
    row = read(_SEALING_KEY, _params(which)).first()
    if row is None:
        raise KeysNotInitialisedError(key_name(which).purpose.value)
    return SealingKey(row.id, row.algorithm, row.public_key)


def current_key(which: Which) -> ServiceKey:
    """The key new content of this purpose (or this agency) is sealed to."""
    key = db.session.scalar(_CURRENT_KEY, _params(which))
    if key is None:
        raise KeysNotInitialisedError(key_name(which).purpose.value)
    return key


def agency_key(agency_id: int, *, actor: Any = "system") -> ServiceKey:
    """A partner agency's own current key, made now if it has none (a new agency, an install
    from before agencies had their own keys, or after `keys init --force`).

    Only the recovery key's public half is needed to make it, so nobody has to be signed
    in; nobody holds it until its first holder is granted it with the recovery key.
    """
    name = KeyName(KeyPurpose.AGENCY, agency_id)
    try:
        return current_key(name)
    except KeysNotInitialisedError:
        pass
    recovery = current_key(KeyPurpose.RECOVERY)
    group = current_key(KeyPurpose.GROUP)
    key, _ = _add_sealed_to_recovery(KeyPurpose.AGENCY, group.algorithm, recovery, agency_id=agency_id)
    db.session.flush()
    audit.record("keys.add", f"key:{key.kid}", actor=actor, purpose=KeyPurpose.AGENCY.value, agency=agency_id)
    return key


def agency_sealing_key(agency_id: int, *, actor: Any = "system") -> SealingKey:
    """What sealing to one agency's own key needs (its key made first if it has none)."""
    try:
        return sealing_key(KeyName(KeyPurpose.AGENCY, agency_id))
    except KeysNotInitialisedError:
        key = agency_key(agency_id, actor=actor)
        return SealingKey(key.id, key.algorithm, key.public_key)


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
    partners_kid: str = ""


def _add_sealed_to_recovery(
    purpose: KeyPurpose, algorithm: str, recovery: ServiceKey, *, agency_id: int | None = None,
) -> tuple[ServiceKey, crypto.KeyPair]:
    pair = crypto.generate_keypair(algorithm)
    record = ServiceKey(
        kid=pair.kid,
        purpose=purpose.value,
        agency_id=agency_id,
        algorithm=pair.algorithm,
        public_key=pair.public,
        recovery_wrap=crypto.seal(recovery.algorithm, recovery.public_key, pair.private, recovery_binding(pair.kid)),
        grant_verify_key=crypto.grant_verify_key(pair.private),
    )
    db.session.add(record)
    return record, pair


def init_keys(*, algorithm: str = crypto.ALG_HYBRID, force: bool = False, now: datetime | None = None) -> InitialisedKeys:
    """Create the recovery key, the review group key and the police liaison key.

    The recovery key's private half is returned once as text and never stored.
    With ``force``, existing keys are retired (old content stays readable with them).
    Each partner agency's own key is made when first needed (:func:`agency_key`).
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


def add_missing_key(purpose: KeyPurpose, *, actor: Any = "cli") -> ServiceKey | None:
    """Make the first key of a purpose added after `keys init` ran (the partners' key on an
    existing install), sealed to the current recovery key; None if one exists already.

    Only the recovery key's public half is needed, so nobody has to be signed in; the
    first holder is then granted with the recovery key, the rest under the two-person rule.
    """
    try:
        current_key(purpose)
        return None
    except KeysNotInitialisedError:
        pass
    recovery = current_key(KeyPurpose.RECOVERY)
    group = current_key(KeyPurpose.GROUP)
    key, _ = _add_sealed_to_recovery(purpose, group.algorithm, recovery)
    db.session.flush()
    audit.record("keys.add", f"key:{key.kid}", actor=actor, purpose=purpose.value)
    return key


@dataclass(frozen=True)
class Rotation:
    key: ServiceKey
    granted: tuple[str, ...]
    # Grant rows on the old key without a valid proof: nobody opened the key to make them.
    refused: tuple[str, ...]


def rotate(which: Which, *, now: datetime | None = None, actor: Any = "cli") -> Rotation:
    """Make a new key for new content of ``purpose``; the old one stays for old content.

    Everyone whose grant of the old key is genuine (its proof was signed with the old
    key itself) is granted the new one: that needs only their public keys, so no holder
    has to be signed in. A grant row planted in the database has no such proof and
    gets nothing.
    """
    name = key_name(which)
    purpose = name.purpose
    old = current_key(name)
    recovery = current_key(KeyPurpose.RECOVERY)
    new, pair = _add_sealed_to_recovery(purpose, old.algorithm, recovery, agency_id=name.agency_id)
    old.retired_at = now or utcnow()
    db.session.flush()
    rows = db.session.execute(
        select(User, KeyGrant)
        .join(KeyGrant, KeyGrant.user_id == User.id)
        .where(KeyGrant.service_key_id == old.id, User.active.is_(True))
        .order_by(User.email)
    ).all()
    granted, refused = [], []
    for holder, grant in rows:
        if crypto.grant_proof_valid(old.grant_verify_key, grant.proof, old.kid, holder.id, holder.public_key):
            _seal_grant(new, pair.private, holder, granted_by=None)
            granted.append(holder.email)
        else:
            refused.append(holder.email)
    db.session.flush()
    audit.record("keys.rotate", f"key:{new.kid}", actor=actor, purpose=purpose.value, old=old.kid,
                 holders=len(granted), refused=len(refused))
    log.info("%s key rotated: %s -> %s", purpose.value, old.kid, new.kid)
    return Rotation(new, tuple(granted), tuple(refused))


def rotate_key(which: Which, *, now: datetime | None = None, actor: Any = "cli") -> ServiceKey:
    """:func:`rotate`, returning only the new key."""
    return rotate(which, now=now, actor=actor).key


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
    if key.grant_verify_key is None:  # a key made before grant proofs existed
        key.grant_verify_key = crypto.grant_verify_key(private)
    grant = KeyGrant(
        user_id=grantee.id,
        service_key_id=key.id,
        wrapped=crypto.seal(grantee.key_algorithm, grantee.public_key, private, grant_binding(grantee.id, key.id)),
        granted_by_id=granted_by.id if granted_by else None,
        proof=crypto.sign_grant(private, key.kid, grantee.id, grantee.public_key),
    )
    db.session.add(grant)
    return grant


def purpose_for_role(role: str) -> KeyPurpose | None:
    """The kind of key a role's holders need (None: the role reads no reports)."""
    return KEY_FOR_ROLE.get(role)


def key_for(user: User) -> KeyName | None:
    """The key this person's role needs: for a person at an agency, their own agency's."""
    purpose = purpose_for_role(user.role)
    if purpose is None:
        return None
    if purpose == KeyPurpose.AGENCY:
        return KeyName(purpose, user.agency_id) if user.agency_id is not None else None
    return KeyName(purpose)


def _keys_of(which: Which) -> list[ServiceKey]:
    """Every generation of a key, oldest first (retired ones open older content)."""
    name = key_name(which)
    query = select(ServiceKey).where(ServiceKey.purpose == name.purpose.value)
    if name.agency_id is not None:
        query = query.where(ServiceKey.agency_id == name.agency_id)
    return list(db.session.scalars(query.order_by(ServiceKey.id)))


def _key_ids_of(name: KeyName) -> Any:
    query = select(ServiceKey.id).where(ServiceKey.purpose == name.purpose.value)
    if name.agency_id is not None:
        query = query.where(ServiceKey.agency_id == name.agency_id)
    return query


def grant_with_recovery(grantee: User, recovery_text: str, *, actor: Any = "cli") -> int:
    """Grant exactly the keys of the grantee's purpose that this recovery key opens.

    After ``keys init --force`` there are two recovery keys: each opens its own
    generation of keys and none of the other's, so each grants only those. A
    recovery key that opens none of them raises DecryptionError.
    """
    name = key_for(grantee)
    if name is None:
        raise NotAKeyHolderError(grantee.role)
    if name.purpose == KeyPurpose.AGENCY:
        agency_key(name.agency_id or 0, actor=actor)
    made = opened = 0
    for key in _keys_of(name):
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
    audit.record("keys.grant", f"user:{grantee.id}", actor=actor, purpose=name.purpose.value, via="recovery", keys=made,
                 **_agency_detail(name))
    return made


def _agency_detail(name: KeyName) -> dict[str, Any]:
    return {"agency": name.agency_id} if name.agency_id is not None else {}


def _opened_by_recovery(which: Which, recovery_text: str) -> list[ServiceKey]:
    opened = []
    for key in _keys_of(which):
        try:
            private_key_with_recovery(key, recovery_text)
        except (crypto.CryptoError, KeysNotInitialisedError):
            continue
        opened.append(key)
    return opened


def first_grant_with_recovery(grantee: User, recovery_text: str, *, actor: Any = "cli") -> int:
    """The recovery key grants alone only where nobody else holds the keys it opens.

    Otherwise the two-person rule applies: ApprovalNeededError, and the caller files a
    request (:func:`request_grant`) for an existing holder to approve.
    """
    name = key_for(grantee)
    if name is None:
        raise NotAKeyHolderError(grantee.role)
    if name.purpose == KeyPurpose.AGENCY:
        agency_key(name.agency_id or 0, actor=actor)
    opened = _opened_by_recovery(name, recovery_text)
    if not opened:
        raise crypto.DecryptionError()
    others = db.session.scalar(
        select(KeyGrant.id).join(User, User.id == KeyGrant.user_id)
        .where(KeyGrant.service_key_id.in_([key.id for key in opened]), User.active.is_(True), User.id != grantee.id)
        .limit(1)
    )
    if others is not None:
        raise ApprovalNeededError(grantee.email)
    return grant_with_recovery(grantee, recovery_text, actor=actor)


class KeyRef(Protocol):
    """What opening with a service key needs of it (a ServiceKey or a SealingKey is one)."""

    @property
    def id(self) -> int: ...

    @property
    def algorithm(self) -> str: ...


# The sealed column alone, built once (every page that opens a case asks): no grant object is made.
_GRANT_WRAPPED = select(KeyGrant.wrapped).where(
    KeyGrant.user_id == bindparam("user_id"), KeyGrant.service_key_id == bindparam("key_id")
)


def holder_private_key(holder: User, personal_private: bytes, key: KeyRef) -> bytes:
    """A service key's private half, opened with a holder's personal private key."""
    wrapped = read(_GRANT_WRAPPED, {"user_id": holder.id, "key_id": key.id}).scalar()
    if wrapped is None:
        raise NotAKeyHolderError(holder.email)
    return crypto.open_sealed(holder.key_algorithm, personal_private, wrapped, grant_binding(holder.id, key.id))


# A service key and one holder's grant of it, together: a case page needs both and asked twice.
_KEY_AND_GRANT = (
    select(ServiceKey.id, ServiceKey.algorithm, ServiceKey.public_key, KeyGrant.wrapped)
    .outerjoin(KeyGrant, (KeyGrant.service_key_id == ServiceKey.id) & (KeyGrant.user_id == bindparam("user_id")))
    .where(ServiceKey.id == bindparam("key_id"))
)


def holder_key_by_id(holder: User, personal_private: bytes, key_id: int) -> tuple[SealingKey, bytes]:
    """A service key by its id, and its private half opened with a holder's personal private key
    (one statement for both)."""
    row = read(_KEY_AND_GRANT, {"user_id": holder.id, "key_id": key_id}).one()
    if row.wrapped is None:
        raise NotAKeyHolderError(holder.email)
    key = SealingKey(row.id, row.algorithm, row.public_key)
    return key, crypto.open_sealed(holder.key_algorithm, personal_private, row.wrapped, grant_binding(holder.id, key.id))


def grant_from_holder(granter: User, granter_private: bytes, grantee: User) -> int:
    """A signed-in holder grants every generation of the grantee's key that the granter holds."""
    name = key_for(grantee)
    if name is None or not grantee.active:
        raise NotAKeyHolderError(grantee.role)
    made = 0
    for key in _keys_of(name):
        try:
            private = holder_private_key(granter, granter_private, key)
        except NotAKeyHolderError:
            continue
        if _seal_grant(key, private, grantee, granted_by=granter):
            made += 1
    if made == 0 and not is_holder(grantee, name):
        raise NotAKeyHolderError(granter.email)
    db.session.flush()
    audit.record("keys.grant", f"user:{grantee.id}", actor=granter, purpose=name.purpose.value, via="holder", keys=made,
                 **_agency_detail(name))
    return made


def is_holder(user: User, which: Which = KeyPurpose.GROUP) -> bool:
    try:
        key = current_key(which)
    except KeysNotInitialisedError:
        return False
    return db.session.scalar(
        select(KeyGrant.id).where(KeyGrant.user_id == user.id, KeyGrant.service_key_id == key.id)
    ) is not None


# The two-person rule -------------------------------------------------------------------

def holders_of(which: Which) -> list[User]:
    """Active people holding the current key of ``which`` (none before `keys init`)."""
    try:
        key = current_key(which)
    except KeysNotInitialisedError:
        return []
    return list(db.session.scalars(
        select(User)
        .join(KeyGrant, KeyGrant.user_id == User.id)
        .where(KeyGrant.service_key_id == key.id, User.active.is_(True))
        .order_by(User.email)
    ))


def is_first_grant(which: Which) -> bool:
    """Nobody active holds the current key: the recovery key may grant it alone."""
    return not holders_of(which)


def _refuse_own_account(person: User, grantee: User) -> None:
    """Nobody grants to themselves, nor to an account they created or last reset."""
    if person.id in (grantee.id, grantee.created_by_id, grantee.reset_by_id):
        raise PermissionDeniedError(person.email)


def pending_request(grantee: User, which: Which) -> GrantRequest | None:
    name = key_name(which)
    return db.session.scalar(
        select(GrantRequest).where(
            GrantRequest.user_id == grantee.id, GrantRequest.purpose == name.purpose.value,
            func.coalesce(GrantRequest.agency_id, 0) == (name.agency_id or 0), GrantRequest.approved_at.is_(None),
        )
    )


def may_request(grantee: User, requester: User) -> bool:
    """Whether this person may ask for the grantee's key: an active administrator (they manage
    the accounts, whether or not they hold that key) or a holder of it; never for their own
    account, nor one they created or last reset. The approval always needs a holder."""
    name = key_for(grantee)
    if name is None or not requester.active or requester.id in (grantee.id, grantee.created_by_id, grantee.reset_by_id):
        return False
    return requester.role == Role.ADMIN.value or is_holder(requester, name)


def request_grant(grantee: User, *, requester: User | None) -> GrantRequest:
    """Ask for the grantee to be granted their role's key; a second holder of it must approve.

    ``requester`` is an administrator or a holder of that key on the web (:func:`may_request`),
    or None from the command line (where the recovery key was given). Raises
    NotAKeyHolderError if the grantee's role reads nothing or the requester may not ask,
    PermissionDeniedError for one's own account or one the requester created or reset,
    NoHolderYetError when nobody holds the key yet (its first grant is the recovery key's).
    """
    name = key_for(grantee)
    if name is None or not grantee.active:
        raise NotAKeyHolderError(grantee.role)
    if requester is not None:
        _refuse_own_account(requester, grantee)
        if not may_request(grantee, requester):
            raise NotAKeyHolderError(requester.email)
        if is_first_grant(name):
            raise NoHolderYetError(name.purpose.value)
    existing = pending_request(grantee, name)
    if existing is not None:
        return existing
    request = GrantRequest(user_id=grantee.id, purpose=name.purpose.value, agency_id=name.agency_id,
                           requested_by_id=requester.id if requester else None, requested_at=utcnow())
    db.session.add(request)
    db.session.flush()
    audit.record("keys.grant_requested", f"user:{grantee.id}", actor=requester or "cli", purpose=name.purpose.value,
                 request=request.id, **_agency_detail(name))
    return request


def may_approve(request: GrantRequest, approver: User) -> bool:
    """Whether this person is a second holder who may approve (not the asker, not the grantee's maker)."""
    grantee = db.session.get(User, request.user_id)
    if grantee is None or approver.id == request.requested_by_id or not approver.active:
        return False
    if approver.id in (grantee.id, grantee.created_by_id, grantee.reset_by_id):
        return False
    # The grantee must still need the key asked for (not moved to another agency or role since).
    if key_for(grantee) != request.key_name:
        return False
    # Any generation of that key, retired ones too: after `keys init --force` the holders of
    # the old keys approve grants of those (they give what they hold).
    return db.session.scalar(
        select(KeyGrant.id).where(KeyGrant.user_id == approver.id,
                                  KeyGrant.service_key_id.in_(_key_ids_of(request.key_name))).limit(1)
    ) is not None


def approve_grant(request: GrantRequest, approver: User, approver_private: bytes) -> int:
    """The second holder approves: their keys open the service keys and seal the grant."""
    if request.approved_at is not None or not may_approve(request, approver):
        raise PermissionDeniedError(approver.email)
    grantee = db.session.get(User, request.user_id)
    assert grantee is not None
    made = grant_from_holder(approver, approver_private, grantee)
    request.approved_by_id = approver.id
    request.approved_at = utcnow()
    db.session.flush()
    audit.record("keys.grant_approved", f"user:{grantee.id}", actor=approver, purpose=request.purpose,
                 request=request.id, requested_by=request.requested_by_id, **_agency_detail(request.key_name))
    return made


def requests_for(approver: User) -> list[tuple[GrantRequest, User]]:
    """Pending requests this person may approve, oldest first."""
    rows = db.session.execute(
        select(GrantRequest, User).join(User, User.id == GrantRequest.user_id)
        .where(GrantRequest.approved_at.is_(None)).order_by(GrantRequest.requested_at)
    ).all()
    return [(request, grantee) for request, grantee in rows if may_approve(request, approver)]


# The old shared partners' key --------------------------------------------------------------

def opened_partners_keys(recovery_text: str) -> list[tuple[ServiceKey, bytes]]:
    """The generations of the old shared partners' key this recovery key opens, with their private halves."""
    opened = []
    for key in _keys_of(KeyPurpose.PARTNERS):
        try:
            opened.append((key, private_key_with_recovery(key, recovery_text)))
        except (crypto.CryptoError, KeysNotInitialisedError):
            continue
    return opened


def move_partners_grants(opened: list[tuple[ServiceKey, bytes]], recovery_text: str, *, actor: Any = "cli") -> int:
    """Give each person who genuinely held the old partners' key (its grant proof is valid)
    their own agency's key instead, opened with the recovery key; then remove every grant of
    the old key and retire it, so no grant of it opens another agency's words any more.

    Call once the words sealed to these keys were re-sealed. Returns how many people were granted.
    """
    granted = 0
    for key, _private in opened:
        rows = db.session.execute(
            select(User, KeyGrant).join(KeyGrant, KeyGrant.user_id == User.id).where(KeyGrant.service_key_id == key.id)
        ).all()
        for holder, grant in rows:
            name = key_for(holder)
            genuine = crypto.grant_proof_valid(key.grant_verify_key, grant.proof, key.kid, holder.id, holder.public_key)
            if genuine and holder.active and name is not None and name.purpose == KeyPurpose.AGENCY:
                agency_key(name.agency_id or 0, actor=actor)
                for own in _opened_by_recovery(name, recovery_text):
                    if _seal_grant(own, private_key_with_recovery(own, recovery_text), holder, granted_by=None):
                        granted += 1
            db.session.delete(grant)
        if key.retired_at is None:
            key.retired_at = utcnow()
    db.session.flush()
    return granted
