"""Issue 25: each disclosure is recorded with what left, for whom and under which rule,
and the audit page shows it in words (never a code)."""
from __future__ import annotations

import pytest

from reporting.disclosure.gate import Disclosed, Recipient, Rule, record_disclosure
from reporting.disclosure.identifying import MatchKind
from reporting.extensions import db
from tests.helpers import sign_in
from tests.test_labels import visible_text


def test_a_disclosure_reads_as_words_on_the_audit_page(app, make_user):
    with app.app_context():
        record_disclosure(Disclosed.AGENCY_ACTION, to=Recipient.agency("Example housing association", 4),
                          rules=[Rule.IDENTIFYING_CHECK_OVERRIDDEN], target="report:7", actor="cli",
                          matched=[MatchKind.PHONE, MatchKind.WITNESS], override_reason="The agency needs the number")
        record_disclosure(Disclosed.POLICE_REFERRAL, to=Recipient.police(), rules=Rule.CONSENT_WITH_DETAILS,
                          target="referral:3", actor="cli")
        db.session.commit()
    client = app.test_client()
    sign_in(client, app, make_user("admin").email)
    page = visible_text(client.get("/admin/audit").get_data(as_text=True))
    for words in ("Disclosed an action to a partner agency", "a partner agency: Example housing association",
                  "the check found identifying details and a key holder shared anyway",
                  "a phone number; a witness", "The agency needs the number",
                  "Disclosed a referral package to the police", "the person agreed to the police having their details"):
        assert words in page, words
    for code in ("identifying_check_overridden", "agency_action", "consent_with_details", "disclosure."):
        assert code not in page


def test_an_override_without_a_reason_is_refused(app):
    with app.app_context(), pytest.raises(ValueError):
        record_disclosure(Disclosed.MEETING_PACK, to=Recipient.agency("A", 1),
                          rules=[Rule.IDENTIFYING_CHECK_OVERRIDDEN], target="meeting:1", actor="cli")
