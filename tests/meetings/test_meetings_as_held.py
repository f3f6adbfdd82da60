"""Issue 31, items 1-4: meetings as such Groups hold them.

Through the test client: attendance and apologies (agencies and people) with the quorum;
open actions carried forward onto the next agenda, overdue actions marked and escalated
once to the agency's lead contact (a content-free email); a due date in the past refused;
the decision each agency reads for its actions, checked by the disclosure gate, never the
minutes; and the pack (page and PDF) holding what its reader may see.
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from reporting.audit.models import AuditEvent
from reporting.disclosure.marking import MARKING
from reporting.extensions import db
from reporting.meetings.models import Action, MeetingAgency, MeetingPerson
from tests.helpers import full_answers, minimal_answers, report
from tests.meetings.test_meetings import (
    CANARY, CLEAN, agency_id, make_meeting, pdf_text, post, share, signed_in, summary,
)

GROUP_DECISION = "GROUPONLYDECISION: refer to the council's panel and the police."
MINUTES = "MINUTESONLY: a frank discussion of every agency."
FOR_HOUSING = "The Group asked housing to look at a move for the person."


@pytest.fixture
def mail_app(make_app, smtp_server):  # type: ignore[no-untyped-def]
    host, port, received = smtp_server
    return make_app(MAIL_SERVER=host, MAIL_PORT=port, ACTION_ESCALATION_DAYS=5), received


def item_page(meeting_id: int, item_id: int) -> str:
    return f"/review/meetings/{meeting_id}/items/{item_id}"


def give_action(client, meeting_id: int, item_id: int, agency: int, text: str, *, days: int = 14,
                decision: str = "", reason: str = ""):  # type: ignore[no-untyped-def]
    page = item_page(meeting_id, item_id)
    data = {"action-agency": str(agency), "action-text": text,
            "action-due_on": (date.today() + timedelta(days=days)).isoformat(), "action-decision": decision}
    if reason:
        data["action-override_reason"] = reason
    return post(client, f"{page}/actions", data, page=page)


def attendance(client, meeting_id: int, **fields):  # type: ignore[no-untyped-def]
    data = {f"attendance-{name}": value for name, value in fields.items()}
    return post(client, f"/review/meetings/{meeting_id}/attendance", data, page=f"/review/meetings/{meeting_id}")


def backdate(app, text_days: dict[int, int]) -> None:
    """Let time pass: each action (by id) falls due that many days ago."""
    with app.app_context():
        for action_id, days in text_days.items():
            db.session.get(Action, action_id).due_on = date.today() - timedelta(days=days)
        db.session.commit()


def action_ids(app) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(Action.id).order_by(Action.id)))


def test_attendance_and_apologies_of_agencies_and_people_with_the_quorum(app, make_user, keys):
    reference, _receipt = report(app.test_client(), minimal_answers())
    chair = make_user("reviewer", email="chair@example.org")
    reviewer = signed_in(app, chair)
    officer = make_user("agency", email="officer@example.org")
    make_user("agency", agency="Example school", email="teacher@example.org")
    police = make_user("police", email="liaison@example.org")
    housing, school = agency_id(app), agency_id(app, "Example school")
    meeting_id, _items = make_meeting(app, reviewer, [reference], [housing, school])

    page = reviewer.get(f"/review/meetings/{meeting_id}").get_data(as_text=True)
    assert "Not quorate" in page and "0 agencies attended; the quorum is 2." in page

    # One agency in both lists, or a person not invited: a clear error, nothing changed.
    for bad in ({"attended": [str(housing)], "apologies": [str(housing)]},
                {"people_attended": [str(chair.id)], "people_apologies": [str(chair.id)]},
                {"people_attended": ["999999"]}, {"attended": ["\x00"]}, {"apologies": ["99999999999999999999"]}):
        response = attendance(reviewer, meeting_id, **bad)
        assert response.status_code == 400, bad
        assert "govuk-error-summary" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(MeetingPerson)) == 0
        assert not any(row.attended or row.apologies for row in db.session.scalars(select(MeetingAgency)))

    response = attendance(reviewer, meeting_id, attended=[str(housing)], apologies=[str(school)],
                          people_attended=[str(chair.id), str(officer.id)], people_apologies=[str(police.id)])
    assert response.status_code == 302
    page = reviewer.get(f"/review/meetings/{meeting_id}").get_data(as_text=True)
    assert "Not quorate" in page and "1 agency attended; the quorum is 2." in page
    assert "chair@example.org" in page and "officer@example.org (Example housing association)" in page
    with app.app_context():
        people = dict(db.session.execute(select(MeetingPerson.user_id, MeetingPerson.attendance)).all())
    assert people == {chair.id: "attended", officer.id: "attended", police.id: "apologies"}
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.action).order_by(AuditEvent.seq.desc())) == "meeting.attendance"

    # Both agencies there: quorate.
    attendance(reviewer, meeting_id, attended=[str(housing), str(school)])
    page = reviewer.get(f"/review/meetings/{meeting_id}").get_data(as_text=True)
    assert "Quorate" in page and "Not quorate" not in page


def test_the_quorum_is_configured(make_app, make_user, keys):
    app = make_app(MEETING_QUORUM=1)
    reference, _receipt = report(app.test_client(), minimal_answers())
    reviewer = signed_in(app, make_user("reviewer"))
    make_user("agency")
    housing = agency_id(app)
    meeting_id, _items = make_meeting(app, reviewer, [reference], [housing])
    attendance(reviewer, meeting_id, attended=[str(housing)])
    page = reviewer.get(f"/review/meetings/{meeting_id}").get_data(as_text=True)
    assert "Quorate" in page and "the quorum is 1." in page and "Not quorate" not in page


def test_open_actions_carry_forward_are_marked_overdue_and_escalated_once(mail_app, make_user, keys):
    app, received = mail_app
    reference, _receipt = report(app.test_client(), full_answers(CANARY))
    later_case, _receipt = report(app.test_client(), minimal_answers())
    reviewer = signed_in(app, make_user("reviewer"))
    housing_person = make_user("agency")
    make_user("agency", agency="Example school")
    housing, school = agency_id(app), agency_id(app, "Example school")
    admin = signed_in(app, make_user("admin"))

    first_id, items = make_meeting(app, reviewer, [reference], [housing, school])
    # A due date in the past is refused when the action is given: nothing is written.
    response = give_action(reviewer, first_id, items[reference], housing, "Visit the family", days=-1)
    assert response.status_code == 400
    assert "The due date must be today or in the future" in response.get_data(as_text=True)
    response = post(reviewer, f"/review/meetings/cases/{reference}/actions", {
        "case_action-agency": str(housing), "case_action-text": "Visit", "case_action-due_on": "2001-01-01"},
        page=f"/review/cases/{reference}")
    assert response.status_code == 302
    assert action_ids(app) == []

    for text, agency in (("Check the lighting", housing), ("Talk to the class", school), ("Not yet due", housing)):
        assert give_action(reviewer, first_id, items[reference], agency, text).status_code == 302
    lighting, talk, not_yet = action_ids(app)
    backdate(app, {lighting: 10, talk: 2, not_yet: -5})  # overdue by 10 and 2 days; one due in 5 days

    # The next meeting, about another case: the open actions are on its agenda, overdue ones marked.
    second_id, _items = make_meeting(app, reviewer, [later_case], [housing])
    page = reviewer.get(f"/review/meetings/{second_id}").get_data(as_text=True)
    carried = page[page.index("Open actions carried forward"):page.index("Share the pack")]
    assert reference in carried and "Example housing association" in carried and "Example school" in carried
    assert carried.count(f'#meetings">{reference}</a></th>') == 3
    assert carried.count("Overdue") == 2
    # Closed actions drop off the next agenda.
    agency = signed_in(app, housing_person)
    post(agency, f"/partners/actions/{not_yet}", {"status": "done", "text": ""})
    page = reviewer.get(f"/review/meetings/{second_id}").get_data(as_text=True)
    carried = page[page.index("Open actions carried forward"):page.index("Share the pack")]
    assert carried.count(f'#meetings">{reference}</a></th>') == 2

    # The agency's own page marks its overdue action.
    home = agency.get("/partners/").get_data(as_text=True)
    assert "Check the lighting" in home and "Overdue" in home and "Talk to the class" not in home

    # The lead contact: set by an administrator.
    page = f"/admin/agencies/{housing}"
    response = post(admin, page, {"name": "Example housing association", "kind": "housing",
                                  "contact_email": "housing@example.org", "lead_contact_email": "Lead@Example.org",
                                  "active": "yes"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]

    # Overdue by 5 days or more (ACTION_ESCALATION_DAYS=5): only the lighting, to the lead contact, once.
    result = app.test_cli_runner().invoke(args=["actions", "escalate"])
    assert result.exit_code == 0, result.output
    assert "Escalations sent: 1" in result.output
    assert len(received) == 1
    message = received[0]
    assert message["To"] == "lead@example.org"
    assert "1 action overdue by 5 days" in message["Subject"]
    body = message.get_payload(decode=True).decode()
    for seen in (message["Subject"], body):
        assert CANARY not in seen and reference not in seen and "lighting" not in seen.lower()
    assert "/partners/" in body
    result = app.test_cli_runner().invoke(args=["actions", "escalate"])
    assert "Escalations sent: 0" in result.output and len(received) == 1
    with app.app_context():
        assert db.session.get(Action, lighting).escalated_at is not None
        assert db.session.get(Action, talk).escalated_at is None
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == "action.escalated")) == 1
    assert "Escalated" in reviewer.get(f"/review/meetings/{second_id}").get_data(as_text=True)
    # The school's action, once long overdue, goes to its contact address (no lead contact named).
    backdate(app, {talk: 6})
    result = app.test_cli_runner().invoke(args=["actions", "escalate"])
    assert "Escalations sent: 1" in result.output and received[-1]["To"] == "housing@example.org"


def test_an_escalation_that_was_not_sent_is_tried_again(make_app, make_user, keys):
    app = make_app(ACTION_ESCALATION_DAYS=1)  # no mail server: nothing is sent
    reference, _receipt = report(app.test_client(), minimal_answers())
    reviewer = signed_in(app, make_user("reviewer"))
    make_user("agency")
    housing = agency_id(app)
    meeting_id, items = make_meeting(app, reviewer, [reference], [housing])
    give_action(reviewer, meeting_id, items[reference], housing, "Check the lighting")
    backdate(app, {action_ids(app)[0]: 3})
    result = app.test_cli_runner().invoke(args=["actions", "escalate"])
    assert "Escalations sent: 0" in result.output
    with app.app_context():
        assert db.session.scalar(select(Action.escalated_at)) is None


def test_agencies_read_the_decision_written_for_them_and_never_the_minutes(app, make_user, keys):
    reference, _receipt = report(app.test_client(), full_answers(CANARY))
    reviewer = signed_in(app, make_user("reviewer"))
    housing_person = make_user("agency")
    school_person = make_user("agency", agency="Example school")
    housing, school = agency_id(app), agency_id(app, "Example school")
    meeting_id, items = make_meeting(app, reviewer, [reference], [housing, school])
    summary(reviewer, meeting_id, items[reference], CLEAN)
    assert share(reviewer, meeting_id).status_code == 302
    page = item_page(meeting_id, items[reference])
    post(reviewer, f"{page}/decision", {"decision-decision": GROUP_DECISION}, page=page)
    post(reviewer, f"/review/meetings/{meeting_id}/minutes", {"minutes-minutes": MINUTES},
         page=f"/review/meetings/{meeting_id}")

    # The decision for the agency passes the gate's check: the reporter's name stops it, and the action.
    response = give_action(reviewer, meeting_id, items[reference], housing, "Look at a move",
                           decision=f"Sam {CANARY} is to be moved.")
    assert response.status_code == 400
    page_text = response.get_data(as_text=True)
    assert "may identify someone" in page_text
    assert 'href="#action-decision"' in page_text and 'href="#action-text"' not in page_text  # the decision's words
    assert action_ids(app) == []
    assert give_action(reviewer, meeting_id, items[reference], housing, "Look at a move",
                       decision=FOR_HOUSING).status_code == 302
    assert give_action(reviewer, meeting_id, items[reference], school, "Talk to the class").status_code == 302
    move, talk = action_ids(app)
    with app.app_context():
        disclosed = db.session.scalar(select(func.count()).select_from(AuditEvent)
                                      .where(AuditEvent.action == "disclosure.agency_decision"))
    assert disclosed == 1

    # A decision for the school's action, written later on its own page, checked the same way.
    url = f"{page}/actions/{talk}/decision"
    assert reviewer.get(url).status_code == 200
    for bad in ({"agency_decision-decision": ""}, {"agency_decision-decision": "x\x00y"},
                {"agency_decision-decision": "Call 07700 900982 about it."},
                {"agency_decision-decision": "y" * 2001}):
        response = post(reviewer, url, bad)
        assert response.status_code == 400, bad
        assert "govuk-error-summary" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Action, talk).decision_partners is None
    assert post(reviewer, url, {"agency_decision-decision": "The school is asked to talk to the class."}
                ).status_code == 302
    assert "The school is asked to talk to the class." in reviewer.get(page).get_data(as_text=True)
    timeline = reviewer.get(f"/review/cases/{reference}").get_data(as_text=True)
    assert "Decision shared with Example school" in timeline
    # A reviewer cannot reach an action through another case's page.
    other, _receipt = report(app.test_client(), minimal_answers())
    other_meeting, other_items = make_meeting(app, reviewer, [other], [housing])
    assert reviewer.get(f"{item_page(other_meeting, other_items[other])}/actions/{move}/decision").status_code == 404

    housing_client = signed_in(app, housing_person)
    school_client = signed_in(app, school_person)
    seen_by_housing = "".join(housing_client.get(url).get_data(as_text=True) for url in (
        "/partners/", f"/partners/actions/{move}", f"/partners/meetings/{meeting_id}"))
    seen_by_housing += pdf_text(housing_client.get(f"/partners/meetings/{meeting_id}/pack.pdf").data)
    assert FOR_HOUSING in seen_by_housing
    seen_by_school = "".join(school_client.get(url).get_data(as_text=True) for url in (
        "/partners/", f"/partners/meetings/{meeting_id}"))
    seen_by_school += pdf_text(school_client.get(f"/partners/meetings/{meeting_id}/pack.pdf").data)
    assert "The school is asked to talk to the class." in seen_by_school
    assert FOR_HOUSING not in seen_by_school
    for seen in (seen_by_housing, seen_by_school):
        assert "GROUPONLYDECISION" not in seen and "MINUTESONLY" not in seen and CANARY not in seen
    assert FOR_HOUSING in reviewer.get(f"/review/meetings/{meeting_id}/pack").get_data(as_text=True)


def test_the_pack_holds_what_its_reader_may_see(app, make_user, keys):
    reference, _receipt = report(app.test_client(), full_answers(CANARY))
    reviewer_user = make_user("reviewer", email="chair@example.org")
    reviewer = signed_in(app, reviewer_user)
    housing_person = make_user("agency", email="officer@example.org")
    make_user("agency", agency="Example school")
    housing, school = agency_id(app), agency_id(app, "Example school")

    first_id, items = make_meeting(app, reviewer, [reference], [housing, school])
    page = item_page(first_id, items[reference])
    post(reviewer, f"{page}/decision", {"decision-decision": GROUP_DECISION}, page=page)
    give_action(reviewer, first_id, items[reference], housing, "Check the lighting", decision=FOR_HOUSING)
    give_action(reviewer, first_id, items[reference], school, "Talk to the class")
    backdate(app, {action_ids(app)[0]: 3})

    # The next meeting hears the case again: its summary, the earlier decision, the open actions.
    second_id, second_items = make_meeting(app, reviewer, [reference], [housing, school])
    summary(reviewer, second_id, second_items[reference], CLEAN)
    attendance(reviewer, second_id, attended=[str(housing)], apologies=[str(school)],
               people_attended=[str(reviewer_user.id)], people_apologies=[str(housing_person.id)])
    assert share(reviewer, second_id).status_code == 302

    group = reviewer.get(f"/review/meetings/{second_id}/pack").get_data(as_text=True)
    group_pdf = pdf_text(reviewer.get(f"/review/meetings/{second_id}/pack.pdf").data)
    for seen in (group, group_pdf):
        seen = " ".join(seen.split())
        assert MARKING in seen
        assert "Attendance and apologies" in seen and "Not quorate" in seen
        assert "chair@example.org" in seen and "officer@example.org (Example housing association)" in seen
        assert CLEAN in seen
        assert "Previous decisions" in seen and "GROUPONLYDECISION" in seen
        assert "Check the lighting" in seen and "Talk to the class" in seen
        assert "Carried forward from earlier meetings" in seen
        assert "Overdue" in seen or "OVERDUE" in seen
        assert CANARY not in seen

    agency = signed_in(app, housing_person)
    mine = agency.get(f"/partners/meetings/{second_id}").get_data(as_text=True)
    mine_pdf = pdf_text(agency.get(f"/partners/meetings/{second_id}/pack.pdf").data)
    for seen in (mine, mine_pdf):
        seen = " ".join(seen.split())
        assert MARKING in seen
        assert "Attendance and apologies" in seen and "officer@example.org" in seen
        assert CLEAN in seen and "Check the lighting" in seen and FOR_HOUSING in seen
        assert "Overdue" in seen or "OVERDUE" in seen
        assert "Talk to the class" not in seen  # another agency's action
        assert "Previous decisions" not in seen and "GROUPONLYDECISION" not in seen and CANARY not in seen


@pytest.mark.parametrize("name", ("MEETING_QUORUM", "ACTION_ESCALATION_DAYS"))
@pytest.mark.parametrize("value", ("-1", "two", ""))
def test_the_quorum_and_escalation_days_must_be_whole_numbers(make_app, name, value):
    from reporting.config import ConfigError

    with pytest.raises(ConfigError, match=f"REPORTING_{name}"):
        make_app(**{name: value})
