"""The reporter comes back, in a real browser: receipt code, messages both ways, additions, a photo.

The reporter's pages run without JavaScript (the public pages must work
without it); the reviewer's with. The reporter's pages, error states included,
are checked with axe-core.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PIL import Image

from tests.browser.pages import (
    REFERENCE,
    answer_the_questions,
    follow,
    heading,
    main_text,
    path_of,
    press,
    receipt_code,
    success_banner,
)

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext

    from tests.browser.conftest import Axe, StaffServer

pytestmark = pytest.mark.browser

QUESTION = "Which bus shelter was it? Was anyone with you?"
REPLY = "The one on Mill Street. I was on my own."
ADDITION = "The graffiti was painted again last night."


def small_photo(folder: Path) -> Path:
    path = folder / "bus-shelter.jpg"
    Image.new("RGB", (64, 48), (180, 40, 40)).save(path, "JPEG", quality=80)
    return path


def test_the_reporter_comes_back_with_the_receipt_and_the_reviewer_sees_it_all(
    staff_server: StaffServer, new_context: Callable[..., BrowserContext], axe: Axe, tmp_path: Path
) -> None:
    server = staff_server
    reviewer = server.add_user("reviewer", "reviewer@example.org")

    # Report online, keep the code, and leave.
    reporter = new_context(java_script_enabled=False)
    page = reporter.new_page()
    page.goto(server("/"))
    press(page, "Report online")
    answer_the_questions(page, "Graffiti on the bus shelter by the river.")
    press(page, "Send report")
    assert heading(page) == "Report sent"
    reference = REFERENCE.search(page.locator(".govuk-panel--confirmation").inner_text())
    assert reference
    reference = reference.group(0)
    receipt = receipt_code(page)
    press(page, "I have kept my code: finish")
    reporter.close()

    # A reviewer reads the report and asks a question.
    review = new_context().new_page()
    server.sign_in(review, reviewer)
    review.goto(server(f"/review/cases/{reference}"))
    assert "Graffiti on the bus shelter by the river." in main_text(review)
    press(review, "Send message")  # nothing written yet
    assert review.title().startswith(f"Error: Case {reference}"), review.title()
    assert "Write the message" in review.locator(".govuk-error-summary").inner_text()
    axe.check(review, "case page, with an error")
    review.get_by_label("Message to the person who reported").fill(QUESTION)
    press(review, "Send message")
    assert "Message sent." in success_banner(review)
    review.get_by_role("group", name="Move the case to").get_by_label("Awaiting information").check()
    review.get_by_label("Reason for the change").fill("Asked the reporter which shelter.")
    press(review, "Change status")

    # Later, in a new browser session, the reporter comes back with the code.
    page = new_context(java_script_enabled=False).new_page()
    page.goto(server("/"))
    page.goto(server("/status"))
    assert heading(page) == "Check on your report"
    axe.check(page, "status: enter the receipt code")

    digits = receipt.replace(" ", "")
    wrong = digits[:-1] + str((int(digits[-1]) + 1) % 10)
    page.get_by_label("Your receipt code").fill(wrong)
    press(page, "Continue")
    assert path_of(page) == server("/status")
    assert page.title().startswith("Error:"), page.title()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "That receipt code does not match a report." in summary
    assert page.get_by_label("Your receipt code").input_value() == "", "a wrong code is never echoed back"
    axe.check(page, "status: a wrong receipt code")

    page.get_by_label("Your receipt code").fill(receipt.replace(" ", "-"))  # typed another way
    press(page, "Continue")
    assert path_of(page) == server("/status/report")
    assert heading(page) == "Your report"
    shown = main_text(page)
    assert reference in shown
    assert "The Group has a question for you. Please read the messages below." in shown
    assert QUESTION in page.locator(".app-thread").inner_text()
    assert "Asked the reporter which shelter." not in shown, "the Group's reasons are not the reporter's to read"
    axe.check(page, "status: the report, with a message")

    # What they sent, read back behind a warning.
    assert "Anyone who has your receipt code can read this." in shown
    page.get_by_text("Show what you sent").click()
    sent_back = page.locator("details", has_text="Show what you sent").inner_text()
    assert "Graffiti on the bus shelter by the river." in sent_back and "Ludlow" in sent_back
    axe.check(page, "status: what you sent, open")

    # An empty reply: the error state of the page.
    press(page, "Send reply")
    assert page.title().startswith("Error: Your report"), page.title()
    assert "Write your reply" in page.locator(".govuk-error-summary").inner_text()
    axe.check(page, "status: the report, with an error")

    page.get_by_label("Reply to the Group").fill(REPLY)
    press(page, "Send reply")
    assert "Your reply has been sent to the Group." in success_banner(page)
    page.get_by_label("Add to your report").fill(ADDITION)
    press(page, "Add to my report")
    assert "What you added is now part of your report." in success_banner(page)

    # The reporter is told about hidden details in files before choosing one.
    assert "Photos and other files can hold hidden details" in main_text(page)
    page.get_by_label("Upload a file").set_input_files(small_photo(tmp_path))
    press(page, "Upload file")
    assert "Your file has been added to your report." in success_banner(page)
    thread = page.locator(".app-thread").inner_text()
    assert QUESTION in thread and REPLY in thread and ADDITION in thread
    assert "bus-shelter.jpg" in page.locator(".app-evidence-list").inner_text()
    axe.check(page, "status: the report, after replying, adding and uploading")

    # Leaving locks the report again.
    press(page, "Leave and lock my report")
    page.goto(server("/status/report"))
    assert path_of(page) == server("/status")

    # The reviewer sees all of it: the queue flags new information, the case shows it.
    review.goto(server("/review/"))
    row = review.get_by_role("row").filter(has=review.get_by_role("link", name=reference, exact=True))
    assert "New information" in row.inner_text()
    follow(review, review.get_by_role("link", name=reference, exact=True))
    case = main_text(review)
    assert REPLY in case and ADDITION in case and QUESTION in case
    files = review.locator(".app-evidence").inner_text()
    assert "bus-shelter.jpg" in files and "Picture" in files
    assert review.get_by_role("link", name="Download without hidden details bus-shelter.jpg").is_visible()


@pytest.mark.parametrize("width", [375, 1280])
def test_new_pages_fit_and_pass_axe_at_both_widths(
    staff_server: StaffServer, new_context: Callable[..., BrowserContext], axe: Axe, width: int
) -> None:
    """Every page this rework added or changed, at a phone's width and a laptop's."""
    server = staff_server
    admin = server.add_user("admin", "admin@example.org")

    def fits(page, what: str) -> None:  # type: ignore[no-untyped-def]
        assert int(page.evaluate("document.documentElement.scrollWidth")) <= width, what
        axe.check(page, f"{what} at {width}")

    # The administrator keeps the list of support services.
    staff = new_context(viewport={"width": width, "height": 900}).new_page()
    server.sign_in(staff, admin)
    staff.goto(server("/admin/support/"))
    fits(staff, "support services")
    follow(staff, staff.get_by_role("link", name="Add a support service"))
    press(staff, "Save support service")
    assert staff.title().startswith("Error:")
    fits(staff, "add a support service, with an error")
    staff.get_by_label("Name", exact=True).fill("Town Advice")
    staff.get_by_label("Short name").fill("town-advice")
    staff.get_by_label("Phone", exact=True).fill("01632 960 333")
    staff.get_by_label("Opening hours").fill("Monday to Friday 9am to 5pm")
    press(staff, "Save support service")
    assert "Support service saved." in success_banner(staff)
    fits(staff, "edit a support service")

    # A witness who wants support, with the police question's contradiction on the way.
    page = new_context(java_script_enabled=False, viewport={"width": width, "height": 900}).new_page()
    page.goto(server("/"))
    press(page, "Report online")
    from tests.browser.pages import group

    group(page, "Who is reporting?").get_by_label("I saw or heard it happen to someone else").check()
    press(page, "Continue")
    group(page, "What happened?").get_by_label("Graffiti").check()
    press(page, "Continue")
    group(page, "Why do you think it happened?").get_by_label("Not sure").check()
    press(page, "Continue")
    group(page, "When did it happen?").get_by_label("Month").fill("10")
    group(page, "When did it happen?").get_by_label("Year").fill("2025")
    press(page, "Continue")
    page.get_by_label("Where did it happen?").select_option(label="Ludlow")
    press(page, "Continue")
    page.get_by_label("What happened, in your own words?").fill("Graffiti on a bus shelter.")
    press(page, "Continue")
    page.get_by_label("Yes, with my contact details, so they can contact me").check()
    press(page, "Continue to check your answers")
    assert path_of(page) == server("/report/police-details")
    fits(page, "the police need a way to contact you")
    press(page, "Continue")
    fits(page, "the police need a way to contact you, with an error")
    page.get_by_label("Pass it on without my details instead").check()
    press(page, "Continue")
    assert path_of(page) == server("/report/check")
    follow(page, page.get_by_role("link", name="Tell us more before sending (optional)"))
    fits(page, "would you like to tell us more")
    for section in ("The person targeted", "About the person targeted", "Who was responsible?",
                    "More about when it happened", "Reporting it to the police before", "Contacting you",
                    "Photos, screenshots or documents"):
        follow(page, page.get_by_role("link", name=section, exact=True))
        fits(page, section)
        follow(page, page.get_by_role("link", name="Back"))
    follow(page, page.get_by_role("link", name="How it has affected them, and support"))
    group(page, "Would you like to be put in touch with a support service?").get_by_label("Yes").check()
    press(page, "Continue")
    follow(page, page.get_by_role("button", name="Continue to check your answers"))
    fits(page, "check your answers")
    press(page, "Send report")
    assert "Town Advice" in main_text(page)
    fits(page, "report sent, with support services")
    receipt = receipt_code(page)

    page.goto(server("/staying-safe-online"))
    fits(page, "staying safe online")

    back = new_context(java_script_enabled=False, viewport={"width": width, "height": 900}).new_page()
    back.goto(server("/status"))
    back.get_by_label("Your receipt code").fill(receipt)
    press(back, "Continue")
    back.get_by_text("Show what you sent").click()
    back.get_by_text("Send the Group a message").click()
    assert "Town Advice" in main_text(back) and "Graffiti on a bus shelter." in main_text(back)
    fits(back, "status: what you sent and a message to the Group, open")
