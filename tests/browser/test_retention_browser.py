"""Issue 15 in a real browser: the list of cases due for destruction, a legal hold, and erasure.

A reviewer who holds the key opens the list from the navigation, places a legal hold
(the missing reason first), sends the erase form without a reason, then asks to erase a
case and a second key holder approves it on the approvals page (issue 26).
axe-core on each page and error state, at a phone's width and a desktop's; screenshots
go to $RETENTION_SCREENSHOTS (or the test's temporary folder) to be looked at.
"""
from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.browser.pages import follow, heading, main_text, press, success_banner
from tests.helpers import full_answers, minimal_answers, report
from tests.retention.test_retention import _close

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

    from tests.browser.conftest import Axe, StaffServer

pytestmark = pytest.mark.browser

NARROW = {"width": 375, "height": 812}
WIDE = {"width": 1280, "height": 900}
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
RAW_CODES = ("spam_or_misuse", "reporter_request", "longstop", "closed_days", "None")


def _shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("RETENTION_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _check(page: Page, axe: Axe, what: str, shots: Path) -> None:
    """axe at both widths, a full-page screenshot of each, and nothing wider than a phone."""
    for size in (NARROW, WIDE):
        page.set_viewport_size(size)  # type: ignore[arg-type]
        axe.check(page, f"{what} at {size['width']} px")
        page.screenshot(path=str(shots / f"{what.replace(' ', '-')}-{size['width']}.png"), full_page=True)
        if size is NARROW:
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{what} scrolls sideways at 375 px by {overflow} px"
    text = main_text(page)
    assert not ISO_DATE.search(text), f"an ISO date on {what}: {ISO_DATE.search(text)}"
    for code in RAW_CODES:
        assert code not in text, f"a raw code on {what}: {code}"


def test_the_due_list_a_legal_hold_and_erasure(
    staff_server: StaffServer, new_context: Callable[..., BrowserContext], axe: Axe, tmp_path: Path
) -> None:
    server = staff_server
    shots = _shots(tmp_path)
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
    _check(page, axe, "hold form error", shots)
    page.get_by_label("Why the case must be kept").fill("Inquest due in the spring")
    press(page, "Place a legal hold")
    assert "Legal hold placed" in success_banner(page)
    assert "on legal hold" in main_text(page) and "Inquest due in the spring" in main_text(page)
    assert page.get_by_role("button", name="Ask to erase the report's content").count() == 0
    _check(page, axe, "held case", shots)

    page.goto(server("/review/retention/"))
    row = page.get_by_role("row").filter(has_text=held)
    assert "On hold: kept" in row.inner_text()
    _check(page, axe, "due list", shots)

    # Erasure: without a reason, a clear error and nothing destroyed; then with one.
    follow(page, page.get_by_role("link", name=due, exact=True))
    press(page, "Ask to erase the report's content")
    assert "Select why the report is being erased" in page.get_by_role("alert").inner_text()
    assert page.title().startswith("Error:")
    _check(page, axe, "erase form error", shots)
    page.get_by_label("The person asked for their report to be erased").check()
    press(page, "Ask to erase the report's content")
    assert "Nothing is erased until a second key holder approves it" in success_banner(page)
    assert "Erasing was asked for on" in main_text(page)
    _check(page, axe, "erasure asked", shots)

    second = new_context().new_page()
    server.sign_in(second, server.add_user("reviewer", "second@example.org"))
    second.goto(server("/review/approvals/"))
    assert "Erase the report's content" in main_text(second) and "The person asked" in main_text(second)
    _check(second, axe, "erasure waiting for approval", shots)
    second.get_by_role("button", name=re.compile(f"^Approve.*{due}")).click()
    second.wait_for_load_state("load")
    assert "Approved and done" in success_banner(second)
    page.goto(server(f"/review/retention/cases/{due}"))
    assert "Content destroyed on" in main_text(page) and "erased on request" in main_text(page)
    _check(page, axe, "erased case", shots)
    page.goto(server(f"/review/cases/{due}"))
    assert "DUECANARY1" not in main_text(page)
