"""Kept months: a second look groups nothing again, and any change shows at once."""
from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from reporting.cases.models import CaseEvent
from reporting.extensions import db
from reporting.meetings.models import Meeting, MeetingItem
from reporting.referrals.models import PoliceMatch
from reporting.reports.models import Report
from reporting.stats.models import StatsMonth
from tests.stats.helpers import column, tables
from tests.stats.test_no_keys import statements


def test_a_second_look_groups_nothing_again(app, stats_world, analyst):
    tables(analyst)
    with statements(app) as seen:
        again = tables(analyst)
    # Only the hearings at meetings are read on each look (a meeting's day passing changes them with
    # no change in the database), from the meetings' items, never the reports.
    assert not [s for s in seen if "GROUP BY" in s and "stats_" not in s and "first_hearings" not in s]
    assert column(again["by_financial_year"]) == {"2024/25": 18, "2025/26": 26}


def test_new_reports_status_changes_and_links_show_at_once(app, stats_world, analyst):
    first = tables(analyst)
    assert column(first["by_status"])["new"] == 4
    with app.app_context():
        template = db.session.execute(sa.select(Report.__table__).where(Report.reference == "HC-00-STAT36")).mappings().one()
        row = dict(template) | {"reference": "HC-00-STAT99", "submission_key": "stats-99", "receipt_lookup": "99009999",
                                "received_at": datetime(2024, 7, 10, 8, tzinfo=UTC)}
        row.pop("id")
        db.session.execute(sa.insert(Report.__table__).values(**row))
        # Report 36 (new, December 2025) is triaged, by the case's own status change.
        report_36 = stats_world["36"]
        db.session.execute(sa.update(Report.__table__).where(Report.id == report_36).values(status="in_triage"))
        db.session.execute(sa.insert(CaseEvent.__table__).values(
            report_id=report_36, at=datetime(2026, 1, 2, 9, tzinfo=UTC), kind="status", action="changed",
            before="new", after="in_triage"))
        db.session.commit()
    after = tables(analyst)
    assert column(after["by_financial_year"]) == {"2024/25": 19, "2025/26": 26}
    assert column(after["by_status"])["new"] == 4  # one new report in, report 36 out
    assert column(after["by_status"])["in_triage"] == 3
    # Report 36's first review, 5 days after it came in, joins 2025/26's 22: the 90th percentile
    # (the 21st of 23) moves from 2.0 to 3.0 days.
    assert first["measures_by_financial_year"]["2025/26"][7] == 2.0
    assert after["measures_by_financial_year"]["2025/26"][7] == 3.0


def test_a_case_heard_at_a_meeting_counts_as_heard_once(app, stats_world, analyst):
    """Cases heard at a meeting of the Group (issue 30): on the meeting's date, at once, each case once,
    beside (never added to) the cases the Group reviewed (moved to "under review")."""
    first = tables(analyst)
    reviewed_before = first["measures_by_financial_year"]["2025/26"][1]
    assert first["measures_by_financial_year"]["2025/26"][-1] is None  # no meeting kept yet
    with app.app_context():
        already = db.session.scalar(sa.select(CaseEvent.report_id).where(
            CaseEvent.kind == "status", CaseEvent.after == "under_review").limit(1))
        meeting = Meeting(held_on=date(2026, 1, 8), place="Shirehall")
        again = Meeting(held_on=date(2026, 2, 5), place="Shirehall")
        db.session.add_all([meeting, again])
        db.session.flush()
        for report_id in (stats_world["36"], already):  # report 36 is new: never under review
            db.session.add(MeetingItem(meeting_id=meeting.id, report_id=report_id,
                                       heard_at=datetime(2026, 1, 20, 18, tzinfo=UTC)))
        # Heard again at the next meeting: still one case heard.
        db.session.add(MeetingItem(meeting_id=again.id, report_id=already, heard_at=datetime(2026, 2, 5, 18, tzinfo=UTC)))
        db.session.commit()
    after = tables(analyst)
    assert after["measures_by_financial_year"]["2025/26"][1] == reviewed_before
    assert after["measures_by_financial_year"]["2025/26"][-1] == 2
    assert after["measures_by_financial_year"]["2024/25"][-1] is None  # before the first meeting kept here
    assert after["measures_by_quarter"]["2025/26 Q4"][-1] == 2


def test_a_month_another_process_grouped_again_is_read_again(app, stats_world, analyst):
    """Each process keeps the sums of the months it has read, for as long as the month's stamp in
    the database is the same: a month regrouped elsewhere (a new stamp) is read again at once,
    and an unchanged one is not read again at all."""
    first = tables(analyst)
    july = first["by_month"]["2024-07"][0]

    def bump(restamp: bool) -> None:  # what another process's regrouping of July 2024 would leave
        with app.app_context():
            for kept in db.session.scalars(sa.select(StatsMonth).where(StatsMonth.month == "2024-07")):
                payload = json.loads(kept.payload)
                payload["where_and_how"][0][-1] += 100
                kept.payload = json.dumps(payload)
                if restamp:
                    kept.computed_at = kept.computed_at + timedelta(seconds=1)
            db.session.commit()

    bump(restamp=False)
    assert tables(analyst)["by_month"]["2024-07"][0] == july  # the kept sums: the row is not read again
    bump(restamp=True)
    again = tables(analyst)
    assert again["by_month"]["2024-07"][0] == july + 200
    assert column(again["by_financial_year"])["2024/25"] == column(first["by_financial_year"])["2024/25"] + 200


def test_a_match_imported_today_changes_the_reports_old_month_at_once(app, stats_world, analyst):
    """Issue 30: a crime recorded counts in the month its report was received, so a match written today
    must drop that (kept, long past) month, not today's."""
    first = tables(analyst, last="2026-12")["measures_by_financial_year"]
    assert first["2025/26"][4] == 2
    with app.app_context():
        db.session.add(PoliceMatch(report_id=stats_world["27"], crime_reference="22/30001/25"))  # September 2025
        db.session.commit()
    after = tables(analyst, last="2026-12")["measures_by_financial_year"]
    assert after["2025/26"][4] == 3
    assert after["2026/27"][4] == first["2026/27"][4] == 0
