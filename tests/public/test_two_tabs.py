"""Issue 12, defect 5: an answer saved in one tab while the report is sent from another is
never silently lost. The race is played deterministically: the first tab's request is
paused at the point where it has read the draft, the second tab's request runs to its
end, then the first goes on."""
from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from reporting.evidence import services as evidence_services
from reporting.extensions import db
from reporting.journey import services as journey_services
from reporting.reports import services as report_services
from reporting.reports.models import Draft, Report
from tests.helpers import answer_all, csrf_token, minimal_answers, post_form, read_report, start

WITNESSES = {"witnesses": "The shopkeeper saw it all."}


def second_tab(app, client: FlaskClient) -> FlaskClient:  # type: ignore[no-untyped-def]
    """Another tab of the same browser: the same cookies."""
    tab = app.test_client()
    cookie = client.get_cookie("session")
    assert cookie is not None
    tab.set_cookie("session", cookie.value)
    return tab


def pause_before(  # type: ignore[no-untyped-def]
    app, monkeypatch: pytest.MonkeyPatch, module: object, name: str, meanwhile: Callable[[], None]
) -> None:
    """The next call of ``module.name`` first lets ``meanwhile`` run (another request), once."""
    original = getattr(module, name)
    done: list[bool] = []

    def paused(*args, **kwargs):  # type: ignore[no-untyped-def]
        if not done:
            done.append(True)
            # Its own application context, so its own database session and connection,
            # as a request in another worker would have.
            with app.app_context():
                meanwhile()
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, paused)


def stored(app) -> list[Report]:  # type: ignore[no-untyped-def]
    with app.app_context():
        reports = list(db.session.scalars(select(Report)))
        db.session.expunge_all()
        return reports


def test_an_answer_saved_after_the_other_tab_sent_is_refused_with_a_clear_page(app, client, keys, monkeypatch):
    start(client)
    answer_all(client, minimal_answers())
    sender = second_tab(app, client)
    send_token = csrf_token(sender, "/report/check")
    sent: list[int] = []

    def send_from_the_other_tab() -> None:
        response = sender.post("/report/check", data={"csrf_token": send_token})
        sent.append(response.status_code)

    # This tab has read the draft (not sent yet) when the other tab sends it.
    pause_before(app, monkeypatch, report_services, "save_step", send_from_the_other_tab)
    response = post_form(client, "/report/witnesses", WITNESSES)
    monkeypatch.undo()

    assert sent == [302]
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Your report was already sent" in page
    assert "what you just changed was not added" in page
    assert "/status" in page, "where to add it, with the receipt"
    [report] = stored(app)
    with app.app_context():
        content = read_report(report.reference, keys.recovery_text)
        assert "witnesses" not in content["answers"]
        # Nothing of the answer lingers in the sent draft either.
        draft = db.session.scalar(select(Draft).where(Draft.report_id == report.id))
        assert draft is not None and draft.answers == b""


def test_a_send_from_a_stale_page_goes_back_to_check_and_then_sends_the_new_answer(app, client, keys, monkeypatch):
    start(client)
    answer_all(client, minimal_answers())
    other = second_tab(app, client)
    save_token = csrf_token(other, "/report/witnesses")
    saved: list[int] = []

    def save_in_the_other_tab() -> None:
        response = other.post("/report/witnesses", data={"csrf_token": save_token, **WITNESSES})
        saved.append(response.status_code)

    # This tab has read the draft for sending when the other tab saves an answer.
    pause_before(app, monkeypatch, journey_services, "submit_draft", save_in_the_other_tab)
    response = post_form(client, "/report/check", {})
    monkeypatch.undo()

    assert saved == [302], "the other tab's answer was saved"
    assert response.status_code == 302 and response.headers["Location"].endswith("/report/check")
    assert stored(app) == [], "nothing sent from the old copy"
    check = client.get("/report/check").get_data(as_text=True)
    assert "changed in another tab or window" in check
    assert "The shopkeeper saw it all." in check

    response = post_form(client, "/report/check", {})
    assert response.headers["Location"].endswith("/report/sent")
    [report] = stored(app)
    with app.app_context():
        content = read_report(report.reference, keys.recovery_text)
    assert content["answers"]["witnesses"] == WITNESSES["witnesses"]


def test_two_tabs_saving_different_questions_keep_both_answers(app, client, keys, monkeypatch):
    start(client)
    answer_all(client, minimal_answers())
    other = second_tab(app, client)
    token = csrf_token(other, "/report/place")

    def save_in_the_other_tab() -> None:
        response = other.post("/report/place", data={"csrf_token": token, "place_description": "By the bus station."})
        assert response.status_code == 302

    pause_before(app, monkeypatch, report_services, "save_step", save_in_the_other_tab)
    response = post_form(client, "/report/witnesses", WITNESSES)
    monkeypatch.undo()
    assert response.status_code == 302

    check = client.get("/report/check").get_data(as_text=True)
    assert "By the bus station." in check and "The shopkeeper saw it all." in check


def test_a_question_posted_from_an_older_page_after_sending_is_refused_not_dropped(app, client, keys):
    """Not a race: one tab still shows a question when the report is sent from another;
    that question's answer, sent afterwards, is refused and the page says so."""
    start(client)
    answer_all(client, minimal_answers())
    older_page = csrf_token(client, "/report/witnesses")
    send_from = second_tab(app, client)
    assert post_form(send_from, "/report/check", {}).headers["Location"].endswith("/report/sent")

    response = client.post("/report/witnesses", data={"csrf_token": older_page, **WITNESSES})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "what you just changed was not added" in page
    # Looking at a question (not changing it) still goes to the confirmation.
    assert client.get("/report/witnesses").headers["Location"].endswith("/report/sent")
    [report] = stored(app)
    with app.app_context():
        assert "witnesses" not in read_report(report.reference, keys.recovery_text)["answers"]


def test_a_file_arriving_as_the_other_tab_sends_is_not_added_and_says_so(app, client, keys, monkeypatch):
    from reporting.reports.models import DraftFile
    from tests.evidence.conftest import multipart

    start(client)
    answer_all(client, minimal_answers())
    sender = second_tab(app, client)
    send_token = csrf_token(sender, "/report/check")

    def send_from_the_other_tab() -> None:
        assert sender.post("/report/check", data={"csrf_token": send_token}).status_code == 302

    body, form_type = multipart({"csrf_token": csrf_token(client, "/report/files")}, "evidence-file",
                                "notes.txt", b"what the shopkeeper said\n", "text/plain")
    # This tab has read the draft (not sent yet) and is about to store the file when the
    # other tab sends. (Not later: on SQLite, writes wait for each other.)
    pause_before(app, monkeypatch, evidence_services, "add_draft_file", send_from_the_other_tab)
    response = client.post("/report/files", data=body, content_type=form_type)
    monkeypatch.undo()

    assert response.status_code == 409
    assert "what you just changed was not added" in response.get_data(as_text=True)
    [report] = stored(app)
    with app.app_context():
        assert db.session.scalar(select(DraftFile.id)) is None, "no file left behind under the draft"
