"""Issue 10: one server session keyed by a cookie secret (staff and receipt), and typed settings."""
from __future__ import annotations

import ast
import base64
import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import select

from reporting import ROOT
from reporting.db import utcnow
from reporting.extensions import db
from reporting.status.models import ReceiptSession
from tests.helpers import minimal_answers, post_form, report, sign_in


def open_status(client, receipt):  # type: ignore[no-untyped-def]
    return post_form(client, "/status", {"receipt": receipt})


def _wrong_secret(client, name: str) -> None:
    with client.session_transaction() as cookie:
        ticket = dict(cookie[name])
        ticket["secret"] = base64.urlsafe_b64encode(b"\x00" * 32).decode()
        cookie[name] = ticket


def test_a_session_id_without_its_secret_opens_neither_kind_of_session(app, client, make_user):
    _, receipt = report(client, minimal_answers())
    visitor = app.test_client()
    open_status(visitor, receipt)
    assert visitor.get("/status/report").status_code == 200
    _wrong_secret(visitor, "receipt")
    assert visitor.get("/status/report").headers["Location"].endswith("/status")

    reviewer = make_user("reviewer")
    staff = app.test_client()
    sign_in(staff, app, reviewer.email)
    assert staff.get("/review/").status_code == 200
    _wrong_secret(staff, "staff")
    assert "/staff/login" in staff.get("/review/").headers["Location"]


def test_the_receipt_idle_time_comes_from_the_settings_built_in_create_app(make_app, client):
    _, receipt = report(client, minimal_answers())
    # A second app on the same database, configured with a shorter idle time.
    app = make_app(RECEIPT_IDLE_MINUTES=5)
    visitor = app.test_client()
    open_status(visitor, receipt)
    with app.app_context():
        row = db.session.scalars(select(ReceiptSession)).one()
        assert timedelta(minutes=4) < row.expires_at - utcnow() <= timedelta(minutes=5)
        row.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert visitor.get("/status/report").headers["Location"].endswith("/status")


def test_settings_are_typed_frozen_and_keep_the_derived_key_out_of_their_repr(app):
    from reporting.settings import Settings, current_settings

    with app.app_context():
        settings = current_settings()
    assert isinstance(settings, Settings)
    assert settings.receipt_idle == timedelta(minutes=15) and settings.staff_idle == timedelta(minutes=30)
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.staff_idle = timedelta(hours=8)  # type: ignore[misc]
    assert "totp_key" not in repr(settings) and repr(settings.totp_key)[2:20] not in repr(settings)


def test_only_the_sessions_module_makes_keyed_sessions_or_their_cookie():
    """No package keeps its own copy: rows are created, and tickets put in the cookie, in one place."""
    for path in (ROOT / "reporting").rglob("*.py"):
        name = str(path.relative_to(ROOT))
        if name == "reporting/sessions.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in {"StaffSession", "ReceiptSession"}, f"{name}:{node.lineno}"
            if isinstance(node, ast.Constant) and node.value == "sid":
                pytest.fail(f"{name}:{node.lineno} reads or writes the session ticket itself")


def test_the_cookie_follows_a_new_secret_key_and_its_fallbacks(app, client):
    """A new secret key takes effect at once, and an old one listed as a fallback still
    opens the cookies it signed (Flask's own cookie session, nothing kept between requests)."""
    from tests.helpers import start

    def has_draft() -> bool:
        return "Your answers have been deleted" not in client.get("/report/who").get_data(as_text=True)

    start(client)
    assert has_draft()
    old = app.secret_key
    app.secret_key = "another secret key, long enough to be real: " + "x" * 32
    assert not has_draft()  # the cookie signed with the old key opens nothing now
    start(client)
    assert has_draft()
    app.secret_key, app.config["SECRET_KEY_FALLBACKS"] = old, [app.secret_key]
    assert has_draft()  # signed with what is now a fallback
