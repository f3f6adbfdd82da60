"""Passkeys for key holders: enrolment and the sign-in's passkey step. Flushes and audits; callers commit.

A passkey (WebAuthn with the PRF extension) becomes a second secret beside the password:
see :mod:`reporting.crypto.passkeys` for the layers. Once a person has one, their
password alone opens only the outer layer, so a stolen database with a guessed (or
known) password opens nothing; losing every passkey is recovered by an admin's reset
and a new grant (the recovery key, or a second key holder), never by the password.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select

from reporting import audit, crypto, sessions
from reporting.auth.models import Passkey, StaffSession, User
from reporting.auth.services import has_passkeys, personal_key_binding
from reporting.extensions import db
from reporting.codes import KEY_FOR_ROLE

_ENROL = b"E"  # ceremony kinds kept on the session row, each used once
_SIGN_IN = b"S"
_C = 32  # challenge length
MAX_PASSKEYS = 10


@dataclass(frozen=True)
class EnrolmentResponse:
    """What the enrolment page posts: the create() response, a get() on the new passkey, its PRF output."""

    registration: str
    assertion: str
    prf: str
    name: str


def passkey_binding(passkey: Passkey) -> crypto.Binding:
    return crypto.Binding("passkeys", "key_wrap", str(passkey.id))


def _session_key_binding(staff_session: StaffSession) -> crypto.Binding:
    return crypto.Binding("staff_sessions", "passkey_key", staff_session.id)


def passkeys_of(user: User) -> list[Passkey]:
    return list(db.session.scalars(select(Passkey).where(Passkey.user_id == user.id).order_by(Passkey.created_at, Passkey.id)))


def may_enrol(user: User) -> bool:
    """Passkeys protect a key holder's personal key: only roles that hold keys enrol one."""
    return user.role in KEY_FOR_ROLE


def passkey_step_due(staff_session: StaffSession, user: User) -> bool:
    """After the code: a passkey holder's sign-in has one more step (their key is still locked)."""
    if not has_passkeys(user):
        return False
    staff_session.awaiting_passkey = True
    db.session.flush()
    return True


def _take_ceremony(staff_session: StaffSession, kind: bytes, length: int) -> bytes:
    """The session's pending ceremony of this kind, cleared (a challenge answers once)."""
    kept = staff_session.passkey_ceremony
    staff_session.passkey_ceremony = None
    db.session.flush()
    if kept is None or kept[:1] != kind or len(kept) != 1 + length:
        raise crypto.PasskeyError("no ceremony of this kind is waiting")
    return kept[1:]


def begin_enrolment(staff_session: StaffSession, user: User, rp: crypto.RelyingParty) -> dict[str, Any]:
    """Options for the enrolment page's script: create() a passkey, then get() its PRF output."""
    registration, assertion, salt = crypto.new_challenge(), crypto.new_challenge(), crypto.new_prf_salt()
    staff_session.passkey_ceremony = _ENROL + registration + assertion + salt
    db.session.flush()
    create = crypto.registration_options(
        rp, user_handle=str(user.id).encode(), user_name=user.email, challenge=registration,
        exclude=[passkey.credential_id for passkey in passkeys_of(user)],
    )
    return {"create": create, "get": crypto.new_passkey_assertion_options(rp, challenge=assertion, salt=salt)}


def enrol_passkey(
    user: User, staff_session: StaffSession, response: EnrolmentResponse, *, password_key: bytes,
    personal_private: bytes, session_secret: bytes, rp: crypto.RelyingParty, now: datetime,
) -> Passkey:
    """Add a passkey; from the first one on, the password alone no longer opens the personal key.

    ``password_key`` is the person's password-derived wrap key (they typed the password
    again); ``session_secret`` the cookie's secret, under which this session keeps the
    passkey key. Every other session of the account ends. PasskeyError for any response
    that does not verify or a session without its passkey key.
    """
    if not may_enrol(user):
        raise crypto.PasskeyError("this role holds no key")
    ceremony = _take_ceremony(staff_session, _ENROL, 3 * _C)
    registration_challenge, assertion_challenge, salt = ceremony[:_C], ceremony[_C : 2 * _C], ceremony[2 * _C :]
    made = crypto.verify_registration(rp, response.registration, registration_challenge)
    if crypto.assertion_credential_id(response.assertion) != made.credential_id:
        raise crypto.PasskeyError("the PRF output is not from the new passkey")
    sign_count = crypto.verify_assertion(rp, response.assertion, assertion_challenge,
                                         public_key=made.public_key, sign_count=made.sign_count)
    prf = crypto.prf_output(response.prf)
    if len(passkeys_of(user)) >= MAX_PASSKEYS:
        raise crypto.PasskeyError("too many passkeys")
    if db.session.scalar(select(Passkey.id).where(Passkey.credential_id == made.credential_id)) is not None:
        raise crypto.PasskeyError("this passkey is enrolled already")
    binding = personal_key_binding(user)
    if has_passkeys(user):
        passkey_key = session_passkey_key(staff_session, session_secret)
        # The outer layer stays; the password typed must still open it.
        crypto.open_password_layer(password_key, user.private_key_wrap, binding)
    else:
        passkey_key = crypto.new_passkey_key()
        inner = crypto.seal_passkey_layer(passkey_key, personal_private, binding)
        user.private_key_wrap = crypto.seal_password_layer(password_key, inner, binding)
    passkey = Passkey(
        user_id=user.id, credential_id=made.credential_id, public_key=made.public_key, sign_count=sign_count,
        prf_salt=salt, key_wrap=b"", name=response.name.strip()[:60] or "Passkey", created_at=now, last_used_at=now,
    )
    db.session.add(passkey)
    db.session.flush()  # the id binds the wrap to this row
    passkey.key_wrap = crypto.wrap_passkey_key(prf, passkey_key, passkey_binding(passkey))
    staff_session.passkey_key = crypto.encrypt(session_secret, passkey_key, _session_key_binding(staff_session))
    ended = db.session.execute(
        delete(StaffSession).where(StaffSession.user_id == user.id, StaffSession.id != staff_session.id)
    ).rowcount  # type: ignore[attr-defined]
    db.session.flush()
    audit.record("user.passkey_added", f"user:{user.id}", actor=user, other_sessions_ended=ended)
    return passkey


def session_passkey_key(staff_session: StaffSession, session_secret: bytes) -> bytes:
    """The passkey key this session keeps (set at the passkey step or the first enrolment)."""
    if staff_session.passkey_key is None:
        raise crypto.PasskeyError("this session has no passkey key: sign in again")
    return crypto.decrypt(session_secret, staff_session.passkey_key, _session_key_binding(staff_session))


def begin_sign_in(staff_session: StaffSession, user: User, rp: crypto.RelyingParty) -> dict[str, Any]:
    """Options for the sign-in page's script: get() with any of the person's passkeys, with PRF."""
    challenge = crypto.new_challenge()
    staff_session.passkey_ceremony = _SIGN_IN + challenge
    db.session.flush()
    return crypto.authentication_options(
        rp, challenge=challenge, credentials=[(passkey.credential_id, passkey.prf_salt) for passkey in passkeys_of(user)],
    )


def unlock_with_passkey(
    user: User, staff_session: StaffSession, *, assertion: str, prf: str, session_secret: bytes,
    rp: crypto.RelyingParty, now: datetime,
) -> bytes:
    """The sign-in's passkey step: check the assertion, open the personal key, keep it in the session.

    The session held only what the password opened; from here it holds the personal
    private key and the passkey key, each under the cookie's secret. PasskeyError (or
    another CryptoError) if the assertion or the PRF output is not right.
    """
    challenge = _take_ceremony(staff_session, _SIGN_IN, _C)
    credential_id = crypto.assertion_credential_id(assertion)
    passkey = db.session.scalar(
        select(Passkey).where(Passkey.user_id == user.id, Passkey.credential_id == credential_id)
    )
    if passkey is None:
        raise crypto.PasskeyError("not one of this person's passkeys")
    passkey.sign_count = crypto.verify_assertion(rp, assertion, challenge, public_key=passkey.public_key,
                                                 sign_count=passkey.sign_count)
    passkey.last_used_at = now
    db.session.flush()
    passkey_key = crypto.unwrap_passkey_key(crypto.prf_output(prf), passkey.key_wrap, passkey_binding(passkey))
    inner = sessions.private_key(staff_session, session_secret)
    personal = crypto.open_passkey_layer(passkey_key, inner, personal_key_binding(user))
    sessions.replace_private_key(staff_session, session_secret, personal)
    staff_session.passkey_key = crypto.encrypt(session_secret, passkey_key, _session_key_binding(staff_session))
    staff_session.awaiting_passkey = False
    db.session.flush()
    return personal
