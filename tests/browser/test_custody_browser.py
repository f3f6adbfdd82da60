"""Issue 11 in a real browser: choosing one's own password before enrolling, asking for
access and a second key holder approving it, and the lost-receipt page; each checked
with axe-core."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from tests.browser.pages import heading, path_of, press
from tests.helpers import minimal_answers, report

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext

    from tests.browser.conftest import Axe, StaffServer

pytestmark = pytest.mark.browser


def test_a_temporary_password_then_two_holders_grant_access(
    staff_server: StaffServer, new_context: Callable[..., BrowserContext], axe: Axe
) -> None:
    server = staff_server
    reference, _ = report(server.app.test_client(), minimal_answers())
    newcomer = server.add_user("reviewer", "newcomer@example.org", holder=False, must_change_password=True)
    asker = server.add_user("admin", "asker@example.org")
    approver = server.add_user("reviewer", "approver@example.org")

    page = new_context().new_page()
    page.goto(server("/staff/login"))
    page.get_by_label("Email address").fill(newcomer)
    page.get_by_label("Password", exact=True).fill("correct horse battery staple")
    press(page, "Continue")
    assert path_of(page) == server("/staff/first-password")
    assert heading(page) == "Choose your own password"
    page.get_by_label("New password", exact=True).fill("Password123!")
    page.get_by_label("Confirm new password").fill("Password123!")
    press(page, "Save password and continue")
    assert page.title().startswith("Error:"), page.title()
    axe.check(page, "first password, refused as guessable")
    page.get_by_label("New password", exact=True).fill("my own chosen passphrase again")
    page.get_by_label("Confirm new password").fill("my own chosen passphrase again")
    press(page, "Save password and continue")
    assert path_of(page) == server("/staff/enrol")

    admin = new_context().new_page()
    server.sign_in(admin, asker)
    with server.app.app_context():
        from sqlalchemy import select

        from reporting.auth.models import User
        from reporting.extensions import db

        newcomer_id = db.session.scalar(select(User.id).where(User.email == newcomer))
    admin.goto(server(f"/admin/users/{newcomer_id}"))
    press(admin, "Ask for access to the reports")
    axe.check(admin, "account page, access asked for")

    second = new_context().new_page()
    server.sign_in(second, approver)
    second.goto(server("/staff/grants"))
    assert heading(second) == "Approve access to the reports"
    axe.check(second, "approve access")
    press(second, f"Approve access for {newcomer}")
    assert "Approved" in second.locator("main").inner_text()

    second.goto(server(f"/review/cases/{reference}/new-code"))
    assert heading(second).startswith("A new receipt code for")
    axe.check(second, "new receipt code form")
