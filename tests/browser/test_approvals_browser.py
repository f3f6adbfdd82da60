"""Issue 26 in a real browser: a reviewer asks, a second key holder approves on the
approvals page (a new receipt code, then lifting a legal hold); each page checked with
axe-core at 375 and 1280 px, with screenshots (APPROVAL_SCREENSHOTS keeps them)."""
from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.browser.pages import heading, press
from tests.helpers import full_answers, report

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

    from tests.browser.conftest import Axe, StaffServer

pytestmark = pytest.mark.browser
WIDTHS = (375, 1280)
CODE = re.compile(r"\d{4}(?:\s+\d{4}){5}")


def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("APPROVAL_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def look(page: Page, axe: Axe, folder: Path, name: str) -> None:
    """The page at each width: no sideways scroll, axe clean, a screenshot."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (name, width)
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
    axe.check(page, name)


def test_a_second_key_holder_approves_on_the_approvals_page(
    staff_server: StaffServer, new_context: Callable[..., BrowserContext], axe: Axe, smtp_server, tmp_path: Path
) -> None:
    server = staff_server
    host, port, received = smtp_server
    server.app.config.update(MAIL_SERVER=host, MAIL_PORT=port)
    reference, _ = report(server.app.test_client(), full_answers("BROWSERCODE"))
    asker = server.add_user("reviewer", "asker@example.org")
    approver = server.add_user("reviewer", "approver@example.org")
    folder = shots(tmp_path)

    first = new_context().new_page()
    server.sign_in(first, asker)
    first.goto(server(f"/review/cases/{reference}/new-code"))
    assert heading(first) == f"A new receipt code for {reference}"
    look(first, axe, folder, "new-code-ask")
    first.get_by_label("They phoned the Group").check()
    first.get_by_label("We called them back on the number they gave in the report, and they answered questions only they could").check()
    first.get_by_label("By email, to the address they gave in their report: the service sends it, and no one at the Group sees it").check()
    first.get_by_label("Why they need a new code").fill("Lost their phone with the code in it")
    press(first, "Ask a second key holder to approve")
    assert "waits for a second key holder" in first.locator("main").inner_text()
    look(first, axe, folder, "new-code-asked")
    first.goto(server("/review/approvals/"))
    assert "Nothing is waiting for your approval" in first.locator("main").inner_text()
    look(first, axe, folder, "approvals-asker")

    second = new_context().new_page()
    server.sign_in(second, approver)
    second.goto(server("/review/approvals/"))
    assert heading(second) == "Approvals"
    main = second.locator("main").inner_text()
    assert reference in main and "asker@example.org" in main and "Lost their phone" in main
    look(second, axe, folder, "approvals-waiting")
    second.get_by_role("button", name=re.compile(f"^Approve.*{reference}")).click()
    second.wait_for_load_state("load")
    assert "Approved and done" in second.locator("main").inner_text()
    assert not CODE.search(second.locator("main").inner_text())
    look(second, axe, folder, "approvals-done")
    assert len(received) == 1 and received[0]["To"] == "BROWSERCODE@example.org"
