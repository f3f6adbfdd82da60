"""Issue 31 items 6-7 in a real browser: reporting centres kept alive.

Item 6: an administrator finds the quiet centre flagged on the Group's centres page, reads a
centre's history and reports per quarter, closes it (a closing date before its opening first,
refused with the error summary) and the public directory no longer lists it.
Item 7: a reviewer logs a visit (the missing answers first) and records training already past
its refresher; the centre is listed as lapsed, and the statistics count the centres.
axe-core on every page and error state at 375 px and 1280 px; nothing scrolls sideways on a
phone; no ISO date or raw code. Screenshots go to $REPORTING_SCREENSHOTS when it is set.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

import pytest

from tests.browser.pages import check_at_both_widths, follow, heading, main_text, press, success_banner

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

    from tests.browser.conftest import Axe, StaffServer

pytestmark = pytest.mark.browser

RAW_CODES = ("centre_link", "None", "True", "False")


def _check(page: Page, axe: Axe, what: str) -> None:
    check_at_both_widths(page, axe, what, RAW_CODES)


def _centres(server: StaffServer) -> None:
    from sqlalchemy import update

    from reporting.centres.models import Centre
    from reporting.extensions import db
    from reporting.reports.models import Report
    from tests.helpers import send_directly

    server.add_centre("example-quiet", "Example Quiet Library")
    server.add_centre("example-busy", "Example Busy Hub")
    busy = send_directly(server.app)
    old = send_directly(server.app)
    with server.app.app_context():
        ids = dict(db.session.execute(db.select(Centre.slug, Centre.id)).all())
        db.session.execute(update(Centre).values(opened_on=date(2021, 4, 1)))
        db.session.execute(update(Report).where(Report.reference == busy)
                           .values(centre_id=ids["example-busy"], received_at=datetime.now(UTC) - timedelta(days=2)))
        db.session.execute(update(Report).where(Report.reference == old)
                           .values(centre_id=ids["example-quiet"], received_at=datetime(2024, 5, 20, 10, tzinfo=UTC)))
        db.session.commit()


def _on_the_centres_page(server: StaffServer, new_context: Callable[..., BrowserContext], role: str,
                         email: str) -> Page:
    """The two example centres made, someone of ``role`` signed in, on the Group's centres page."""
    _centres(server)
    page = new_context().new_page()
    server.sign_in(page, server.add_user(role, email))
    follow(page, page.get_by_role("link", name="Centres", exact=True))
    return page


def test_a_centres_history_the_quiet_flag_and_closing_it(
    staff_server: StaffServer, new_context: Callable[..., BrowserContext], axe: Axe
) -> None:
    server = staff_server
    page = _on_the_centres_page(server, new_context, "admin", "admin@example.org")
    assert heading(page) == "Reporting centres: activity, visits and training"
    quiet = page.locator(".app-quiet-list").inner_text()
    assert "Example Quiet Library" in quiet and "20 May 2024" in quiet and "Example Busy Hub" not in quiet
    _check(page, axe, "centres list")

    follow(page, page.locator(".app-quiet-list").get_by_role("link", name="Example Quiet Library"))
    text = main_text(page)
    assert "1 April 2021" in text and "Still open" in text and "2024/25 Q1" in text and "20 May 2024" in text
    _check(page, axe, "centre page")

    follow(page, page.get_by_role("link", name="Change the opening and closing dates or contact"))
    page.get_by_label("Closed on").fill("2021-03-01")
    press(page, "Save dates")
    summary = page.locator(".govuk-error-summary")
    assert "The closing date must be the same as or after the opening date" in summary.inner_text()
    _check(page, axe, "dates refused")
    yesterday = date.today() - timedelta(days=1)
    page.get_by_label("Closed on").fill(yesterday.isoformat())
    page.get_by_label("Contact email for training reminders").fill("desk@example.org")
    press(page, "Save dates")
    assert "Centre's dates saved." in success_banner(page)
    assert "Closed" in page.locator("main .govuk-tag").first.inner_text()
    assert yesterday.strftime("%-d %B %Y") in main_text(page)

    public = new_context().new_page()
    public.goto(server("/centres/"))
    listed = main_text(public)
    assert "Example Busy Hub" in listed and "Example Quiet Library" not in listed


def test_a_visit_training_and_the_lapsed_list(
    staff_server: StaffServer, new_context: Callable[..., BrowserContext], axe: Axe
) -> None:
    server = staff_server
    page = _on_the_centres_page(server, new_context, "reviewer", "group@example.org")
    follow(page, page.get_by_role("table").get_by_role("link", name="Example Busy Hub"))

    follow(page, page.get_by_role("button", name="Record a visit"))
    assert "Do not write about any report" in main_text(page)
    press(page, "Save the visit")
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Enter the date of the visit" in summary and "Select yes if the poster was displayed" in summary
    _check(page, axe, "visit refused")
    visited = date.today() - timedelta(days=3)
    page.get_by_label("Date of the visit").fill(visited.isoformat())
    page.get_by_role("group", name="Was the poster displayed?").get_by_label("Yes").check()
    page.get_by_role("group", name="Were leaflets stocked?").get_by_label("No").check()
    page.get_by_label("Staff present who can take a report").fill("2")
    page.get_by_label("Notes (optional)").fill("Leaflets ran out; more sent.")
    press(page, "Save the visit")
    assert "Visit recorded." in success_banner(page)
    text = main_text(page)
    assert f"Visit on {visited.strftime('%-d %B %Y')}" in text and "Leaflets ran out; more sent." in text

    follow(page, page.get_by_role("button", name="Record training"))
    assert "Leave empty for 12 months after the training." in main_text(page)
    _check(page, axe, "training form")
    page.get_by_label("Name of the person trained").fill("Example Person")
    page.get_by_label("Their role (optional)").fill("Library assistant")
    page.get_by_label("Date of the training").fill("2024-01-15")
    press(page, "Save the training")
    assert "Training recorded." in success_banner(page)
    text = main_text(page)
    assert "15 January 2024" in text and "15 January 2025" in text and "Lapsed" in text
    _check(page, axe, "centre with visit and training")

    follow(page, page.get_by_role("link", name="All centres"))
    assert "Example Busy Hub" in page.locator(".app-lapsed-list").inner_text()

    page.goto(server("/stats/"))
    assert "Reporting centres by quarter (financial year)" in main_text(page)
    table = page.get_by_role("table", name=re.compile("Reporting centres by quarter"))
    assert table.count() == 1 and "Centres with trained staff" in table.inner_text()
