"""`staff_keyring()`: the one way a staff page gets the signed-in person's keyring."""
from __future__ import annotations

import pytest
from flask import g
from flask_login import login_user

from reporting import crypto, sessions
from reporting.auth import services as auth_services
from reporting.auth import session as staff
from reporting.auth.models import StaffSession, User
from reporting.db import utcnow
from reporting.exceptions import NotAKeyHolderError
from reporting.extensions import db
from reporting.keys.keyring import Keyring
from reporting.keys.models import KeyPurpose
from reporting.keys.services import current_key
from reporting.keys.staff import staff_keyring
from reporting.settings import current_settings
from tests.conftest import PASSWORD


def _signed_in(app, email: str, *, secret: bytes | None = None) -> None:  # type: ignore[no-untyped-def]
    """Inside a request context: the person signed in, the cookie holding ``secret`` (by default the right one)."""
    user, private = auth_services.sign_in_with_password(email, PASSWORD, client="test", settings=current_settings())
    ticket = auth_services.start_session(user, private, now=utcnow())
    db.session.commit()
    staff.remember(sessions.Ticket(ticket.session_id, secret if secret is not None else ticket.secret))
    g.staff_session = db.session.get(StaffSession, ticket.session_id)
    login_user(user)


def test_nobody_signed_in_has_no_keyring(app, keys):
    with app.test_request_context("/"):
        assert staff_keyring() is None


def test_a_cookie_whose_secret_does_not_open_the_session_gives_no_keyring(app, make_user):
    holder = make_user("reviewer")
    with app.test_request_context("/"):
        _signed_in(app, holder.email, secret=crypto.random_key())
        assert staff_keyring() is None


def test_the_holders_keyring_opens_the_group_key(app, make_user):
    holder = make_user("reviewer")
    with app.test_request_context("/"):
        _signed_in(app, holder.email)
        keyring = staff_keyring()
        assert isinstance(keyring, Keyring)
        assert keyring.holder.id == holder.id
        assert keyring.private_for(current_key(KeyPurpose.GROUP))


def test_someone_not_granted_gets_a_keyring_that_opens_nothing(app, make_user):
    newcomer = make_user("reviewer", holder=False)
    with app.test_request_context("/"):
        _signed_in(app, newcomer.email)
        keyring = staff_keyring()
        assert keyring is not None and isinstance(keyring.holder, User)
        with pytest.raises(NotAKeyHolderError):
            keyring.private_for(current_key(KeyPurpose.GROUP))
