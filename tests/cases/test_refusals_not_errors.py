"""Issue 26 item 8: refusals, not 500s.

A reviewer with no key messaging a reporter or approving an override; the referral page
and messages of an erased case; a message whose stored ``kind`` was changed. And messages
sealed before ``kind`` joined their binding still open, and are sealed again with it the
next time a key holder opens them.
"""
from __future__ import annotations

import html
import json
import re

from sqlalchemy import select, update

from reporting import crypto
from reporting.audit.models import AuditEvent
from reporting.extensions import db
from reporting.referrals.models import Referral
from reporting.reports.models import Report
from reporting.retention import services as retention_services
from reporting.retention.rules import Rule
from reporting.status.models import Message
from tests.helpers import csrf_token, full_answers, minimal_answers, post_form, report, sign_in


def staff(app, user):
    client = app.test_client()
    sign_in(client, app, user.email)
    return client


def text_of(response) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def test_a_reviewer_with_no_key_is_refused_a_message_to_the_reporter(app, client, make_user):
    reference, _ = report(client, minimal_answers())
    keyless = staff(app, make_user("reviewer", holder=False))
    case_url = f"/review/cases/{reference}"
    token = csrf_token(keyless, case_url)
    response = keyless.post(f"{case_url}/messages", data={"csrf_token": token, "message-text": "Hello"},
                            follow_redirects=True)
    assert response.status_code == 200
    assert "Only a reviewer who holds the Group's key can write to the reporter" in text_of(response)
    with app.app_context():
        assert db.session.scalar(select(Message)) is None


def test_a_reviewer_with_no_key_is_refused_approving_an_override(app, client, make_user):
    steps = full_answers("OVERRIDECANARY")
    steps["police"] = {"police_consent": "no"}
    reference, _ = report(client, steps)
    first = staff(app, make_user("reviewer"))
    url = f"/review/cases/{reference}/referral"
    asked = first.post(url, data={"csrf_token": csrf_token(first, url), "fields": ["description"], "action": "send",
                                  "override_reason": "child_at_risk", "explanation": "A child was threatened"})
    assert asked.status_code == 302
    with app.app_context():
        referral_id = db.session.scalar(select(Referral.id))
    keyless = staff(app, make_user("reviewer", holder=False))
    token = csrf_token(keyless, f"/review/cases/{reference}")
    response = keyless.post(f"/review/referrals/{referral_id}/approve", data={"csrf_token": token},
                            follow_redirects=True)
    assert response.status_code == 200
    assert "holds the Group's key" in text_of(response)
    with app.app_context():
        assert db.session.scalar(select(Referral.state)) == "awaiting_approval"


def _erase(app, reference: str) -> None:
    with app.app_context():
        stored = db.session.scalar(select(Report).where(Report.reference == reference))
        retention_services.destroy_report(stored, Rule.ERASURE, actor="test", reason="reporter_request")
        db.session.commit()


def test_the_referral_page_and_messages_of_an_erased_case_say_so(app, client, make_user):
    reference, _ = report(client, full_answers("ERASEDCANARY"))
    _erase(app, reference)
    reviewer = staff(app, make_user("reviewer"))
    case_url = f"/review/cases/{reference}"
    referral = reviewer.get(f"{case_url}/referral")
    assert referral.status_code == 410
    assert "content was destroyed" in text_of(referral)
    token = csrf_token(reviewer, case_url)
    message = reviewer.post(f"{case_url}/messages", data={"csrf_token": token, "message-text": "Hello"},
                            follow_redirects=True)
    assert message.status_code == 200
    assert "content was destroyed" in text_of(message)
    posted = reviewer.post(f"{case_url}/referral", data={"csrf_token": token, "fields": ["description"],
                                                          "action": "send"})
    assert posted.status_code == 410
    with app.app_context():
        assert db.session.scalar(select(Message)) is None and db.session.scalar(select(Referral)) is None


def _message_rows(app) -> list[Message]:
    with app.app_context():
        rows = list(db.session.scalars(select(Message).order_by(Message.id)))
        db.session.expunge_all()
        return rows


def test_a_message_whose_kind_was_changed_fails_to_open_with_a_clear_note(app, client, make_user):
    reference, code = report(client, minimal_answers())
    reviewer = staff(app, make_user("reviewer"))
    case_url = f"/review/cases/{reference}"
    token = csrf_token(reviewer, case_url)
    reviewer.post(f"{case_url}/messages", data={"csrf_token": token, "message-text": "Please call us RELABELCANARY"})
    with app.app_context():
        # Someone with the database makes the Group's message look like the reporter's own reply.
        db.session.execute(update(Message).values(kind="from_reporter"))
        db.session.commit()
    page = reviewer.get(case_url)
    assert page.status_code == 200
    assert "RELABELCANARY" not in page.get_data(as_text=True)
    assert "could not be opened" in text_of(page)
    person = app.test_client()
    post_form(person, "/status", {"receipt": code})
    mine = person.get("/status/report")
    assert mine.status_code == 200
    assert "RELABELCANARY" not in mine.get_data(as_text=True) and "could not be opened" in text_of(mine)


def test_a_message_sealed_before_kind_joined_the_binding_opens_and_is_sealed_again_with_it(app, client, make_user):
    reference, code = report(client, minimal_answers())
    person = app.test_client()
    post_form(person, "/status", {"receipt": code})
    token = csrf_token(person, "/status/report")
    person.post("/status/add", data={"csrf_token": token, "addition-text": "More words OLDSEALCANARY"})
    with app.app_context():
        stored = db.session.scalar(select(Report).where(Report.reference == reference))
        message = db.session.scalar(select(Message))
        # As messages were sealed before kind joined their binding.
        message.sealed = crypto.seal(stored.key_algorithm, stored.public_key,
                                     json.dumps({"text": "More words OLDSEALCANARY"}).encode(),
                                     crypto.Binding("messages", "sealed", f"{reference}:{message.id}"))
        old_blob = message.sealed
        db.session.commit()
    # The reporter still reads it (and opening it as the reporter changes nothing).
    assert "OLDSEALCANARY" in person.get("/status/report").get_data(as_text=True)
    assert _message_rows(app)[0].sealed == old_blob
    # A key holder opens the case: it opens, and is sealed again with its kind, audited under their name.
    holder = make_user("reviewer")
    reviewer = staff(app, holder)
    assert "OLDSEALCANARY" in reviewer.get(f"/review/cases/{reference}").get_data(as_text=True)
    row = _message_rows(app)[0]
    assert row.sealed != old_blob
    with app.app_context():
        resealed = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "message.resealed")))
        assert len(resealed) == 1 and resealed[0].actor == holder.email
    assert "OLDSEALCANARY" in person.get("/status/report").get_data(as_text=True)
    # Bound to its kind now: relabelled, it no longer opens (the old binding is not tried in vain).
    with app.app_context():
        db.session.execute(update(Message).values(kind="to_reporter"))
        db.session.commit()
    relabelled = reviewer.get(f"/review/cases/{reference}")
    assert relabelled.status_code == 200 and "OLDSEALCANARY" not in relabelled.get_data(as_text=True)
