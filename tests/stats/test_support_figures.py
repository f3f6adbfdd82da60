"""Issue 30 item 8 on /stats/: support wanted, offered, accepted and completed by the quarter a
report was received, and the reporters' "How did we do?" by the quarter they answered; on the
page and in the exports, counted from clear columns against a hand-counted truth."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from reporting.extensions import db
from reporting.status.models import ReporterFeedback
from reporting.support.models import CaseSupport
from tests.stats.conftest import RANGE
from tests.stats.helpers import tables

# Report number (of tests/stats/fixture.py): offered, day, accepted, completed.
SUPPORT = {
    "01": ("yes", date(2024, 4, 5), "yes", "yes"),
    "02": ("no", None, None, None),
    "03": ("yes", date(2024, 5, 1), "no", None),
    "04": ("yes", date(2024, 7, 5), "yes", "stopped"),
    "07": ("yes", date(2024, 7, 25), "yes", "not_yet"),
}
# Report number: score, the day it was given (the words sealed: a canary the page must never show).
FEEDBACK = {
    "01": (5, date(2024, 5, 10)), "02": (1, date(2024, 5, 11)), "03": (4, date(2024, 6, 1)),
    "04": (4, date(2024, 6, 30)), "05": (3, date(2024, 4, 2)), "06": (2, date(2024, 8, 1)),
}


def add_support_and_feedback(app, ids):
    with app.app_context():
        for n, (offered, day, accepted, completed) in SUPPORT.items():
            db.session.add(CaseSupport(report_id=ids[n], offered=offered, offered_on=day, accepted=accepted,
                                       completed=completed))
        for n, (score, day) in FEEDBACK.items():
            db.session.add(ReporterFeedback(report_id=ids[n], score=score, answered_on=day,
                                            comment=b"STATSCANARY42 sealed words"))
        db.session.commit()


def test_support_by_quarter_received(app, stats_world, analyst):
    add_support_and_feedback(app, stats_world)
    table = tables(analyst)["support_by_quarter"]
    # Reports, wanted, share, offered, share, accepted, share of offered, completed, share of accepted,
    # stopped, offer not recorded.
    assert table["2024/25 Q1"] == [3, 2, "67%", 2, "67%", 1, "50%", 1, "100%", 0, 0]
    assert table["2024/25 Q2"] == [5, 2, "40%", 2, "40%", 2, "100%", 0, "0%", 1, 3]
    assert table["2024/25 Q3"][3:] == [0, "0%", 0, "–", 0, "–", 0, 4]
    assert list(table)[-1] == "total"
    assert len(table) == 9  # eight quarters and the total
    total = table["total"]
    assert total[0] == 44 and total[3] == 4 and total[5] == 3 and total[7] == 1 and total[9] == 1
    # The filters apply: Shrewsbury only (01, 02 in the first quarter; 04, 08 in the second).
    shrewsbury = tables(analyst, area="shrewsbury")["support_by_quarter"]
    assert shrewsbury["2024/25 Q1"] == [2, 1, "50%", 1, "50%", 1, "100%", 1, "100%", 0, 0]
    assert shrewsbury["2024/25 Q2"] == [2, 1, "50%", 1, "50%", 1, "100%", 0, "0%", 1, 1]


def test_feedback_by_quarter_answered(app, stats_world, analyst):
    add_support_and_feedback(app, stats_world)
    table = tables(analyst)["feedback_by_quarter"]
    # Answers, average, then how many gave 1 to 5.
    assert table["2024/25 Q1"] == [5, 3.4, 1, 0, 1, 2, 1]
    assert table["2024/25 Q2"] == [1, None, 0, 1, 0, 0, 0]  # too few answers for an average
    assert table["2025/26 Q4"] == [0, None, 0, 0, 0, 0, 0]
    assert table["total"] == [6, 3.2, 1, 1, 1, 2, 1]
    assert tables(analyst, area="oswestry")["feedback_by_quarter"]["total"] == [2, None, 0, 1, 0, 1, 0]


def test_the_page_shows_both_tables_and_never_the_words(app, stats_world, analyst):
    add_support_and_feedback(app, stats_world)
    page = analyst.get("/stats/", query_string=RANGE).get_data(as_text=True)
    assert 'id="table-support_by_quarter"' in page and 'id="table-feedback_by_quarter"' in page
    assert "Support by quarter the report was received" in page
    assert "Average score (1 very poor to 5 very good)" in page
    assert "STATSCANARY42" not in page
    for fmt in ("csv", "xlsx"):
        export = analyst.get(f"/stats/export.{fmt}", query_string=RANGE)
        assert export.status_code == 200
        assert b"STATSCANARY42" not in export.data
    assert b"Support offered" in analyst.get("/stats/export.csv", query_string=RANGE).data


def test_a_quarter_not_yet_ended_is_marked_to_date(app, keys, analyst):
    from reporting.db import utcnow
    from reporting.periods import LONDON, month_key, quarter

    this_month = month_key(utcnow().astimezone(LONDON).date())
    found = tables(analyst, first=this_month, last=this_month)
    assert list(found["support_by_quarter"]) == [quarter(this_month), "total"]
    page = analyst.get("/stats/", query_string={"first": this_month, "last": this_month}).get_data(as_text=True)
    assert f"{quarter(this_month)} (to date)" in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CaseSupport)) == 0


def test_a_change_shows_at_once_and_a_second_look_groups_nothing(app, stats_world, analyst, make_user):
    """The rows are kept month by month with the other statements: a second look groups nothing,
    and recording support (a case event) or changing an answer drops the months they touch."""
    from reporting.auth.models import User
    from reporting.codes import FeedbackScore, SupportAccepted, SupportOffered
    from reporting.reports.models import Report
    from reporting.status import feedback
    from reporting.support import services
    from tests.stats.test_no_keys import statements

    add_support_and_feedback(app, stats_world)
    first = tables(analyst)
    with statements(app) as seen:
        assert tables(analyst) == first
    assert not [s for s in seen if "GROUP BY" in s and "stats_" not in s and "first_hearings" not in s]  # heard: live, by meeting date
    reviewer = make_user("reviewer")
    with app.app_context():
        actor = db.session.get(User, reviewer.id)
        fifth = db.session.get(Report, stats_world["05"])  # received July 2024, no support recorded
        services.record_support(fifth, services.SupportAnswers(SupportOffered.YES, date(2024, 7, 20),
                                                               SupportAccepted.NO), actor=actor)
        sixth = db.session.get(Report, stats_world["06"])  # answered "poor" in August: now "very good" in May
        feedback.give_feedback(sixth, FeedbackScore.VERY_GOOD, None, today=date(2024, 5, 20))
        db.session.commit()
    after = tables(analyst)
    assert after["support_by_quarter"]["2024/25 Q2"] == [5, 2, "40%", 3, "60%", 2, "67%", 0, "0%", 1, 2]
    assert after["feedback_by_quarter"]["2024/25 Q1"] == [6, 3.7, 1, 0, 1, 2, 2]
    assert after["feedback_by_quarter"]["2024/25 Q2"] == [0, None, 0, 0, 0, 0, 0]
