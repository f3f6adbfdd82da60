"""Statistics in a real browser: every statistics page (and its error states) is axe clean at
phone and desktop widths, the charts load as images from this service only, and each chart's
figures are in a real table beside it."""
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



def test_statistics_pages_are_accessible_and_charts_have_real_tables(staff_server: StaffServer, page: Page, axe: Axe):
    with staff_server.app.app_context():
        fixture.build()
        db.session.remove()
    analyst = staff_server.add_user("analyst", "analyst@example.org")
    staff_server.sign_in(page, analyst)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(staff_server("/stats/" + RANGE))
        page.wait_for_load_state("networkidle")
        assert page.get_by_role("heading", name="Statistics", exact=True).is_visible()
        # Every chart image loaded (an SVG from this service) and sits beside a real table.
        for name, table_id in (("trend", "by_month"), ("strand", "by_strand"), ("area", "by_area")):
            chart = page.locator(f"section[aria-labelledby='chart-{name}']")
            image = chart.locator("img")
            assert image.evaluate("img => img.complete && img.naturalWidth > 0"), name
            assert image.get_attribute("alt")
            table = chart.locator(f"table#table-{table_id}")
            assert table.locator("caption").inner_text()
            assert table.locator("th[scope=col]").count() >= 2
            assert table.locator("tbody th[scope=row]").count() >= 2
        assert page.get_by_role("table", name="Reports by area").is_visible()
        shoot(page, f"stats-{width}")
        axe.check(page, f"/stats/ at {width}px")
        assert "OFFICIAL-SENSITIVE: not for publication" in page.locator("main").inner_text()
        page.goto(staff_server("/stats/open-data"))
        assert "<5" in page.locator("main").inner_text()
        assert "OFFICIAL-SENSITIVE" not in page.locator("main").inner_text()
        shoot(page, f"open-data-{width}")
        axe.check(page, f"/stats/open-data at {width}px")
        # Chosen dates are refused for open data: an accessible error, no figures.
        page.goto(staff_server("/stats/open-data" + RANGE))
        assert page.locator(".govuk-error-summary").is_visible()
        assert page.locator("table").count() == 0
        shoot(page, f"open-data-refused-{width}")
        axe.check(page, f"/stats/open-data with dates at {width}px")
    assert all(url.startswith(staff_server.live.url) for url in requests), "a request left the service"
    # A filter that cannot be: the error summary, accessible, and no figures.
    page.goto(staff_server("/stats/?first=2026-03&last=2024-04"))
    assert page.locator(".govuk-error-summary").is_visible()
    axe.check(page, "/stats/ with a bad filter")
    # The filters work without JavaScript too: a plain GET form.
    page.goto(staff_server("/stats/" + RANGE))
    page.get_by_label("Area", exact=True).select_option(label="Shrewsbury")
    with page.expect_navigation():
        page.get_by_role("button", name="Apply").click()
    assert "area=shrewsbury" in page.url
    assert "19 reports" in page.locator("main").inner_text()


def test_police_extract_page_and_its_import_errors_are_accessible(staff_server: StaffServer, page: Page, axe: Axe):
    with staff_server.app.app_context():
        fixture.build()
        db.session.remove()
    officer = staff_server.add_user("police", "officer@example.org")
    staff_server.sign_in(page, officer)
    page.goto(staff_server("/police/extracts/"))
    axe.check(page, "/police/extracts/")
    page.get_by_label("Quarter").select_option(label="2025/26 Q2")
    with page.expect_navigation():
        page.get_by_role("button", name="Prepare").click()
    assert page.get_by_role("link", name="Download CSV 2025/26 Q2").is_visible()
    assert page.get_by_role("link", name="Download the counts of reports not listed 2025/26 Q2").is_visible()
    assert "OFFICIAL-SENSITIVE: not for publication" in page.locator("main").inner_text()
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        shoot(page, f"police-extracts-{width}")
    axe.check(page, "/police/extracts/ with an extract")
    page.set_input_files("input[type=file]", files=[{"name": "matches.csv", "mimeType": "text/csv",
                                                     "buffer": b"reference,crime_reference\nHC-99-NOSUCH,22/1/25\n"}])
    with page.expect_navigation():
        page.get_by_role("button", name="Import matches").click()
    assert "Row 2" in page.locator(".govuk-error-summary").inner_text()
    shoot(page, "police-extracts-error")
    axe.check(page, "/police/extracts/ with import problems")
