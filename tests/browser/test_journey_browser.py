"""The public journey in a real browser: no JavaScript, keyboard only, narrow screens, exit.

Controls are found the way a person finds them: by their labels, legends and
roles. axe-core checks every page shown against WCAG 2.2 A and AA.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING
from urllib.parse import urldefrag

import pytest
from sqlalchemy import func, select

from reporting.extensions import db
from reporting.reports.models import Draft, Report
from tests.browser.pages import answer_the_questions

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Locator, Page

    from tests.browser.conftest import Axe, LiveServer

pytestmark = pytest.mark.browser

REFERENCE = re.compile(r"HC-\d\d-[A-Z0-9]{6}")
RECEIPT = re.compile(r"\d{4}( \d{4}){5}")


def path_of(page: Page) -> str:
    """The page's address without its fragment (a fragment survives redirects,
    e.g. one followed from an error summary link or a change link)."""
    return urldefrag(page.url).url


def heading(page: Page) -> str:
    return page.get_by_role("heading", level=1).inner_text().strip()


def group(page: Page, legend: str) -> Locator:
    """A fieldset (radios, checkboxes, date), found by its legend."""
    return page.get_by_role("group", name=legend, exact=True)


def follow(page: Page, control: Locator) -> None:
    """Click a link or button that loads a new page, and wait until it has loaded.

    (A click returns once the navigation starts; reading the title or the
    DOM before the load event could see half a page.)
    """
    with page.expect_navigation(wait_until="load"):
        control.click()


def press_continue(page: Page) -> None:
    follow(page, page.get_by_role("button", name="Continue"))


def expect_question(page: Page, path: str, question: str, title: str | None = None) -> None:
    """On the page at ``path``, whose <h1> is ``question`` (and title the step's, if different)."""
    assert path_of(page).endswith(path), (page.url, path)
    assert heading(page) == question
    assert page.title().startswith(f"{title or question} – "), page.title()


def expect_error(page: Page, message: str) -> None:
    """GOV.UK error pattern: title prefix, summary linking to the field, message by the field."""
    assert page.title().startswith("Error:"), page.title()
    summary = page.locator(".govuk-error-summary")
    assert summary.get_by_role("heading", name="There is a problem").is_visible()
    assert summary.get_by_role("link", name=message).is_visible()
    assert page.locator(".govuk-error-message", has_text=message).is_visible()


def start_report(page: Page, live: LiveServer) -> None:
    """The home page's own button starts the report (there is no second start page)."""
    page.goto(live("/"))
    follow(page, page.get_by_role("button", name="Report online"))
    expect_question(page, "/report/who", "Who is reporting?")


def answer_minimal_journey(page: Page, description: str = "Graffiti on a bus shelter.") -> None:
    """From the first question to the check page, answering only what is required."""
    answer_the_questions(page, description)
    expect_question(page, "/report/check", "Check your answers before sending your report")


def draft_count(live: LiveServer) -> int:
    with live.app.app_context():
        return int(db.session.scalar(select(func.count(Draft.id))))


def test_whole_journey_without_javascript_is_accessible(
    new_context: Callable[..., BrowserContext], live_server: LiveServer, axe: Axe
) -> None:
    live = live_server
    page = new_context(java_script_enabled=False).new_page()

    # Information pages, reached by their links as a visitor would.
    page.goto(live("/"))
    assert heading(page) == "Report hate in Shropshire"
    axe.check(page, "home page")
    footer = page.get_by_role("contentinfo")
    for link, title in [
        ("Privacy", "Privacy notice"),
        ("Accessibility", "Accessibility statement for Report Hate Shropshire"),
        ("Staying safe online", "Staying safe online"),
    ]:
        follow(page, footer.get_by_role("link", name=link, exact=True))
        assert heading(page) == title
        axe.check(page, f"{link} page")
        follow(page, page.get_by_role("link", name="Report Hate Shropshire", exact=True))  # service name: home

    response = page.goto(live("/no-such-page"))
    assert response is not None and response.status == 404
    assert heading(page) == "Page not found"
    axe.check(page, "404 page")

    # Home -> the first question, with the home page's own button.
    start_report(page, live)

    # Who is reporting? Submitted empty first: the error state of a radio question.
    axe.check(page, "who")
    press_continue(page)
    expect_error(page, "Select who is reporting")
    axe.check(page, "who, with an error")
    page.get_by_role("link", name="Select who is reporting").click()  # the summary links to the first radio
    assert page.evaluate("document.activeElement.id") == "reporter_type"
    page.get_by_label("It happened to me").check()
    press_continue(page)

    expect_question(page, "/report/what", "What happened?")
    axe.check(page, "what")
    what = group(page, "What happened?")
    for label in ("Verbal abuse", "Online abuse", "Something else"):
        what.get_by_label(label, exact=True).check()
    # Without JavaScript the follow-up simply shows, under its choice.
    page.get_by_label("Say what happened").fill("spat at")
    press_continue(page)

    expect_question(page, "/report/why", "Why do you think it happened?")
    axe.check(page, "why")
    why = group(page, "Why do you think it happened?")
    why.get_by_label("Race, ethnicity or nationality").check()
    why.get_by_label("Religion or belief").check()
    press_continue(page)

    # When did it happen? A future date, then letters: the date's error states.
    expect_question(page, "/report/when", "When did it happen?")
    axe.check(page, "when")
    when = group(page, "When did it happen?")
    next_year = str(date.today().year + 1)
    when.get_by_label("Day").fill("3")
    when.get_by_label("Month").fill("11")
    when.get_by_label("Year").fill(next_year)
    press_continue(page)
    expect_error(page, "The date must be today or in the past")
    assert group(page, "When did it happen?").get_by_label("Year").input_value() == next_year  # kept as typed
    axe.check(page, "when, with a future date")
    when = group(page, "When did it happen?")
    when.get_by_label("Day").fill("3")
    when.get_by_label("Month").fill("nov")
    when.get_by_label("Year").fill("2025")
    press_continue(page)
    expect_error(page, "The date must be a real date, in numbers")
    axe.check(page, "when, with letters in the date")
    page.get_by_role("link", name="The date must be a real date, in numbers").click()
    assert page.evaluate("document.activeElement.id") == "incident_date-month"
    group(page, "When did it happen?").get_by_label("Month").fill("11")
    press_continue(page)

    expect_question(page, "/report/where", "Where did it happen?")
    axe.check(page, "where")
    page.get_by_label("Where did it happen?").select_option(label="Shrewsbury")
    press_continue(page)

    expect_question(page, "/report/description", "What happened, in your own words?")
    axe.check(page, "description")
    page.get_by_label("What happened, in your own words?").fill("A man shouted at me in the street.\nThen he followed me.")
    press_continue(page)

    # The last required question offers "tell us more" beside checking.
    expect_question(page, "/report/police", "Can we pass this report to West Mercia Police?")
    axe.check(page, "police")
    page.get_by_label("Yes, with my contact details, so they can contact me").check()
    follow(page, page.get_by_role("button", name="Tell us more"))

    expect_question(page, "/report/more", "Would you like to tell us more?")
    axe.check(page, "tell us more")
    follow(page, page.get_by_role("link", name="Who was responsible?"))
    expect_question(page, "/report/offenders", "Who was responsible?")
    axe.check(page, "offenders")
    group(page, "How many people were responsible?").get_by_label("One", exact=True).check()
    group(page, "Who were they?").get_by_label("A neighbour").check()
    page.get_by_label("Anything distinctive about them").fill("Red coat")
    press_continue(page)
    expect_question(page, "/report/more", "Would you like to tell us more?")
    follow(page, page.get_by_role("link", name="Where online did it happen?"))  # asked because the abuse was online
    axe.check(page, "online")
    page.get_by_label("Which website, app or platform?").fill("a chat app")
    press_continue(page)
    follow(page, page.get_by_role("link", name="How it has affected you, and support"))
    axe.check(page, "impact")
    group(page, "Would you like to be put in touch with a support service?").get_by_label("Yes").check()
    press_continue(page)
    follow(page, page.get_by_role("link", name="Contacting you"))
    expect_question(page, "/report/contact", "Can we contact you about this report?")
    axe.check(page, "contact")
    group(page, "Can we contact you about this report?").get_by_label("Yes", exact=True).check()
    page.get_by_label("Your name (optional)").fill("Sam")
    press_continue(page)
    expect_error(page, "You said we can contact you: enter an email address or a phone number, or choose to stay anonymous")
    axe.check(page, "contact, with an error")
    page.get_by_label("Email address (optional)").fill("sam@example.org")
    press_continue(page)
    # "Yes": how to contact them comes next (not asked after "No").
    expect_question(page, "/report/contact-how", "How to contact you")
    axe.check(page, "how to contact you")
    group(page, "Can we leave a message?").get_by_label("No").check()
    press_continue(page)
    follow(page, page.get_by_role("link", name="About you"))
    axe.check(page, "equality")
    group(page, "Your age").get_by_label("25 to 34").check()
    press_continue(page)
    follow(page, page.get_by_role("button", name="Skip to check your answers"))

    # Check your answers: sections, answered questions, and what was not answered.
    expect_question(page, "/report/check", "Check your answers before sending your report")
    axe.check(page, "check your answers")
    main = page.get_by_role("main")
    for shown in ("It happened to me", "Verbal abuse", "3 November 2025", "Shrewsbury", "a chat app",
                  "sam@example.org", "25 to 34", "A neighbour"):
        assert main.get_by_text(shown).count() >= 1, shown
    assert main.locator(".govuk-summary-card").count() >= 6
    follow(page, main.get_by_role("link", name="Change Where did it happen?"))
    expect_question(page, "/report/where?change=1", "Where did it happen?")
    assert page.get_by_label("Where did it happen?").input_value() == "shrewsbury"
    axe.check(page, "where, changing an answer")
    follow(page, page.get_by_role("button", name="Save and continue"))
    expect_question(page, "/report/check", "Check your answers before sending your report")

    follow(page, page.get_by_role("button", name="Send report"))
    assert path_of(page).endswith("/report/sent")
    assert heading(page) == "Report sent"
    axe.check(page, "confirmation")
    panel = page.locator(".govuk-panel--confirmation").inner_text()
    reference = REFERENCE.search(panel)
    assert reference, panel
    receipt = page.locator("#receipt-code").inner_text().strip()
    assert RECEIPT.fullmatch(receipt), receipt
    assert "Support you can contact now" in page.get_by_role("main").inner_text()
    with live.app.app_context():
        assert db.session.scalar(select(Report.reference)) == reference.group(0)

    follow(page, page.get_by_role("button", name="I have kept my code: finish"))
    assert heading(page) == "Report hate in Shropshire"
    assert draft_count(live) == 0
    assert len(axe.pages_checked) >= 25


@pytest.mark.parametrize(("javascript", "width"), [(False, 375), (True, 375), (False, 1280), (True, 1280)])
def test_a_minimal_anonymous_report_takes_at_most_nine_pages_from_home(
    new_context: Callable[..., BrowserContext], live_server: LiveServer, axe: Axe, javascript: bool, width: int
) -> None:
    """Home page to receipt: every page loaded is counted, and each one is checked by axe."""
    page = new_context(java_script_enabled=javascript, viewport={"width": width, "height": 900}).new_page()
    page.goto(live_server("/"))
    axe.check(page, f"home at {width}")
    loads: list[str] = []
    page.on("load", lambda: loads.append(path_of(page)))
    follow(page, page.get_by_role("button", name="Report online"))
    axe.check(page, f"who at {width}")
    group(page, "Who is reporting?").get_by_label("I saw or heard it happen to someone else").check()
    press_continue(page)
    axe.check(page, f"what at {width}")
    what = group(page, "What happened?")
    if javascript:  # the follow-up shows only under its choice
        assert not page.get_by_label("Say what happened").is_visible()
        what.get_by_label("Something else").check()
        assert page.get_by_label("Say what happened").is_visible()
        what.get_by_label("Something else").uncheck()
    else:
        assert page.get_by_label("Say what happened").is_visible()
    what.get_by_label("Graffiti").check()
    press_continue(page)
    axe.check(page, f"why at {width}")
    group(page, "Why do you think it happened?").get_by_label("Not sure").check()
    press_continue(page)
    axe.check(page, f"when at {width}")
    dates = group(page, "When did it happen?")
    dates.get_by_label("Month").fill("10")
    dates.get_by_label("Year").fill(str(date.today().year - 1))
    press_continue(page)
    axe.check(page, f"where at {width}")
    page.get_by_label("Where did it happen?").select_option(label="Ludlow")
    press_continue(page)
    axe.check(page, f"description at {width}")
    page.get_by_label("What happened, in your own words?").fill("Graffiti on a bus shelter.")
    press_continue(page)
    axe.check(page, f"police at {width}")
    page.get_by_label("No, do not pass it to the police").check()
    follow(page, page.get_by_role("button", name="Continue to check your answers"))
    expect_question(page, "/report/check", "Check your answers before sending your report")
    axe.check(page, f"check at {width}")
    assert int(page.evaluate("document.documentElement.scrollWidth")) <= width
    follow(page, page.get_by_role("button", name="Send report"))
    assert heading(page) == "Report sent"
    assert [p.rsplit("/", 1)[1] for p in loads] == [
        "who", "what", "why", "when", "where", "description", "police", "check", "sent",
    ]
    assert len(loads) <= 9
    assert int(page.evaluate("document.documentElement.scrollWidth")) <= width
    axe.check(page, f"sent at {width}")


def test_pressing_shift_three_times_leaves_and_forgets_the_draft(
    page: Page, live_server: LiveServer, axe: Axe
) -> None:
    live = live_server
    start_report(page, live)
    page.get_by_label("It happened to me").check()
    press_continue(page)
    expect_question(page, "/report/what", "What happened?")
    # With JavaScript the exit button gains its indicator and live region.
    assert page.locator(".govuk-exit-this-page__indicator").count() == 1
    axe.check(page, "what, with JavaScript")
    assert draft_count(live) == 1

    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    assert page.get_by_role("status").inner_text() == "Shift, press 1 more time to exit."
    with page.expect_request(live("/exit")), page.expect_navigation(url=live("/accessibility")):
        page.keyboard.press("Shift")
    assert heading(page) == "Accessibility statement for Report Hate Shropshire"
    assert draft_count(live) == 0

    # location.replace(): the question page left the history. Back goes to
    # the page before it, which no longer has anything to show.
    page.go_back()
    assert not path_of(page).endswith("/report/what"), page.url
    assert path_of(page).endswith("/report/who"), page.url
    assert heading(page) == "Your answers have been deleted"

    page.goto(live("/report/who"))
    assert heading(page) == "Your answers have been deleted"
    axe.check(page, "answers deleted")


def test_a_question_can_be_answered_with_the_keyboard_alone(page: Page, live_server: LiveServer) -> None:
    start_report(page, live_server)
    page.reload()  # start from the top of the page, with nothing focused

    def focused() -> dict[str, str]:
        return page.evaluate(
            "() => { const e = document.activeElement;"
            " return {tag: e.tagName, id: e.id, text: e.innerText || '', type: e.type || '', href: e.getAttribute('href') || ''} }"
        )

    page.keyboard.press("Tab")
    first = focused()
    assert (first["tag"], first["href"], first["text"].strip()) == ("A", "#main-content", "Skip to main content")
    page.keyboard.press("Tab")
    second = focused()
    assert (second["href"], second["text"].strip()) == ("/exit", "Exit this page")

    # Tab on to the first radio, as far as it takes, never through a hidden field.
    for _ in range(20):
        page.keyboard.press("Tab")
        now = focused()
        assert now["id"] != "website", "the spam trap must not be reachable"
        if now["type"] == "radio":
            break
    assert now["id"] == "reporter_type", now
    page.keyboard.press("Space")
    assert page.get_by_label("It happened to me").is_checked()
    page.keyboard.press("ArrowDown")  # radios in a group move with the arrows
    assert page.get_by_label("I saw or heard it happen to someone else").is_checked()
    page.keyboard.press("Tab")
    assert focused()["text"].strip() == "Continue"
    page.keyboard.press("Enter")
    page.wait_for_url("**/report/what")
    expect_question(page, "/report/what", "What happened?")

    # The skip link, followed, takes keyboard users straight to the question.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert focused()["id"] == "incident_types", focused()


def test_no_horizontal_scrolling_at_400_percent_zoom(
    new_context: Callable[..., BrowserContext], live_server: LiveServer, axe: Axe
) -> None:
    # 1280 CSS pixels at 400% zoom lay out like a 320 pixel wide window (WCAG 1.4.10).
    page = new_context(viewport={"width": 320, "height": 256}).new_page()

    def scroll_width() -> int:
        return int(page.evaluate("document.documentElement.scrollWidth"))

    page.goto(live_server("/"))
    assert scroll_width() <= 320, "home page"
    start_report(page, live_server)
    assert scroll_width() <= 320, "first question"
    # People paste links: a long unbroken answer must wrap, not widen the page.
    long_link = "https://example.org/posts/" + "a1b2c3d4" * 12
    answer_minimal_journey(page, description=f"It was posted here: {long_link}")
    assert page.get_by_text(long_link).is_visible()
    assert scroll_width() <= 320, "check your answers"
    axe.check(page, "check your answers at 320px")
    follow(page, page.get_by_role("button", name="Send report"))
    assert heading(page) == "Report sent"
    assert scroll_width() <= 320, "confirmation"


def test_the_axe_check_fails_on_real_violations(
    new_context: Callable[..., BrowserContext], live_server: LiveServer, axe: Axe
) -> None:
    """The checks above mean something only if a broken page fails them."""
    page = new_context(java_script_enabled=False).new_page()
    broken = (
        '<!DOCTYPE html><html lang="en"><head><title>Broken</title></head><body><main>'
        '<h1>Broken</h1><img src="data:,"><input type="text">'
        '<p style="color:#aaa;background:#bbb">Faint text</p></main></body></html>'
    )
    url = live_server("/axe-canary")
    page.route(url, lambda route: route.fulfill(status=200, content_type="text/html", body=broken))
    page.goto(url)
    with pytest.raises(AssertionError) as failure:
        axe.check(page, "a broken page")
    message = str(failure.value)
    for rule in ("image-alt", "label", "color-contrast"):
        assert f"- {rule} " in message, message
    assert '["input"]' in message  # the offending node is named
