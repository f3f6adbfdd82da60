"""The online reporting journey, through the HTTP interface."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import event, func, select

from reporting.extensions import db
from reporting.reports.models import Draft, Report
from tests.helpers import (
    answer_all,
    csrf_token,
    full_answers,
    minimal_answers,
    post_form,
    read_report,
    report,
    send,
    start,
)


def count_reports(app) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count(Report.id))))


@pytest.mark.parametrize("reporter_type", ["victim", "witness", "on_behalf"])
def test_each_kind_of_reporter_can_report_and_gets_a_receipt(app, client, keys, reporter_type):
    steps = full_answers()
    steps["who"] = {"reporter_type": reporter_type}
    reference, receipt = report(client, steps)

    assert re.fullmatch(r"HC-\d\d-[2-9A-HJKMNP-TV-Z]{6}", reference)
    assert re.fullmatch(r"\d{4}( \d{4}){5}", receipt)
    with app.app_context():
        stored = db.session.scalar(select(Report))
        assert stored.reference == reference
        assert stored.reporter_type == reporter_type
        assert stored.channel == "online"
        assert stored.area == "shrewsbury"
        assert stored.police_consent == "with_details"
        assert stored.support_wanted is True
        assert stored.strand_codes == ["other", "race", "religion"]
        assert stored.incident_type_codes == ["online_abuse", "other", "verbal_abuse"]
        assert str(stored.incident_date) == "2025-11-03"
        assert stored.status == "new"
        content = read_report(reference, keys.recovery_text)
    answers = content["answers"]
    assert answers["reporter_type"] == reporter_type
    assert answers["description"].startswith("A man shouted at me")
    assert answers["email"] == "sam@example.org"
    assert answers["incident_date"] == {"day": 3, "month": 11, "year": 2025}
    assert answers["platform"] == "a chat app"


def test_anonymous_report_keeps_no_contact_details(app, client, keys):
    steps = minimal_answers()
    # Typed, then the reporter chose to stay anonymous: nothing of it is kept.
    steps["contact"] = {"contact_ok": "no", "email": "typed@example.org", "name": "Typed Name"}
    reference, _receipt = report(client, steps)
    with app.app_context():
        answers = read_report(reference, keys.recovery_text)["answers"]
        stored = db.session.scalar(select(Report))
        assert stored.incident_date_approximate is True
        assert stored.strand_codes == ["unknown"]
    assert answers["contact_ok"] == "no"
    assert not answers.get("email") and not answers.get("name")
    assert "platform" not in answers  # the online step never applied


def test_online_question_is_offered_only_for_online_incidents(client):
    start(client)
    steps = minimal_answers()
    for name in ("who", "what", "why", "when"):
        post_form(client, f"/report/{name}", steps[name])
    response = post_form(client, "/report/where", {"area": "online"})
    assert response.headers["Location"].endswith("/report/description")
    post_form(client, "/report/description", steps["description"])
    post_form(client, "/report/police", steps["police"] | {"next": "more"})
    assert "Where online did it happen?" in client.get("/report/more").get_data(as_text=True)
    post_form(client, "/report/where", {"area": "ludlow"})
    assert "Where online did it happen?" not in client.get("/report/more").get_data(as_text=True)
    assert client.get("/report/online").headers["Location"].endswith("/report/more")


def test_check_answers_lists_every_answer_with_a_change_link(client):
    start(client)
    answer_all(client, full_answers())
    page = client.get("/report/check").get_data(as_text=True)
    assert "Check your answers before sending your report" in page
    assert "outside the market hall" in page
    assert "3 November 2025" in page
    assert "Verbal abuse" in page and "Online abuse" in page
    assert 'href="/report/when?change=1#incident_date"' in page
    assert 'href="/report/place?change=1#place_description"' in page
    # Changing an answer returns to the check page, not through the rest again.
    response = post_form(client, "/report/where?change=1", {"area": "ludlow"})
    assert response.headers["Location"].endswith("/report/check")
    assert "Ludlow" in client.get("/report/check").get_data(as_text=True)


def test_change_that_opens_a_required_question_asks_it_before_checking(client):
    start(client)
    answer_all(client, minimal_answers())
    response = post_form(client, "/report/police?change=1", {"police_consent": "with_details"})
    assert response.headers["Location"].endswith("/report/police-details?change=1")
    response = post_form(client, "/report/police-details?change=1", {"police_details": "give", "phone": "07700 900982"})
    assert response.headers["Location"].endswith("/report/check")


def test_check_page_sends_unfinished_reporters_back_to_the_question(client):
    start(client)
    post_form(client, "/report/who", {"reporter_type": "victim"})
    response = client.get("/report/check")
    assert response.headers["Location"].endswith("/report/what")


def test_back_links_go_to_the_previous_question(client):
    start(client)
    answer_all(client, minimal_answers())
    page = client.get("/report/description").get_data(as_text=True)
    assert 'class="govuk-back-link" href="/report/where"' in page or 'href="/report/where" class="govuk-back-link"' in page


def test_double_submit_makes_one_report_and_shows_the_same_receipt(app, client):
    start(client)
    answer_all(client, minimal_answers())
    token = csrf_token(client, "/report/check")
    first = client.post("/report/check", data={"csrf_token": token})
    second = client.post("/report/check", data={"csrf_token": token})
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"].endswith("/report/sent")
    assert count_reports(app) == 1
    page = client.get("/report/sent").get_data(as_text=True)
    assert page.count("HC-") == 1


def test_finishing_forgets_the_receipt(app, client):
    start(client)
    answer_all(client, minimal_answers())
    send(client)
    token = csrf_token(client, "/report/sent")
    assert client.post("/report/finish", data={"csrf_token": token}).status_code == 302
    assert client.get("/report/sent").headers["Location"].endswith("/report/")  # the start: the home page
    with app.app_context():
        assert db.session.scalar(select(func.count(Draft.id))) == 0
    assert count_reports(app) == 1


def test_a_lost_or_expired_draft_says_so_and_offers_a_new_start(client):
    page = client.get("/report/who")
    assert page.status_code == 200
    assert "Your answers have been deleted" in page.get_data(as_text=True)


def test_exit_forgets_the_draft_and_leaves(app, client):
    start(client)
    post_form(client, "/report/who", {"reporter_type": "victim"})
    response = client.get("/exit")
    assert response.status_code == 302
    assert response.headers["Location"] == app.config["EXIT_URL"]
    with app.app_context():
        assert db.session.scalar(select(func.count(Draft.id))) == 0
    assert "Your answers have been deleted" in client.get("/report/what").get_data(as_text=True)


def test_without_keys_the_report_is_not_sent_and_answers_stay(app):
    client = app.test_client()  # no keys fixture: `keys init` never ran
    start(client)
    answer_all(client, minimal_answers())
    response = post_form(client, "/report/check", {})
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "Your report has not been sent yet" in page
    assert "Graffiti on a bus shelter." in page
    assert count_reports(app) == 0


def test_the_final_submit_sends_only_the_statements_its_work_needs(app, client, keys):
    """Issue 10: the send reads the draft (with whether it has files: this one has none, the
    answer lists' version: this process has the lists at it, from the pages before, and the group
    key, in the same statement: issue 29), then writes the report (its insert refuses a reference or code already used), its strands
    and its incident types (one statement each, however many) and marks the draft sent. The check
    page is not built for a send that works (it redirects), and the same number holds for three
    strands and three types."""
    start(client)
    answer_all(client, full_answers())
    token = csrf_token(client, "/report/check")
    with app.app_context():
        engine = db.engine
    sent: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        sent.append(statement.split("(")[0].strip())

    event.listen(engine, "before_cursor_execute", seen)
    try:
        response = client.post("/report/check", data={"csrf_token": token})
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert response.status_code == 302 and response.headers["Location"].endswith("/report/sent")
    assert len(sent) == 5, sent
    assert not any(s.startswith("SELECT service_keys") for s in sent), sent
    assert not any(s.startswith("SELECT choices") for s in sent), sent
    assert count_reports(app) == 1
    with app.app_context():
        stored = db.session.scalar(select(Report))
        assert len(stored.strand_codes) == 3 and len(stored.incident_type_codes) == 3
