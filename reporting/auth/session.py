"""The signed-in staff member of this request, and their personal key.

The cookie holds the session id and a secret; the server holds the personal
private key encrypted under that secret. Neither alone opens anything.
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, current_app, g, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from reporting import crypto, sessions
from reporting.auth import services
from reporting.auth.models import Role, StaffSession, User
from reporting.auth.navigation import staff_navigation
from reporting.db import utcnow
from reporting.extensions import db, login_manager
from reporting.security import policy_for
from reporting.settings import current_settings

log = logging.getLogger(__name__)
STAFF = "staff"


def remember(ticket: sessions.Ticket) -> None:
    sessions.remember(STAFF, ticket)


def ticket() -> sessions.Ticket | None:
    return sessions.from_cookie(STAFF)


def forget() -> None:
    sessions.forget(STAFF, StaffSession)
    session.pop("_user_id", None)
    session.pop("_fresh", None)


def _holds_secret(staff_session: StaffSession, found: sessions.Ticket) -> bool:
    """Whether the cookie's secret opens the session: its id alone (in the database) is not enough."""
    try:
        g.personal_private_key = services.session_private_key(staff_session, found.secret)
    except crypto.CryptoError:
        return False
    return True


def account_open(user: User) -> bool:
    """Whether this account may be used now: active, and nothing it belongs to was closed.

    Features that can close an account from outside it register a check with
    :func:`register_access_check` (a partner agency made inactive closes its people's
    accounts); every signed-in request, each step of sign-in and the sign-in itself ask.
    """
    if not user.active:
        return False
    return all(check(user) for check in current_app.extensions.get(_ACCESS_CHECKS, ()))


_ACCESS_CHECKS = "reporting.access_checks"


def register_access_check(app: Flask, check: Callable[[User], bool]) -> None:
    """Add a check that must pass for an account to sign in or use a session (see account_open)."""
    app.extensions.setdefault(_ACCESS_CHECKS, []).append(check)


def pending_session() -> tuple[StaffSession, User] | None:
    """The session after the password step, before the second factor."""
    found = ticket()
    if found is None:
        return None
    staff_session = services.live_session(found.session_id, now=utcnow())
    if staff_session is None or not _holds_secret(staff_session, found):
        return None
    user = db.session.get(User, staff_session.user_id)
    if user is None or not account_open(user):
        return None
    return staff_session, user


def personal_private_key_of_pending() -> bytes:
    """The personal key of the session after the password step (opened by pending_session())."""
    key: bytes = g.personal_private_key
    return key


def personal_private_key() -> bytes:
    """The signed-in person's personal private key, opened for this request only."""
    if "personal_private_key" not in g:
        found = ticket()
        staff_session = g.get("staff_session")
        if found is None or staff_session is None:
            raise crypto.DecryptionError()
        g.personal_private_key = services.session_private_key(staff_session, found.secret)
    key: bytes = g.personal_private_key
    return key


def _load_user(user_id: str) -> User | None:
    try:
        found = ticket()
        if found is None:
            return None
        now = utcnow()
        live = services.live_session_and_user(found.session_id, now=now)
        if live is None:
            return None
        staff_session, user = live
        if not staff_session.second_factor_done or str(staff_session.user_id) != user_id:
            return None
        if not _holds_secret(staff_session, found):
            return None
        if not account_open(user):
            return None
        # Idle timeout: each request moves the expiry on; the write is skipped if recent.
        if (now - staff_session.last_seen_at).total_seconds() > 30:
            services.touch_session(staff_session, now=now, settings=current_settings())
            db.session.commit()
        g.staff_session = staff_session
        return user
    except SQLAlchemyError:
        db.session.rollback()
        return None


# While a temporary password is in force, only these staff pages answer.
_BEFORE_NEW_PASSWORD = {"auth.change_password", "auth.logout"}


def _require_new_password() -> ResponseReturnValue | None:
    """Send someone signed in with a temporary password to the change-password page."""
    endpoint = request.endpoint
    if endpoint is None or endpoint in _BEFORE_NEW_PASSWORD:
        return None
    policy = policy_for(current_app, endpoint)
    if policy is None or policy.is_public:
        return None
    if getattr(current_user, "is_authenticated", False) and current_user.must_change_password:
        return redirect(url_for("auth.change_password"))
    return None


def init_staff_sessions(app: Flask) -> None:
    login_manager.init_app(app)
    # Templates compare roles through the enum, never a spelled-out string.
    app.jinja_env.globals["Role"] = Role
    app.add_template_global(staff_navigation, "staff_navigation")
    # After the access policy hook (registered earlier), so a refused request stays refused.
    app.before_request(_require_new_password)
    login_manager.user_loader(_load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None  # type: ignore[assignment]
    login_manager.session_protection = None  # our own server-side session does this job
