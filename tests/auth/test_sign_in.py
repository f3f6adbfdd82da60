"""Staff sign-in: password, then a TOTP code (enrolled at first sign-in).

Repeated failures pause sign-in for an account, and for an unknown email in
exactly the same way; a wrong password and an unknown email get the same page
after the same work.
"""
from __future__ import annotations

import re
import statistics
import time

import pyotp
import pytest
from sqlalchemy import select

from reporting.admin import accounts
from reporting.auth.models import Role, User
from reporting.extensions import db
from reporting.settings import current_settings
from tests.conftest import PASSWORD
from tests.helpers import CSRF, csrf_token, post_form, sign_in, totp_now

NOT_RIGHT = "The email address, password or code is not right."
TOO_MANY = "Too many attempts"
CODE_NOT_RIGHT = "The code is not right"


def password_step(client, email: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return post_form(client, "/staff/login", {"email": email, "password": password})


def test_first_sign_in_enrols_an_authenticator_then_later_sign_ins_ask_for_a_code(app, client, make_user):
    user = make_user("reviewer")
    response = password_step(client, user.email)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/staff/enrol")

    page = client.get("/staff/enrol").get_data(as_text=True)
    assert "<svg" in page, "the QR code is drawn inline, with no request to another site"
    setup_key = re.search(r'id="setup-key">([A-Z2-7 ]+)</code>', page)
    assert setup_key, "the setup key is shown as text for people who cannot scan"
    secret = setup_key.group(1).replace(" ", "")
    # The key on the page is the one the app checks: an authenticator fed it works.
    assert pyotp.TOTP(secret).now() == totp_now(app, user.email)

    wrong = str((int(totp_now(app, user.email)) + 1) % 1_000_000).rjust(6, "0")
    refused = post_form(client, "/staff/enrol", {"code": wrong})
    assert refused.status_code == 200
    assert CODE_NOT_RIGHT in refused.get_data(as_text=True)
    assert client.get("/review/").status_code == 302, "a wrong code does not sign anyone in"

    code = pyotp.TOTP(secret).now()
    accepted = post_form(client, "/staff/enrol", {"code": code})
    assert accepted.status_code == 302
    assert accepted.headers["Location"].endswith("/staff/")
    assert client.get("/review/").status_code == 200

    # Next time: the password leads to the code page, and the code just used is spent.
    again = app.test_client()
    second = password_step(again, user.email)
    assert second.headers["Location"].endswith("/staff/two-factor")
    assert again.get("/staff/enrol").headers["Location"].endswith("/staff/two-factor")
    replay = post_form(again, "/staff/two-factor", {"code": code})
    assert replay.status_code == 200
    assert CODE_NOT_RIGHT in replay.get_data(as_text=True)
    assert again.get("/review/").status_code == 302
    fresh = post_form(again, "/staff/two-factor", {"code": totp_now(app, user.email, offset_steps=1)})
    assert fresh.status_code == 302
    assert again.get("/review/").status_code == 200


def test_a_password_alone_reaches_no_staff_page(app, client, make_user):
    user = make_user("reviewer")
    assert password_step(client, user.email).status_code == 302
    queue = client.get("/review/")
    assert queue.status_code == 302
    assert queue.headers["Location"].startswith("/staff/login")


def test_five_wrong_passwords_pause_the_account_even_for_the_right_password(app, client, make_user):
    user = make_user("reviewer")
    other = make_user("reviewer")
    for _ in range(4):
        assert NOT_RIGHT in password_step(client, user.email, "not the password at all").get_data(as_text=True)
    # Four failures do not pause anything: the right password still works...
    assert password_step(client, user.email).status_code == 302
    # ...the fifth failure does, and then the right password is refused too.
    assert NOT_RIGHT in password_step(client, user.email, "not the password at all").get_data(as_text=True)
    paused = password_step(app.test_client(), user.email)
    assert paused.status_code == 200
    assert TOO_MANY in paused.get_data(as_text=True)
    # Other accounts are not affected.
    assert password_step(app.test_client(), other.email).status_code == 302


def test_an_unknown_email_is_paused_after_five_attempts_like_a_real_one(app, client, make_user):
    for _ in range(5):
        page = password_step(client, "nobody@example.org", "some password or other").get_data(as_text=True)
        assert NOT_RIGHT in page
        assert TOO_MANY not in page
    sixth = password_step(client, "nobody@example.org", "some password or other")
    assert sixth.status_code == 200
    assert TOO_MANY in sixth.get_data(as_text=True)


def _page_without_token(response, email: str) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    page = response.get_data(as_text=True)
    page = CSRF.sub('name="csrf_token" value="TOKEN"', page)
    return response.status_code, page.replace(email, "EMAIL")


def test_wrong_password_and_unknown_email_get_the_same_page(app, client, make_user):
    user = make_user("reviewer", email="known.person@example.org")
    wrong_password = password_step(client, user.email, "not the password at all")
    unknown = password_step(app.test_client(), "other.person@example.org", "not the password at all")
    assert NOT_RIGHT in wrong_password.get_data(as_text=True)
    assert _page_without_token(wrong_password, user.email) == _page_without_token(unknown, "other.person@example.org")


def test_wrong_password_and_unknown_email_take_similar_time(make_app):
    # Argon2id costly enough to dominate a request: if the unknown-email path
    # skipped it, it would be several times faster than the wrong-password path.
    app = make_app(
        PASSWORD_KDF="argon2id:t=2,m=16384,p=1",
        SIGNIN_LIMIT_PER_ACCOUNT="1000 per minute",
        SIGNIN_LIMIT_PER_CLIENT="1000 per minute",
    )
    with app.app_context():
        user = accounts.create_user(email="timed@example.org", role=Role.REVIEWER, password=PASSWORD, actor="test",
                                           settings=current_settings())
        db.session.commit()
        assert user.password_kdf == "argon2id:t=2,m=16384,p=1"
    client = app.test_client()
    token = csrf_token(client, "/staff/login")

    def timed(email: str) -> float:
        # CPU time of this process (the app runs in it): the work done, not how busy
        # the machine running the tests happens to be.
        started = time.process_time()
        response = client.post("/staff/login", data={"csrf_token": token, "email": email, "password": "wrong password here"})
        elapsed = time.process_time() - started
        assert NOT_RIGHT in response.get_data(as_text=True)
        return elapsed

    timed("timed@example.org"), timed("unknown@example.org")  # warm up both paths
    known, unknown = [], []
    for _ in range(9):  # interleaved, so anything slow in the background hits both alike
        known.append(timed("timed@example.org"))
        unknown.append(timed("unknown@example.org"))
    ratio = statistics.median(known) / statistics.median(unknown)
    assert 1 / 1.5 < ratio < 1.5, (statistics.median(known), statistics.median(unknown))


def test_a_deactivated_account_cannot_sign_in(app, client, make_user):
    user = make_user("reviewer")
    make_user("reviewer")  # another holder, so deactivating is allowed
    with app.app_context():
        accounts.set_active(db.session.get(User, user.id), False, actor="test")
        db.session.commit()
    response = password_step(client, user.email)
    assert response.status_code == 200
    assert NOT_RIGHT in response.get_data(as_text=True)
    assert client.get("/staff/two-factor").headers["Location"].endswith("/staff/login")


def test_deactivating_ends_a_session_already_signed_in(app, client, make_user):
    user = make_user("reviewer")
    make_user("reviewer")
    sign_in(client, app, user.email)
    assert client.get("/review/").status_code == 200
    with app.app_context():
        accounts.set_active(db.session.get(User, user.id), False, actor="test")
        db.session.commit()
    response = client.get("/review/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login")


def test_the_last_key_holder_cannot_be_deactivated(app, make_user):
    from reporting.exceptions import LastKeyHolderError

    only = make_user("reviewer")
    with app.app_context():
        with pytest.raises(LastKeyHolderError):
            accounts.set_active(db.session.get(User, only.id), False, actor="test")
        db.session.rollback()
        assert db.session.scalar(select(User.active).where(User.id == only.id)) is True
