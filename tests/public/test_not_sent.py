"""Promise 3: a reporter told "received" has a committed report; any failure before that keeps their answers."""
from __future__ import annotations

import re
from contextlib import contextmanager

from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from reporting.extensions import db
from reporting.reports.models import Report
from tests.helpers import answer_all, csrf_token, full_answers, minimal_answers, post_form, report, send, start


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


def test_database_down_entirely_never_says_not_sent_and_keeps_the_draft(app, client):
    start(client)
    answer_all(client, minimal_answers())
    token = csrf_token(client, "/report/check")
    with database_down(app):
        response = client.post("/report/check", data={"csrf_token": token})
        health = client.get("/healthz")
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "could not confirm" in page and "not been sent" not in page
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


# Issue 12, defect 4: after the commit, no page says "not sent" ---------------------------

RECEIPT = re.compile(r'id="receipt-code">(.*?)</strong>', re.S)


def stored_references(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(Report.reference)))


def says_received(page: str, reference: str) -> None:
    assert "Report sent" in page
    assert reference in page
    assert "not been sent" not in page and "not sent" not in page


def receipt_on(page: str) -> str | None:
    match = RECEIPT.search(page)
    return " ".join(re.sub(r"<[^>]+>", "", match.group(1)).split()) if match else None


def test_a_sent_report_is_received_while_the_database_is_down_and_its_code_is_shown_once_when_back(app, client):
    start(client)
    answer_all(client, minimal_answers())
    token = csrf_token(client, "/report/check")
    sent = client.post("/report/check", data={"csrf_token": token})
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/report/sent")
    [reference] = stored_references(app)

    # The database stops before the browser follows the redirect, and the person reloads.
    with database_down(app):
        pages = [
            client.get("/report/sent"),
            client.get("/report/sent"),
            client.get("/report/who"),  # the back button
            client.post("/report/check", data={"csrf_token": token}),  # the send pressed again
        ]
    for response in pages:
        page = response.get_data(as_text=True)
        says_received(page, reference)
        assert receipt_on(page) is None, "the code needs the database; it is kept for later"
        assert "come back to this page in a few minutes to see it" in page

    # A question posted from an older page meanwhile is refused, and said so.
    with database_down(app):
        late = client.post("/report/witnesses", data={"csrf_token": token, "witnesses": "The driver."})
    assert late.status_code == 409
    assert "what you just changed was not added" in late.get_data(as_text=True)

    # The database is back: the code is shown, once, and opens the report at /status.
    first = client.get("/report/sent").get_data(as_text=True)
    says_received(first, reference)
    receipt = receipt_on(first)
    assert receipt and len(receipt.replace(" ", "")) == 24
    visitor = app.test_client()
    assert post_form(visitor, "/status", {"receipt": receipt}).status_code == 302
    assert reference in visitor.get("/status/report").get_data(as_text=True)
    again = client.get("/report/sent").get_data(as_text=True)
    assert reference in again and receipt_on(again) == receipt, "a reload shows it again for a while"
    assert stored_references(app) == [reference], "one report, however often it was pressed"


def test_after_the_code_was_shown_an_outage_still_says_received_and_never_shows_it_again(app, client):
    app.config["RECEIPT_SHOWN_MINUTES"] = 0  # no second look at the code
    reference, receipt = report(client, minimal_answers())  # the code was shown
    assert receipt_on(client.get("/report/sent").get_data(as_text=True)) is None
    with database_down(app):
        response = client.get("/report/sent")
    page = response.get_data(as_text=True)
    says_received(page, reference)
    assert "was shown once" in page
    assert receipt_on(page) is None and receipt.split()[-1] not in page
    # Finishing during the outage forgets the draft in the cookie and goes home.
    with database_down(app, when=lambda statement: statement.lstrip().upper().startswith("DELETE")):
        token = csrf_token(client, "/report/sent")
        done = client.post("/report/finish", data={"csrf_token": token})
    assert done.status_code == 302
    assert "Report sent" not in client.get("/report/sent", follow_redirects=True).get_data(as_text=True)


def test_a_commit_that_fails_after_it_happened_never_says_not_sent(app, client, monkeypatch):
    """The connection drops as the commit is acknowledged: it may have gone, so the page
    says it could not be confirmed, and trying again shows the one report's confirmation."""
    start(client)
    answer_all(client, minimal_answers())
    real_commit = db.session.commit
    calls = []

    def commit_then_lose_connection() -> None:
        real_commit()
        if not calls:
            calls.append(1)
            raise OperationalError("COMMIT", None, ConnectionError("server closed the connection"))

    monkeypatch.setattr(db.session, "commit", commit_then_lose_connection, raising=False)
    response = post_form(client, "/report/check", {})
    monkeypatch.undo()
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "not been sent" not in page and "not sent" not in page
    assert "could not confirm" in page
    assert "Graffiti on a bus shelter." in page and "Try sending again" in page
    [reference] = stored_references(app)
    # "Try sending again" on the page that is still open:
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    again = client.post("/report/check", data={"csrf_token": token}, follow_redirects=True).get_data(as_text=True)
    says_received(again, reference)
    assert receipt_on(again)
    assert stored_references(app) == [reference]


# Issue 12, defect 6: an outage at the send gives the check page, not a generic one ------------

def test_database_down_at_the_send_gives_the_check_page_with_the_answers(app, client):
    start(client)
    answer_all(client, full_answers("outage"))
    token = csrf_token(client, "/report/check")
    check_page = client.get("/report/check").get_data(as_text=True)
    copy = re.search(r'name="answers_copy" value="([^"]+)"', check_page)
    assert copy and "outage" not in copy.group(1), "the page's copy is sealed"
    with database_down(app):
        response = client.post("/report/check", data={"csrf_token": token, "answers_copy": copy.group(1)})
        retried = client.post("/report/check", data={"csrf_token": token, "answers_copy": copy.group(1)})
    for attempt in (response, retried):
        page = attempt.get_data(as_text=True)
        assert attempt.status_code == 503
        assert "Check your answers before sending your report" in page
        # Without the draft it cannot know whether an earlier press sent it (issue 27 item 4).
        assert "We could not confirm that your report was received" in page and "not been sent" not in page
        assert "Try sending again" in page
        for answer in ("A man shouted at me in the street. outage", "outside the market hall outage",
                       "Shrewsbury", "Sam outage"):
            assert answer in page, answer
    assert report_count(app) == 0
    # Back up: the same button sends it, once.
    reference, _ = send(client)
    assert stored_references(app) == [reference]


def test_a_forged_or_missing_copy_falls_back_to_the_unavailable_page(app, client):
    start(client)
    answer_all(client, minimal_answers())
    token = csrf_token(client, "/report/check")
    with database_down(app):
        forged = client.post("/report/check", data={"csrf_token": token, "answers_copy": "AAAA" * 20})
        missing = client.post("/report/check", data={"csrf_token": token})
    for response in (forged, missing):
        assert response.status_code == 503
        page = response.get_data(as_text=True)
        assert "Sorry, the service is unavailable" in page
        assert "could not confirm" in page and "not been sent" not in page
        assert "Graffiti" not in page


# Issue 27, item 4: a committed send whose answer was lost is never described as "not sent" ----

def test_a_send_whose_answer_was_lost_then_pressed_again_in_an_outage_is_never_called_not_sent(app, client):
    start(client)
    answer_all(client, minimal_answers())
    check_page = client.get("/report/check").get_data(as_text=True)
    press_send = {"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', check_page).group(1),
                  "answers_copy": re.search(r'name="answers_copy" value="([^"]+)"', check_page).group(1)}
    cookie_before = client.get_cookie("session").value
    sent = client.post("/report/check", data=press_send)
    assert sent.status_code == 302, "committed"
    [reference] = stored_references(app)
    client.set_cookie("session", cookie_before)  # its answer (and the cookie it set) never arrived

    with database_down(app):
        again = client.post("/report/check", data=press_send)
    page = again.get_data(as_text=True)
    assert again.status_code == 503
    assert "not been sent" not in page and "not sent" not in page
    assert "We could not confirm that your report was received" in page and "never sent twice" in page
    assert "Graffiti on a bus shelter." in page and "Try sending again" in page

    # Back up: "Try sending again" shows the one report's confirmation, with its code.
    done = client.post("/report/check", data=press_send, follow_redirects=True).get_data(as_text=True)
    says_received(done, reference)
    assert receipt_on(done)
    assert stored_references(app) == [reference]
