"""Helpers for the admin tests: posting a page's form, reading the error summary, the state to compare."""
from __future__ import annotations

import html
import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from reporting import audit
from reporting.auth.models import User
from reporting.extensions import db
from reporting.keys.models import KeyGrant
from tests.helpers import csrf_token

TEMPORARY = "temporary horse staple 42"
LAST_HOLDER = "Refused: this is the last person who can read the reports; grant someone else first"
FEWER_THAN_TWO = "can read the reports. If they lose their password"
SUMMARY_LINK = re.compile(r'<li><a href="#([^"]+)">(.*?)</a></li>', re.S)


def submit(client: FlaskClient, page: str, action: str, data: dict[str, Any]):  # type: ignore[no-untyped-def]
    """Post a form that sits on ``page`` (for its CSRF token) to ``action``."""
    return client.post(action, data={"csrf_token": csrf_token(client, page), **data})


def summary(page: str) -> dict[str, str]:
    """The error summary's links: target id -> message."""
    block = page.split('class="govuk-error-summary"', 1)
    if len(block) < 2:
        return {}
    body = block[1].split("</ul>", 1)[0]
    return {target: html.unescape(text).strip() for target, text in SUMMARY_LINK.findall(body)}


def state(app: Flask) -> tuple[Any, ...]:
    """Everything an admin form could change: accounts, grants, the audit log's length."""
    with app.app_context():
        users = db.session.execute(
            select(
                User.id, User.email, User.role, User.centre_id, User.active, User.must_change_password,
                User.password_verifier, User.private_key_wrap, User.public_key, User.totp_confirmed,
            ).order_by(User.id)
        ).all()
        grants = db.session.execute(select(KeyGrant.user_id, KeyGrant.service_key_id).order_by(KeyGrant.id)).all()
        return tuple(users), tuple(grants), audit.count()


def user_by_email(app: Flask, email: str) -> User | None:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        if user is not None:
            db.session.expunge(user)
        return user
