"""Issue 30 item 6 in a real browser: "Has this happened before?" and "What kind of place was it?"
answered from "tell us more", without JavaScript, at a phone's width, axe clean, shown back on
check-your-answers, and kept in clear as codes only."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select

from reporting.extensions import db
from reporting.reports.models import Report
from tests.browser.pages import answer_the_questions, follow, group, press
from tests.browser.test_journey_browser import expect_question, heading, start_report

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext

    from tests.browser.conftest import Axe, LiveServer

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [375, 1280])
def test_the_reporter_answers_whether_it_happened_before_and_the_kind_of_place(
    new_context: Callable[..., BrowserContext], live_server: LiveServer, axe: Axe, width: int
) -> None:
    live = live_server
    page = new_context(java_script_enabled=False, viewport={"width": width, "height": 900}).new_page()
    start_report(page, live)
    answer_the_questions(page, "Graffiti on a bus shelter again.", area="Shrewsbury")
    expect_question(page, "/report/check", "Check your answers before sending your report")
    page.goto(live("/report/more"))
    assert heading(page) == "Would you like to tell us more?"

    follow(page, page.get_by_role("link", name="Has this happened before?"))
    # A witness answers about the person targeted; one question, so it is the page's heading.
    expect_question(page, "/report/happened-before", "Has this happened to them before?")
    axe.check(page, f"happened before at {width}px")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    answers = group(page, "Has this happened to them before?")
    for label in ("No, this is the first time", "Yes, once before", "Yes, several times",
                  "Yes, it is still going on", "Prefer not to say"):
        assert answers.get_by_label(label, exact=True).is_visible()
    answers.get_by_label("Yes, several times").check()
    press(page, "Continue")
    expect_question(page, "/report/more", "Would you like to tell us more?")

    follow(page, page.get_by_role("link", name="More about where it happened"))
    assert heading(page) == "More about where it happened"
    axe.check(page, f"more about where at {width}px")
    group(page, "What kind of place was it?").get_by_label("On public transport, or at a station or stop").check()
    press(page, "Continue")

    follow(page, page.get_by_role("button", name="Skip to check your answers"))
    check = page.get_by_role("main").inner_text()
    assert "Yes, several times" in check and "On public transport, or at a station or stop" in check
    axe.check(page, f"check your answers at {width}px")
    # Changing the answer from check-your-answers goes straight to the question.
    follow(page, page.get_by_role("link", name="Change Has this happened to them before?"))
    group(page, "Has this happened to them before?").get_by_label("Yes, it is still going on").check()
    press(page, "Save and continue")
    assert "Yes, it is still going on" in page.get_by_role("main").inner_text()
    follow(page, page.get_by_role("button", name="Send report"))
    assert "/report/sent" in page.url

    with live.app.app_context():
        stored = db.session.execute(select(Report.happened_before, Report.place_kind)).one()
    assert tuple(stored) == ("ongoing", "transport")
