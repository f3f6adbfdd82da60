"""The referral carries every ticked answer exactly as stored: in the preview, in the
sealed package (opened here with the police key), in the PDF and in the JSON.

The defect this guards against: the answers' summary was built from WTForms while the
referral POST was in flight, so checkboxes and the date read the referral's own form
data, and "What happened", "Why" and "When" vanished from the package.
"""
from __future__ import annotations

import html
import io
import json
import re

from pypdf import PdfReader
from sqlalchemy import select

from reporting import crypto
from reporting.extensions import db
from reporting.keys.models import ServiceKey
from reporting.keys.services import private_key_with_recovery
from reporting.referrals.models import Referral
from reporting.reports.models import Report
from tests.helpers import csrf_token, full_answers, report, sign_in

CANARY = "CANARYTICK"
FIELDS = re.compile(r'<input[^>]*name="fields" type="checkbox" value="([^"]+)"([^>]*)>')

# What the reporter chose, in the words the police must read (independent of the code under test).
EXPECTED = {
    "incident_types": ["Verbal abuse", "Online abuse", "Something else"],
    "incident_other": [f"spat at {CANARY}"],
    "motivations": ["Race, ethnicity or nationality", "Religion or belief", "Something else"],
    "incident_date": ["3 November 2025"],
    "area": ["Shrewsbury"],
    "description": ["A man shouted at me in the street. " + CANARY, "Then he followed me."],
    "name": [f"Sam {CANARY}"],
    "email": [f"{CANARY}@example.org"],
    "phone": ["07700 900982"],
    "safe_times": [f"evenings {CANARY}"],
    "leave_message": ["No"],
    "preferred_contact": ["Email"],
    "contact_language": [f"Polish {CANARY}"],
    "interpreter": ["No"],
}


def _staff(app, user):
    client = app.test_client()
    sign_in(client, app, user.email)
    return client


def _ticked(page: str) -> list[str]:
    return [value for value, rest in FIELDS.findall(page) if "checked" in rest]


def _text(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_referring_with_the_page_defaults_carries_every_ticked_answer(app, client, make_user, keys):
    reference, _ = report(client, full_answers(CANARY))
    reviewer = _staff(app, make_user("reviewer"))
    url = f"/review/cases/{reference}/referral"
    form_page = reviewer.get(url).get_data(as_text=True)
    ticked = _ticked(form_page)
    assert set(ticked) == set(EXPECTED), "the incident and, with consent, the contact details are ticked"

    # Preview exactly what the page posts by default.
    token = csrf_token(reviewer, url)
    preview = reviewer.post(url, data={"csrf_token": token, "fields": ticked, "action": "preview"})
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "govuk-error-summary" not in page, _text(page)[:2000]
    assert "Select only options from the list" not in page
    shown = _text(page)
    for name, lines in EXPECTED.items():
        for line in lines:
            assert line in shown, (name, line)

    # The preview's own Send button posts the hidden fields it carries.
    hidden = re.findall(r'<input type="hidden" name="fields" value="([^"]+)">', page)
    assert sorted(hidden) == sorted(ticked)
    sent = reviewer.post(url, data={"csrf_token": token, "fields": hidden, "action": "send"})
    assert sent.status_code == 302, _text(sent.get_data(as_text=True))[:2000]

    # The sealed package, opened with the police key: every answer as stored.
    with app.app_context():
        referral = db.session.scalar(select(Referral))
        stored = db.session.scalar(select(Report).where(Report.reference == reference))
        police_key = db.session.get(ServiceKey, referral.police_key_id)
        private = private_key_with_recovery(police_key, keys.recovery_text)
        package = json.loads(crypto.open_sealed(
            police_key.algorithm, private, referral.package,
            crypto.Binding("referrals", "package", f"{stored.reference}:{referral.id}")))
        referral_id = referral.id
    assert {item["field"]: item["answer"] for item in package["answers"]} == EXPECTED
    assert package["kind"] == "full" and package["consent"] == "with_details"

    officer = _staff(app, make_user("police"))
    exported = json.loads(officer.get(f"/police/referrals/{referral_id}/package.json").get_data())
    assert {item["field"]: item["answer"] for item in exported["answers"]} == EXPECTED
    assert exported["display"]["Kind"] == "Full referral, with the reporter's details"
    assert exported["display"]["Reporter's choice"] == "Pass to the police with their contact details"

    pdf = officer.get(f"/police/referrals/{referral_id}/package.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    flat = re.sub(r"\s+", " ", text)
    for name, lines in EXPECTED.items():
        for line in lines:
            assert line in flat, (name, line)

    police_page = _text(officer.get(f"/police/referrals/{referral_id}").get_data(as_text=True))
    for name, lines in EXPECTED.items():
        for line in lines:
            assert line in police_page, (name, line)


def test_only_the_contact_details_given_are_ticked(app, client, make_user):
    # "With my details" but no contact at first: the journey asks, and the reporter
    # gives a phone number only. Only that is ticked; nothing else of contact is offered.
    steps = full_answers(CANARY)
    steps["contact"] = {"contact_ok": "no"}
    steps["police-details"] = {"police_details": "give", "phone": "07700 900982"}
    reference, _ = report(client, steps)
    reviewer = _staff(app, make_user("reviewer"))
    page = reviewer.get(f"/review/cases/{reference}/referral").get_data(as_text=True)
    assert set(_ticked(page)) == {"incident_types", "incident_other", "motivations", "incident_date", "area",
                                  "description", "phone"}
    assert 'value="email"' not in page and CANARY + "@example.org" not in page


def test_without_my_details_offers_no_contact_details_to_tick(app, client, make_user):
    steps = full_answers(CANARY)
    steps["police"] = {"police_consent": "without_details"}
    reference, _ = report(client, steps)
    reviewer = _staff(app, make_user("reviewer"))
    page = reviewer.get(f"/review/cases/{reference}/referral").get_data(as_text=True)
    offered = {value for value, _rest in FIELDS.findall(page)}
    assert not offered & {"name", "email", "phone", "safe_times", "leave_message", "ethnicity", "religion"}
    assert {"incident_types", "motivations", "incident_date", "description"} <= set(_ticked(page))
