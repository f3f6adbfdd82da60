"""The answer lists (areas, incident types, motivations) are kept by each process with their
version, which triggers move on every change to ``choices`` (migration 0025): a change made
any way shows on the next page, a change rolled back never does, and a page whose process has
the lists at the current version reads none of them."""
from __future__ import annotations

from sqlalchemy import event, text

from reporting.extensions import db
from reporting.reports import questions
from tests.helpers import answer_all, minimal_answers, start


def _where(client) -> str:  # type: ignore[no-untyped-def]
    response = client.get("/report/where")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_change_made_with_plain_sql_shows_on_the_next_page(app, client):
    start(client)
    answer_all(client, minimal_answers())
    assert 'value="ludlow"' in _where(client)
    with app.app_context():
        db.session.execute(text("UPDATE choices SET active = false WHERE list_name = 'area' AND code = 'ludlow'"))
        db.session.commit()
    assert 'value="ludlow"' not in _where(client)
    with app.app_context():
        db.session.execute(text(
            "INSERT INTO choices (list_name, code, label, grouping, position, active) "
            "VALUES ('area', 'much_wenlock_east', 'Much Wenlock East', 'market_town', 99, true)"
        ))
        db.session.commit()
    page = _where(client)
    assert 'value="much_wenlock_east"' in page and "Much Wenlock East" in page


def test_lists_read_in_a_change_rolled_back_are_never_shown(app, client):
    start(client)
    assert "Ludlow" in _where(client)
    with app.test_request_context():
        db.session.execute(text("UPDATE choices SET label = 'Rolled Back Town' WHERE list_name = 'area' AND code = 'ludlow'"))
        # This process reads (and keeps) the lists inside the change, then it is undone.
        assert ("ludlow", "Rolled Back Town") in [(code, str(label)) for code, label in questions.choice_options("area")]
        db.session.rollback()
        db.session.remove()
    # Another change, committed before any page is seen: the version it sets is never the one
    # the rolled-back change had (a counter going up again would give the same one).
    with app.app_context():
        db.session.execute(text("UPDATE choices SET position = position WHERE list_name = 'area' AND code = 'ludlow'"))
        db.session.commit()
    page = _where(client)
    assert "Rolled Back Town" not in page and "Ludlow" in page


def test_a_journey_page_reads_no_list_when_its_process_has_them(app, client):
    start(client)
    _where(client)  # the process now has the lists at the current version
    with app.app_context():
        engine = db.engine
    sent: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        sent.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", seen)
    try:
        page = _where(client)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert 'value="ludlow"' in page
    assert not any(s.startswith("SELECT choices") for s in sent), sent
    assert len(sent) == 1, sent  # the draft, with the lists' version
