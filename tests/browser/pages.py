"""Moving through pages the way a person does, shared by the staff and reporter browser tests.

Controls are found by their labels, legends and roles, never by CSS paths.
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING
from urllib.parse import urldefrag

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

    from tests.browser.conftest import Axe

REFERENCE = re.compile(r"HC-\d\d-[A-Z0-9]{6}")
RECEIPT = re.compile(r"\d{4}( \d{4}){5}")


def path_of(page: Page) -> str:
    """The page's address without its fragment."""
    return urldefrag(page.url).url


def heading(page: Page) -> str:
    return page.get_by_role("heading", level=1).inner_text().strip()


def group(page: Page, legend: str) -> Locator:
    """A fieldset (radios, checkboxes, date), found by its legend."""
    return page.get_by_role("group", name=legend, exact=True)


def follow(page: Page, control: Locator) -> None:
    """Click a link or button that loads a new page, and wait until it has loaded."""
    with page.expect_navigation(wait_until="load"):
        control.click()


def press(page: Page, button: str) -> None:
    follow(page, page.get_by_role("button", name=button, exact=True))


def main_text(page: Page) -> str:
    return page.get_by_role("main").inner_text()


def success_banner(page: Page) -> str:
    return page.locator(".govuk-notification-banner--success").inner_text()


def answer_the_questions(page: Page, description: str, *, area: str = "Ludlow") -> None:
    """The report's required questions, from "Who is reporting?" to the police question.

    The same questions are asked online and by centre staff; the caller checks where they lead
    (online: check your answers; at a centre: the note to the Group).
    """
    group(page, "Who is reporting?").get_by_label("I saw or heard it happen to someone else").check()
    press(page, "Continue")
    group(page, "What happened?").get_by_label("Graffiti").check()
    press(page, "Continue")
    group(page, "Why do you think it happened?").get_by_label("Not sure").check()
    press(page, "Continue")
    dates = group(page, "When did it happen?")
    dates.get_by_label("Month").fill("10")
    dates.get_by_label("Year").fill(str(date.today().year - 1))
    press(page, "Continue")
    page.get_by_label("Where did it happen?").select_option(label=area)
    press(page, "Continue")
    page.get_by_label("What happened, in your own words?").fill(description)
    press(page, "Continue")
    group(page, "Can we pass this report to West Mercia Police?").get_by_label("No, do not pass it to the police").check()
    last = page.get_by_role("button", name="Continue to check your answers", exact=True)
    press(page, "Continue to check your answers" if last.count() else "Continue")


def choose_word(page: Page, word: str) -> None:
    """The person types the word that guards their slip, twice (assisted and phone reports)."""
    page.get_by_label("Your word", exact=True).fill(word)
    page.get_by_label("Type your word again", exact=True).fill(word)
    press(page, "Continue")


def receipt_code(page: Page) -> str:
    """The receipt code as shown (groups of four digits separated by spaces)."""
    code = " ".join(page.locator("#receipt-code").inner_text().split())
    assert RECEIPT.fullmatch(code), code
    return code


# Screenshots for a person to look at, when asked for: REPORTING_SCREENSHOTS=folder.
SCREENSHOTS = os.environ.get("REPORTING_SCREENSHOTS", "")
NARROW = {"width": 375, "height": 812}
WIDE = {"width": 1280, "height": 900}
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def shoot(target: Page | Locator, name: str) -> None:
    """A screenshot of a whole page, or of one part of it, into $REPORTING_SCREENSHOTS when it
    is set; nothing otherwise."""
    if not SCREENSHOTS:
        return
    os.makedirs(SCREENSHOTS, exist_ok=True)
    path = os.path.join(SCREENSHOTS, f"{name.replace(' ', '-')}.png")
    if hasattr(target, "goto"):  # a page: all of it, not only what the window shows
        target.screenshot(path=path, full_page=True)
    else:
        target.screenshot(path=path)


def check_at_both_widths(page: Page, axe: Axe, what: str, raw_codes: Iterable[str] = ()) -> None:
    """axe at a phone's width and a desktop's (a screenshot of each, see ``shoot``), nothing
    wider than a phone, and words a person reads: no ISO date and none of ``raw_codes``."""
    for size in (NARROW, WIDE):
        page.set_viewport_size(size)  # type: ignore[arg-type]
        axe.check(page, f"{what} at {size['width']} px")
        shoot(page, f"{what}-{size['width']}")
        if size is NARROW:
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{what} scrolls sideways at 375 px by {overflow} px"
    text = main_text(page)
    assert not ISO_DATE.search(text), f"an ISO date on {what}: {ISO_DATE.search(text)}"
    for code in raw_codes:
        assert code not in text, f"a raw code on {what}: {code}"
