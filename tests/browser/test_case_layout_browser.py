"""Issue 28, item 10: the queue and the case page read well at 1280 px and at 375 px.

At 1280 px the queue's reference column took a third of the width while "What and where"
wrapped to seven lines; at 375 px every action form came before any of the report, so a
reviewer acted before reading. Now: a narrow reference column and "What and where" in a
few lines; on a phone the case's summary first, then the actions, then the report.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from tests.browser.conftest import StaffServer
from tests.browser.pages import shoot
from tests.helpers import full_answers, minimal_answers, report

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page


def _top(page: "Page", heading: str) -> float:
    box = page.get_by_role("heading", name=heading, exact=True).first.bounding_box()
    assert box is not None, heading
    return float(box["y"])


def test_the_queue_and_a_case_at_a_laptop_and_a_phone(
    staff_server: StaffServer, new_context: Callable[..., "BrowserContext"]
) -> None:
    server = staff_server
    steps = full_answers()  # several kinds of incident and strands: the longest "What and where"
    long_one, _ = report(server.app.test_client(), steps)
    report(server.app.test_client(), minimal_answers())
    email = server.add_user("reviewer", "layout.reviewer@example.org")

    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    server.sign_in(page, email)
    page.goto(server("/review/"))
    table = page.locator("table.app-queue")
    width = table.bounding_box()["width"]  # type: ignore[index]
    reference = page.locator("table.app-queue thead th").nth(0).bounding_box()["width"]  # type: ignore[index]
    assert reference < 0.2 * width, (reference, width)
    for cell in page.locator('table.app-queue td[data-label="What and where"]').all():
        # The text's own height (a cell is as tall as its row), in lines.
        lines = cell.evaluate("c => { const r = document.createRange(); r.selectNodeContents(c);"
                              " return r.getBoundingClientRect().height / parseFloat(getComputedStyle(c).lineHeight); }")
        assert lines <= 5.5, (cell.inner_text(), lines)  # the longest a report can make: was 7 and more

    # On a laptop the actions stand beside the summary and the report.
    page.goto(server(f"/review/cases/{long_one}"))
    shoot(page, "case-1280")
    assert page.get_by_role("heading", name="Actions", exact=True).bounding_box()["x"] > (  # type: ignore[index]
        page.get_by_role("heading", name="Summary", exact=True).bounding_box()["x"])  # type: ignore[index]

    # On a phone: what, when, where, risk flags and waiting time first, then the actions, then the report.
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(server(f"/review/cases/{long_one}"))
    shoot(page, "case-375")
    assert _top(page, "Summary") < _top(page, "Actions") < _top(page, "The report")
    summary = page.locator(".app-case__summary").inner_text()
    for words in ("What", "When", "Where", "Risk flags", "Waiting", "Verbal abuse", "3 November 2025", "Shrewsbury"):
        assert words in summary, words
    # A folded section does not repeat its question beneath its own title.
    section = page.locator("details.app-case__section").first
    title = section.locator("summary").inner_text().strip()
    assert section.inner_text().count(title) == 1, section.inner_text()
