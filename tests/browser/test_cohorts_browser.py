"""Each quarter's reports followed to their outcomes (issue 30 item 5) in a real browser: the
chart loads as an image from this service, its figures are in a real table with a caption and
headers, the wide table scrolls inside its own region at phone width, and the page is axe clean
at phone and desktop widths."""
from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from reporting.extensions import db
from tests.browser.pages import shoot
from tests.stats import fixture

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.browser.conftest import Axe, StaffServer

pytestmark = pytest.mark.browser

RANGE = "?first=2024-04&last=2026-03"


def test_the_cohort_chart_and_its_table(staff_server: StaffServer, page: Page, axe: Axe):
    with staff_server.app.app_context():
        fixture.build()
        db.session.remove()
    analyst = staff_server.add_user("analyst", "analyst@example.org")
    staff_server.sign_in(page, analyst)
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(staff_server("/stats/" + RANGE))
        page.wait_for_load_state("networkidle")
        section = page.locator("section[aria-labelledby='chart-cohorts']")
        assert section.get_by_role("heading", name="Reports followed to their outcomes").is_visible()
        image = section.locator("img")
        assert image.evaluate("img => img.complete && img.naturalWidth > 0")
        assert "10 (23%) were passed to the police" in image.get_attribute("alt")
        table = section.get_by_role("table", name="Each quarter's reports followed to their outcomes")
        assert table.locator("th[scope=col]").count() == 16
        assert table.locator("tbody th[scope=row]").count() == 9
        assert table.locator("tbody tr").last.locator("th").inner_text() == "All these quarters"
        # The wide table scrolls in its own region: the page itself does not scroll sideways.
        region = section.get_by_role("region", name="Each quarter's reports followed to their outcomes")
        assert region.is_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        shoot(section, f"cohorts-{width}")
        axe.check(page, f"/stats/ with the cohort table at {width}px")
        page.goto(staff_server("/stats/open-data"))
        # Open data's cohort is final, under its own title (each quarter six months after its end).
        final = page.get_by_role("table", name="Each quarter's reports followed for 6 months after the quarter's end")
        assert final.is_visible()
        assert page.get_by_role("table", name="Each quarter's reports followed to their outcomes").count() == 0
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        shoot(final, f"cohorts-open-data-{width}")
        axe.check(page, f"/stats/open-data with the cohort table at {width}px")
