"""Issue 28, item 4: the police read each question's plain name, not the form's label.

A referral with contact details showed "Email address (optional)" and "Phone number
(optional)": how to fill in the form, not what the answer is. The referral page, its
JSON and PDF, the reviewer's case page and the reporter's check page name the question.
"""
from __future__ import annotations

import html
import io
import re

from pypdf import PdfReader
from sqlalchemy import select

from reporting.extensions import db
from reporting.referrals.models import Referral
from tests.helpers import answer_all, csrf_token, full_answers, report, sign_in, start

CONTACT = ["name", "email", "phone", "safe_times", "contact_language"]
PLAIN = {"Email address", "Phone number", "Your name", "When is it safe to contact you?",
         "Which language would you like us to use?"}


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def test_the_police_and_the_group_read_plain_question_names(app, client, make_user, keys):  # type: ignore[no-untyped-def]
    reference, _receipt = report(client, full_answers())
    reviewer = app.test_client()
    sign_in(reviewer, app, make_user("reviewer").email)
    case = _text(reviewer.get(f"/review/cases/{reference}").get_data(as_text=True))
    assert "(optional)" not in case
    assert "Email address" in case and "Phone number" in case
    url = f"/review/cases/{reference}/referral"
    token = csrf_token(reviewer, url)
    fields = ["incident_types", "description", *CONTACT]
    assert reviewer.post(url, data={"csrf_token": token, "fields": fields, "action": "send"}).status_code == 302
    with app.app_context():
        referral_id = db.session.scalar(select(Referral.id))

    officer = app.test_client()
    sign_in(officer, app, make_user("police").email)
    page = _text(officer.get(f"/police/referrals/{referral_id}").get_data(as_text=True))
    assert "(optional)" not in page
    for name in PLAIN:
        assert name in page, name
    data = officer.get(f"/police/referrals/{referral_id}/package.json").get_json()
    questions = {item["field"]: item["question"] for item in data["answers"]}
    assert questions["email"] == "Email address" and questions["phone"] == "Phone number"
    assert not any("(optional)" in q for q in questions.values())
    pdf = officer.get(f"/police/referrals/{referral_id}/package.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "(optional)" not in text and "Email address" in text


def test_the_check_page_names_the_question_too(client, keys):  # type: ignore[no-untyped-def]
    start(client)
    answer_all(client, full_answers())
    page = _text(client.get("/report/check").get_data(as_text=True))
    assert "Email address" in page
    assert "Email address (optional)" not in page and "Phone number (optional)" not in page
