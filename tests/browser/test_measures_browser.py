"""Issue 30 in a real browser: the statistics page with a period "to date" and the two measures of
the Group's work, and the police's page of crime references that disagree (list, settle, its error),
axe clean at phone and desktop widths."""
from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from sqlalchemy import text

from reporting.extensions import db
from tests.browser.pages import shoot
from tests.stats.test_measures_on_the_right_day import build_world

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.browser.conftest import Axe, StaffServer

pytestmark = pytest.mark.browser



def test_to_date_periods_and_disagreeing_crime_references(staff_server: StaffServer, page: Page, axe: Axe):
    world = build_world(staff_server.app)
    analyst = staff_server.add_user("analyst", "analyst@example.org")
    staff_server.sign_in(page, analyst)
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(staff_server("/stats/"))
        main = page.locator("main").inner_text()
        assert "(to date)" in main and "is not over yet" in main
        assert "Cases heard at a meeting of the Group" in main
        shoot(page, f"stats-{width}")
        shoot(page.locator("section[aria-labelledby='chart-trend']"), f"trend-{width}")
        shoot(page.locator("#table-measures_by_quarter"), f"measures-{width}")
        shoot(page.locator("#table-by_quarter"), f"quarters-{width}")
        axe.check(page, f"/stats/ at {width}px")
    page.context.clear_cookies()

    police = staff_server.add_user("police", "police@example.org")
    staff_server.sign_in(page, police)
    page.goto(staff_server("/police/extracts/"))
    page.set_input_files("#import-file", files=[{
        "name": "matches.csv", "mimeType": "text/csv",
        "buffer": f"reference,crime_reference\n{world.references['D']},22/77777/26\n".encode()}])
    page.get_by_role("button", name="Import matches").click()
    assert "disagree with the crime reference a referral already brought back" in page.locator("main").inner_text()
    with staff_server.app.app_context():
        match_id = db.session.execute(text("SELECT id FROM police_matches")).scalar_one()
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(staff_server("/police/extracts/mismatches"))
        assert world.references["D"] in page.locator("main").inner_text()
        shoot(page, f"mismatches-{width}")
        axe.check(page, f"mismatches at {width}px")
        page.goto(staff_server(f"/police/extracts/mismatches/{match_id}"))
        page.get_by_role("button", name="Settle").click()
        assert "Select which crime reference stands" in page.locator(".govuk-error-summary").inner_text()
        shoot(page, f"settle-error-{width}")
        axe.check(page, f"settle error at {width}px")
    page.get_by_label("Take the extract's: 22/77777/26").check()
    page.get_by_role("button", name="Settle").click()
    assert "the crime reference is now 22/77777/26" in page.locator("main").inner_text()
    page.goto(staff_server("/police/extracts/"))
    shoot(page, "extracts-1280")
