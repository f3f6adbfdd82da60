"""Staff journeys in a real browser: sign-in with TOTP, assisted reporting, referral to the police.

Each test runs against the live server with staff accounts made in its app;
the pages each journey names, and their error states, are checked with axe-core
against WCAG 2.2 A and AA.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import pyotp
import pytest
from sqlalchemy import select

from reporting.extensions import db
from reporting.reports.models import Report
from tests.browser.pages import (
    REFERENCE,
    answer_the_questions,
    choose_word,
    follow,
    group,
    heading,
    main_text,
    path_of,
    press,
    receipt_code,
    success_banner,
)
from tests.helpers import full_answers, minimal_answers, report

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext

    from tests.browser.conftest import Axe, StaffServer

pytestmark = pytest.mark.browser

CANARY = "BROWSERCANARY"
SETUP_KEY = re.compile(r"[A-Z2-7]{4}( [A-Z2-7]{1,4})+")


def test_first_sign_in_enrols_an_authenticator_and_opens_a_case(
    staff_server: StaffServer, new_context: Callable[..., BrowserContext], axe: Axe
) -> None:
    server = staff_server
    reference, _ = report(server.app.test_client(), full_answers(CANARY))
    email = server.add_user("reviewer", "first.reviewer@example.org")

    page = new_context().new_page()
    page.goto(server("/staff/login"))
    assert heading(page) == "Staff sign in"
    axe.check(page, "staff sign in")

    # A wrong password: the same message whatever was wrong, nothing said about the account.
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill("not the password at all")
    press(page, "Continue")
    assert path_of(page) == server("/staff/login")
    assert page.title().startswith("Error:"), page.title()
    assert "The email address, password or code is not right." in page.locator(".govuk-error-summary").inner_text()
    axe.check(page, "staff sign in, with an error")

    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill("correct horse battery staple")
    press(page, "Continue")

    # First sign-in: set up the authenticator app from the QR code or the setup key.
    assert path_of(page) == server("/staff/enrol")
    assert heading(page) == "Set up your authenticator app"
    qr = page.get_by_role("img", name="QR code for your authenticator app")
    assert qr.is_visible() and qr.locator("svg").count() == 1
    setup_key = page.locator("#setup-key").inner_text().strip()
    assert SETUP_KEY.fullmatch(setup_key), setup_key
    axe.check(page, "enrolment")
    secret = setup_key.replace(" ", "")
    server.totp_secrets[email] = secret

    # A code that is not the app's: an accessible error, still on the enrolment page.
    right = pyotp.TOTP(secret).now()
    page.get_by_label("Code from your authenticator app").fill(f"{(int(right) + 500_000) % 1_000_000:06d}")
    press(page, "Confirm and sign in")
    assert path_of(page) == server("/staff/enrol")
    assert page.title().startswith("Error: Set up your authenticator app"), page.title()
    assert "The code is not right." in page.locator(".govuk-error-summary").inner_text()
    assert page.locator("#setup-key").inner_text().strip() == setup_key  # the same secret, not a new one
    axe.check(page, "enrolment, with a wrong code")

    page.get_by_label("Code from your authenticator app").fill(server.totp_code(email))
    press(page, "Confirm and sign in")

    # Signed in: the queue, then the case, opened with the Group's key.
    assert path_of(page) == server("/review/")
    assert heading(page) == "Case queue"
    assert page.get_by_text(f"Signed in as {email}").is_visible()
    axe.check(page, "case queue")
    follow(page, page.get_by_role("link", name=reference, exact=True))
    assert path_of(page) == server(f"/review/cases/{reference}")
    assert heading(page) == f"Case {reference}"
    shown = main_text(page)
    assert f"A man shouted at me in the street. {CANARY}" in shown
    # Contact details are in a folded section of the report (closed at first).
    assert f"Sam {CANARY}" in page.content() and f"{CANARY}@example.org" in page.content()
    assert "You cannot read this report yet" not in shown
    axe.check(page, "case page")

    # A later sign-in, in a fresh browser: the code only, no setup key shown again.
    later = new_context().new_page()
    later.goto(server("/staff/login"))
    later.get_by_label("Email address").fill(email)
    later.get_by_label("Password", exact=True).fill("correct horse battery staple")
    press(later, "Continue")
    assert path_of(later) == server("/staff/two-factor")
    assert later.locator("#setup-key").count() == 0 and later.locator("svg").count() == 0
    axe.check(later, "two-factor")
    later.get_by_label("Code from your authenticator app").fill(server.totp_code(email))
    press(later, "Sign in")
    assert path_of(later) == server("/review/")
    assert later.get_by_role("link", name=reference, exact=True).is_visible()


def test_an_assisted_report_at_a_centre_through_to_the_slip(
    staff_server: StaffServer, new_context: Callable[..., BrowserContext], axe: Axe
) -> None:
    server = staff_server
    server.add_centre(
        "shrewsbury-library", "Shrewsbury Library", address="1A Castle Gates", postcode="SY1 2AS",
        opening_hours="Monday to Saturday, 9am to 5pm", phone="01743 255300",
        offers=["in_person", "phone"], languages=["English", "Polish"],
        how_to_get_help="Ask at the front desk for a private room.",
    )
    server.add_centre("ludlow-library", "Ludlow Library", town="ludlow")
    staff = server.add_user("centre_staff", "desk@shrewsbury-library.example", centre="shrewsbury-library")
    elsewhere = server.add_user("centre_staff", "desk@ludlow-library.example", centre="ludlow-library")

    # The public directory, a centre's page and its poster, as a visitor without JavaScript sees them.
    visitor = new_context(java_script_enabled=False).new_page()
    visitor.goto(server("/centres/"))
    assert heading(visitor) == "Reporting centres"
    axe.check(visitor, "directory of centres")
    follow(visitor, visitor.get_by_role("link", name="Shrewsbury Library", exact=True))
    assert path_of(visitor) == server("/centres/shrewsbury-library")
    assert heading(visitor) == "Shrewsbury Library"
    assert "Ask at the front desk for a private room." in main_text(visitor)
    axe.check(visitor, "a centre's page")
    follow(visitor, visitor.get_by_role("link", name="A4 poster for Shrewsbury Library"))
    assert path_of(visitor) == server("/centres/shrewsbury-library/poster")
    assert visitor.locator("svg").count() >= 1  # the QR code to the report form
    axe.check(visitor, "poster")

    # Centre staff enter a report with the person in front of them.
    page = new_context().new_page()
    server.sign_in(page, staff)
    assert path_of(page) == server("/centre/")
    assert heading(page) == "Assisted reporting"
    axe.check(page, "centre home")
    follow(page, page.get_by_role("link", name="Start a report"))
    assert heading(page) == "Start an assisted report"
    press(page, "Start")

    assert path_of(page) == server("/centre/report/how-taken")
    axe.check(page, "how the report is taken")
    page.get_by_label("With an interpreter", exact=True).check()
    press(page, "Continue")
    assert "Enter the language the interpreter is using" in page.locator(".govuk-error-summary").inner_text()
    axe.check(page, "how the report is taken, with an error")
    page.get_by_label("Which language is the interpreter using?").fill("Polish")  # shown under its choice
    press(page, "Continue")

    assert path_of(page) == server("/centre/report/consent")
    axe.check(page, "consent")
    page.locator("fieldset", has_text="agree to what they tell you being recorded").get_by_label("Yes").check()
    page.locator("fieldset", has_text="agree to the Group contacting them").get_by_label("No").check()
    press(page, "Continue")

    assert path_of(page) == server("/centre/report/who")
    assert heading(page) == "Who is reporting?"
    axe.check(page, "a question, assisted")
    answer_the_questions(page, f"Graffiti on the library wall. {CANARY}", area="Shrewsbury")

    assert path_of(page) == server("/centre/report/staff-note")
    page.get_by_label("Note from you to the Group (optional)").fill("Came in with a friend.")
    press(page, "Continue to check your answers")
    assert path_of(page) == server("/centre/report/receipt-word")  # the person's word, last
    choose_word(page, "Hollyhock")
    assert path_of(page) == server("/centre/report/check")
    shown = main_text(page)
    assert f"Graffiti on the library wall. {CANARY}" in shown and "Polish" in shown
    axe.check(page, "check answers, assisted")
    press(page, "Send report")

    # The slip: reference and receipt code, shown once.
    assert path_of(page) == server("/centre/report/receipt")
    assert "your receipt" in heading(page)
    slip = main_text(page)
    reference = REFERENCE.search(slip)
    assert reference, slip
    reference = reference.group(0)
    receipt_code(page)
    axe.check(page, "receipt slip")
    with server.app.app_context():
        stored = db.session.scalar(select(Report).where(Report.reference == reference))
        assert stored is not None and stored.channel == "centre"
    press(page, "I have printed the slip: finish")
    assert path_of(page) == server("/centre/")
    page.goto(server("/centre/report/receipt"))
    assert page.locator("#receipt-code").count() == 0, "the slip is shown once"

    # The centre's list: the reference and where it is up to, never the content.
    page.goto(server("/centre/"))
    listing = main_text(page)
    assert reference in listing and "Received" in listing and CANARY not in listing
    response = page.goto(server(f"/review/cases/{reference}"))
    assert response is not None and response.status == 403
    assert CANARY not in page.content()

    # Staff of another centre do not see it at all.
    other = new_context().new_page()
    server.sign_in(other, elsewhere)
    assert path_of(other) == server("/centre/")
    assert reference not in main_text(other)


def test_the_police_see_only_what_was_referred_and_the_outcome_comes_back(
    staff_server: StaffServer, new_context: Callable[..., BrowserContext], axe: Axe
) -> None:
    server = staff_server
    steps = full_answers(CANARY)
    steps["police"] = {"police_consent": "with_details"}
    referred, _ = report(server.app.test_client(), steps)
    kept, _ = report(server.app.test_client(), minimal_answers())
    reviewer = server.add_user("reviewer", "reviewer@example.org")
    officer = server.add_user("police", "spoc@police.example")

    # The reviewer chooses what to share, previews it, and sends it.
    review = new_context().new_page()
    server.sign_in(review, reviewer)
    review.goto(server(f"/review/cases/{referred}"))
    follow(review, review.get_by_role("link", name="Refer to the police"))
    assert path_of(review) == server(f"/review/cases/{referred}/referral")
    assert heading(review) == f"Refer {referred} to the police"
    axe.check(review, "referral form")
    answers = group(review, "Answers to share")
    for box in answers.get_by_role("checkbox").all():
        box.uncheck()
    answers.get_by_label("What happened, in your own words?").check()
    answers.get_by_label("Your name", exact=True).check()
    press(review, "Preview")
    preview = main_text(review)
    assert "Preview: exactly what the police will see" in preview
    assert f"A man shouted at me in the street. {CANARY}" in preview and f"Sam {CANARY}" in preview
    assert f"{CANARY}@example.org" not in preview and f"tall, red coat {CANARY}" not in preview
    axe.check(review, "referral preview")
    press(review, "Send to the police")
    assert path_of(review) == server(f"/review/cases/{referred}")
    assert "Referral sent to the police." in success_banner(review)

    # The police liaison sees the referred case only, and only the ticked answers.
    police = new_context().new_page()
    server.sign_in(police, officer)
    assert path_of(police) == server("/police/")
    inbox = main_text(police)
    assert referred in inbox and kept not in inbox
    axe.check(police, "police inbox")
    follow(police, police.get_by_role("link", name=referred, exact=True))
    assert heading(police) == f"Referral {referred}"
    package = police.locator(".app-package").inner_text()
    assert f"A man shouted at me in the street. {CANARY}" in package and f"Sam {CANARY}" in package
    shown = main_text(police)
    for withheld in (f"{CANARY}@example.org", f"outside the market hall {CANARY}", f"tall, red coat {CANARY}",
                     f"the shopkeeper {CANARY}", f"I am afraid to go out {CANARY}", "07700 900982"):
        assert withheld not in shown, withheld
    axe.check(police, "police referral")
    referral_url = path_of(police)
    for case in (referred, kept):
        response = police.goto(server(f"/review/cases/{case}"))
        assert response is not None and response.status == 403
    police.goto(referral_url)

    # Acknowledge, then return the crime reference and the outcome (forgotten at first).
    press(police, "Acknowledge")
    assert police.get_by_role("button", name="Acknowledge").count() == 0
    police.get_by_label("Crime or incident reference").fill("22/12345/26")
    press(police, "Record outcome")
    assert police.title().startswith(f"Error: Referral {referred}"), police.title()
    assert "Select the outcome" in police.locator(".govuk-error-summary").inner_text()
    axe.check(police, "police referral, with an error")
    group(police, "Outcome").get_by_label("Crime recorded").check()
    press(police, "Record outcome")
    assert path_of(police) == referral_url
    police.goto(server("/police/?filter=outcome"))  # the inbox opens on what waits: this one is answered
    assert "22/12345/26" in main_text(police)

    # Back on the case, the reviewer sees both.
    review.reload()
    referral = review.locator(".app-referral").inner_text()
    assert "Crime reference: 22/12345/26" in referral and "Outcome: Crime recorded" in referral
