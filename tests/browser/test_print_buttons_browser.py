"""Issue 28 item 8: a print button shows only where it works. Without JavaScript the sent
page and the centre's slip show no print button (the page says to use the browser's
Print command instead); with JavaScript the button shows and prints.

Set SCREENSHOT_DIR to keep a screenshot of each page at each width, to look at.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from tests.browser.pages import answer_the_questions, choose_word, follow, heading, path_of, press
from tests.browser.test_narrow_pages import LAPTOP, PHONE

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

    from tests.browser.conftest import LiveServer, StaffServer

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("SCREENSHOT_DIR")


def shoot(page: Page, name: str) -> None:
    if not SHOTS:
        return
    for size in (PHONE, LAPTOP):
        page.set_viewport_size(size)  # type: ignore[arg-type]
        page.screenshot(path=os.path.join(SHOTS, f"{name}-{size['width']}.png"), full_page=True)


def expect_printing(page: Page, name: str, javascript: bool) -> None:
    # Found by its words among every button, shown or not (a role query sees only shown ones).
    button = page.locator("button", has_text=name)
    assert button.count() == 1
    if not javascript:
        assert not button.is_visible()
        assert button.bounding_box() is None  # takes no space either
        return
    assert button.is_visible()
    page.evaluate("window.print = () => { window.printed = true }")
    button.click()
    assert page.evaluate("window.printed === true")


@pytest.mark.parametrize("javascript", [False, True], ids=["no-js", "js"])
def test_the_sent_pages_print_button_shows_only_with_javascript(
    new_context: Callable[..., BrowserContext], live_server: LiveServer, javascript: bool
) -> None:
    page = new_context(java_script_enabled=javascript, viewport=PHONE).new_page()
    page.goto(live_server("/"))
    follow(page, page.get_by_role("button", name="Report online"))
    answer_the_questions(page, "Stickers on a bus shelter.")
    assert path_of(page) == live_server("/report/check")
    press(page, "Send report")
    assert heading(page) == "Report sent"
    expect_printing(page, "Print this page", javascript)
    shoot(page, f"sent-{'js' if javascript else 'nojs'}")


@pytest.mark.parametrize("javascript", [False, True], ids=["no-js", "js"])
def test_the_slips_print_button_shows_only_with_javascript(
    staff_server: StaffServer, new_context: Callable[..., BrowserContext], javascript: bool
) -> None:
    server = staff_server
    server.add_centre("ludlow-library", "Ludlow Library", town="ludlow")
    desk = server.add_user("centre_staff", "desk@ludlow-library.example", centre="ludlow-library")
    page = new_context(java_script_enabled=javascript, viewport=PHONE).new_page()
    server.sign_in(page, desk)
    follow(page, page.get_by_role("link", name="Start a report"))
    press(page, "Start")
    page.get_by_label("In person", exact=True).check()
    press(page, "Continue")
    page.locator("fieldset", has_text="agree to what they tell you being recorded").get_by_label("Yes").check()
    page.locator("fieldset", has_text="agree to the Group contacting them").get_by_label("No").check()
    press(page, "Continue")
    answer_the_questions(page, "Stickers on the library door.")
    press(page, "Continue to check your answers")  # from the note to the Group
    choose_word(page, "Marigold Lane")
    press(page, "Send report")
    expect_printing(page, "Print the slip", javascript)
    assert "use your browser's Print command" in page.get_by_role("main").inner_text()
    shoot(page, f"slip-{'js' if javascript else 'nojs'}")
