"""Issue 11 item 5 in a real browser: at a centre the person chooses a word for their slip
(typed into boxes that never show it), staff who kept the code meet the word page and are
refused, and the person with code and word gets a code of their own. The new pages (the
word step, the word page, its refusal and the new code) fit and are axe-clean at 375 px
and 1280 px.

Set SCREENSHOT_DIR to keep a screenshot of each page at each width, to look at.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from tests.browser.pages import (
    REFERENCE,
    RECEIPT,
    answer_the_questions,
    choose_word,
    follow,
    heading,
    main_text,
    path_of,
    press,
    receipt_code,
)
from tests.browser.test_narrow_pages import PHONE, check_both

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

    from tests.browser.conftest import Axe, StaffServer

pytestmark = pytest.mark.browser

WORD = "Marigold Lane"
DETAIL = "Stickers on the library door, SLIPWORDDETAIL."


def enter_code(page: Page, server: StaffServer, code: str) -> None:
    page.goto(server("/status"))
    page.get_by_label("Your receipt code").fill(code)
    press(page, "Continue")


def test_the_slip_needs_the_persons_word_and_staff_with_the_code_are_refused(
    staff_server: StaffServer, new_context: Callable[..., BrowserContext], axe: Axe
) -> None:
    server = staff_server
    server.add_centre("ludlow-library", "Ludlow Library", town="ludlow")
    desk = server.add_user("centre_staff", "desk@ludlow-library.example", centre="ludlow-library")

    # At the centre: the usual questions, then the person's word, last before checking.
    centre = new_context(viewport=PHONE).new_page()
    server.sign_in(centre, desk)
    follow(centre, centre.get_by_role("link", name="Start a report"))
    press(centre, "Start")
    centre.get_by_label("In person", exact=True).check()
    press(centre, "Continue")
    centre.locator("fieldset", has_text="agree to what they tell you being recorded").get_by_label("Yes").check()
    centre.locator("fieldset", has_text="agree to the Group contacting them").get_by_label("No").check()
    press(centre, "Continue")
    answer_the_questions(centre, DETAIL, area="Ludlow")
    press(centre, "Continue to check your answers")  # from the note to the Group
    assert path_of(centre) == server("/centre/report/receipt-word")
    assert heading(centre) == "A word only the person knows"
    assert "look away while they type" in main_text(centre)
    word_box = centre.get_by_label("Your word", exact=True)
    assert word_box.get_attribute("type") == "password" and word_box.get_attribute("autocomplete") == "off"
    check_both(centre, axe, "assisted word step")
    # Two different words: a clear error, and neither box gives the word back.
    word_box.fill(WORD)
    centre.get_by_label("Type your word again", exact=True).fill("Marigold Lame")
    press(centre, "Continue")
    assert "type the same word twice" in centre.locator(".govuk-error-summary").inner_text()
    assert centre.title().startswith("Error:")
    assert centre.get_by_label("Your word", exact=True).input_value() == ""
    assert WORD not in centre.content()
    check_both(centre, axe, "assisted word step, with an error")
    choose_word(centre, WORD)
    assert path_of(centre) == server("/centre/report/check")
    assert WORD not in centre.content() and WORD.lower() not in centre.content().lower()
    press(centre, "Send report")
    slip_text = main_text(centre)
    assert "asked for the word you chose" in slip_text and WORD.lower() not in slip_text.lower()
    slip_code = receipt_code(centre)
    reference = REFERENCE.search(slip_text).group(0)  # type: ignore[union-attr]
    press(centre, "I have printed the slip: finish")

    # The member of staff tries the code they saw: the word page, and a refusal.
    enter_code(centre, server, slip_code)
    assert path_of(centre) == server("/status/word")
    assert heading(centre) == "Enter your word"
    assert DETAIL not in centre.content() and reference not in centre.content()
    check_both(centre, axe, "status word page")
    centre.get_by_label("Your word", exact=True).fill("library")
    press(centre, "Continue")
    assert "does not match a report" in centre.locator(".govuk-error-summary").inner_text()
    assert heading(centre) == "Check on your report"
    assert DETAIL not in centre.content()
    check_both(centre, axe, "code or word refused")
    centre.goto(server("/status/report"))
    assert path_of(centre) == server("/status") and DETAIL not in centre.content()

    # The person, at home, without JavaScript: code, then word, then a code of their own.
    person = new_context(viewport=PHONE, java_script_enabled=False).new_page()
    enter_code(person, server, slip_code)
    assert path_of(person) == server("/status/word")
    press(person, "Continue")  # nothing typed
    assert "Enter your word" in person.locator(".govuk-error-summary").inner_text()
    check_both(person, axe, "status word page, with an error")
    person.get_by_label("Your word", exact=True).fill("marigold lane")
    press(person, "Continue")
    assert heading(person) == "Your new receipt code"
    assert "You will not need your word again" in main_text(person)
    own_code = receipt_code(person)
    assert RECEIPT.fullmatch(own_code) and own_code != slip_code
    check_both(person, axe, "new code after the word")
    follow(person, person.get_by_role("link", name="I have written it down: continue"))
    assert path_of(person) == server("/status/report")
    assert DETAIL in person.content()  # under "Show what you sent"

    # The slip no longer opens anything; the person's own code needs no word.
    other = new_context(java_script_enabled=False).new_page()
    enter_code(other, server, slip_code)
    assert "does not match a report" in main_text(other)
    enter_code(other, server, own_code)
    assert path_of(other) == server("/status/report") and DETAIL in other.content()
