"""Fixtures of the administrators' area tests."""
from __future__ import annotations

import pytest

from tests.helpers import sign_in


@pytest.fixture
def admin_client(app, make_user):  # type: ignore[no-untyped-def]
    """A signed-in admin who holds the group key (like the demo admin), and their client."""
    admin = make_user("admin")
    client = app.test_client()
    sign_in(client, app, admin.email)
    return client, admin
