"""Staff accounts, sign-in and personal keys. Services flush and audit; callers commit."""
from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

import pyotp
from flask import Flask, current_app
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter, RateLimiter
from sqlalchemy import bindparam, delete, select

from reporting import audit, crypto
from reporting.auth import password_policy
from reporting.auth.models import Passkey, Role, StaffSession, User
from reporting.exceptions import (
    DuplicateEmailError,
    PasswordPolicyError,
    SignInFailedError,
    TooManyAttemptsError,
)
from reporting.extensions import db
from reporting.extensions import limiter as request_limiter
from reporting import sessions
from reporting.settings import Settings
# The roles that hold a key: the map moves to reporting.codes (issue 29), then this imports it from there.
from reporting.codes import KEY_FOR_ROLE

log = logging.getLogger(__name__)

MIN_PASSWORD_LENGTH = password_policy.MIN_LENGTH
SIGNIN_DELAYED = "signin.delayed"
KEY_HOLDER_ROLES = KEY_FOR_ROLE
# Never a real account's: equalises the work for unknown emails.
_DUMMY_SALT = b"\x00" * 16


def normalise_email(email: str) -> str:
    return email.strip().lower()


def personal_key_binding(user: User) -> crypto.Binding:
    return crypto.Binding("users", "private_key_wrap", str(user.id))


_PLACES = "reporting.password_places"


def register_places(app: Flask, places: Callable[[], Sequence[str]]) -> None:
    """Where the password rule finds the names of the service's places (the areas list, kept
    by reports, above auth): the app factory passes the lookup in."""
    app.extensions[_PLACES] = places


def _places() -> Sequence[str]:
    places: Callable[[], Sequence[str]] | None = current_app.extensions.get(_PLACES)
    return places() if places else ()


def check_password_policy(password: str, email: str, role: str | None = None, *, settings: Settings) -> None:
    """Refuse short or guessable passwords, and any built on the service's or the Partnership's
    names and places (in any case, spacing, leetspeak, with years); for key-holding roles,
    anything short of a very strong password (see :mod:`reporting.auth.password_policy`).

    A key holder's password (with the database) opens reports: whoever holds a copy knows
    whose it is and tries the service's own words first. The places are the areas list
    (see :func:`register_places`).
    """
    try:
        password_policy.judge(password, email, key_holder=role in KEY_HOLDER_ROLES,
                              context=password_policy.Context.of(settings.service_name, _places()))
    except password_policy.PolicyRefusal as refusal:
        raise PasswordPolicyError(refusal.reason) from None


def has_passkeys(user: User) -> bool:
    """Whether the person has enrolled a passkey: then the password alone no longer opens their key."""
    return db.session.scalar(select(Passkey.id).where(Passkey.user_id == user.id).limit(1)) is not None


def _set_password(user: User, password: str, unlocked: bytes, settings: Settings) -> None:
    """Wrap what the password opens under a key derived from the new password.

    ``unlocked`` is the personal private key, or for a passkey holder the key still
    locked by their passkey key (the inner layer): a new password never removes the
    passkey's lock.
    """
    params = settings.password_kdf
    user.password_salt = crypto.new_salt()
    user.password_kdf = params.encode()
    verifier, wrap_key = crypto.derive_keys(password.encode(), user.password_salt, params)
    user.password_verifier = crypto.verifier_digest(verifier)
    if has_passkeys(user):
        user.private_key_wrap = crypto.seal_password_layer(wrap_key, unlocked, personal_key_binding(user))
    else:
        user.private_key_wrap = crypto.wrap_private_key(wrap_key, unlocked, personal_key_binding(user))


def new_personal_keys(user: User, password: str, settings: Settings) -> None:
    """A new personal key pair, its private half wrapped under ``password`` (a new account, a reset)."""
    pair = crypto.generate_keypair()
    user.key_algorithm = pair.algorithm
    user.public_key = pair.public
    _set_password(user, password, pair.private, settings)


def create_account(
    *, email: str, role: Role, password: str, actor: User | str | None, centre_id: int | None = None,
    agency_id: int | None = None, settings: Settings,
) -> User:
    """Create a staff account with its personal key pair. No key is granted yet.

    Administrators make accounts through :func:`reporting.admin.accounts.create_user` (with
    the centre); a partner agency's people through the meetings' agency pages.
    """
    email = normalise_email(email)
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise DuplicateEmailError(email)
    check_password_policy(password, email, role.value, settings=settings)
    user = User(
        email=email,
        role=role.value,
        centre_id=centre_id,
        agency_id=agency_id if role == Role.AGENCY else None,
        password_salt=b"",
        password_kdf="",  # nosec B106 - placeholders, filled by new_personal_keys() below before the flush
        password_verifier=b"",
        key_algorithm="",
        public_key=b"",
        private_key_wrap=b"",
        created_by_id=actor.id if isinstance(actor, User) else None,
    )
    db.session.add(user)
    db.session.flush()  # the id binds the key wrap to this row
    new_personal_keys(user, password, settings)
    db.session.flush()
    audit.record("user.create", f"user:{user.id}", actor=actor, role=role.value)
    return user


# Sign-in ---------------------------------------------------------------------------

# Progressive delays, not a lockout: after the limit's count of failures from one client
# on one account, each further attempt waits twice as long as the last (1 s, 2 s, 4 s...,
# at most MAX_DELAY). The right password always works once the wait is over, and another
# client (the key holder at their own desk) is not slowed by someone else's guesses.
MAX_DELAY_SECONDS = 300


def _throttle() -> tuple[RateLimiter, RateLimitItem, RateLimitItem]:
    app = current_app
    if app.config.get("RATELIMIT_ENABLED", True) and request_limiter.initialized:
        # The rate limiter's own counting, on its store: when the store (Redis) cannot be
        # reached, Flask-Limiter has already switched this to counting in the process
        # (RATELIMIT_IN_MEMORY_FALLBACK_ENABLED), so a sign-in never waits on it or fails.
        counting: RateLimiter = request_limiter.limiter
    else:
        if "reporting.signin_limiter" not in app.extensions:
            storage = storage_from_string(app.config["RATELIMIT_STORAGE_URI"], **app.config["RATELIMIT_STORAGE_OPTIONS"])
            app.extensions["reporting.signin_limiter"] = MovingWindowRateLimiter(storage)
        counting = app.extensions["reporting.signin_limiter"]
    return (
        counting,
        parse(app.config["SIGNIN_LIMIT_PER_ACCOUNT"]),
        parse(app.config["SIGNIN_LIMIT_PER_CLIENT"]),
    )


def _throttle_keys(email: str, client: str) -> tuple[str, str]:
    key = current_app.extensions["reporting.ratelimit_key"]
    return (
        crypto.keyed_tag(key, "email:" + normalise_email(email) + "|client:" + client),
        crypto.keyed_tag(key, "client:" + client),
    )


def _failures(limiter: RateLimiter, item: RateLimitItem, tag: str) -> int:
    return item.amount - limiter.get_window_stats(item, "signin", tag).remaining


def _delay_for(failures: int, allowed: int) -> int:
    if failures < allowed:
        return 0
    return int(min(2 ** min(failures - allowed, 16), MAX_DELAY_SECONDS))


def _wait_item(seconds: int) -> RateLimitItem:
    return parse(f"1 per {seconds} second")


def _check_throttle(email: str, client: str) -> None:
    """Raise TooManyAttemptsError (with the seconds left) while this account and client must wait."""
    limiter, per_pair, per_client = _throttle()
    for item, tag in zip((per_pair, per_client), _throttle_keys(email, client)):
        failures = _failures(limiter, item, tag)
        delay = _delay_for(failures, item.amount)
        if delay and not limiter.test(_wait_item(delay), "signin-wait", tag, str(failures)):
            reset_at, _ = limiter.get_window_stats(_wait_item(delay), "signin-wait", tag, str(failures))
            raise TooManyAttemptsError(tag, max(1, int(reset_at - time.time()) + 1))


def _count_failure(email: str, client: str, user: User | None) -> None:
    limiter, per_pair, per_client = _throttle()
    for item, tag in zip((per_pair, per_client), _throttle_keys(email, client)):
        limiter.hit(item, "signin", tag)
        failures = _failures(limiter, item, tag)
        delay = _delay_for(failures, item.amount)
        if delay:
            limiter.hit(_wait_item(delay), "signin-wait", tag, str(failures))
        if failures == item.amount and item is per_pair:
            # Once per burst: the admin area lists these as an alert.
            audit.record(SIGNIN_DELAYED, f"user:{user.id}" if user else "user:unknown", actor="anonymous")


def sign_in_with_password(email: str, password: str, *, client: str, settings: Settings,
                          account_open: Callable[[User], bool] | None = None) -> tuple[User, bytes]:
    """Check the password; return the user and what it unlocks.

    That is the personal private key, or for a passkey holder the key still locked by
    the passkey (opened at the sign-in's passkey step: :mod:`reporting.auth.passkeys`).
    Unknown emails, wrong passwords and inactive accounts (``account_open`` says which:
    by default the account's own flag; the web adds what features close, such as a
    partner agency made inactive) all raise the same SignInFailedError after the same
    Argon2id work; repeated failures raise TooManyAttemptsError for unknown emails too.
    """
    user, wrap_key = check_password(email, password, client=client, settings=settings, account_open=account_open)
    if has_passkeys(user):
        return user, crypto.open_password_layer(wrap_key, user.private_key_wrap, personal_key_binding(user))
    return user, crypto.unwrap_private_key(wrap_key, user.private_key_wrap, personal_key_binding(user))


def check_password(email: str, password: str, *, client: str, settings: Settings,
                   account_open: Callable[[User], bool] | None = None) -> tuple[User, bytes]:
    """The account and its password-derived wrap key, if the password is right (as sign_in_with_password)."""
    _check_throttle(email, client)
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None or not (account_open(user) if account_open else user.active):
        crypto.derive_keys(password.encode(), _DUMMY_SALT, settings.password_kdf)
        _fail(email, client, None)
    assert user is not None
    verifier, wrap_key = crypto.derive_keys(
        password.encode(), user.password_salt, crypto.KdfParams.decode(user.password_kdf)
    )
    if not crypto.verifier_matches(user.password_verifier, verifier):
        _fail(email, client, user)
    return user, wrap_key


def check_step_throttle(user: User, client: str) -> None:
    """TooManyAttemptsError while this account and client must wait (before a later sign-in step)."""
    _check_throttle(user.email, client)


def count_failed_step(user: User, client: str) -> None:
    """A failed later step of sign-in (a passkey refused): counted and audited like a wrong password."""
    _count_failure(user.email, client, user)
    audit.record("signin.failed", f"user:{user.id}", actor="anonymous")


def _fail(email: str, client: str, user: User | None) -> None:
    _count_failure(email, client, user)
    audit.record("signin.failed", f"user:{user.id}" if user else "user:unknown", actor="anonymous")
    raise SignInFailedError(email)


def _totp_binding(user: User) -> crypto.Binding:
    return crypto.Binding("users", "totp_secret", str(user.id))


def totp_secret(user: User, settings: Settings) -> str:
    """The user's TOTP secret (base32), creating one for enrolment if there is none."""
    if user.totp_secret is None:
        secret = pyotp.random_base32()
        user.totp_secret = crypto.encrypt(settings.totp_key, secret.encode(), _totp_binding(user))
        db.session.flush()
        return secret
    return crypto.decrypt(settings.totp_key, user.totp_secret, _totp_binding(user)).decode()


def totp_uri(user: User, settings: Settings) -> str:
    return pyotp.TOTP(totp_secret(user, settings)).provisioning_uri(name=user.email, issuer_name=settings.service_name)


def verify_second_factor(user: User, code: str, *, client: str, now: datetime, settings: Settings) -> None:
    """Check a TOTP code (one step of clock drift either way; a code is never accepted twice)."""
    _check_throttle(user.email, client)
    code = "".join(ch for ch in code if ch.isdigit())
    totp = pyotp.TOTP(totp_secret(user, settings))
    counter = int(now.timestamp()) // totp.interval
    for step in (counter - 1, counter, counter + 1):
        if step > user.totp_last_counter and secrets.compare_digest(totp.generate_otp(step), code.rjust(6, "x")):
            user.totp_last_counter = step
            if not user.totp_confirmed:
                user.totp_confirmed = True
                audit.record("user.totp_enrolled", f"user:{user.id}", actor=user)
            db.session.flush()
            return
    _fail(user.email, client, user)


# Sessions (reporting.sessions keeps them; staff ones add who and when) -------------

SessionTicket = sessions.Ticket
# The pending session (password done, second factor not yet) lasts this long.
_PENDING = timedelta(minutes=10)


def start_session(user: User, personal_private: bytes, *, now: datetime) -> SessionTicket:
    """A pending session (password done); the key is kept only under the cookie's secret."""
    return sessions.create(StaffSession, personal_private, now=now, lasts=_PENDING,
                           user_id=user.id, created_at=now, last_seen_at=now)


def complete_sign_in(staff_session: StaffSession, user: User, *, now: datetime, settings: Settings) -> None:
    staff_session.second_factor_done = True
    touch_session(staff_session, now=now, settings=settings)
    user.last_sign_in_at = now
    audit.record("signin", f"user:{user.id}", actor=user)


def touch_session(staff_session: StaffSession, *, now: datetime, settings: Settings) -> None:
    staff_session.last_seen_at = now
    sessions.touch(staff_session, now=now, idle=settings.staff_idle)


def live_session(session_id: str, *, now: datetime) -> StaffSession | None:
    return sessions.live(StaffSession, session_id, now=now)


# Every staff request reads its session and account: one statement, built once.
_SESSION_AND_USER = (
    select(StaffSession, User).join(User, User.id == StaffSession.user_id)
    .where(StaffSession.id == bindparam("session_id"))
)


def live_session_and_user(session_id: str, *, now: datetime) -> tuple[StaffSession, User] | None:
    """The unexpired session with this id and its account (its key still needs the cookie's secret)."""
    row = db.session.execute(_SESSION_AND_USER, {"session_id": session_id}).first()
    if row is None or row[0].expires_at <= now:
        return None
    return row[0], row[1]


def end_session(session_id: str) -> None:
    sessions.end(StaffSession, session_id)


def session_private_key(staff_session: StaffSession, secret: bytes) -> bytes:
    return sessions.private_key(staff_session, secret)


def purge_expired_sessions(now: datetime) -> int:
    return sessions.purge_expired(StaffSession, now)


# Account changes -------------------------------------------------------------------

def change_password(user: User, unlocked: bytes, new_password: str, *, settings: Settings,
                    keep_session: str | None = None) -> None:
    """Re-wrap what the password unlocks under the new password. No report is touched.

    ``unlocked`` is what :func:`sign_in_with_password` gave: the personal private key,
    or a passkey holder's key still locked by their passkey (which stays locked).
    Every other session of the account ends (someone who knew the old password and
    signed in elsewhere is signed out); ``keep_session`` is the one making the change.
    """
    check_password_policy(new_password, user.email, user.role, settings=settings)
    _set_password(user, new_password, unlocked, settings)
    user.must_change_password = False
    ended = db.session.execute(
        delete(StaffSession).where(StaffSession.user_id == user.id, StaffSession.id != (keep_session or ""))
    ).rowcount  # type: ignore[attr-defined]
    db.session.flush()
    audit.record("user.password_changed", f"user:{user.id}", actor=user, other_sessions_ended=ended)
