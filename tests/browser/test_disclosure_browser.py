"""Issue 25 in a real browser: the identifying check stops a pack and an action, says what
matched in an error summary that axe-core passes at a phone's width and a desktop's, and
the pack an agency reads carries the protective marking. Set SCREENSHOTS=folder to keep
screenshots of each page."""
from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from reporting.disclosure.marking import MARKING
from tests.browser.pages import follow, main_text, press
from tests.browser.test_meetings_browser import NARROW, WIDE, add_agency_person
from tests.helpers import full_answers, report

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

    from tests.browser.conftest import Axe, StaffServer

pytestmark = pytest.mark.browser

CANARY = "SHOTCANARY8"


def both_widths(page: Page, axe: Axe, what: str) -> None:
    folder = os.environ.get("SCREENSHOTS")
    for size in (NARROW, WIDE):
        page.set_viewport_size(size)  # type: ignore[arg-type]
        axe.check(page, f"{what} at {size['width']} px")
        if folder:
            name = what.replace(" ", "-").replace(",", "")
            page.screenshot(path=str(Path(folder) / f"{name}-{size['width']}.png"), full_page=True)


def test_the_check_stops_and_explains_and_the_pack_is_marked(
    staff_server: StaffServer, new_context: Callable[..., BrowserContext], axe: Axe
) -> None:
    server = staff_server
    reference, _ = report(server.app.test_client(), full_answers(CANARY))
    reviewer_email = server.add_user("reviewer", "chair@example.org")
    agency_email = add_agency_person(server, "officer@example.org")
    page = new_context().new_page()
    server.sign_in(page, reviewer_email)
    page.goto(server(f"/review/cases/{reference}"))
    press(page, "Flag for the next meeting")
    page.goto(server("/review/meetings/new"))
    page.get_by_label("Date of the meeting").fill("2026-12-03")
    page.get_by_label("Place or call link").fill("Shirehall, committee room 2")
    page.get_by_label("Example Housing Association").check()
    press(page, "Create the meeting")
    meeting_url = page.url

    follow(page, page.get_by_role("link", name=f"{reference}: summary, decision and actions"))
    page.get_by_label("Summary for the meeting").fill(f"Ask Sam {CANARY.lower()} on ０７７００ ９００９８２.")
    press(page, "Save the summary")
    press(page, "Check and share the pack")
    text = main_text(page)
    assert "There is a problem" in text and "a phone number" in text and "０７７００ ９００９８２" in text
    assert "Pack not shared yet" in text
    both_widths(page, axe, "pack stopped by the check")

    # A reason shares it anyway (audited); an action with an email is stopped on the case page's own check page.
    page.get_by_label("Why these details must reach the agencies (to share anyway)").fill("Agreed with the person")
    press(page, "Check and share the pack")
    assert "Pack shared with the invited agencies." in main_text(page)
    page.goto(server(f"/review/cases/{reference}"))
    page.get_by_text("Ask a partner agency to act").click()
    page.get_by_label("Agency asked").select_option(label="Example Housing Association")
    page.get_by_label("What is asked").fill("Write to sam at example dot org")
    page.get_by_label("Due date").fill((date.today() + timedelta(days=14)).isoformat())
    press(page, "Give the action")
    text = main_text(page)
    assert "Check the action before the agency reads it" in text and "sam at example dot org" in text
    both_widths(page, axe, "action stopped by the check")
    page.get_by_label("What is asked").fill("Offer a visit from the tenancy officer")
    press(page, "Give the action")
    assert "Action given to Example Housing Association." in main_text(page)

    officer = new_context().new_page()
    server.sign_in(officer, agency_email)
    officer.goto(meeting_url.replace("/review/meetings/", "/partners/meetings/"))
    text = main_text(officer)
    assert text.count(MARKING) == 2 and "０７７００ ９００９８２" in text  # shared with a reason
    both_widths(officer, axe, "marked pack as an agency reads it")
    officer.goto(server("/partners/"))
    assert "Offer a visit from the tenancy officer" in main_text(officer)
