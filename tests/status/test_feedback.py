"""Issue 30 item 8: the reporter's optional, anonymous "How did we do?" at /status.

The score is kept in clear; any words are sealed to the report's key (never in the database
in clear); one answer a report, which a later one replaces; staff see it on the case."""
from __future__ import annotations

import re
import secrets
from datetime import date

from sqlalchemy import select

from reporting.extensions import db
from reporting.reports.models import Report
from reporting.status.models import ReporterFeedback
from tests.helpers import csrf_token, minimal_answers, post_form, report, sign_in
from tests.public.test_canary import database_bytes


def opened(app, client_steps=None):
    reporter = app.test_client()
    reference, receipt = report(reporter, client_steps or minimal_answers())
    visitor = app.test_client()
    response = post_form(visitor, "/status", {"receipt": receipt})
    assert response.status_code == 302
    return visitor, reference


def answer_of(app, reference):
    with app.app_context():
        report_id = db.session.scalar(select(Report.id).where(Report.reference == reference))
        found = db.session.get(ReporterFeedback, report_id)
        return None if found is None else (found.score, found.comment)


def send(visitor, **data):
    token = csrf_token(visitor, "/status/feedback")
    return visitor.post("/status/feedback", data={"csrf_token": token, **data})


def test_the_reporter_answers_and_changes_their_answer(app, client, make_user):
    visitor, reference = opened(app)
    page = visitor.get("/status/report").get_data(as_text=True)
    assert "Tell us how we did" in page
    form = visitor.get("/status/feedback").get_data(as_text=True)
    for words in ("How did we do?", "Very poor", "Poor", "Neither good nor poor", "Good", "Very good",
                  "optional and anonymous"):
        assert words in form, words
    response = send(visitor, score="poor", comment="The wait was long.")
    assert response.status_code == 302 and response.headers["Location"].endswith("/status/report")
    score, sealed = answer_of(app, reference)
    assert score == 2 and sealed and b"The wait was long" not in sealed
    page = visitor.get("/status/report").get_data(as_text=True)
    assert "Thank you for telling us how we did" in page and "Change your answer" in page
    # Their words come back to them (opened with their code) to change.
    form = visitor.get("/status/feedback").get_data(as_text=True)
    assert "The wait was long." in form and re.search(r'value="poor"\s+checked', form)
    assert send(visitor, score="very_good", comment="").status_code == 302
    assert answer_of(app, reference) == (5, None)  # one answer a report: the new one replaces it


def test_staff_see_the_score_and_a_key_holder_the_words(app, client, make_user):
    holder = make_user("reviewer")
    other = make_user("reviewer", holder=False)
    visitor, reference = opened(app)
    assert send(visitor, score="good", comment="Kind people, thank you WORDSCANARY").status_code == 302
    reviewer = app.test_client()
    sign_in(reviewer, app, holder.email)
    page = reviewer.get(f"/review/cases/{reference}").get_data(as_text=True)
    assert "The reporter&#39;s answer" in page or "The reporter's answer" in page
    assert "Good (4 out of 5)" in page and "WORDSCANARY" in page
    outsider = app.test_client()
    sign_in(outsider, app, other.email)
    page = outsider.get(f"/review/cases/{reference}").get_data(as_text=True)
    assert "Good (4 out of 5)" in page and "WORDSCANARY" not in page and "Sealed: only a reviewer" in page


def test_the_words_never_appear_in_clear_in_the_database(make_app, make_user, captured_logs):
    app = make_app()
    holder = make_user("reviewer")
    canary = "CANARYFEEDBACK" + secrets.token_hex(6)
    visitor, reference = opened(app)
    assert send(visitor, score="very_poor", comment=f"Nobody called back {canary}").status_code == 302
    reviewer = app.test_client()
    sign_in(reviewer, app, holder.email)
    assert canary in reviewer.get(f"/review/cases/{reference}").get_data(as_text=True)
    with app.app_context():
        stored = database_bytes(app)
    assert canary.encode() not in stored
    assert not any(canary in line for line in captured_logs)


def test_bad_answers_get_the_error_summary_and_keep_nothing(app, client, make_user):
    visitor, reference = opened(app)
    for data, expected in (
        ({}, "Select how we did"),
        ({"score": "6"}, "Select how we did"),
        ({"score": "0"}, "Select how we did"),
        ({"score": "-1"}, "Select how we did"),
        ({"score": "99999999999999999999"}, "Select how we did"),
        ({"score": "5"}, "Select how we did"),
        ({"score": "good\x00"}, "Select how we did"),
        ({"score": "neither", "comment": "nul \x00 byte"}, "Remove the unusual characters"),
        ({"score": "neither", "comment": "x" * 2001}, "2000 characters or fewer"),
    ):
        response = send(visitor, **data)
        assert response.status_code == 400, data
        page = response.get_data(as_text=True)
        assert "govuk-error-summary" in page and expected in page, (data, expected)
    assert answer_of(app, reference) is None


def test_without_a_receipt_there_is_no_feedback_page(app, client):
    stranger = app.test_client()
    assert stranger.get("/status/feedback").status_code == 302
    token = csrf_token(stranger, "/status")
    response = stranger.post("/status/feedback", data={"csrf_token": token, "score": "very_good"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/status")
    with app.app_context():
        assert db.session.scalar(select(ReporterFeedback)) is None


def test_no_english_left_on_the_feedback_pages(app, client):
    """Reporters see "How did we do?" in their language: the question, its error and the report page's part."""
    from tests.i18n.catalogues import TRANSLATED, english_left, kept_as_is, readable_text
    from tests.i18n.test_catalogues import NAMES

    visitor, _reference = opened(app)
    left = {}
    for code in TRANSLATED:
        assert visitor.get(f"/?lang={code}").status_code == 303
        pages = {"form": visitor.get("/status/feedback").get_data(as_text=True),
                 "error": send(visitor, score="9").get_data(as_text=True)}
        assert send(visitor, score="good").status_code == 302
        report_page = visitor.get("/status/report").get_data(as_text=True)
        # The report page's part on "How did we do?" (the rest is walked in tests/i18n).
        pages["report"] = report_page[report_page.index('id="feedback"') - 4:report_page.index('id="what-you-sent"')]
        pages["form again"] = visitor.get("/status/feedback").get_data(as_text=True)
        for name, html in pages.items():
            found = english_left(readable_text(html, code), NAMES, set(kept_as_is(code)))
            if found:
                left[f"{code} {name}"] = found
    assert left == {}


def test_the_database_refuses_a_score_out_of_range(app, client):
    """The check constraint holds whatever writes the row: 1 to 5 only."""
    import pytest
    from sqlalchemy.exc import IntegrityError

    from tests.helpers import send_directly

    reference = send_directly(app)
    with app.app_context():
        report_id = db.session.scalar(select(Report.id).where(Report.reference == reference))
        for score in (0, 6):
            db.session.add(ReporterFeedback(report_id=report_id, score=score, answered_on=date(2026, 1, 1)))
            with pytest.raises(IntegrityError):
                db.session.flush()
            db.session.rollback()


def test_destroying_the_content_destroys_the_words_and_keeps_the_score(app, client):
    from reporting.codes import RetentionRule
    from reporting.retention import services as retention_services

    visitor, reference = opened(app)
    assert send(visitor, score="good", comment="Words to be destroyed").status_code == 302
    with app.app_context():
        report = db.session.scalar(select(Report).where(Report.reference == reference))
        retention_services.destroy_report(report, RetentionRule.CLOSED, actor="system")
        db.session.commit()
    assert answer_of(app, reference) == (4, None)
