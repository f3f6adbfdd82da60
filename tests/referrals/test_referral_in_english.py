"""The police referral package is in English whatever language anyone chose: the
reporter's journey (Arabic here), the reviewer's session (Polish, or Easy Read) and the
police liaison's session. Only the reporter's own words stay as they wrote them.

The package is opened with the police key (as the force would), and downloaded as JSON
and PDF by a police user whose session is in Arabic.
"""
from __future__ import annotations

import html
import io
import json
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from reporting import crypto
from reporting.extensions import db
from reporting.keys.models import ServiceKey
from reporting.keys.services import private_key_with_recovery
from reporting.referrals.models import Referral
from reporting.reports.models import Report
from tests.helpers import csrf_token, full_answers, report, sign_in
from tests.i18n.catalogues import TRANSLATIONS, read_catalogue

ARABIC_WORDS = "صرخ رجل في وجهي في الشارع"
FIELDS = re.compile(r'<input[^>]*name="fields" type="checkbox" value="([^"]+)"([^>]*)>')
# What the police must read for these answers (independent of the code under test).
EXPECTED = {
    "incident_types": ["Verbal abuse", "Online abuse", "Something else"],
    "motivations": ["Race, ethnicity or nationality", "Religion or belief", "Something else"],
    "incident_date": ["3 November 2025"],
    "area": ["Shrewsbury"],
    "description": [ARABIC_WORDS, "ثم تبعني."],
}
QUESTIONS = {
    "incident_types": "What happened?",
    "motivations": "Why do you think it happened?",
    "incident_date": "When did it happen?",
    "area": "Where did it happen?",
    "description": "What happened, in your own words?",
}
FACTS = {"Kind": "Full referral, with the reporter's details",
         "Reporter's choice": "Pass to the police with their contact details"}


def translations_of(english: list[str]) -> dict[str, str]:
    """What the Polish, Arabic and Easy Read catalogues say for these English words."""
    found = {}
    for path in (TRANSLATIONS / "pl" / "LC_MESSAGES" / "messages.po", TRANSLATIONS / "ar" / "LC_MESSAGES" / "messages.po",
                 TRANSLATIONS / "en" / "LC_MESSAGES" / "easy.po"):
        catalogue = read_catalogue(path)
        for words in english:
            entry = catalogue.get(words)
            if entry is not None and isinstance(entry.string, str) and entry.string and entry.string != words:
                found[entry.string] = words
    return found


def _text(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.mark.parametrize("reviewer_language", ["pl", "en-x-easy"])
def test_the_package_is_in_english_whatever_language_was_chosen(app, client, make_user, keys, reviewer_language):
    # The reporter reports in Arabic, in their own words.
    client.get("/?lang=ar")
    steps = full_answers()
    steps["description"] = {"description": f"{ARABIC_WORDS}\nثم تبعني."}
    reference, _receipt = report(client, steps)

    # The reviewer works in another language, chosen on a staff page.
    reviewer = app.test_client()
    sign_in(reviewer, app, make_user("reviewer").email)
    url = f"/review/cases/{reference}/referral"
    assert reviewer.get(f"{url}?lang={reviewer_language}").status_code == 303
    form_page = reviewer.get(url).get_data(as_text=True)
    other_words = translations_of(list(QUESTIONS.values()) + [line for lines in EXPECTED.values() for line in lines])
    assert any(words in html.unescape(form_page) for words in other_words), "the reviewer's page is not in their language"
    ticked = [value for value, rest in FIELDS.findall(form_page) if "checked" in rest]
    assert set(EXPECTED) <= set(ticked)
    token = csrf_token(reviewer, url)
    preview = _text(reviewer.post(url, data={"csrf_token": token, "fields": list(EXPECTED), "action": "preview"})
                    .get_data(as_text=True))
    for question in QUESTIONS.values():
        assert question in preview, question  # the preview shows what will be sent
    sent = reviewer.post(url, data={"csrf_token": token, "fields": list(EXPECTED), "action": "send"})
    assert sent.status_code == 302

    # Opened with the police key: English questions and choices, the reporter's words as written.
    with app.app_context():
        referral = db.session.scalar(select(Referral))
        stored = db.session.scalar(select(Report).where(Report.reference == reference))
        police_key = db.session.get(ServiceKey, referral.police_key_id)
        package = json.loads(crypto.open_sealed(
            police_key.algorithm, private_key_with_recovery(police_key, keys.recovery_text), referral.package,
            crypto.Binding("referrals", "package", f"{stored.reference}:{referral.id}")))
        referral_id = referral.id
    assert {item["field"]: item["answer"] for item in package["answers"]} == EXPECTED
    assert {item["field"]: item["question"] for item in package["answers"]} == QUESTIONS
    assert package["area"] == "Shrewsbury"
    sealed = json.dumps(package, ensure_ascii=False)
    assert [words for words in other_words if words in sealed] == []

    # Downloaded by a police user whose own session is in Arabic: still English.
    officer = app.test_client()
    sign_in(officer, app, make_user("police").email)
    assert officer.get(f"/police/?lang=ar").status_code == 303
    assert 'lang="ar"' in officer.get("/police/").get_data(as_text=True)  # the choice took
    exported = officer.get(f"/police/referrals/{referral_id}/package.json").get_data(as_text=True)
    data = json.loads(exported)
    assert {item["field"]: item["question"] for item in data["answers"]} == QUESTIONS
    assert {name: data["display"].get(name) for name in FACTS} == FACTS
    assert "3 November 2025" in exported and ARABIC_WORDS in exported
    labels = translations_of(list(FACTS) + list(FACTS.values()) + ["Reference", "Received", "Sent", "Area"])
    assert [words for words in {**other_words, **labels} if words in exported] == []

    pdf = officer.get(f"/police/referrals/{referral_id}/package.pdf")
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages))
    assert f"Hate crime referral {reference}" in text
    for words in [*QUESTIONS.values(), *FACTS.values(), "3 November 2025", "Verbal abuse"]:
        assert words in text, words
    assert [words for words in {**other_words, **labels} if words in text] == []
