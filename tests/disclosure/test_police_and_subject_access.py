"""Issue 25: the referral package and the subject access export go through the gate: each is
recorded with what left, for whom and under which rule; the package carries the protective
marking on its page, every PDF page and as a JSON field."""
from __future__ import annotations

import io
import json

from pypdf import PdfReader
from sqlalchemy import select

from reporting.audit.models import AuditEvent
from reporting.disclosure.marking import JSON_FIELD, MARKING
from reporting.extensions import db
from reporting.referrals.models import Referral
from tests.helpers import csrf_token, full_answers, report, sign_in
from tests.test_labels import visible_text


def _client(app, user):  # type: ignore[no-untyped-def]
    client = app.test_client()
    sign_in(client, app, user.email)
    return client


def _send(client, reference: str, fields: list[str], **extra):  # type: ignore[no-untyped-def]
    url = f"/review/cases/{reference}/referral"
    return client.post(url, data={"csrf_token": csrf_token(client, url), "fields": fields, "action": "send", **extra})


def _disclosures(app, action: str) -> list[dict]:  # type: ignore[type-arg]
    with app.app_context():
        return [json.loads(d) for d in db.session.scalars(select(AuditEvent.detail).where(AuditEvent.action == action))]


def test_a_referral_is_recorded_under_its_consent_and_marked(app, make_user, keys):
    with_details, _r = report(app.test_client(), full_answers("POLICECANARY1"))
    steps = full_answers()
    steps["police"] = {"police_consent": "without_details"}
    intelligence, _r = report(app.test_client(), steps)
    reviewer = _client(app, make_user("reviewer"))
    assert _send(reviewer, with_details, ["description", "name"]).status_code == 302
    assert _send(reviewer, intelligence, ["description"]).status_code == 302
    recorded = _disclosures(app, "disclosure.police_referral")
    assert [(d["recipient"], d["rules"]) for d in recorded] == [
        ("police", "consent_with_details,marked"), ("police", "consent_intelligence_only,marked")]

    officer = _client(app, make_user("police"))
    with app.app_context():
        referral_id = db.session.scalar(select(Referral.id).order_by(Referral.id))
    page = officer.get(f"/police/referrals/{referral_id}").get_data(as_text=True)
    assert MARKING in page
    assert MARKING in officer.get(f"/police/referrals/{referral_id}/print").get_data(as_text=True)
    package = json.loads(officer.get(f"/police/referrals/{referral_id}/package.json").get_data())
    assert package[JSON_FIELD] == MARKING and package["schema"] == "hcr-referral/1"
    pdf = PdfReader(io.BytesIO(officer.get(f"/police/referrals/{referral_id}/package.pdf").data))
    assert pdf.pages and all(MARKING in (p.extract_text() or "") for p in pdf.pages)

    admin = _client(app, make_user("admin"))
    shown = visible_text(admin.get("/admin/audit?action=disclosure.police_referral").get_data(as_text=True))
    assert "the person agreed to the police having their details" in shown
    assert "the person agreed to the police having it without their details" in shown
    assert "consent_with_details" not in shown


def test_a_safeguarding_override_is_recorded_as_such(app, make_user, keys):
    steps = full_answers()
    steps["police"] = {"police_consent": "no"}
    reference, _r = report(app.test_client(), steps)
    first = _client(app, make_user("reviewer"))
    assert _send(first, reference, ["description"], override_reason="child_at_risk",
                 explanation="A child was threatened").status_code == 302
    assert _disclosures(app, "disclosure.police_referral") == []  # nothing left yet
    second = _client(app, make_user("reviewer"))
    with app.app_context():
        referral_id = db.session.scalar(select(Referral.id))
    token = csrf_token(second, f"/review/cases/{reference}")
    assert second.post(f"/review/referrals/{referral_id}/approve", data={"csrf_token": token}).status_code == 302
    assert [d["rules"] for d in _disclosures(app, "disclosure.police_referral")] == ["safeguarding,marked"]


def test_the_subject_access_export_is_recorded_as_a_disclosure_to_the_person(app, make_user, keys):
    reference, _r = report(app.test_client(), full_answers("SARCANARY3"))
    reviewer = _client(app, make_user("reviewer"))
    url = f"/review/retention/cases/{reference}"
    response = reviewer.post(f"{url}/export", data={"csrf_token": csrf_token(reviewer, url)})
    assert response.status_code == 200
    recorded = _disclosures(app, "disclosure.subject_access_export")
    assert [(d["recipient"], d["rules"]) for d in recorded] == [("data_subject", "subject_access")]
