"""Issue 14: the Group's meetings, partner agencies and their actions.

Through the test client, as people would use it: flag cases, create a meeting,
write summaries (the check warns on the reporter's name or phone number), share
the pack, a person at the invited agency reads it and updates an action; the
reviewer sees the update on the case timeline. A canary typed into every
identifying answer appears nowhere an agency or an email can see.
"""
from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from reporting.audit.models import AuditEvent
from reporting.extensions import db
from reporting.meetings import queries
from reporting.meetings.models import Action, Agency, Meeting, MeetingItem
from reporting.disclosure.identifying import MatchKind, find_identifying, kinds, report_terms
from reporting.reports.models import Report
from tests.helpers import csrf_token, full_answers, minimal_answers, report, sign_in

CANARY = "MEETCANARY9"
PHONE = "07700 900982"  # the phone number full_answers() gives
CLEAN = "Verbal abuse in the street in Shrewsbury; the person is afraid to go out and asks for help."


@pytest.fixture
def mail_app(make_app, smtp_server):  # type: ignore[no-untyped-def]
    host, port, received = smtp_server
    return make_app(MAIL_SERVER=host, MAIL_PORT=port), received


def signed_in(app, user):  # type: ignore[no-untyped-def]
    client = app.test_client()
    sign_in(client, app, user.email)
    return client


def post(client, url, data, *, page=None):  # type: ignore[no-untyped-def]
    token = csrf_token(client, page or url)
    return client.post(url, data={"csrf_token": token, **data})


def report_id(app, reference: str) -> int:
    with app.app_context():
        return int(db.session.scalar(select(Report.id).where(Report.reference == reference)))


def agency_id(app, name: str = "Example housing association") -> int:
    with app.app_context():
        return int(db.session.scalar(select(Agency.id).where(Agency.name == name)))


def flag(client, reference: str):  # type: ignore[no-untyped-def]
    return post(client, f"/review/meetings/cases/{reference}/flag", {"meeting_flag-flagged": "yes"},
                page=f"/review/cases/{reference}")


def make_meeting(app, client, references: list[str], agencies: list[int]) -> tuple[int, dict[str, int]]:
    for reference in references:
        assert flag(client, reference).status_code == 302
    response = post(client, "/review/meetings/new", {
        "held_on": "2026-12-03", "place": "Shirehall, room 2",
        "agencies": [str(a) for a in agencies], "cases": [str(report_id(app, r)) for r in references],
    })
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    meeting_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    with app.app_context():
        items = {ref: item_id for item_id, ref in db.session.execute(
            select(MeetingItem.id, Report.reference).join(Report, Report.id == MeetingItem.report_id)
            .where(MeetingItem.meeting_id == meeting_id))}
    return meeting_id, items


def summary(client, meeting_id: int, item_id: int, text: str):  # type: ignore[no-untyped-def]
    page = f"/review/meetings/{meeting_id}/items/{item_id}"
    return post(client, f"{page}/summary", {"summary-summary": text}, page=page)


def share(client, meeting_id: int, **data):  # type: ignore[no-untyped-def]
    return post(client, f"/review/meetings/{meeting_id}/share", data, page=f"/review/meetings/{meeting_id}")


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def test_agenda_to_minutes_and_the_agency_sees_only_its_own(mail_app, make_user, keys):
    app, received = mail_app
    heard, _receipt = report(app.test_client(), full_answers(CANARY))
    second, _receipt = report(app.test_client(), minimal_answers())
    unflagged, _receipt = report(app.test_client(), minimal_answers())
    reviewer = signed_in(app, make_user("reviewer"))
    housing = make_user("agency")  # Example housing association, granted the partners' key
    school = make_user("agency", agency="Example school")
    housing_id, school_id = agency_id(app), agency_id(app, "Example school")

    # The flag shows on the case page and as a queue filter.
    flag(reviewer, heard)
    assert "For the next meeting" in reviewer.get(f"/review/cases/{heard}").get_data(as_text=True)
    flag(reviewer, second)
    queue = reviewer.get("/review/?next_meeting=yes").get_data(as_text=True)
    assert heard in queue and second in queue and unflagged not in queue

    # Only the housing association is invited.
    meeting_id, items = make_meeting(app, reviewer, [heard, second], [housing_id])
    assert reviewer.get("/review/?next_meeting=yes").get_data(as_text=True).count("HC-") == 0  # flags cleared

    # The report is shown beside the summary without its identifying answers.
    beside = reviewer.get(f"/review/meetings/{meeting_id}/items/{items[heard]}").get_data(as_text=True)
    assert "A man shouted at me in the street" in beside
    assert f"Sam {CANARY}" not in beside and PHONE not in beside and f"{CANARY}@example.org" not in beside

    # The check warns on the reporter's name, and again on their phone number; nothing is shared.
    assert summary(reviewer, meeting_id, items[heard], f"Sam {CANARY} was shouted at.").status_code == 302
    assert summary(reviewer, meeting_id, items[second], "Graffiti on a bus shelter.").status_code == 302
    warned = share(reviewer, meeting_id)
    assert warned.status_code == 400
    assert "the reporter&#39;s name" in warned.get_data(as_text=True) or "the reporter's name" in warned.get_data(as_text=True)
    summary(reviewer, meeting_id, items[heard], f"Call them on {PHONE} after six.")
    warned = share(reviewer, meeting_id).get_data(as_text=True)
    assert "a phone number" in warned
    with app.app_context():
        assert db.session.get(Meeting, meeting_id).shared_at is None

    # A clean summary shares; a decision makes the case heard; an action goes to the agency.
    summary(reviewer, meeting_id, items[heard], CLEAN)
    assert share(reviewer, meeting_id).status_code == 302
    item_page = f"/review/meetings/{meeting_id}/items/{items[heard]}"
    post(reviewer, f"{item_page}/decision", {"decision-decision": "Refer to housing for a move."}, page=item_page)
    due = (date.today() + timedelta(days=14)).isoformat()
    response = post(reviewer, f"{item_page}/actions", {"action-agency": str(housing_id),
                    "action-text": "Look at a management transfer", "action-due_on": due}, page=item_page)
    assert response.status_code == 302
    post(reviewer, f"/review/meetings/{meeting_id}/minutes", {"minutes-minutes": "Two cases heard."},
         page=f"/review/meetings/{meeting_id}")
    with app.app_context():
        assert queries.heard_report_ids(date(2026, 12, 1), date(2026, 12, 31)) == {report_id(app, heard)}
        assert queries.heard_report_ids(date(2027, 1, 1), date(2027, 1, 31)) == set()

    # The agency user reads the pack (page and PDF) and its action; no canary anywhere.
    agency = signed_in(app, housing)
    home = agency.get("/partners/").get_data(as_text=True)
    assert f"Meeting {meeting_id}" in home and "Look at a management transfer" in home
    pack = agency.get(f"/partners/meetings/{meeting_id}")
    assert pack.status_code == 200
    page = pack.get_data(as_text=True)
    assert CLEAN in page and "Graffiti on a bus shelter." in page
    assert "Refer to housing for a move." not in page and "Two cases heard." not in page  # Group only
    download = agency.get(f"/partners/meetings/{meeting_id}/pack.pdf")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    text = pdf_text(download.data)
    assert "Verbal abuse in the street" in text
    for seen in (home, page, text):
        assert CANARY not in seen and PHONE not in seen
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "meeting.pack_download")) is not None

    # The agency updates its action; the reviewer sees it on the case timeline.
    with app.app_context():
        action_id = int(db.session.scalar(select(Action.id)))
    url = f"/partners/actions/{action_id}"
    assert post(agency, url, {"status": "done", "text": "Transfer offered on 2 December."}).status_code == 302
    timeline = reviewer.get(f"/review/cases/{heard}").get_data(as_text=True)
    assert "Example housing association marked an action done" in timeline
    assert "Transfer offered on 2 December." in timeline
    assert f"Heard at meeting {meeting_id}" in timeline

    # The school was not invited: no pack, no action; never a case, the queue or a referral.
    school_client = signed_in(app, school)
    assert school_client.get(f"/partners/meetings/{meeting_id}").status_code == 404
    assert school_client.get(f"/partners/meetings/{meeting_id}/pack.pdf").status_code == 404
    assert school_client.get(url).status_code == 404
    assert "Look at a management transfer" not in school_client.get("/partners/").get_data(as_text=True)
    for refused in ("/review/", f"/review/cases/{heard}", f"/review/meetings/{meeting_id}", "/admin/",
                    f"/review/meetings/{meeting_id}/pack.pdf"):
        assert agency.get(refused).status_code == 403, refused
    assert school_id != housing_id

    # A summary changed after sharing takes the pack back until it is checked and shared again.
    summary(reviewer, meeting_id, items[second], "Graffiti; call 01743 123456 for details.")
    assert agency.get(f"/partners/meetings/{meeting_id}").status_code == 404
    assert "a phone number" in share(reviewer, meeting_id).get_data(as_text=True)
    assert agency.get(f"/partners/meetings/{meeting_id}").status_code == 404
    assert share(reviewer, meeting_id, **{"share-override_reason": "The agency needs the number"}).status_code == 302
    assert "01743 123456" in agency.get(f"/partners/meetings/{meeting_id}").get_data(as_text=True)


def test_reminders_reach_smtp_without_content(mail_app, make_user, keys):
    app, received = mail_app
    reference, _receipt = report(app.test_client(), full_answers(CANARY))
    reviewer = signed_in(app, make_user("reviewer"))
    make_user("agency")
    housing_id = agency_id(app)
    for text, days in (("Visit the family", 1), ("Second thing", 0), ("Later", 10)):
        response = post(reviewer, f"/review/meetings/cases/{reference}/actions", {
            "case_action-agency": str(housing_id), "case_action-text": text,
            "case_action-due_on": (date.today() + timedelta(days=days)).isoformat()}, page=f"/review/cases/{reference}")
        assert response.status_code == 302
    with app.app_context():  # a due date in the past is refused when given: time passes instead
        first = db.session.scalar(select(Action).order_by(Action.id))
        first.due_on = date.today() - timedelta(days=3)
        db.session.commit()
    # Overdue actions are marked in the Group's view.
    assert "Overdue" in reviewer.get("/review/meetings/").get_data(as_text=True)
    result = app.test_cli_runner().invoke(args=["actions", "remind"])
    assert result.exit_code == 0, result.output
    assert "Reminders sent: 1" in result.output
    assert len(received) == 1
    message = received[0]
    assert message["To"] == "housing@example.org"
    assert "2 actions are due" in message["Subject"]
    body = message.get_payload(decode=True).decode()
    for seen in (message["Subject"], body):
        assert CANARY not in seen and reference not in seen and "Visit" not in seen and "Second" not in seen


def test_the_check_finds_name_phone_email_and_postcode():
    answers = {"name": "Sam Okafor", "phone": "07700 900982", "email": "sam@example.org",
               "place_description": "by the flats, SY1 1AA"}
    terms = report_terms(answers)

    def found(text: str) -> list[MatchKind]:
        return kinds(find_identifying(text, terms))

    assert found(CLEAN) == []
    assert found("Okafor was followed home") == [MatchKind.REPORTER]
    assert found("ring +44 7700 900982") == [MatchKind.PHONE]
    assert found("ring 07700900982") == [MatchKind.PHONE]
    assert found("write to SAM@example.org") == [MatchKind.EMAIL]
    assert found("write to them at help@example.net") == [MatchKind.EMAIL]
    assert found("near sy11aa") == [MatchKind.POSTCODE]


def test_bad_input_gets_clear_errors_and_changes_nothing(app, make_user, keys):
    client = app.test_client()
    reference, _receipt = report(client, minimal_answers())
    reviewer = signed_in(app, make_user("reviewer"))
    flag(reviewer, reference)
    for data in ({"held_on": "31/02/2026", "place": "x", "cases": [str(report_id(app, reference))]},
                 {"held_on": "2026-12-03", "place": "", "cases": ["999999"]},
                 {"held_on": "9999-12-03", "place": "Room", "cases": [str(report_id(app, reference))], "agencies": ["abc"]}):
        response = post(reviewer, "/review/meetings/new", data)
        assert response.status_code == 400
        assert "govuk-error-summary" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Meeting.id)) is None
    response = post(reviewer, f"/review/meetings/cases/{reference}/actions", {
        "case_action-agency": "12345", "case_action-text": "", "case_action-due_on": "soon"}, page=f"/review/cases/{reference}")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Action.id)) is None
    admin = signed_in(app, make_user("admin"))
    response = post(admin, "/admin/agencies/new", {"name": "", "kind": "spaceship", "contact_email": "not-an-email",
                                                   "active": "maybe"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Enter the agency" in page and "Select the kind of agency" in page
    response = post(admin, "/admin/agencies/new", {"name": "Example fire station", "kind": "fire",
                                                   "contact_email": "fire@example.org", "active": "yes"})
    assert response.status_code == 302
    assert "Example fire station" in admin.get("/admin/agencies/").get_data(as_text=True)
