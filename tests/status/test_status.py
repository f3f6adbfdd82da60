"""The reporter comes back with their receipt: status, messages both ways, additions."""
from __future__ import annotations

import re

from sqlalchemy import select

from reporting.extensions import db
from reporting.reports.models import Report
from reporting.status.models import Message
from tests.helpers import csrf_token, minimal_answers, post_form, report, sign_in


def open_status(client, receipt):
    return post_form(client, "/status", {"receipt": receipt})


def test_receipt_opens_the_status_page_and_a_wrong_one_does_not(app, client):
    reference, receipt = report(client, minimal_answers())
    visitor = app.test_client()
    response = open_status(visitor, receipt.replace(" ", "-"))
    assert response.status_code == 302 and response.headers["Location"].endswith("/status/report")
    page = visitor.get("/status/report").get_data(as_text=True)
    assert reference in page and "has been received" in page
    wrong = app.test_client()
    digits = receipt.replace(" ", "")
    bad = digits[:-1] + str((int(digits[-1]) + 1) % 10)
    response = open_status(wrong, bad)
    assert response.status_code == 200
    assert "does not match a report" in response.get_data(as_text=True)
    assert wrong.get("/status/report").headers["Location"].endswith("/status")


def test_messages_both_ways_and_additions_reach_the_case(app, client, make_user):
    reference, receipt = report(client, minimal_answers())
    reviewer = make_user("reviewer")
    staff = app.test_client()
    sign_in(staff, app, reviewer.email)
    url = f"/review/cases/{reference}"
    token = re.search(r'name="csrf_token" value="([^"]+)"', staff.get(url).get_data(as_text=True)).group(1)
    response = staff.post(f"{url}/messages", data={"csrf_token": token, "message-text": "Which bus shelter was it?"})
    assert response.status_code == 302

    visitor = app.test_client()
    open_status(visitor, receipt)
    page = visitor.get("/status/report").get_data(as_text=True)
    assert "Which bus shelter was it?" in page
    token = csrf_token(visitor, "/status/report")
    assert visitor.post("/status/reply", data={"csrf_token": token, "reply-text": "The one on Mill Street"}).status_code == 302
    assert visitor.post("/status/add", data={"csrf_token": token, "addition-text": "It happened again today"}).status_code == 302
    with app.app_context():
        stored = db.session.scalar(select(Report).where(Report.reference == reference))
        assert stored.new_information is True
        assert all(b"Mill Street" not in m.sealed for m in db.session.scalars(select(Message)))
    queue = staff.get("/review/").get_data(as_text=True)
    assert "New information" in queue
    case = staff.get(url).get_data(as_text=True)
    assert "The one on Mill Street" in case and "It happened again today" in case
    with app.app_context():
        assert db.session.scalar(select(Report.new_information).where(Report.reference == reference)) is False


def test_leaving_ends_the_receipt_session(app, client):
    _, receipt = report(client, minimal_answers())
    visitor = app.test_client()
    open_status(visitor, receipt)
    token = csrf_token(visitor, "/status/report")
    assert visitor.post("/status/leave", data={"csrf_token": token}).status_code == 302
    assert visitor.get("/status/report").headers["Location"].endswith("/status")


def test_exit_this_page_ends_the_receipt_session(app, client):
    _, receipt = report(client, minimal_answers())
    visitor = app.test_client()
    open_status(visitor, receipt)
    visitor.get("/exit")
    assert visitor.get("/status/report").headers["Location"].endswith("/status")


def test_assisted_report_gets_a_new_code_of_its_own_on_first_visit(app, make_user):
    from tests.assisted.test_assisted import ASSISTED_FIRST, WORD, centre_client, walk

    staff, _ = centre_client(app, make_user)
    post_form(staff, "/centre/report/", {})
    walk(staff, ASSISTED_FIRST | minimal_answers())
    post_form(staff, "/centre/report/check", {})
    slip = re.sub(r"<[^>]+>", "", staff.get("/centre/report/receipt").get_data(as_text=True))
    centre_code = re.search(r"\d{4}(?: \d{4}){5}", slip).group(0)
    person = app.test_client()
    response = open_status(person, centre_code)
    assert response.headers["Location"].endswith("/status/word")  # the slip's first use asks for the word
    response = person.post("/status", data={"csrf_token": csrf_token(person, "/status/word"), "word": WORD})
    assert response.status_code == 200
    page = re.sub(r"<[^>]+>", "", response.get_data(as_text=True))
    new_code = re.search(r"\d{4}(?: \d{4}){5}", page).group(0)
    assert new_code != centre_code
    # The centre's copy stops working; the new one works.
    assert "does not match" in open_status(app.test_client(), centre_code).get_data(as_text=True)
    assert open_status(app.test_client(), new_code).status_code == 302


def test_additions_appear_on_the_case_timeline(app, client, make_user):
    reference, receipt = report(client, minimal_answers())
    visitor = app.test_client()
    open_status(visitor, receipt)
    token = csrf_token(visitor, "/status/report")
    visitor.post("/status/add", data={"csrf_token": token, "addition-text": "It happened again on Friday"})
    reviewer = make_user("reviewer")
    staff = app.test_client()
    sign_in(staff, app, reviewer.email)
    page = staff.get(f"/review/cases/{reference}").get_data(as_text=True)
    timeline = page.split("app-timeline", 1)[1].split("</ol>", 1)[0]
    assert "the reporter added information" in timeline.lower() and "It happened again on Friday" in timeline


def test_receipt_sessions_end_after_the_idle_time(app, client, make_app):
    from datetime import timedelta

    from reporting.status.models import ReceiptSession

    _, receipt = report(client, minimal_answers())
    visitor = app.test_client()
    open_status(visitor, receipt)
    assert visitor.get("/status/report").status_code == 200
    with app.app_context():
        for row in db.session.scalars(select(ReceiptSession)):
            row.expires_at = row.expires_at - timedelta(minutes=16)
        db.session.commit()
    assert visitor.get("/status/report").headers["Location"].endswith("/status")
    assert app.config["RECEIPT_IDLE_MINUTES"] == 15
