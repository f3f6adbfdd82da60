"""Promise 3: a reporter told "received" has a committed report; any failure before that keeps their answers."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from reporting.extensions import db
from reporting.reports.models import Report
from tests.helpers import answer_all, csrf_token, minimal_answers, post_form, send, start


@contextmanager
def database_down(app, when=lambda statement: True):
    """Make the database refuse statements, as a lost connection would."""
    with app.app_context():
        engine = db.engine

    def refuse(conn, cursor, statement, parameters, context, executemany):
        if when(statement):
            raise OperationalError(statement, None, ConnectionError("server closed the connection"))

    event.listen(engine, "before_cursor_execute", refuse)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", refuse)


def report_count(app) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count(Report.id))))


def test_database_failing_at_submit_keeps_answers_and_stores_nothing(app, client):
    start(client)
    answer_all(client, minimal_answers())
    with database_down(app, when=lambda statement: statement.lstrip().upper().startswith("INSERT INTO REPORTS")):
        response = post_form(client, "/report/check", {})
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "Your report has not been sent yet" in page
    assert "Graffiti on a bus shelter." in page, "the answers are still on the page"
    assert "Try sending again" in page
    assert report_count(app) == 0

    # Once the database is back, the same button sends it, once.
    reference, receipt = send(client)
    assert reference.startswith("HC-")
    assert report_count(app) == 1


def test_database_down_entirely_says_not_sent_and_keeps_the_draft(app, client):
    start(client)
    answer_all(client, minimal_answers())
    token = csrf_token(client, "/report/check")
    with database_down(app):
        response = client.post("/report/check", data={"csrf_token": token})
        health = client.get("/healthz")
    assert response.status_code == 503
    assert "not been sent" in response.get_data(as_text=True)
    assert health.status_code == 503
    assert report_count(app) == 0
    # The draft survived: the check page still shows the answers.
    assert "Graffiti on a bus shelter." in client.get("/report/check").get_data(as_text=True)


def test_database_down_shows_the_unavailable_page_not_a_crash(app, client):
    start(client)
    with database_down(app):
        response = client.get("/report/who")
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "has not been sent" in page or "not been sent" in page
