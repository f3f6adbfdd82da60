"""Issue 30 item 8 in a real browser: the reporter's "How did we do?" at /status (no JavaScript,
axe clean, error state included, at a phone's width and a laptop's), and the reviewer who reads
their answer on the case and records the support offered, accepted and completed."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from tests.browser.pages import (
    REFERENCE,
    answer_the_questions,
    follow,
    group,
    heading,
    main_text,
    path_of,
    press,
    receipt_code,
    success_banner,
)

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

    from tests.browser.conftest import Axe, StaffServer

pytestmark = pytest.mark.browser

WORDS = "The person who rang me back was kind, but I waited a week."


@pytest.mark.parametrize("width", [375, 1280])
def test_the_reporter_says_how_we_did_and_the_reviewer_records_support(
    staff_server: StaffServer, new_context: Callable[..., BrowserContext], axe: Axe, width: int
) -> None:
    server = staff_server
    reviewer = server.add_user("reviewer", f"reviewer-{width}@example.org")

    def fits(page: Page, what: str) -> None:
        assert int(page.evaluate("document.documentElement.scrollWidth")) <= width, what
        axe.check(page, f"{what} at {width}")

    # Report online without JavaScript, keep the code.
    reporter = new_context(java_script_enabled=False, viewport={"width": width, "height": 900})
    page = reporter.new_page()
    page.goto(server("/"))
    press(page, "Report online")
    answer_the_questions(page, "Graffiti on the bus shelter by the river.")
    press(page, "Send report")
    reference = REFERENCE.search(page.locator(".govuk-panel--confirmation").inner_text())
    assert reference
    reference_text = reference.group(0)
    receipt = receipt_code(page)
    press(page, "I have kept my code: finish")

    # Back at /status with the code: the report page invites an answer.
    page.goto(server("/status"))
    page.get_by_label("Your receipt code").fill(receipt)
    press(page, "Continue")
    assert path_of(page) == server("/status/report")
    assert "You can tell us how we did." in main_text(page)
    follow(page, page.get_by_role("link", name="Tell us how we did"))
    assert path_of(page) == server("/status/feedback")
    assert heading(page) == "How did we do?"
    fits(page, "how did we do")

    # Sent without a score: the error summary, nothing kept.
    press(page, "Send your answer")
    assert page.title().startswith("Error: How did we do?"), page.title()
    assert "Select how we did, from very poor to very good" in page.locator(".govuk-error-summary").inner_text()
    fits(page, "how did we do, with an error")

    group(page, "How did we do?").get_by_label("Good", exact=True).check()
    page.get_by_label("Tell us more (optional)").fill(WORDS)
    press(page, "Send your answer")
    assert "Thank you for telling us how we did." in success_banner(page)
    assert "Good. You can change your answer at any time." in main_text(page)
    fits(page, "the report, after answering")

    # Changing it shows their answer back, ready to change.
    follow(page, page.get_by_role("link", name="Change your answer"))
    assert group(page, "How did we do?").get_by_label("Good", exact=True).is_checked()
    assert page.get_by_label("Tell us more (optional)").input_value() == WORDS
    fits(page, "how did we do, answered before")
    reporter.close()

    # The reviewer reads the answer on the case and records the support.
    review = new_context(viewport={"width": width, "height": 900}).new_page()
    server.sign_in(review, reviewer)
    review.goto(server(f"/review/cases/{reference_text}"))
    answer = review.locator("#reporter-feedback + dl").inner_text()
    assert "Good (4 out of 5)" in answer and WORDS in answer
    review.get_by_text("Record support").click()
    group(review, "Was support offered?").get_by_label("Offered", exact=True).check()
    press(review, "Save support")
    assert review.title().startswith(f"Error: Case {reference_text}"), review.title()
    summary = review.locator(".govuk-error-summary").inner_text()
    assert "Enter the day support was offered" in summary and "Select whether the person accepted" in summary
    fits(review, "case page, support with an error")
    review.get_by_label("Day support was offered").fill(_today())
    group(review, "Did the person accept it?").get_by_label("Accepted", exact=True).check()
    group(review, "Was the support completed?").get_by_label("Still going", exact=True).check()
    press(review, "Save support")
    assert "Support recorded." in success_banner(review)
    recorded = review.locator("#support-recorded").inner_text()
    assert "Accepted" in recorded and "Still going" in recorded
    timeline = review.locator(".app-timeline").inner_text()
    assert "Support offered on" in timeline and "The person's answer to the support offered: Accepted" in timeline
    assert "The support: Still going" in timeline
    fits(review, "case page, support recorded")


def _today() -> str:
    from reporting.db import utcnow
    from reporting.periods import LONDON

    return utcnow().astimezone(LONDON).date().isoformat()
