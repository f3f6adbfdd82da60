"""A reporter who lost their code: one reviewer alone can no longer become the reporter.

Issue 11 let a key holder issue a new code and see it; issue 26 found that one reviewer
could then use it first and read and reply as the reporter. Now asking records the
reporter's request and shows no code; the code needs a second key holder's approval
(tests/approvals/test_two_person.py) and goes only to the reporter's own email.
"""
from __future__ import annotations

import re

from sqlalchemy import select

from reporting.audit.models import AuditEvent
from reporting.extensions import db
from tests.helpers import full_answers, post_form, report, sign_in

DIGITS = re.compile(r"\d{4}(?:\s+\d{4}){5}")


def test_one_reviewer_asking_gets_no_code_and_the_old_one_keeps_working(app, client, make_user):
    reference, old_code = report(client, full_answers("LOSTCODE"))
    reviewer = make_user("reviewer")
    staff = app.test_client()
    sign_in(staff, app, reviewer.email)
    url = f"/review/cases/{reference}/new-code"
    missing = post_form(staff, url, {"asked_by": "", "proved_by": "", "delivery": "", "reason": ""})
    assert missing.status_code == 200 and "Select how they proved who they are" in missing.get_data(as_text=True)
    asked = post_form(staff, url, {"asked_by": "phone", "proved_by": "call_back", "delivery": "email",
                                   "reason": "Phone lost; called back on the number given"})
    assert asked.status_code == 302
    page = staff.get(url).get_data(as_text=True)
    assert not DIGITS.search(re.sub(r"<[^>]+>", "", page))
    assert "app-receipt-code" not in page
    opened = post_form(app.test_client(), "/status", {"receipt": old_code})
    assert opened.status_code == 302 and opened.headers["Location"].endswith("/status/report")
    with app.app_context():
        actions = [(e.action, e.actor) for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq))]
    assert ("approval.asked", reviewer.email) in actions
    assert not any(action.startswith("status.receipt") for action, _actor in actions)
    assert "Phone lost" not in str(actions)


def test_a_reviewer_without_the_key_cannot_ask_for_a_code(app, client, make_user):
    reference, _ = report(client, full_answers("LOSTCODE"))
    keyless = make_user("reviewer", holder=False)
    staff = app.test_client()
    sign_in(staff, app, keyless.email)
    refused = post_form(staff, f"/review/cases/{reference}/new-code",
                        {"asked_by": "in_person", "proved_by": "in_person", "delivery": "email", "reason": "lost it"})
    assert refused.status_code == 403
    assert "holds the Group&#39;s key and can read this report" in refused.get_data(as_text=True)
