"""Every staff page and the public pages fit a 375 px phone without sideways scrolling;
the staff pages this work changed are axe-clean at 375 px and 1280 px; the receipt
slip prints with no staff chrome.

Set SCREENSHOT_DIR to keep a screenshot of each page at each width, to look at.
"""
from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select

from reporting.auth.models import User
from reporting.extensions import db
from tests.browser.pages import answer_the_questions, choose_word, follow, group, heading, main_text, path_of, press
from tests.helpers import full_answers, minimal_answers, report

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

    from tests.browser.conftest import Axe, StaffServer

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
LAPTOP = {"width": 1280, "height": 800}
SHOTS = os.environ.get("SCREENSHOT_DIR")


def fits(page: Page, what: str) -> None:
    """No sideways scrolling: the document is no wider than the viewport."""
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    if SHOTS:
        name = re.sub(r"[^a-z0-9]+", "-", what.lower()).strip("-")
        page.screenshot(path=str(Path(SHOTS) / f"{name}-{viewport}.png"), full_page=True)
    assert width <= viewport, f"{what} is {width} px wide at {viewport} px"


def check_both(page: Page, axe: Axe, what: str) -> None:
    """Fits and is axe-clean at phone width, then at laptop width (and back to the phone)."""
    page.set_viewport_size(PHONE)  # type: ignore[arg-type]
    fits(page, what)
    axe.check(page, f"{what} at 375 px")
    page.set_viewport_size(LAPTOP)  # type: ignore[arg-type]
    fits(page, what)
    axe.check(page, f"{what} at 1280 px")
    page.set_viewport_size(PHONE)  # type: ignore[arg-type]


def test_staff_and_public_pages_fit_a_phone(
    staff_server: StaffServer, new_context: Callable[..., BrowserContext], axe: Axe
) -> None:
    server = staff_server
    steps = full_answers("narrow")
    steps["police"] = {"police_consent": "with_details"}
    referred, _ = report(server.app.test_client(), steps)
    for _ in range(3):
        report(server.app.test_client(), minimal_answers())
    server.add_centre("wem-library", "Wem Library", town="wem")
    reviewer = server.add_user("reviewer", "a.reviewer.with.a.long.name@shropshire-example.org.uk")
    officer = server.add_user("police", "single.point.of.contact@west-mercia-police.example")
    admin = server.add_user("admin", "administrator@shropshire-example.org.uk")
    desk = server.add_user("centre_staff", "front.desk@wem-library.example", centre="wem-library")

    # The reviewer: queue, case, referral form and preview, then sends it.
    page = new_context(viewport=PHONE).new_page()
    server.sign_in(page, reviewer)
    page.goto(server("/review/"))
    assert "Waiting" in main_text(page)
    check_both(page, axe, "queue")
    page.goto(server(f"/review/cases/{referred}"))
    # Actions first on a phone; the report beside them on a desktop.
    actions = page.get_by_role("heading", name="Actions", exact=True).bounding_box()
    the_report = page.get_by_role("heading", name="The report", exact=True).bounding_box()
    assert actions and the_report and actions["y"] < the_report["y"]
    check_both(page, axe, "case")
    page.set_viewport_size(LAPTOP)  # type: ignore[arg-type]
    actions = page.get_by_role("heading", name="Actions", exact=True).bounding_box()
    the_report = page.get_by_role("heading", name="The report", exact=True).bounding_box()
    assert actions and the_report and actions["x"] > the_report["x"] + 300, "side by side on a desktop"
    page.set_viewport_size(PHONE)  # type: ignore[arg-type]
    # Optional sections are folded and open without JavaScript's help (<details>).
    folded = page.locator("details.app-case__section:not([open])")
    assert folded.count() > 0
    follow(page, page.get_by_role("link", name="Refer to the police"))
    check_both(page, axe, "referral form")
    press(page, "Preview")
    assert "Preview: exactly what the police will see" in main_text(page)
    check_both(page, axe, "referral preview")
    press(page, "Send to the police")
    page.goto(server("/review/phone/"))
    fits(page, "phone report start")

    # The police liaison.
    police = new_context(viewport=PHONE).new_page()
    server.sign_in(police, officer)
    page_url = server("/police/")
    police.goto(page_url)
    check_both(police, axe, "police inbox")
    follow(police, police.get_by_role("link", name=referred, exact=True))
    check_both(police, axe, "police referral")
    police.goto(path_of(police) + "/print")
    fits(police, "printable referral")

    # The administrator.
    admin_page = new_context(viewport=PHONE).new_page()
    server.sign_in(admin_page, admin)
    with server.app.app_context():
        admin_id = db.session.scalar(select(User.id).where(User.email == admin))
    for path, what, changed in (
        ("/admin/", "admin home", False),
        ("/admin/users/", "admin users", True),
        (f"/admin/users/{admin_id}", "admin user", False),
        ("/admin/users/new", "admin new user", False),
        ("/admin/key-holders", "key holders", False),
        ("/admin/audit", "audit log", True),
        ("/admin/centres/", "admin centres", True),
        ("/admin/centres/new", "admin new centre", False),
    ):
        admin_page.goto(server(path))
        if changed:
            check_both(admin_page, axe, what)
        else:
            fits(admin_page, what)

    # Centre staff: the home page, the consent page with the privacy summary, the slip.
    centre = new_context(viewport=PHONE).new_page()
    server.sign_in(centre, desk)
    fits(centre, "centre home")
    follow(centre, centre.get_by_role("link", name="Start a report"))
    fits(centre, "centre start")
    press(centre, "Start")
    centre.get_by_label("In person", exact=True).check()
    press(centre, "Continue")
    assert "Read this to the person" in main_text(centre)
    assert "only members of the Group who hold a key can read it" in main_text(centre)
    check_both(centre, axe, "assisted consent")
    centre.locator("fieldset", has_text="agree to what they tell you being recorded").get_by_label("Yes").check()
    centre.locator("fieldset", has_text="agree to the Group contacting them").get_by_label("No").check()
    press(centre, "Continue")
    answer_the_questions(centre, "Graffiti by the door.", area="Wem")
    press(centre, "Continue to check your answers")  # from the note to the Group
    choose_word(centre, "Hollyhock")  # the person's word for the slip
    fits(centre, "assisted check answers")
    press(centre, "Send report")
    assert "your receipt" in heading(centre)
    print_button = centre.get_by_role("button", name="Print the slip")
    assert print_button.is_visible(), "the Print button shows with JavaScript"
    check_both(centre, axe, "receipt slip")
    centre.emulate_media(media="print")
    assert not centre.get_by_text(re.compile("Signed in as")).is_visible()
    assert not centre.get_by_role("button", name="Sign out").is_visible()
    assert not print_button.is_visible()
    assert centre.locator("#receipt-code").is_visible()
    if SHOTS:
        centre.screenshot(path=str(Path(SHOTS) / "slip-print.png"), full_page=True)
    centre.emulate_media(media="screen")

    # The public pages.
    visitor = new_context(viewport=PHONE, java_script_enabled=False).new_page()
    for path in ("/", "/status", "/centres/", "/centres/wem-library", "/privacy", "/accessibility", "/staff/login"):
        visitor.goto(server(path))
        fits(visitor, f"public {path}")
    visitor.goto(server("/"))
    start = visitor.get_by_role("button", name=re.compile("Start"))
    if start.count():
        follow(visitor, start.first)
    else:
        visitor.goto(server("/report/"))
    fits(visitor, "report start")
    if visitor.get_by_role("button", name=re.compile("Start")).count():
        press(visitor, visitor.get_by_role("button", name=re.compile("Start")).first.inner_text().strip())
    fits(visitor, "first question")
    group(visitor, "Who is reporting?")  # the journey's first question is reached
