"""Issue 26 in a real browser: a partner agency's own key asked for by an administrator and
approved by a holder of that key, the approval page naming the key; the pages checked with
axe-core on a phone and a desktop. With SCREENSHOTS_DIR set, each page is kept as a picture."""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select

from tests.browser.pages import heading, press

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

    from tests.browser.conftest import Axe, StaffServer

pytestmark = pytest.mark.browser
SIZES = {"phone": {"width": 375, "height": 800}, "desktop": {"width": 1280, "height": 900}}
HOUSING = "Shropshire Example Housing"


def _add_agency_person(server: StaffServer, email: str, *, holder: bool) -> int:
    from reporting.auth.models import Role
    from reporting.admin.accounts import create_user
    from reporting.extensions import db
    from reporting.keys import services as key_services
    from reporting.meetings.models import Agency
    from reporting.settings import current_settings

    with server.app.app_context():
        agency = db.session.scalar(select(Agency).where(Agency.name == HOUSING))
        if agency is None:
            agency = Agency(name=HOUSING, kind="housing", contact_email="housing@example.org", active=True)
            db.session.add(agency)
            db.session.flush()
        user = create_user(email=email, role=Role.AGENCY, password="correct horse battery staple", actor="test",
                           agency_id=agency.id, settings=current_settings())
        user.must_change_password = False
        if holder:
            key_services.grant_with_recovery(user, server.recovery_text)
        db.session.commit()
        return int(user.id)


def _look(page: Page, axe: Axe, name: str) -> None:
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)  # type: ignore[arg-type]
        axe.check(page, f"{name} ({size})")
        folder = os.environ.get("SCREENSHOTS_DIR")
        if folder:
            page.screenshot(path=str(Path(folder) / f"{name.replace(' ', '-')}-{viewport['width']}.png"), full_page=True)


def test_an_agency_key_is_asked_for_and_approved_by_a_holder_of_that_key(
    staff_server: StaffServer, new_context: Callable[..., BrowserContext], axe: Axe
) -> None:
    server = staff_server
    _add_agency_person(server, "first@housing.example.org", holder=True)
    second_id = _add_agency_person(server, "second@housing.example.org", holder=False)
    asker = server.add_user("admin", "asker@example.org")

    admin = new_context(viewport=SIZES["desktop"]).new_page()
    server.sign_in(admin, asker)
    admin.goto(server(f"/admin/users/{second_id}"))
    assert "Shropshire Example Housing's key: its meeting summaries and actions" in admin.locator("main").inner_text()
    _look(admin, axe, "account page, agency key to ask for")
    press(admin, "Ask for access to the reports")
    _look(admin, axe, "account page, agency key asked for")
    admin.goto(server("/admin/key-holders"))
    _look(admin, axe, "key holders by agency")

    holder = new_context(viewport=SIZES["desktop"]).new_page()
    server.sign_in(holder, "first@housing.example.org")
    holder.goto(server("/staff/grants"))
    assert heading(holder) == "Approve access to the reports"
    main = holder.locator("main").inner_text()
    assert "Shropshire Example Housing's key: its meeting summaries and actions" in main
    assert "asker@example.org" in main and "The Group's key" not in main
    _look(holder, axe, "approve access to an agency key")
    press(holder, "Approve access for second@housing.example.org")
    assert "Approved" in holder.locator("main").inner_text()
