"""Issue 31 in a real browser: meetings as such Groups hold them, one journey per item.

1. The chair records who attended and who sent apologies (agencies and people) and sees the quorum.
2. An open action from the last meeting is on the next agenda, marked overdue there and on the
   agency's page, escalated once to the lead contact; a due date in the past is refused.
3. The Group writes the decision an agency reads beside its action (checked first); the agency
   never reads the minutes.
4. The pack shows attendance and apologies, the summaries, the previous decisions, open and
   overdue actions and the protective marking; an agency's pack holds only what is its own.
axe-core on every page, at a phone's width and a desktop's.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

import pytest

from tests.browser.pages import follow, group, heading, main_text, press
from tests.helpers import full_answers, report

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

    from tests.browser.conftest import Axe, StaffServer

pytestmark = pytest.mark.browser

CANARY = "HELDCANARY5"
NARROW = {"width": 375, "height": 812}
WIDE = {"width": 1280, "height": 900}
SUMMARY = "Abuse shouted at a bus stop in the evening; the person wants help to feel safe going out."
GROUP_DECISION = "GROUPONLY: the Group will ask the council panel and the police to look again."
MINUTES = "MINUTESONLY: a frank discussion of each agency's part."
HOUSING = "Example Housing Association"
SCHOOL = "Example Secondary School"


def both_widths(page: Page, axe: Axe, what: str) -> None:
    for size in (NARROW, WIDE):
        page.set_viewport_size(size)  # type: ignore[arg-type]
        axe.check(page, f"{what} at {size['width']} px")


@dataclass
class Held:
    """Two meetings: the earlier one (its decision, an action for each agency, minutes) and the next."""

    reference: str
    earlier: int
    earlier_item: int
    meeting: int
    item: int
    housing: int
    school: int
    housing_action: int
    school_action: int
    chair: str
    officer: str


def hold_meetings(server: StaffServer, *, overdue_days: int = 10, share: bool = True) -> Held:
    """The state each journey starts from, made through the services as a second reviewer
    (so the people signing in below keep their own sign-in codes)."""
    from sqlalchemy import select

    from reporting.auth.models import User
    from reporting.auth.services import sign_in_with_password
    from reporting.extensions import db
    from reporting.keys import services as key_services
    from reporting.keys.keyring import Keyring
    from reporting.meetings import queries, services
    from reporting.meetings.models import Action, AgencyKind
    from reporting.reports.models import Report
    from reporting.settings import current_settings
    from tests.browser.conftest import STAFF_PASSWORD

    reference, _ = report(server.app.test_client(), full_answers(CANARY))
    chair = server.add_user("reviewer", "chair@example.org")
    server.add_user("reviewer", "setup@example.org")
    with server.app.test_request_context():  # the check reads the report's answers as a page would
        settings = current_settings()
        housing = services.save_agency(services.AgencyData(HOUSING, AgencyKind.HOUSING, "housing@example.org"),
                                       actor="test")
        school = services.save_agency(services.AgencyData(SCHOOL, AgencyKind.SCHOOL, "school@example.org"),
                                      actor="test")
        officer = services.add_agency_user(housing, email="officer@example.org", password=STAFF_PASSWORD,
                                           actor="test", settings=settings)
        officer.must_change_password = False
        key_services.grant_with_recovery(officer, server.recovery_text)
        setup, personal = sign_in_with_password("setup@example.org", STAFF_PASSWORD, client="test", settings=settings)
        keyring = Keyring(setup, personal)
        case = db.session.scalar(select(Report).where(Report.reference == reference))
        today = date.today()
        earlier = services.create_meeting(actor=setup, held_on=today - timedelta(days=30), place="Shirehall, room 1",
                                          agency_ids=[housing.id, school.id], report_ids=[case.id])
        earlier_item = queries.items(earlier)[0][0]
        services.write_summary(earlier_item, "Abuse at a bus stop, first heard.", actor=setup)
        services.record_decision(earlier_item, GROUP_DECISION, actor=setup)
        services.save_minutes(earlier, MINUTES, actor=setup)
        services.share_pack(earlier, actor=setup, keyring=keyring)
        given = today - timedelta(days=30)
        housing_action = services.open_action(case, housing, "Look at better lighting by the bus stop",
                                              given + timedelta(days=30 - overdue_days), actor=setup, keyring=keyring,
                                              meeting=earlier, today=given)
        school_action = services.open_action(case, school, "Talk to the class about respect",
                                             today + timedelta(days=7), actor=setup, keyring=keyring, meeting=earlier,
                                             today=given)
        meeting = services.create_meeting(actor=setup, held_on=today + timedelta(days=1), place="Shirehall, room 2",
                                          agency_ids=[housing.id, school.id], report_ids=[case.id])
        item = queries.items(meeting)[0][0]
        services.write_summary(item, SUMMARY, actor=setup)
        if share:
            services.share_pack(meeting, actor=setup, keyring=keyring)
        db.session.commit()
        assert earlier.shared_at is not None and (meeting.shared_at is not None or not share)
        assert db.session.get(Action, housing_action.id) is not None
        assert db.session.scalar(select(User.id).where(User.email == chair)) is not None
        return Held(reference, earlier.id, earlier_item.id, meeting.id, item.id, housing.id, school.id,
                    housing_action.id, school_action.id, chair, "officer@example.org")


def test_item_1_attendance_apologies_and_the_quorum(
    staff_server: StaffServer, new_context: Callable[..., BrowserContext], axe: Axe
) -> None:
    held = hold_meetings(staff_server)
    page = new_context().new_page()
    staff_server.sign_in(page, held.chair)
    page.goto(staff_server(f"/review/meetings/{held.meeting}"))
    assert "Not quorate" in main_text(page)
    both_widths(page, axe, "meeting, no attendance yet")

    # The same agency ticked twice: a clear error, nothing saved.
    group(page, "Agencies that attended").get_by_label(HOUSING).check()
    group(page, "Agencies that sent apologies").get_by_label(HOUSING).check()
    press(page, "Save attendance and apologies")
    assert "There is a problem" in main_text(page)
    assert "An agency either attended or sent apologies" in main_text(page)
    both_widths(page, axe, "attendance with an error")

    group(page, "Agencies that sent apologies").get_by_label(HOUSING).uncheck()
    group(page, "Agencies that sent apologies").get_by_label(SCHOOL).check()
    group(page, "People who attended").get_by_label("chair@example.org").check()
    group(page, "People who attended").get_by_label(f"officer@example.org ({HOUSING})").check()
    group(page, "People who sent apologies").get_by_label("setup@example.org").check()
    press(page, "Save attendance and apologies")
    text = main_text(page)
    assert "Attendance and apologies saved." in text
    assert "Not quorate" in text and "1 agency attended; the quorum is 2." in text
    assert f"officer@example.org ({HOUSING})" in text
    both_widths(page, axe, "meeting with attendance and apologies")

    group(page, "Agencies that sent apologies").get_by_label(SCHOOL).uncheck()
    group(page, "Agencies that attended").get_by_label(SCHOOL).check()
    press(page, "Save attendance and apologies")
    assert "Quorate" in main_text(page) and "Not quorate" not in main_text(page)


def test_item_2_open_actions_carry_forward_are_marked_overdue_and_escalated(
    staff_server: StaffServer, new_context: Callable[..., BrowserContext], axe: Axe
) -> None:
    held = hold_meetings(staff_server, overdue_days=20)
    page = new_context().new_page()
    staff_server.sign_in(page, held.chair)

    # A due date in the past is refused when the action is given.
    page.goto(staff_server(f"/review/meetings/{held.meeting}/items/{held.item}"))
    page.get_by_label("Agency asked").select_option(label=HOUSING)
    page.get_by_label("What is asked").fill("Visit the family")
    page.get_by_label("Due date").fill((date.today() - timedelta(days=1)).isoformat())
    press(page, "Give the action")
    assert "The due date must be today or in the future" in main_text(page)
    both_widths(page, axe, "an action due in the past, refused")

    # The next meeting's agenda carries both open actions, the overdue one marked.
    page.goto(staff_server(f"/review/meetings/{held.meeting}"))
    carried = page.locator("table.app-carried")
    assert carried.get_by_role("row").count() == 3  # the header and two actions
    overdue_row = carried.get_by_role("row").filter(has_text=HOUSING)
    assert "Overdue" in overdue_row.inner_text()
    assert "Overdue" not in carried.get_by_role("row").filter(has_text=SCHOOL).inner_text()
    both_widths(page, axe, "agenda with actions carried forward")

    # Escalated once to the agency's lead contact (no mail server here: the run records nothing).
    from reporting.extensions import db
    from reporting.meetings import services
    from reporting.meetings.models import Action

    result = staff_server.app.test_cli_runner().invoke(args=["actions", "escalate"])
    assert result.exit_code == 0 and "Escalations sent: 0" in result.output
    with staff_server.app.app_context():  # as a run that reached the mail server records it
        services.mark_escalated([db.session.get(Action, held.housing_action)])
        db.session.commit()
    page.reload()
    assert "Escalated" in page.locator("table.app-carried").inner_text()

    officer = new_context().new_page()
    staff_server.sign_in(officer, held.officer)
    assert officer.url.endswith("/partners/")
    text = main_text(officer)
    assert "Look at better lighting by the bus stop" in text and "Overdue" in text
    assert "Escalated to your lead contact" in text
    assert "Talk to the class" not in text
    both_widths(officer, axe, "agency page with an overdue action")


def test_item_3_agencies_read_the_decision_written_for_them_never_the_minutes(
    staff_server: StaffServer, new_context: Callable[..., BrowserContext], axe: Axe
) -> None:
    held = hold_meetings(staff_server)
    page = new_context().new_page()
    staff_server.sign_in(page, held.chair)
    page.goto(staff_server(f"/review/meetings/{held.earlier}/items/{held.earlier_item}"))
    follow(page, page.get_by_role("link", name=f"Share the decision with the agency {HOUSING}"))
    assert heading(page) == f"The decision for {HOUSING}"
    both_widths(page, axe, "decision for an agency")

    # The check stops the reporter's name; the decision goes once the words are changed.
    page.get_by_label("The decision, as this agency may read it").fill(f"Sam {CANARY} is to be moved.")
    press(page, "Check and share the decision")
    assert "may identify someone" in main_text(page)
    both_widths(page, axe, "decision for an agency, stopped by the check")
    page.get_by_label("The decision, as this agency may read it").fill("The Group asked housing to look at the lighting.")
    press(page, "Check and share the decision")
    assert f"Decision shared with {HOUSING}." in main_text(page)
    assert "Decision shared with the agency: The Group asked housing to look at the lighting." in main_text(page)

    officer = new_context().new_page()
    staff_server.sign_in(officer, held.officer)
    text = main_text(officer)
    assert "The Group's decision for your agency: The Group asked housing to look at the lighting." in text
    both_widths(officer, axe, "agency page with its decision")
    seen = text
    for path in (f"/partners/meetings/{held.earlier}", f"/partners/meetings/{held.meeting}",
                 f"/partners/actions/{held.housing_action}"):
        officer.goto(staff_server(path))
        seen += main_text(officer)
    for hidden in ("GROUPONLY", "MINUTESONLY", CANARY, "Talk to the class"):
        assert hidden not in seen, hidden


def test_item_4_the_pack_holds_what_its_reader_may_see(
    staff_server: StaffServer, new_context: Callable[..., BrowserContext], axe: Axe
) -> None:
    held = hold_meetings(staff_server)
    page = new_context().new_page()
    staff_server.sign_in(page, held.chair)
    page.goto(staff_server(f"/review/meetings/{held.meeting}"))
    group(page, "Agencies that attended").get_by_label(HOUSING).check()
    group(page, "Agencies that sent apologies").get_by_label(SCHOOL).check()
    group(page, "People who attended").get_by_label("chair@example.org").check()
    press(page, "Save attendance and apologies")
    follow(page, page.get_by_role("link", name="Read or print the pack"))
    text = " ".join(main_text(page).split())
    assert "OFFICIAL-SENSITIVE" in text
    assert "Attendance and apologies" in text and "Not quorate" in text and "chair@example.org" in text
    assert SUMMARY in text and GROUP_DECISION in text
    assert "Look at better lighting by the bus stop" in text and "Talk to the class about respect" in text
    assert "Carried forward from earlier meetings" in text and "Overdue" in text
    both_widths(page, axe, "the Group's pack")
    pdf = page.request.get(staff_server(page.get_by_role("link", name="Download the pack (PDF)").get_attribute("href")))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"

    officer = new_context().new_page()
    staff_server.sign_in(officer, held.officer)
    follow(officer, officer.get_by_role("link", name=f"Meeting {held.meeting}, ", exact=False))
    text = " ".join(main_text(officer).split())
    assert "OFFICIAL-SENSITIVE" in text
    assert "Attendance and apologies" in text and SUMMARY in text
    assert "Your agency's open actions" in text and "Look at better lighting by the bus stop" in text
    assert "Overdue" in text
    for hidden in ("GROUPONLY", "MINUTESONLY", "Previous decisions", "Talk to the class", CANARY):
        assert hidden not in text, hidden
    both_widths(officer, axe, "an agency's pack")
