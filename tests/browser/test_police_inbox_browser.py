"""Issue 31 item 5 in a real browser: the police liaison works the inbox. It opens on what waits
for them, oldest first; the filters carry their counts; "Late" shows the oldest first; the
pages go on to the next fifty; an opened referral is no longer new. Checked with axe-core at a
phone's width and a desktop's."""
from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from reporting.db import utcnow
from reporting.extensions import db
from reporting.reports.models import Report
from tests.browser.pages import follow, heading, main_text
from tests.helpers import send_directly
from tests.referrals.test_inbox import add_referrals

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

    from tests.browser.conftest import Axe, StaffServer

WIDTHS = ({"width": 1280, "height": 900}, {"width": 375, "height": 800})


def refer(server: StaffServer, sent_days_ago: int) -> str:
    """A real referral (its package sealed to the police key), sent some days ago: its reference."""
    from reporting.referrals import services

    reviewer = server.add_user("reviewer", "reviewer@example.org")
    reference = send_directly(server.app, {
        "reporter_type": "witness", "incident_types": ["graffiti"], "motivations": ["religion"],
        "incident_date": {"month": 10, "year": 2026}, "area": "ludlow",
        "description": "Graffiti on a bus shelter.", "police_consent": "without_details", "contact_ok": "no",
    })
    with server.app.test_request_context():
        from reporting.auth.models import User

        report = db.session.scalar(select(Report).where(Report.reference == reference))
        actor = db.session.scalar(select(User).where(User.email == reviewer))
        services.start_referral(report, actor=actor, answers={"description": "Graffiti on a bus shelter."},
                                fields=["description"], now=utcnow() - timedelta(days=sent_days_ago))
        db.session.commit()
    return reference


def checked_at_both_widths(page: Page, axe: Axe, what: str) -> None:
    for size in WIDTHS:
        page.set_viewport_size(size)  # type: ignore[arg-type]
        axe.check(page, f"{what} at {size['width']}px")
    page.set_viewport_size(WIDTHS[0])  # type: ignore[arg-type]


def filter_link(page: Page, words: str) -> str:
    return page.get_by_role("navigation", name="Show").get_by_role("link", name=f"{words}:")


def test_the_police_work_the_inbox_late_first_and_page_by_page(
    staff_server: StaffServer, new_context: Callable[..., BrowserContext], axe: Axe
) -> None:
    server = staff_server
    real = refer(server, sent_days_ago=10)  # late, and nobody has opened it
    now = utcnow()
    add_referrals(server.app, [
        *({"sent_at": now - timedelta(days=60 + n), "state": "closed", "opened_at": now - timedelta(days=59 + n),
           "acknowledged_at": now - timedelta(days=59 + n), "outcome": "no_further_action",
           "outcome_at": now - timedelta(days=50)} for n in range(55)),
        {"sent_at": now - timedelta(days=30)},                                   # late, oldest
        {"sent_at": now - timedelta(days=20), "opened_at": now - timedelta(days=19)},  # late, opened
        # new: an hour ago, or at midnight when the test runs in the first hour of a day ("Sent today")
        {"sent_at": max(now - timedelta(hours=1), now.replace(hour=0, minute=0, second=0, microsecond=0))},
    ])
    officer = server.add_user("police", "spoc@police.example")
    page = new_context().new_page()
    server.sign_in(page, officer)

    # The inbox opens on what waits for the force, oldest first, with a count on each filter.
    assert page.url == server("/police/")
    assert heading(page) == "Referrals from the Hate Crime Reporting Group"
    shown = main_text(page)
    for words in ("Not yet acknowledged: 4", "New, not opened yet: 3", "Late: 3", "Acknowledged: 0",
                  "Outcome given: 55", "All referrals: 59"):
        assert words in shown, words
    rows = page.locator("tbody tr")
    assert rows.count() == 4
    assert "Sent today" in rows.nth(3).inner_text()
    checked_at_both_widths(page, axe, "police inbox")

    # Late: oldest first, in working days.
    follow(page, filter_link(page, "Late"))
    assert page.url == server("/police/?filter=late")
    assert page.locator("h2.govuk-heading-m").inner_text() == "Late"
    late = page.locator("tbody tr")
    assert late.count() == 3
    assert real in late.nth(2).inner_text()
    assert "working days ago" in late.nth(0).inner_text() and "Not opened yet" in late.nth(0).inner_text()
    assert "Opened, not acknowledged" in late.nth(1).inner_text()
    checked_at_both_widths(page, axe, "police inbox, late")

    # Every referral, fifty a page.
    follow(page, filter_link(page, "All referrals"))
    assert page.locator("tbody tr").count() == 50
    assert "Page 1 of 2" in main_text(page)
    follow(page, page.get_by_role("link", name="Next page"))
    assert page.url == server("/police/?filter=all&page=2")
    assert page.locator("tbody tr").count() == 9
    assert "Page 2 of 2" in main_text(page)
    checked_at_both_widths(page, axe, "police inbox, page 2")

    # Opened, the referral is no longer new (though still late).
    page.goto(server("/police/?filter=late"))
    follow(page, page.get_by_role("link", name=real, exact=True))
    assert heading(page) == f"Referral {real}"
    page.goto(server("/police/?filter=new"))
    assert "New, not opened yet: 2" in main_text(page) and real not in main_text(page)

    # A filter that does not exist: a clear error, with the filters there are.
    response = page.goto(server("/police/?filter=unknown"))
    assert response is not None and response.status == 400
    assert "There is no such filter" in page.locator(".govuk-error-summary").inner_text()
    assert page.title().startswith("Error:")
    checked_at_both_widths(page, axe, "police inbox, unknown filter")
