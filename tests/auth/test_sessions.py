"""Server-side staff sessions: idle timeout, signing out, and password changes."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from reporting.auth.models import StaffSession, User
from reporting.db import utcnow
from reporting.extensions import db
from tests.conftest import PASSWORD
from tests.helpers import csrf_token, full_answers, post_form, report, sign_in

NEW_PASSWORD = "a brand new passphrase for spring"


def sessions_of(app, user_id: int) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(StaffSession).where(StaffSession.user_id == user_id)))


def goes_to_sign_in(response) -> bool:  # type: ignore[no-untyped-def]
    return response.status_code == 302 and response.headers["Location"].startswith("/staff/login")


def test_an_idle_session_ends_and_the_next_request_asks_to_sign_in_again(app, client, make_user):
    user = make_user("reviewer")
    sign_in(client, app, user.email)
    assert client.get("/review/").status_code == 200
    with app.app_context():
        expires_at = db.session.scalar(select(StaffSession.expires_at).where(StaffSession.user_id == user.id))
        # The expiry is the configured idle time from the last request.
        assert timedelta(minutes=29) < expires_at - utcnow() <= timedelta(minutes=30)
        # Time passes: the last request was 31 minutes ago.
        db.session.execute(
            update(StaffSession)
            .where(StaffSession.user_id == user.id)
            .values(last_seen_at=utcnow() - timedelta(minutes=31), expires_at=utcnow() - timedelta(minutes=1))
        )
        db.session.commit()
    assert goes_to_sign_in(client.get("/review/"))
    assert goes_to_sign_in(client.get("/staff/"))


def test_the_idle_limit_comes_from_configuration(make_app, make_user):
    app = make_app(STAFF_IDLE_MINUTES=5)
    # make_user and sign_in work on whichever app shares this database.
    user = make_user("reviewer")
    client = app.test_client()
    sign_in(client, app, user.email)
    with app.app_context():
        expires_at = db.session.scalar(select(StaffSession.expires_at).where(StaffSession.user_id == user.id))
        assert timedelta(minutes=4) < expires_at - utcnow() <= timedelta(minutes=5)
        db.session.execute(
            update(StaffSession).where(StaffSession.user_id == user.id)
            .values(last_seen_at=utcnow() - timedelta(minutes=6), expires_at=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()
    assert goes_to_sign_in(client.get("/review/"))


def test_activity_moves_the_idle_limit_on(app, client, make_user):
    user = make_user("reviewer")
    sign_in(client, app, user.email)
    with app.app_context():
        # Last request 20 minutes ago: 10 minutes left.
        db.session.execute(
            update(StaffSession).where(StaffSession.user_id == user.id)
            .values(last_seen_at=utcnow() - timedelta(minutes=20), expires_at=utcnow() + timedelta(minutes=10))
        )
        db.session.commit()
    assert client.get("/review/").status_code == 200
    with app.app_context():
        expires_at = db.session.scalar(select(StaffSession.expires_at).where(StaffSession.user_id == user.id))
        assert expires_at - utcnow() > timedelta(minutes=29)


def test_signing_out_ends_the_session_on_the_server(app, client, make_user):
    user = make_user("reviewer")
    sign_in(client, app, user.email)
    assert client.get("/review/").status_code == 200
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    assert sessions_of(app, user.id) == 1

    token = csrf_token(client, "/review/")
    response = client.post("/staff/logout", data={"csrf_token": token})
    assert goes_to_sign_in(response)
    assert goes_to_sign_in(client.get("/review/"))
    assert sessions_of(app, user.id) == 0

    # Someone who kept a copy of the old cookie gets nothing with it.
    replay = app.test_client()
    replay.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
    assert goes_to_sign_in(replay.get("/review/"))


def test_a_session_id_from_a_stolen_database_signs_no_one_in(app, client, make_user):
    """The session row names its id; the secret that opens it lives only in the cookie.

    Someone holding the database and the secret key can sign a cookie of their own
    with a live session's id, but without that session's secret it must not work.
    """
    import base64
    import os

    def forged_client(user_id: int):  # type: ignore[no-untyped-def]
        with app.app_context():
            session_id = db.session.scalar(select(StaffSession.id).where(StaffSession.user_id == user_id))
        forged = {
            "staff": {"sid": session_id, "secret": base64.urlsafe_b64encode(os.urandom(32)).decode()},
            "_user_id": str(user_id),
            "_fresh": True,
        }
        thief = app.test_client()
        thief.set_cookie(app.config["SESSION_COOKIE_NAME"], app.session_interface.get_signing_serializer(app).dumps(forged))
        return thief

    user = make_user("reviewer")
    sign_in(client, app, user.email)
    assert client.get("/review/").status_code == 200
    thief = forged_client(user.id)
    assert goes_to_sign_in(thief.get("/review/"))
    assert goes_to_sign_in(thief.get("/staff/"))
    # The real session carries on.
    assert client.get("/review/").status_code == 200

    # Someone half-way through signing in (password given, code not yet): the TOTP
    # secret opens with the configuration, so the code step must not be reachable either.
    halfway = make_user("reviewer")
    assert post_form(app.test_client(), "/staff/login", {"email": halfway.email, "password": PASSWORD}).status_code == 302
    thief = forged_client(halfway.id)
    assert thief.get("/staff/enrol").headers["Location"].endswith("/staff/login")
    assert thief.get("/review/").status_code == 302


def test_signing_out_needs_the_form_token(app, client, make_user):
    user = make_user("reviewer")
    sign_in(client, app, user.email)
    response = client.post("/staff/logout", data={"csrf_token": "forged"})
    assert response.status_code == 400
    assert client.get("/review/").status_code == 200


def _require_new_password(app, user_id: int) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        db.session.execute(update(User).where(User.id == user_id).values(must_change_password=True))
        db.session.commit()


def test_a_temporary_password_must_be_changed_before_anything_else(app, client, make_user):
    """Before enrolment the person chooses their own password; nothing else answers until then."""
    user = make_user("reviewer")
    _require_new_password(app, user.id)
    step = post_form(client, "/staff/login", {"email": user.email, "password": PASSWORD})
    assert step.headers["Location"].endswith("/staff/first-password")
    page = client.get("/staff/first-password").get_data(as_text=True)
    assert "temporary password" in page
    # Neither the authenticator set-up nor the queue answers yet.
    assert client.get("/staff/enrol").headers["Location"].endswith("/staff/first-password")
    assert client.get("/review/").headers["Location"].startswith("/staff/login")

    chosen = post_form(client, "/staff/first-password", {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert chosen.status_code == 302 and chosen.headers["Location"].endswith("/staff/enrol")
    with app.app_context():
        assert db.session.get(User, user.id).must_change_password is False
    landing = sign_in(app.test_client(), app, user.email, NEW_PASSWORD)
    assert landing.headers["Location"].endswith("/staff/")


def test_a_temporary_password_after_enrolment_leads_to_the_password_page(app, client, make_user):
    user = make_user("reviewer")
    sign_in(app.test_client(), app, user.email)  # enrolled
    _require_new_password(app, user.id)
    landing = sign_in(client, app, user.email)
    assert landing.headers["Location"].endswith("/staff/password")
    queue = client.get("/review/")
    assert queue.status_code == 302
    assert queue.headers["Location"].endswith("/staff/password")
    changed = post_form(client, "/staff/password", {
        "current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD,
    })
    assert changed.status_code == 302
    assert client.get("/review/").status_code == 200


def test_changing_the_password_keeps_access_to_the_reports(app, client, make_user):
    reference, _ = report(client, full_answers("still-readable"))
    user = make_user("reviewer")
    staff = app.test_client()
    sign_in(staff, app, user.email)
    with app.app_context():
        wrap_before = db.session.get(User, user.id).private_key_wrap

    changed = post_form(staff, "/staff/password", {
        "current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD,
    })
    assert changed.status_code == 302
    with app.app_context():
        assert db.session.get(User, user.id).private_key_wrap != wrap_before, "the personal key is wrapped anew"
    # Still readable in the same session...
    assert "still-readable" in staff.get(f"/review/cases/{reference}").get_data(as_text=True)
    staff.post("/staff/logout", data={"csrf_token": csrf_token(staff, "/review/")})

    # ...the old password no longer opens the account...
    old = post_form(app.test_client(), "/staff/login", {"email": user.email, "password": PASSWORD})
    assert old.status_code == 200
    assert "not right" in old.get_data(as_text=True)
    # ...and the new one does, with the reports still readable.
    fresh = app.test_client()
    sign_in(fresh, app, user.email, NEW_PASSWORD)
    case = fresh.get(f"/review/cases/{reference}").get_data(as_text=True)
    assert "A man shouted at me in the street. still-readable" in case


def test_a_wrong_current_password_changes_nothing(app, client, make_user):
    user = make_user("reviewer")
    sign_in(client, app, user.email)
    with app.app_context():
        before = db.session.get(User, user.id).password_verifier
    response = post_form(client, "/staff/password", {
        "current_password": "not my password at all", "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD,
    })
    assert response.status_code == 200
    assert "Your current password is not right" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, user.id).password_verifier == before
