"""Issue 26 items 2 and 6: no one alone can become the reporter, lift a hold or erase a report.

A new receipt code, lifting a legal hold and erasing a report each need a key holder to ask
and a second key holder, never the same person, to approve; every step is audited under the
staff member's name. The new code goes by email straight to the address the reporter gave
(no page shows it to staff), and the old code works until the new one is first used.
"""
from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from reporting.approvals.models import TwoPersonRequest
from reporting.audit.models import AuditEvent
from reporting.exceptions import PermissionDeniedError
from reporting.extensions import db
from reporting.reports.models import Report
from reporting.retention import services as retention_services
from reporting.reports.holds import LegalHold
from tests.helpers import csrf_token, full_answers, minimal_answers, post_form, report, sign_in

CODE = re.compile(r"\d{4}(?: \d{4}){5}")
WRONG = "does not match a report"


@pytest.fixture
def mail_app(make_app, smtp_server):  # type: ignore[no-untyped-def]
    host, port, received = smtp_server
    return make_app(MAIL_SERVER=host, MAIL_PORT=port), received


def staff(app, user):
    client = app.test_client()
    sign_in(client, app, user.email)
    return client


def text_of(response) -> str:
    return re.sub(r"[ \t]+", " ", html.unescape(re.sub(r"<[^>]+>", "", response.get_data(as_text=True))))


def audit_rows(app) -> list[AuditEvent]:
    with app.app_context():
        rows = list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
        db.session.expunge_all()
        return rows


def requests(app) -> list[TwoPersonRequest]:
    with app.app_context():
        rows = list(db.session.scalars(select(TwoPersonRequest).order_by(TwoPersonRequest.id)))
        db.session.expunge_all()
        return rows


def approve(client, request_id: int, verb: str = "approve"):
    token = csrf_token(client, "/review/approvals/")
    return client.post(f"/review/approvals/{request_id}/{verb}", data={"csrf_token": token}, follow_redirects=True)


NEW_CODE = {"asked_by": "phone", "proved_by": "call_back", "delivery": "email",
            "reason": "Lost their phone REASONCANARY"}


def test_a_new_code_needs_a_second_key_holder_and_goes_only_to_the_reporter(mail_app, keys, make_user):
    app, received = mail_app
    reference, old_code = report(app.test_client(), full_answers("NEWCODE"))
    first_user, second_user = make_user("reviewer"), make_user("reviewer")
    first, second = staff(app, first_user), staff(app, second_user)
    keyless = staff(app, make_user("reviewer", holder=False))
    url = f"/review/cases/{reference}/new-code"

    # Bad input: a clear error, nothing asked.
    missing = post_form(first, url, {"asked_by": "", "proved_by": "", "delivery": "", "reason": ""})
    assert missing.status_code == 200 and "Select how they asked" in missing.get_data(as_text=True)
    # A reviewer without the key cannot ask.
    refused = post_form(keyless, url, NEW_CODE)
    assert refused.status_code == 403 and "holds the Group's key" in text_of(refused)
    assert requests(app) == []

    asked = post_form(first, url, NEW_CODE)
    assert asked.status_code == 302
    page = first.get(url)
    assert "waits for a second key holder" in text_of(page) and not CODE.search(text_of(page))
    assert received == []
    (request,) = requests(app)
    assert request.requested_by_id == first_user.id and request.decided_at is None
    # Asked twice: refused while the first waits.
    assert post_form(first, url, NEW_CODE).status_code in (200, 409)
    assert len(requests(app)) == 1

    # The one who asked cannot approve; nor can a reviewer without the key. Nothing is sent.
    assert "Nothing is waiting for your approval" in text_of(first.get("/review/approvals/"))
    assert "Refused" in text_of(approve(first, request.id))
    assert "Refused" in text_of(approve(keyless, request.id))
    assert received == [] and requests(app)[0].decided_at is None

    # The second key holder sees the request (reason opened with their key) and approves.
    listing = text_of(second.get("/review/approvals/"))
    assert reference in listing and "REASONCANARY" in listing and first_user.email in listing
    done = approve(second, request.id)
    assert "Approved" in text_of(done) and not CODE.search(text_of(done))
    assert len(received) == 1
    mail = received[0]
    assert mail["To"] == "NEWCODE@example.org"
    body = mail.get_payload(decode=True).decode()
    new_code = CODE.search(body).group(0)
    assert new_code != old_code and "NEWCODE" not in body
    # No page any member of staff can open shows it.
    for client, page_url in ((first, url), (second, url), (second, "/review/approvals/"), (first, f"/review/cases/{reference}")):
        assert new_code not in text_of(client.get(page_url))

    # The old code keeps working until the new one is used...
    still = post_form(app.test_client(), "/status", {"receipt": old_code})
    assert still.status_code == 302 and still.headers["Location"].endswith("/status/report")
    # ...the first use of the emailed code opens the report and gives a code shown only on screen...
    person = app.test_client()
    first_use = post_form(person, "/status", {"receipt": new_code})
    assert first_use.status_code == 200 and "Your new receipt code" in text_of(first_use)
    own_code = CODE.search(text_of(first_use)).group(0)
    assert own_code not in (new_code, old_code)
    # ...and from then on the old code, and the emailed one, are refused.
    assert WRONG in text_of(post_form(app.test_client(), "/status", {"receipt": old_code}))
    assert WRONG in text_of(post_form(app.test_client(), "/status", {"receipt": new_code}))
    assert post_form(app.test_client(), "/status", {"receipt": own_code}).status_code == 302

    # Every staff step under the staff member's own name; only the reporter's own steps as "reporter".
    by_action = {}
    for row in audit_rows(app):
        by_action.setdefault(row.action, []).append(row.actor)
    assert by_action["approval.asked"] == [first_user.email]
    assert by_action["approval.approved"] == [second_user.email]
    assert by_action["status.new_code_sent"] == [second_user.email]
    assert by_action["status.new_code_used"] == ["reporter"]
    assert "status.receipt_issued_by_reviewer" not in by_action
    assert all("REASONCANARY" not in (row.detail or "") and new_code.replace(" ", "") not in (row.detail or "")
               for row in audit_rows(app))


def test_a_new_code_is_refused_when_the_reporter_gave_no_email_to_send_it_to(mail_app, keys, make_user):
    app, received = mail_app
    reference, _ = report(app.test_client(), minimal_answers())
    first = staff(app, make_user("reviewer"))
    refused = post_form(first, f"/review/cases/{reference}/new-code", NEW_CODE)
    assert refused.status_code == 409 and "gave no email address" in text_of(refused)
    assert requests(app) == [] and received == []


def test_a_new_code_whose_email_cannot_be_sent_changes_nothing(app, keys, make_user):
    # No mail server: the approval is refused, nothing approved, no code made.
    reference, old_code = report(app.test_client(), full_answers("NOMAIL"))
    first, second = staff(app, make_user("reviewer")), staff(app, make_user("reviewer"))
    assert post_form(first, f"/review/cases/{reference}/new-code", NEW_CODE).status_code == 302
    (request,) = requests(app)
    assert "could not be sent" in text_of(approve(second, request.id))
    assert requests(app)[0].decided_at is None
    assert post_form(app.test_client(), "/status", {"receipt": old_code}).status_code == 302


def _held(app) -> bool:
    with app.app_context():
        return db.session.scalar(select(LegalHold.id).where(LegalHold.lifted_at.is_(None))) is not None


def _destroyed(app, reference: str) -> bool:
    with app.app_context():
        return db.session.scalar(select(Report.content_destroyed_at).where(Report.reference == reference)) is not None


def test_lifting_a_hold_and_erasing_each_need_a_second_key_holder(app, keys, make_user):
    reference, _ = report(app.test_client(), full_answers("ERASETWO"))
    first_user, second_user = make_user("reviewer"), make_user("reviewer")
    first, second = staff(app, first_user), staff(app, second_user)
    keyless = staff(app, make_user("reviewer", holder=False))
    url = f"/review/retention/cases/{reference}"
    token = csrf_token(first, url)
    assert first.post(f"{url}/hold", data={"csrf_token": token, "hold-reason": "Court order HOLDWORDS"}).status_code == 302

    # A reviewer with no key cannot even ask to lift someone else's hold (the review's finding).
    k_token = csrf_token(keyless, url)
    keyless.post(f"{url}/hold/lift", data={"csrf_token": k_token, "lift-reason": "Not needed"})
    assert _held(app) and requests(app) == []
    # Asking needs a reason; then it waits, and the hold stays.
    assert first.post(f"{url}/hold/lift", data={"csrf_token": token, "lift-reason": ""}).status_code == 400
    assert first.post(f"{url}/hold/lift", data={"csrf_token": token, "lift-reason": "Court case closed LIFTWORDS"}).status_code == 302
    assert _held(app)
    assert "waits for a second key holder" in text_of(first.get(url))
    (lift,) = requests(app)
    # Not by the one who asked, not by a reviewer without the key.
    approve(first, lift.id)
    approve(keyless, lift.id)
    assert _held(app) and requests(app)[0].decided_at is None
    approve(second, lift.id)
    assert not _held(app)

    # Erasing: asked by the second, approved by the first; a decline first leaves everything.
    s_token = csrf_token(second, url)
    assert second.post(f"{url}/erase", data={"csrf_token": s_token, "erase-reason": "made-up"}).status_code == 400
    assert second.post(f"{url}/erase", data={"csrf_token": s_token, "erase-reason": "reporter_request"}).status_code == 302
    assert not _destroyed(app, reference)
    erase = requests(app)[-1]
    approve(second, erase.id)
    assert not _destroyed(app, reference)
    assert "Declined" in text_of(approve(first, erase.id, "decline"))
    assert not _destroyed(app, reference)
    assert second.post(f"{url}/erase", data={"csrf_token": s_token, "erase-reason": "reporter_request"}).status_code == 302
    erase = requests(app)[-1]
    assert erase.decided_at is None
    approve(first, erase.id)
    assert _destroyed(app, reference)
    assert "ERASETWO" not in first.get(f"/review/cases/{reference}").get_data(as_text=True)
    # The sealed reasons went with the report's content (the requests' codes stay, for the audit).
    assert all(row.reason is None for row in requests(app)) and len(requests(app)) == 3

    actors: dict[str, list[str]] = {}
    details: dict[str, list[str]] = {}
    for row in audit_rows(app):
        actors.setdefault(row.action, []).append(row.actor)
        details.setdefault(row.action, []).append(row.detail or "")
    assert actors["approval.asked"] == [first_user.email, second_user.email, second_user.email]
    assert actors["approval.approved"] == [second_user.email, first_user.email]
    assert actors["approval.declined"] == [first_user.email]
    assert actors["retention.lift"] == [second_user.email]
    assert actors["retention.destroy"] == [first_user.email]
    assert f'"asked_by":{second_user.id}' in details["retention.destroy"][0]
    assert f'"asked_by":{first_user.id}' in details["retention.lift"][0]
    assert not any("LIFTWORDS" in d or "HOLDWORDS" in d for rows in details.values() for d in rows)


def test_the_acts_refuse_one_person_even_when_called_directly(app, keys, make_user):
    reference, _ = report(app.test_client(), minimal_answers())
    holder = make_user("reviewer")
    with app.app_context():
        from reporting.auth.models import User

        actor = db.session.get(User, holder.id)
        stored = db.session.scalar(select(Report).where(Report.reference == reference))
        retention_services.place_hold(stored, actor=actor, reason="kept")
        request = retention_services.ask_to_lift_hold(stored, actor=actor, reason="mine")
        with pytest.raises(PermissionDeniedError):
            retention_services.lift_hold(stored, actor=actor, request=None)
        with pytest.raises(PermissionDeniedError):
            retention_services.lift_hold(stored, actor=actor, request=request)  # asked by them, not approved
        with pytest.raises(PermissionDeniedError):
            retention_services.erase_report(stored, actor=actor, request=None)
        db.session.rollback()
