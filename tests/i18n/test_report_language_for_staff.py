"""A report made in another language reaches the Group the same as one made in English:
English labels and choices, the reporter's own words as they wrote them, and the language
they used (sealed with the answers) shown on the case page and beside the reply box."""
from __future__ import annotations

import html

import pytest
from sqlalchemy import select

from reporting.extensions import db
from reporting.reports.models import Report
from tests.helpers import full_answers, read_report, report, sign_in

ARABIC_WORDS = "صرخ رجل في وجهي في الشارع"


def _case_page(app, make_user, reference: str) -> str:
    reviewer = make_user("reviewer")
    staff = app.test_client()
    sign_in(staff, app, reviewer.email)
    return html.unescape(staff.get(f"/review/cases/{reference}").get_data(as_text=True))


def test_a_report_made_in_arabic_reads_the_same_to_the_reviewer(app, client, keys, make_user):
    client.get("/?lang=ar")
    steps = full_answers()
    steps["description"] = {"description": f"{ARABIC_WORDS}\nثم تبعني."}
    steps["where"] = {"area": "online"}
    steps["online"] = {"platform": "تطبيق دردشة", "links": ""}
    reference, _receipt = report(client, steps)

    page = _case_page(app, make_user, reference)
    # English questions and choices, as for any report.
    for words in ("What happened, in your own words?", "Verbal abuse", "Online abuse",
                  "Race, ethnicity or nationality", "3 November 2025", "Which website, app or platform?"):
        assert words in page, words
    # The reporter's words exactly as written, line by line.
    assert ARABIC_WORDS in page and "ثم تبعني." in page and "تطبيق دردشة" in page
    # None of the Arabic the reporter read is shown to staff as if it were an answer.
    assert "الإساءة اللفظية" not in page and "نوفمبر" not in page
    # The language they used, with what it may mean, on the case and beside the reply box.
    assert "Language of the report" in page and "Arabic" in page
    assert "interpreter may be needed" in page
    assert "They reported in Arabic." in page
    # The staff page itself stays English, left to right.
    assert '<html lang="en"' in page and 'dir="rtl"' not in page


def test_the_language_is_sealed_not_a_clear_column(app, client, keys):
    client.get("/?lang=pl")
    reference, _receipt = report(client)
    with app.app_context():
        content = read_report(reference, keys.recovery_text)
        assert content["meta"]["language"] == "pl"
        stored = db.session.scalar(select(Report).where(Report.reference == reference))
        columns = {column.name: getattr(stored, column.name) for column in Report.__table__.columns}
    assert "pl" not in {value for value in columns.values() if isinstance(value, str)}


@pytest.mark.parametrize("code", ["en"])
def test_an_english_report_shows_no_language_note(app, client, keys, make_user, code):
    client.get(f"/?lang={code}")
    reference, _receipt = report(client)
    page = _case_page(app, make_user, reference)
    assert "Language of the report" not in page and "interpreter may be needed" not in page


def test_the_news_email_is_in_the_language_they_reported_in(make_app, smtp_server, make_user):
    import re

    holder = make_user("reviewer", email="holder@example.org")
    host, port, received = smtp_server
    app = make_app(MAIL_SERVER=host, MAIL_PORT=port)
    reporter = app.test_client()
    reporter.get("/?lang=pl")
    steps = full_answers()
    steps["contact-how"]["leave_message"] = "yes"
    reference, _receipt = report(reporter, steps)
    reviewer = app.test_client()
    sign_in(reviewer, app, holder.email)
    url = f"/review/cases/{reference}"
    page = reviewer.get(url).get_data(as_text=True)
    assert "They reported in Polish." in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    sent = reviewer.post(f"{url}/messages", data={"csrf_token": token.group(1), "message-text": "Can we call you?"})
    assert sent.status_code == 302
    assert len(received) == 1
    mail = received[0]
    body = mail.get_payload(decode=True).decode()  # type: ignore[attr-defined]
    from email.header import decode_header, make_header

    assert str(make_header(decode_header(str(mail["Subject"])))) == "Wiadomość o Twoim zgłoszeniu"
    assert "wpisz swój kod potwierdzenia" in body and "/status" in body
    assert "There is news" not in body and reference not in body and "Can we call you?" not in body
