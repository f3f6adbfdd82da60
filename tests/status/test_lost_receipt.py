"""Issue 11 item 5: a reviewer gives a reporter who lost their code a new one (identity
route and reason recorded, audited); the old code stops, and the first use of the new
one gives the reporter a code the reviewer never saw."""
from __future__ import annotations

import re

from sqlalchemy import select

from reporting.audit.models import AuditEvent
from reporting.extensions import db
from tests.helpers import csrf_token, minimal_answers, post_form, report, sign_in


def test_a_reviewer_issues_a_new_code_and_the_old_one_stops(app, client, make_user):
    reference, old_code = report(client, minimal_answers())
    reviewer = make_user("reviewer")
    staff = app.test_client()
    sign_in(staff, app, reviewer.email)
    url = f"/review/cases/{reference}/new-code"
    missing = post_form(staff, url, {"route": "", "reason": ""})
    assert missing.status_code == 200 and "Select how they proved who they are" in missing.get_data(as_text=True)
    issued = post_form(staff, url, {"route": "call_back", "reason": "Phone lost; called back on the number given"})
    assert issued.status_code == 200
    page = issued.get_data(as_text=True)
    groups = re.findall(r'app-receipt-code__group">(\d{4})<', page)
    assert len(groups) == 6
    new_code = " ".join(groups)

    reporter = app.test_client()
    refused = post_form(reporter, "/status", {"receipt": old_code})
    assert "does not match a report" in refused.get_data(as_text=True)
    # The first use of the code the reviewer saw gives the reporter one of their own.
    first = post_form(reporter, "/status", {"receipt": new_code})
    own = re.findall(r'app-receipt-code__group">(\d{4})<', first.get_data(as_text=True))
    assert len(own) == 6 and " ".join(own) != new_code
    assert "does not match a report" in post_form(app.test_client(), "/status", {"receipt": new_code}).get_data(as_text=True)
    with app.app_context():
        actions = [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq))]
    assert "status.receipt_issued_by_reviewer" in actions
    assert "Phone lost" not in str(actions)


def test_a_reviewer_without_the_key_cannot_issue_a_code(app, client, make_user):
    reference, _ = report(client, minimal_answers())
    keyless = make_user("reviewer", holder=False)
    staff = app.test_client()
    sign_in(staff, app, keyless.email)
    refused = post_form(staff, f"/review/cases/{reference}/new-code", {"route": "in_person", "reason": "lost it"})
    assert "Only a reviewer who can read this report" in refused.get_data(as_text=True)
