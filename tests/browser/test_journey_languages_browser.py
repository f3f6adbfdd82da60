"""The whole public journey in Chromium in each language and in Easy Read: home, every
required question, check answers, the sent page and /status, at 375 px, with axe.

Controls are found by their names and values (the words differ in each language). The
Arabic pages are right to left with the radios, checkboxes and error summary mirrored;
screenshots of them go to $I18N_SCREENSHOTS (or the test's temporary folder) to be looked at.

The languages share one server, one browser context and one page (each walk makes its own
report, so none depends on another's). Axe runs on every page in Arabic (right to left)
and in Easy Read (pictures beside the questions, and there "tell us more", a question
with several parts and the files page too); in the other languages once per page
template, as their pages differ only in words from the English journey's, which
tests/browser/test_journey_browser.py checks question by question.
"""
from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest

from tests.i18n.catalogues import compile_catalogues

PHONE = {"width": 375, "height": 800}
RECEIPT = re.compile(r"\d{4}( \d{4}){5}")
CODES = ("pl", "ro", "lt", "uk", "ar", "en-x-easy")
# Checked with axe in every language; "who-error" stands for the question template.
ONCE_PER_TEMPLATE = {"home", "who-error", "check", "sent", "status-enter", "status-report"}
EVERY_PAGE = {"ar", "en-x-easy"}


@pytest.fixture(scope="module", autouse=True)
def compiled() -> None:
    compile_catalogues()


def submit(page) -> None:  # type: ignore[no-untyped-def]
    """Press the page's main button (the first in its form), and wait for the next page."""
    button = page.locator("main form button[type=submit], main form button:not([type])").first
    with page.expect_navigation(wait_until="load"):
        button.click()


def choose(page, name: str, value: str) -> None:  # type: ignore[no-untyped-def]
    page.locator(f'input[name="{name}"][value="{value}"]').check()


def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("I18N_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def phone(module_new_context):  # type: ignore[no-untyped-def]
    """One page at 375 px for every language's walk."""
    return module_new_context(viewport=PHONE).new_page()


@pytest.mark.parametrize("code", CODES)
def test_the_whole_journey_in_each_language(phone, module_live_server, module_axe, code, tmp_path):
    page, live_server, axe = phone, module_live_server, module_axe
    lang = "en" if code == "en-x-easy" else code
    direction = "rtl" if code == "ar" else "ltr"
    easy_read = code == "en-x-easy"
    seen = []
    checked = len(axe.pages_checked)

    def look(name: str) -> None:
        assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == [lang, direction], name
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), f"{name} scrolls sideways"
        if easy_read and name not in ("home", "sent", "status-enter", "status-report"):
            # Every page of the journey has a picture beside its key sentence, with a text alternative.
            pictures = page.locator("main img.app-easy-read__picture")
            assert pictures.count() >= 1, f"{name}: no picture"
            assert all(alt.startswith("Picture: ") for alt in pictures.evaluate_all("els => els.map(e => e.alt)")), name
            assert pictures.first.evaluate("e => e.complete && e.naturalWidth > 0"), f"{name}: the picture did not load"
        if code in EVERY_PAGE or name in ONCE_PER_TEMPLATE:
            axe.check(page, f"{name} in {code} at 375 px")
        if code == "ar":
            page.screenshot(path=str(shots(tmp_path) / f"ar-journey-{len(seen):02d}-{name}-375.png"), full_page=True)
        seen.append(name)

    page.goto(live_server(f"/?lang={code}"))
    look("home")
    with page.expect_navigation(wait_until="load"):
        page.locator('main form[action$="/report/"] button').first.click()

    # An error first, as a person might: the summary and the message are in the language too.
    submit(page)
    assert page.locator(".govuk-error-summary").count() == 1
    look("who-error")
    if code == "ar":
        # Mirrored: the radio sits to the right of its label, the summary's text starts on the right.
        radio = page.locator(".govuk-radios__input").first.bounding_box()
        label = page.locator(".govuk-radios__label").first.bounding_box()
        assert radio and label and radio["x"] > label["x"]
        assert page.evaluate("getComputedStyle(document.querySelector('.govuk-error-summary')).textAlign") in ("start", "right")
    choose(page, "reporter_type", "witness")
    submit(page)
    look("what")
    choose(page, "incident_types", "graffiti")
    submit(page)
    look("why")
    choose(page, "motivations", "not_sure")
    submit(page)
    look("when")
    page.locator('input[name="incident_date-month"]').fill("10")
    page.locator('input[name="incident_date-year"]').fill(str(date.today().year - 1))
    submit(page)
    look("where")
    page.locator('select[name="area"]').select_option("ludlow")
    submit(page)
    look("description")
    page.locator('textarea[name="description"]').fill("كتابة على موقف الحافلات" if code == "ar" else "Graffiti on a bus shelter.")
    submit(page)
    look("police")
    choose(page, "police_consent", "no")
    if easy_read:
        # The pages after the required questions: "tell us more", a question with several
        # parts (its picture beside the heading and hint) and the files page.
        with page.expect_navigation(wait_until="load"):
            page.locator('main form button[name="next"][value="more"]').click()
        look("more")
        page.goto(live_server("/report/contact"))
        look("contact")
        page.goto(live_server("/report/files"))
        look("files")
        page.goto(live_server("/report/check"))
    else:
        submit(page)
    assert page.url.endswith("/report/check"), page.url
    look("check")
    submit(page)
    assert page.url.endswith("/report/sent"), page.url
    look("sent")
    receipt = " ".join(page.locator("#receipt-code").inner_text().split())
    assert RECEIPT.fullmatch(receipt), receipt
    assert page.locator("#receipt-code").evaluate("e => getComputedStyle(e).direction") == "ltr"

    page.goto(live_server("/status"))
    look("status-enter")
    page.locator('input[name="receipt"]').fill(receipt)
    submit(page)
    assert page.url.endswith("/status/report"), page.url
    look("status-report")
    assert len(seen) == (15 if easy_read else 12)
    audited = axe.pages_checked[checked:]
    assert len(audited) == (len(seen) if code in EVERY_PAGE else len(ONCE_PER_TEMPLATE)), audited
