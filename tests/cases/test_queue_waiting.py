"""The queue says how long each case has waited and marks a case nobody has reviewed
within the promised working days (REPORTING_REVIEW_WORKING_DAYS), so nobody waits unseen."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from reporting.db import utcnow
from reporting.extensions import db
from reporting.reports.models import Report
from tests.helpers import minimal_answers, report, sign_in


def _age(app, reference: str, days: int, status: str = "new") -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        stored = db.session.scalar(select(Report).where(Report.reference == reference))
        stored.received_at = utcnow() - timedelta(days=days)
        stored.status = status
        db.session.commit()


def _row(page: str, reference: str) -> str:
    return page.split(f">{reference}</a>", 1)[1].split("</tr>", 1)[0]


def _queue(app, make_user) -> str:  # type: ignore[no-untyped-def]
    staff = app.test_client()
    sign_in(staff, app, make_user("reviewer").email)
    return staff.get("/review/?sort=oldest").get_data(as_text=True)


def test_old_unreviewed_cases_are_marked_and_every_case_says_how_long_it_waited(app, client, make_user):
    waiting, _ = report(client, minimal_answers())
    fresh, _ = report(app.test_client(), minimal_answers())
    looked_at, _ = report(app.test_client(), minimal_answers())
    _age(app, waiting, 8)
    _age(app, looked_at, 8, status="in_triage")
    page = _queue(app, make_user)
    assert "Not reviewed" in _row(page, waiting)
    assert re.search(r"Waiting 8 days", _row(page, waiting))
    assert "Not reviewed" not in _row(page, fresh)
    assert re.search(r"Waiting \d+ minutes?", _row(page, fresh))
    assert "Not reviewed" not in _row(page, looked_at), "someone has moved it on"
    assert "Waiting 8 days" in _row(page, looked_at)


def test_the_promise_is_configurable(make_app, make_user, keys):  # type: ignore[no-untyped-def]
    # keys were made on the default app of this database; this app shares it.
    app = make_app(REVIEW_WORKING_DAYS=10)
    reference, _ = report(app.test_client(), minimal_answers())
    _age(app, reference, 8)
    staff = app.test_client()
    sign_in(staff, app, make_user("reviewer").email)
    page = staff.get("/review/").get_data(as_text=True)
    assert "Not reviewed" not in _row(page, reference)
    assert "still new after 10 working days" in page


def test_the_queue_words_follow_an_edited_list(app, client, make_user):  # type: ignore[no-untyped-def]
    # An administrator's change to a list shows in the queue's words and filter options on the
    # next page, on both databases (the lists are kept by their version: reports/questions.py).
    from reporting.reports.models import Choice

    reference, _ = report(client, minimal_answers())
    staff = app.test_client()
    sign_in(staff, app, make_user("reviewer").email)
    before = _row(staff.get("/review/").get_data(as_text=True), reference)
    assert "Ludlow" in before and "Graffiti" in before
    with app.app_context():
        stored = db.session.get(Choice, ("area", "ludlow"))
        stored.label = "Ludlow and Clee Hills"
        db.session.commit()
    queue = staff.get("/review/").get_data(as_text=True)
    assert "Ludlow and Clee Hills" in _row(queue, reference)
    assert re.search(r'<option value="ludlow">\s*Ludlow and Clee Hills\s*</option>', queue), "the area filter too"
    case = staff.get(f"/review/cases/{reference}").get_data(as_text=True)
    assert "Ludlow and Clee Hills" in case
