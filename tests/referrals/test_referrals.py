"""Referral to the police: consent enforced on the server, minimal sharing, the loop closed."""
from __future__ import annotations

import io
import json
import re

import pytest
from sqlalchemy import func, select

from reporting.audit.models import AuditEvent
from reporting.extensions import db
from reporting.referrals.models import Referral
from reporting.reports.models import Report
from tests.helpers import csrf_token, full_answers, report, sign_in

CANARY = "CANARYREF"


@pytest.fixture
def mail_app(make_app, smtp_server):  # type: ignore[no-untyped-def]
    host, port, received = smtp_server
    app = make_app(MAIL_SERVER=host, MAIL_PORT=port, POLICE_REFERRAL_EMAIL="spoc@police.example")
    return app, received


def staff(app, user):
    client = app.test_client()
    sign_in(client, app, user.email)
    return client


def make_report(app, consent):
    steps = full_answers(CANARY)
    steps["police"] = {"police_consent": consent}
    reference, _ = report(app.test_client(), steps)
    return reference


def token_for(client, url):
    return csrf_token(client, url)


def referral_count(app) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count(Referral.id))))


def send(client, reference, fields, **extra):
    url = f"/review/cases/{reference}/referral"
    token = token_for(client, url)
    return client.post(url, data={"csrf_token": token, "fields": fields, "action": "send", **extra})


def test_full_referral_reaches_the_police_and_the_outcome_comes_back(mail_app, make_user, keys):
    app, received = mail_app

    reference = make_report(app, "with_details")
    reviewer = staff(app, make_user("reviewer"))
    form = reviewer.get(f"/review/cases/{reference}/referral").get_data(as_text=True)
    # The incident itself is ticked at first, and (the reporter said "with my details" and gave them)
    # their contact details too; the reviewer can untick them.
    ticked = set(re.findall(r'name="fields" type="checkbox" value="([^"]+)" checked', form))
    assert ticked == {"incident_types", "incident_other", "motivations", "incident_date", "area", "description",
                      "name", "email", "phone", "safe_times", "leave_message", "preferred_contact",
                      "contact_language", "interpreter"}
    token = token_for(reviewer, f"/review/cases/{reference}/referral")
    preview = reviewer.post(f"/review/cases/{reference}/referral",
                            data={"csrf_token": token, "fields": ["description", "name"], "action": "preview"})
    page = preview.get_data(as_text=True)
    assert "exactly what the police will see" in page and f"Sam {CANARY}" in page
    assert referral_count(app) == 0, "a preview sends nothing"
    response = send(reviewer, reference, ["description", "name"])
    assert response.status_code == 302
    with app.app_context():
        case = db.session.scalar(select(Report).where(Report.reference == reference))
        assert case.status == "referred"
        stored = db.session.scalar(select(Referral))
        assert CANARY.encode() not in stored.package
        referral_id = stored.id

    # The email says a referral is waiting: reference and link, no content.
    assert len(received) == 1
    mail = received[0]
    body = mail.get_payload(decode=True).decode()
    assert reference in mail["Subject"] and f"/police/referrals/{referral_id}" in body
    assert CANARY not in body and CANARY not in str(mail)

    officer = staff(app, make_user("police"))
    inbox = officer.get("/police/").get_data(as_text=True)
    assert reference in inbox
    page = officer.get(f"/police/referrals/{referral_id}").get_data(as_text=True)
    assert f"A man shouted at me in the street. {CANARY}" in page and f"Sam {CANARY}" in page
    assert f"{CANARY}@example.org" not in page and f"outside the market hall {CANARY}" not in page

    package = json.loads(officer.get(f"/police/referrals/{referral_id}/package.json").get_data())
    assert package["schema"] == "hcr-referral/1"
    assert [item["field"] for item in package["answers"]] == ["description", "name"]
    pdf = officer.get(f"/police/referrals/{referral_id}/package.pdf")
    assert pdf.headers["Content-Type"] == "application/pdf"
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert f"Sam {CANARY}" in text and "shouted" in text
    assert f"{CANARY}@example.org" not in text and "market hall" not in text

    token = token_for(officer, f"/police/referrals/{referral_id}")
    assert officer.post(f"/police/referrals/{referral_id}/acknowledge", data={"csrf_token": token}).status_code == 302
    response = officer.post(f"/police/referrals/{referral_id}/outcome", data={
        "csrf_token": token, "outcome-crime_reference": "22/12345/26", "outcome-outcome": "crime_recorded"})
    assert response.status_code == 302
    officer.post(f"/police/referrals/{referral_id}/question",
                 data={"csrf_token": token, "question-text": "Is the victim willing to give a statement?"})
    case_page = reviewer.get(f"/review/cases/{reference}").get_data(as_text=True)
    assert "22/12345/26" in case_page and "Crime recorded" in case_page
    assert "Is the victim willing to give a statement?" in case_page

    with app.app_context():
        actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"referral.start", "referral.send", "referral.open", "referral.acknowledge", "referral.outcome",
            "referral.question"} <= actions


def test_intelligence_only_refuses_identifying_fields_even_when_forged(mail_app, make_user, keys):
    app, received = mail_app
    reference = make_report(app, "without_details")
    reviewer = staff(app, make_user("reviewer"))
    form = reviewer.get(f"/review/cases/{reference}/referral").get_data(as_text=True)
    assert 'value="email"' not in form and 'value="name"' not in form
    for forged in (["description", "email"], ["description", "name"], ["ethnicity"], ["phone"]):
        response = send(reviewer, reference, forged)
        assert response.status_code == 200
        assert "govuk-error-summary" in response.get_data(as_text=True)
    assert referral_count(app) == 0 and received == []
    assert send(reviewer, reference, ["description", "area"]).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Referral.kind)) == "intelligence"


def test_do_not_pass_needs_an_override_approved_by_a_second_reviewer(mail_app, make_user, keys):
    app, received = mail_app
    reference = make_report(app, "no")
    first_user = make_user("reviewer")
    first = staff(app, first_user)
    response = send(first, reference, ["description"])  # forged: no override
    assert response.status_code == 200 and referral_count(app) == 0
    response = send(first, reference, ["description", "email"], override_reason="child_at_risk",
                    explanation="A child was threatened")
    assert response.status_code == 200 and referral_count(app) == 0, "identifying fields never go under an override"
    response = send(first, reference, ["description"], override_reason="child_at_risk",
                    explanation="A child was threatened")
    assert response.status_code == 302
    with app.app_context():
        referral = db.session.scalar(select(Referral))
        assert referral.state == "awaiting_approval"
        referral_id = referral.id
    officer = staff(app, make_user("police"))
    assert reference not in officer.get("/police/?filter=all").get_data(as_text=True)
    assert officer.get(f"/police/referrals/{referral_id}").status_code == 404
    assert received == []
    # The same reviewer cannot approve their own override.
    token = token_for(first, f"/review/cases/{reference}")
    first.post(f"/review/referrals/{referral_id}/approve", data={"csrf_token": token})
    with app.app_context():
        assert db.session.scalar(select(Referral.state)) == "awaiting_approval"
    second = staff(app, make_user("reviewer"))
    token = token_for(second, f"/review/cases/{reference}")
    assert second.post(f"/review/referrals/{referral_id}/approve", data={"csrf_token": token}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Referral.state)) == "sent"
        actions = list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))
    assert "referral.override" in actions and "referral.approve" in actions
    assert len(received) == 1
    assert reference in officer.get("/police/").get_data(as_text=True)


def test_police_see_only_referred_cases_and_no_case_pages(mail_app, make_user, keys):
    app, _ = mail_app
    reference = make_report(app, "with_details")
    officer = staff(app, make_user("police"))
    assert reference not in officer.get("/police/?filter=all").get_data(as_text=True)
    assert officer.get(f"/review/cases/{reference}").status_code == 403
    assert officer.get(f"/review/cases/{reference}/referral").status_code == 403


def test_reminders_for_unacknowledged_referrals(mail_app, make_user, keys):
    from datetime import timedelta

    app, received = mail_app
    reference = make_report(app, "with_details")
    reviewer = staff(app, make_user("reviewer"))
    send(reviewer, reference, ["description"])
    # Just sent: not late, no warning beside the case (the tag is read with the queue's lines).
    assert "Referral not acknowledged" not in reviewer.get("/review/").get_data(as_text=True)
    with app.app_context():
        referral = db.session.scalar(select(Referral))
        referral.sent_at = referral.sent_at - timedelta(days=7)
        db.session.commit()
    assert "Referral not acknowledged" in reviewer.get("/review/").get_data(as_text=True)
    result = app.test_cli_runner().invoke(args=["referrals", "remind"])
    assert result.exit_code == 0, result.output
    assert "Reminders sent: 1" in result.output
    assert received[-1]["Subject"].startswith("Reminder")
    assert CANARY not in str(received[-1])


def test_overdue_cutoff_counts_working_days():
    from datetime import date

    from reporting.referrals.services import overdue_cutoff

    # Wednesday 25 November 2026, two working days: sent on Monday or before is overdue.
    assert overdue_cutoff(date(2026, 11, 25), 2) == date(2026, 11, 23)
    # Monday, two working days: Thursday before (the weekend does not count).
    assert overdue_cutoff(date(2026, 11, 23), 2) == date(2026, 11, 19)
    # Sunday, one working day: Thursday (Friday is the one working day since).
    assert overdue_cutoff(date(2026, 11, 22), 1) == date(2026, 11, 19)


def test_a_referral_whose_report_was_destroyed_says_so_to_the_police(app, make_user, keys):
    """Retention destroys the package with the report: the police pages say so plainly (410),
    never an error, and keep the clear facts (sent date, crime reference, outcome)."""
    from reporting.retention.rules import Rule
    from reporting.retention.services import destroy_report

    reference = make_report(app, "with_details")
    reviewer = staff(app, make_user("reviewer"))
    assert send(reviewer, reference, ["description"]).status_code == 302
    with app.app_context():
        referral_id = db.session.scalar(select(Referral.id))
        case = db.session.scalar(select(Report).where(Report.reference == reference))
        destroy_report(case, Rule.ERASURE, actor="test", reason="reporter_request")
        db.session.commit()
    officer = staff(app, make_user("police"))
    for path in ("", "/print", "/package.pdf", "/package.json"):
        response = officer.get(f"/police/referrals/{referral_id}{path}")
        assert response.status_code == 410, path
        page = response.get_data(as_text=True)
        assert "was destroyed on" in page and "erased on request" in page, path
        assert CANARY not in page
