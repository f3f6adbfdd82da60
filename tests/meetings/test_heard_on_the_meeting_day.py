"""Issue 30: a case counts as heard on the day of the meeting that heard it, once that meeting has been
held, on the meeting pages as in the statistics (one definition: reporting/meetings/queries.py)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from reporting.extensions import db
from reporting.meetings import queries
from reporting.meetings.models import Meeting, MeetingItem
from reporting.db import utcnow
from reporting.periods import LONDON
from tests.helpers import minimal_answers, report
from tests.meetings.test_meetings import flag, post, report_id, signed_in


def london_today():  # type: ignore[no-untyped-def]
    return utcnow().astimezone(LONDON).date()


def test_a_decision_typed_before_the_meeting_does_not_count_as_heard_until_its_day(app, make_user, keys):
    reference, _receipt = report(app.test_client(), minimal_answers())
    reviewer = signed_in(app, make_user("reviewer"))
    flag(reviewer, reference)
    held_on = london_today() + timedelta(days=4)
    response = post(reviewer, "/review/meetings/new", {
        "held_on": held_on.isoformat(), "place": "Shirehall, room 2", "cases": [str(report_id(app, reference))]})
    assert response.status_code == 302
    meeting_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    with app.app_context():
        item_id = db.session.scalar(select(MeetingItem.id).where(MeetingItem.meeting_id == meeting_id))
    item_page = f"/review/meetings/{meeting_id}/items/{item_id}"
    assert post(reviewer, f"{item_page}/decision", {"decision-decision": "Ask the council about lighting."},
                page=item_page).status_code == 302
    with app.app_context():  # typed today, for a meeting still to come: not heard yet
        assert queries.heard_report_ids(london_today() - timedelta(days=60), held_on + timedelta(days=60)) == set()
    page = reviewer.get(f"/review/meetings/{meeting_id}").get_data(as_text=True)
    assert "Decision recorded: counts as heard on" in page
    assert ">Heard<" not in page
    with app.app_context():
        case = report_id(app, reference)
        assert queries.heard_report_ids(london_today() - timedelta(days=60), held_on + timedelta(days=60)) == set()
        # On the meeting's day, with nothing changed in the database, it is heard: on that day.
        assert queries.heard_report_ids(held_on, held_on, today=held_on) == {case}
        # Moved to a day that has passed, the meeting's cases count as heard (and show so).
        db.session.get(Meeting, meeting_id).held_on = london_today() - timedelta(days=1)
        db.session.commit()
    page = reviewer.get(f"/review/meetings/{meeting_id}").get_data(as_text=True)
    assert ">Heard<" in page and "Decision recorded: counts as heard on" not in page
