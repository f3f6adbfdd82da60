from __future__ import annotations

import pytest
from flask import Flask

from reporting.extensions import db
from tests.helpers import sign_in
from tests.stats import fixture

RANGE = {"first": "2024-04", "last": "2026-03"}


@pytest.fixture
def stats_world(app: Flask, keys):  # type: ignore[no-untyped-def]
    with app.app_context():
        ids = fixture.build()
        db.session.remove()
    return ids


@pytest.fixture
def analyst(app: Flask, client, make_user):  # type: ignore[no-untyped-def]
    """The test client, signed in as an analyst (who holds no key)."""
    user = make_user("analyst")
    sign_in(client, app, user.email)
    client.user = user  # type: ignore[attr-defined]
    return client
