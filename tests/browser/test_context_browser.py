"""Context for a rise in a real browser: the initiatives pages and the area populations page
(with their error states) are axe clean at phone and desktop widths, an initiative typed in
shows on the statistics page, and the trend chart keeps its table, which names it."""
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



def test_initiatives_and_populations_in_a_browser(staff_server: StaffServer, page: Page, axe: Axe):
    with staff_server.app.app_context():
        fixture.build()
        db.session.remove()
    admin = staff_server.add_user("admin", "admin@example.org")
    staff_server.sign_in(page, admin)
    # An initiative, first with a mistake: the error summary, then saved.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(staff_server("/stats/initiatives/new"))
    page.get_by_label("Title").fill("Hate Crime Awareness Week 2025")
    page.get_by_label("Hate Crime Awareness Week").check()
    page.get_by_label("Start date").fill("2025-10-11")
    page.get_by_label("End date (optional)").fill("2025-10-01")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the initiative").click()
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "The end date must be the same as or after the start date" in summary.inner_text()
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        shoot(page, f"initiative-error-{width}")
        axe.check(page, f"initiative with an error at {width}px")
    page.get_by_label("End date (optional)").fill("2025-10-18")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the initiative").click()
    assert page.url.endswith("/stats/initiatives/")
    assert "11 October 2025 to 18 October 2025" in page.locator("main").inner_text()
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        shoot(page, f"initiatives-{width}")
        axe.check(page, f"/stats/initiatives/ at {width}px")
    # The page that asks before removing one.
    page.get_by_role("link", name="Remove Hate Crime Awareness Week 2025").click()
    assert page.get_by_role("button", name="Remove the initiative").is_visible()
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        shoot(page, f"remove-initiative-{width}")
        axe.check(page, f"removing an initiative at {width}px")
    page.get_by_role("link", name="Keep it").click()
    # A population, with a mistake first.
    page.goto(staff_server("/admin/populations/"))
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        shoot(page, f"populations-{width}")
        axe.check(page, f"/admin/populations/ at {width}px")
    page.goto(staff_server("/admin/populations/shrewsbury"))
    page.get_by_label("Residents").fill("lots")
    page.get_by_label("Source").fill("Census 2021")
    page.get_by_label("Year of the figure").fill("2021")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the population").click()
    assert "Enter a whole number, like 48,500" in page.locator(".govuk-error-summary").inner_text()
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        shoot(page, f"population-error-{width}")
        axe.check(page, f"population with an error at {width}px")
    page.get_by_label("Residents").fill("76,800")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the population").click()
    assert "76,800" in page.locator("main").inner_text()
    # The statistics: the chart's table names the initiative; the context section is there.
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(staff_server("/stats/" + RANGE))
        page.wait_for_load_state("networkidle")
        chart = page.locator("section[aria-labelledby='chart-trend']")
        assert chart.locator("img").evaluate("img => img.complete && img.naturalWidth > 0")
        table = chart.locator("table#table-by_month")
        assert "Initiatives running" in table.locator("thead").inner_text()
        assert "Hate Crime Awareness Week 2025" in table.inner_text()
        area = page.locator("table#table-by_area")
        assert "Reports per 1,000 residents" in area.inner_text()
        assert page.get_by_role("heading", name="Context for a rise").is_visible()
        assert page.get_by_role("table", name="Reports per 1,000 residents by area").is_visible()
        shoot(page, f"stats-{width}")
        axe.check(page, f"/stats/ with context at {width}px")
