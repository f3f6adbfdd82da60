"""Issue 15 in a real browser: the list of cases due for destruction, a legal hold, and erasure.

A reviewer who holds the key opens the list from the navigation, places a legal hold
(the missing reason first), sends the erase form without a reason, then asks to erase a
case and a second key holder approves it on the approvals page (issue 26).
axe-core on each page and error state, at a phone's width and a desktop's; screenshots
go to $REPORTING_SCREENSHOTS when it is set, to be looked at.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from tests.browser.pages import check_at_both_widths, follow, heading, main_text, press, success_banner
from tests.helpers import full_answers, minimal_answers, report
from tests.retention.test_retention import _close

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

    from tests.browser.conftest import Axe, StaffServer

pytestmark = pytest.mark.browser

RAW_CODES = ("spam_or_misuse", "reporter_request", "longstop", "closed_days", "None")


def _check(page: Page, axe: Axe, what: str) -> None:
    check_at_both_widths(page, axe, what, RAW_CODES)


def test_the_due_list_a_legal_hold_and_erasure(
    staff_server: StaffServer, new_context: Callable[..., BrowserContext], axe: Axe
) -> None:
    server = staff_server
    due, _ = report(server.app.test_client(), full_answers("DUECANARY1"))
    held, _ = report(server.app.test_client(), minimal_answers())
    later, _ = report(server.app.test_client(), minimal_answers())
    _close(server.app, due, days_ago=20)  # spam rule: due in 10 days
    _close(server.app, held, days_ago=25)  # due in 5 days
    _close(server.app, later, days_ago=0, reason="not_hate_incident")  # years away
    email = server.add_user("reviewer", "keeper@example.org")

    page = new_context().new_page()
    server.sign_in(page, email)
    follow(page, page.get_by_role("link", name="Retention", exact=True))
    assert heading(page) == "Content due for destruction"
    # One place in the navigation is marked as where the person is.
    current = page.locator("nav [aria-current]")
    assert current.count() == 1 and current.inner_text().strip() == "Retention"
    listed = main_text(page)
    assert due in listed and held in listed and later not in listed
    assert "spam or misuse, a set time after closure" in listed

    # A legal hold: first without a reason (a clear error), then with one.
    follow(page, page.get_by_role("link", name=held, exact=True))
    assert heading(page) == "Retention" and page.title().startswith(f"Retention of case {held}")
    assert "Due to be destroyed on" in main_text(page)
    press(page, "Place a legal hold")
    assert page.get_by_role("alert").inner_text().count("Give the reason for the legal hold") == 1
    assert page.title().startswith("Error:")
    _check(page, axe, "hold form error")
    page.get_by_label("Why the case must be kept").fill("Inquest due in the spring")
    press(page, "Place a legal hold")
    assert "Legal hold placed" in success_banner(page)
    assert "on legal hold" in main_text(page) and "Inquest due in the spring" in main_text(page)
    assert page.get_by_role("button", name="Ask to erase the report's content").count() == 0
    _check(page, axe, "held case")

    page.goto(server("/review/retention/"))
    row = page.get_by_role("row").filter(has_text=held)
    assert "On hold: kept" in row.inner_text()
    _check(page, axe, "due list")

    # Erasure: without a reason, a clear error and nothing destroyed; then with one.
    follow(page, page.get_by_role("link", name=due, exact=True))
    press(page, "Ask to erase the report's content")
    assert "Select why the report is being erased" in page.get_by_role("alert").inner_text()
    assert page.title().startswith("Error:")
    _check(page, axe, "erase form error")
    page.get_by_label("The person asked for their report to be erased").check()
    press(page, "Ask to erase the report's content")
    assert "Nothing is erased until a second key holder approves it" in success_banner(page)
    assert "Erasing was asked for on" in main_text(page)
    _check(page, axe, "erasure asked")

    second = new_context().new_page()
    server.sign_in(second, server.add_user("reviewer", "second@example.org"))
    second.goto(server("/review/approvals/"))
    assert "Erase the report's content" in main_text(second) and "The person asked" in main_text(second)
    _check(second, axe, "erasure waiting for approval")
    second.get_by_role("button", name=re.compile(f"^Approve.*{due}")).click()
    second.wait_for_load_state("load")
    assert "Approved and done" in success_banner(second)
    page.goto(server(f"/review/retention/cases/{due}"))
    assert "Content destroyed on" in main_text(page) and "erased on request" in main_text(page)
    _check(page, axe, "erased case")
    page.goto(server(f"/review/cases/{due}"))
    assert "DUECANARY1" not in main_text(page)
