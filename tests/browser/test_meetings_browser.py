"""Issue 14 in a real browser: a meeting from agenda to minutes.

A reviewer flags two cases, creates the meeting, writes the summaries, shares the
pack and gives an action; a person at the invited agency signs in (password and
TOTP), reads the pack and updates the action; the reviewer sees the update on the
case timeline. axe-core on every page, at a phone's width and a desktop's.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING

import pytest

from tests.browser.pages import follow, heading, main_text, press
from tests.helpers import full_answers, minimal_answers, report

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

    from tests.browser.conftest import Axe, StaffServer

pytestmark = pytest.mark.browser

CANARY = "BROWSERCANARY4"
SUMMARY = "Abuse shouted in the street; the person is afraid to go out and needs support with housing."
NARROW = {"width": 375, "height": 812}
WIDE = {"width": 1280, "height": 900}


def both_widths(page: Page, axe: Axe, what: str) -> None:
    for size in (NARROW, WIDE):
        page.set_viewport_size(size)  # type: ignore[arg-type]
        axe.check(page, f"{what} at {size['width']} px")


def add_agency_person(server: StaffServer, email: str) -> str:
    from reporting.extensions import db
    from reporting.keys import services as key_services
    from reporting.meetings import services
    from reporting.meetings.models import AgencyKind
    from reporting.settings import current_settings

    with server.app.app_context():
        agency = services.save_agency(
            services.AgencyData("Example Housing Association", AgencyKind.HOUSING, "housing@example.org"), actor="test")
        user = services.add_agency_user(agency, email=email, password="correct horse battery staple", actor="test",
                                         settings=current_settings())
        user.must_change_password = False
        key_services.grant_with_recovery(user, server.recovery_text)
        db.session.commit()
    return email


def test_a_meeting_from_agenda_to_minutes(
    staff_server: StaffServer, new_context: Callable[..., BrowserContext], axe: Axe
) -> None:
    server = staff_server
    first, _ = report(server.app.test_client(), full_answers(CANARY))
    second, _ = report(server.app.test_client(), minimal_answers())
    reviewer_email = server.add_user("reviewer", "chair@example.org")
    agency_email = add_agency_person(server, "officer@example.org")

    page = new_context().new_page()
    server.sign_in(page, reviewer_email)
    for reference in (first, second):
        page.goto(server(f"/review/cases/{reference}"))
        press(page, "Flag for the next meeting")
        assert "For the next meeting" in main_text(page)
    both_widths(page, axe, "case page, flagged")

    page.goto(server("/review/?next_meeting=yes"))
    assert first in main_text(page) and second in main_text(page)
    page.goto(server("/review/meetings/"))
    both_widths(page, axe, "meetings")
    follow(page, page.get_by_role("button", name="Create a meeting"))
    page.get_by_label("Date of the meeting").fill("2026-12-03")
    page.get_by_label("Place or call link").fill("Shirehall, committee room 2")
    page.get_by_label("Example Housing Association").check()
    assert page.get_by_label(first).is_checked() and page.get_by_label(second).is_checked()
    both_widths(page, axe, "create a meeting")
    press(page, "Create the meeting")
    assert heading(page).startswith("Meeting ")
    meeting_url = page.url
    both_widths(page, axe, "meeting")

    for reference, text in ((first, SUMMARY), (second, "Graffiti on a bus shelter.")):
        follow(page, page.get_by_role("link", name=f"{reference}: summary, decision and actions"))
        beside = main_text(page)  # identifying answers are never shown beside the summary
        assert f"Sam {CANARY}" not in beside and f"{CANARY}@example.org" not in beside and "07700 900982" not in beside
        both_widths(page, axe, "case summary for the meeting")
        page.get_by_label("Summary for the meeting").fill(text)
        press(page, "Save the summary")
    press(page, "Check and share the pack")
    assert "Pack shared with the invited agencies." in main_text(page)

    follow(page, page.get_by_role("link", name=f"{first}: summary, decision and actions"))
    page.get_by_label("The Group's decision").fill("Ask housing to consider a move.")
    press(page, "Record the decision")
    page.get_by_label("Agency asked").select_option(label="Example Housing Association")
    page.get_by_label("What is asked").fill("Consider a management transfer")
    page.get_by_label("Due date").fill((date.today() + timedelta(days=14)).isoformat())
    press(page, "Give the action")
    assert "Action given to Example Housing Association." in main_text(page)
    both_widths(page, axe, "case at the meeting with its action")

    page.goto(meeting_url)
    page.get_by_label("Minutes").fill("Two cases heard; one action for housing.")
    press(page, "Save the minutes")
    assert "Minutes saved" in main_text(page)
    follow(page, page.get_by_role("link", name="Read or print the pack"))
    both_widths(page, axe, "the pack, as the Group reads it")

    officer = new_context().new_page()
    server.sign_in(officer, agency_email)
    assert officer.url.endswith("/partners/")
    both_widths(officer, axe, "partner agency home")
    follow(officer, officer.get_by_role("link", name=re.compile(r"^Meeting \d+, ")))
    text = main_text(officer)
    assert SUMMARY in text and "Consider a management transfer" in text
    assert CANARY not in text and "Ask housing to consider a move." not in text
    both_widths(officer, axe, "the pack, as an agency reads it")
    officer.goto(server("/partners/"))
    follow(officer, officer.get_by_role("link", name=f"Update this action {first}"))
    both_widths(officer, axe, "update an action")
    officer.get_by_label("Done", exact=True).check()
    officer.get_by_label("Update for the Group").fill("Transfer offered to a flat across town.")
    press(officer, "Send the update")
    assert "Update sent to the Group." in main_text(officer)
    assert officer.goto(server("/review/")).status == 403

    page.goto(server(f"/review/cases/{first}"))
    timeline = main_text(page)
    assert "Example Housing Association marked an action done" in timeline
    assert "Transfer offered to a flat across town." in timeline
    assert "Heard at meeting" in timeline
    both_widths(page, axe, "case page with the agency's update")
