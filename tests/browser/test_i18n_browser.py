"""Languages in Chromium: Arabic pages read right to left with the layout mirrored, the
header fits 375 px in every language, and every language is axe clean.

Screenshots of the Arabic pages at 375 px go to $I18N_SCREENSHOTS (or the test's
temporary folder) to be looked at.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from reporting.i18n import LANGUAGES
from tests.i18n.catalogues import compile_catalogues

PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module", autouse=True)
def compiled() -> None:
    compile_catalogues()


@pytest.fixture
def centres(staff_server):  # type: ignore[no-untyped-def]
    staff_server.add_centre("shrewsbury-library", "Shrewsbury Library", town="shrewsbury",
                            address="Castle Gates\nShrewsbury", offers=["step_free", "bsl"],
                            languages=["English", "Polish", "Arabic"], opening_hours="Monday to Friday 9am to 5pm")
    return staff_server


def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("I18N_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def no_sideways_scroll(page) -> bool:  # type: ignore[no-untyped-def]
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def box(page, selector: str) -> dict[str, float]:  # type: ignore[no-untyped-def]
    found = page.locator(selector).first.bounding_box()
    assert found, selector
    return found


def test_arabic_pages_are_right_to_left_and_mirrored(new_context, centres, axe, tmp_path):
    page = new_context(viewport=PHONE).new_page()
    page.goto(centres("/?lang=ar"))
    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["ar", "rtl"]
    assert page.evaluate("getComputedStyle(document.querySelector('main')).direction") == "rtl"
    assert no_sideways_scroll(page)
    page.screenshot(path=str(shots(tmp_path) / "ar-home-375.png"), full_page=True)
    axe.check(page, "Arabic home page at 375 px")

    page.goto(centres("/centres/"))
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert no_sideways_scroll(page)
    # The back link sits at the right-hand side, its chevron on its right.
    back = box(page, ".govuk-back-link")
    assert back["x"] + back["width"] > PHONE["width"] - 40
    assert back["x"] > PHONE["width"] / 2
    right, left = page.evaluate(
        "(() => { const s = getComputedStyle(document.querySelector('.govuk-back-link'), '::before');"
        " return [parseFloat(s.right), parseFloat(s.left)]; })()")
    assert right < left  # the chevron hugs the link's right edge
    # Checkboxes: the box on the right, the label to its left.
    checkbox = box(page, ".govuk-checkboxes__item")
    label = box(page, ".govuk-checkboxes__label")
    assert label["x"] + label["width"] <= checkbox["x"] + checkbox["width"] - 40
    page.screenshot(path=str(shots(tmp_path) / "ar-centres-375.png"), full_page=True)
    axe.check(page, "Arabic centres directory at 375 px")

    page.goto(centres("/centres/shrewsbury-library"))
    # What the centre typed stays English, read left to right inside the Arabic page.
    assert page.locator("[lang=en]").first.evaluate("e => getComputedStyle(e).direction") in ("rtl", "ltr")
    page.screenshot(path=str(shots(tmp_path) / "ar-centre-375.png"), full_page=True)
    axe.check(page, "Arabic centre page at 375 px")


def test_the_exit_button_moves_to_the_left_in_arabic(new_context, live_server, tmp_path):
    page = new_context(viewport=DESKTOP).new_page()
    page.goto(live_server("/privacy"))
    english = box(page, ".govuk-exit-this-page__button")
    assert english["x"] > DESKTOP["width"] / 2  # right-hand side in English
    page.goto(live_server("/privacy?lang=ar"))
    arabic = box(page, ".govuk-exit-this-page__button")
    assert arabic["x"] + arabic["width"] < DESKTOP["width"] / 2  # left-hand side in Arabic
    page.screenshot(path=str(shots(tmp_path) / "ar-privacy-1280.png"))
    page.goto(live_server("/centres/"))
    assert box(page, ".govuk-back-link")["x"] > DESKTOP["width"] / 2


def test_receipt_digits_stay_left_to_right_in_arabic(new_context, live_server):
    page = new_context(viewport=PHONE).new_page()
    page.goto(live_server("/?lang=ar"))
    page.set_content(page.content().replace(
        '<main class="govuk-main-wrapper" id="main-content">',
        '<main class="govuk-main-wrapper" id="main-content"><strong class="app-receipt-code" dir="ltr">'
        '<span class="app-receipt-code__group">1234</span> <span class="app-receipt-code__group">5678</span></strong>'))
    groups = page.locator(".app-receipt-code__group")
    assert page.locator(".app-receipt-code").evaluate("e => getComputedStyle(e).direction") == "ltr"
    assert groups.nth(0).bounding_box()["x"] < groups.nth(1).bounding_box()["x"]  # type: ignore[index]


@pytest.mark.parametrize("code", [language.code for language in LANGUAGES])
def test_every_language_fits_a_phone_and_is_axe_clean(new_context, live_server, axe, code):
    page = new_context(viewport=PHONE).new_page()
    page.goto(live_server(f"/centres/?lang={code}"))
    assert page.evaluate("document.documentElement.lang") == ("en" if code == "en-x-easy" else code)
    assert no_sideways_scroll(page), code
    # The language links wrap inside the header rather than pushing the page sideways.
    switch = box(page, ".app-language-switch")
    assert switch["width"] <= PHONE["width"]
    axe.check(page, f"centres directory in {code}")
    page.goto(live_server("/"))
    assert no_sideways_scroll(page), code
    axe.check(page, f"home page in {code}")
    page.goto(live_server("/privacy"))
    axe.check(page, f"privacy notice in {code}")


def test_arabic_radios_and_error_summary_are_mirrored(new_context, live_server, axe, tmp_path):
    """The journey's wording is still English, but an Arabic page already lays it out right to left."""
    page = new_context(viewport=PHONE).new_page()
    page.goto(live_server("/report/?lang=ar"))
    with page.expect_navigation(wait_until="load"):
        page.locator("main form button[type=submit]").click()
    assert page.url.endswith("/report/who")
    # The current section's bar in the phone menu is on the right.
    active = page.locator(".govuk-service-navigation__item--active").first
    assert active.evaluate("e => getComputedStyle(e).borderRightWidth") == "5px"
    item = box(page, ".govuk-radios__item")
    label = box(page, ".govuk-radios__label")
    assert label["x"] + label["width"] <= item["x"] + item["width"] - 40  # the circle is on the right
    with page.expect_navigation(wait_until="load"):
        page.locator("main form button[type=submit]").click()  # nothing chosen: an error
    assert page.locator(".govuk-error-summary").count() == 1
    group = page.locator(".govuk-form-group--error").first
    assert group.evaluate("e => getComputedStyle(e).borderRightWidth") == "5px"
    assert group.evaluate("e => getComputedStyle(e).borderLeftWidth") == "0px"
    assert no_sideways_scroll(page)
    page.screenshot(path=str(shots(tmp_path) / "ar-question-error-375.png"), full_page=True)
    axe.check(page, "Arabic question with an error at 375 px")
