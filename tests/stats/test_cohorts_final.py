"""The cohort table's definitions made one, and its open data made final (issue 30).

- "Recorded as a crime" is one definition: the strategy's measure "police-recorded crimes" is the
  cohort's count, quarter by quarter, on generated data; "passed to police" (by the quarter the
  report was received) is not the measure "referred to police" (by the period first sent), and
  the two are named apart and the notes say so.
- Open data's cohort is final: a quarter is published only once six months after its end have
  passed, counting what was known by then, so two publications on different days give the same
  figures for every quarter both publish, even when outcomes come in between them.
"""
from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from reporting.auth.models import User
from reporting.cases.models import CaseEvent
from reporting.codes import Outcome
from reporting.extensions import db
from reporting.keys.models import KeyPurpose
from reporting.keys.services import current_key
from reporting.periods import parse_month, quarter
from reporting.referrals import services as referral_services
from reporting.referrals.models import PoliceMatch, Referral
from reporting.reports.models import Report
from reporting.stats import cohorts, disclosure, figures, queries
from reporting.stats.figures import Table
from tests.stats.conftest import RANGE
from tests.stats.helpers import tables


def _measure(table: dict[str, list[Any]], name: str) -> dict[str, Any]:
    index = figures.MEASURES.index(name)
    return {code: values[index] for code, values in table.items()}


def _cohort(table: dict[str, list[Any]], column: int) -> dict[str, Any]:
    return {code: values[column] for code, values in table.items() if code != "total"}


CRIME_COLUMN, PASSED_COLUMN = 4, 1  # in cohorts.columns()


def _generate(app: Any, ids: dict[str, int], seed: int) -> None:
    """Random referrals (some sent in a later quarter than the report came in), crime references by
    referral and by the force's matches, over the fixture's reports."""
    rng = random.Random(seed)
    with app.app_context():
        police = current_key(KeyPurpose.POLICE)
        received = dict(db.session.execute(sa.select(Report.id, Report.received_at)).all())
        referred = set(db.session.scalars(sa.select(Referral.report_id)))
        for n, report_id in sorted(ids.items()):
            at = received[report_id]
            if report_id not in referred and rng.random() < 0.5:
                sent = at + timedelta(days=rng.choice([1, 40, 75, 120]))
                unsent = rng.random() < 0.15  # awaiting a second reviewer: not passed to police
                crime = f"22/9{n}/{seed}" if rng.random() < 0.5 else None
                db.session.execute(sa.insert(Referral.__table__).values(
                    report_id=report_id, created_at=sent, state="awaiting_approval" if unsent else "crime_recorded",
                    kind="full", shared_fields=["description"], police_key_id=police.id, package=b"sealed",
                    sent_at=None if unsent else sent, crime_reference=None if unsent else crime,
                    outcome=None if unsent or crime is None else "crime_recorded",
                    outcome_at=None if unsent or crime is None else sent + timedelta(days=3),
                    override_explanation=b"sealed"))
            if rng.random() < 0.2:
                db.session.add(PoliceMatch(report_id=report_id, crime_reference=f"22/8{n}/{seed}",
                                           matched_at=at + timedelta(days=200)))
        db.session.commit()


def test_the_measures_crimes_recorded_is_the_cohorts_recorded_as_a_crime_every_quarter(app, stats_world, analyst):
    _generate(app, stats_world, seed=30)
    t = tables(analyst)
    by_quarter = _measure(t["measures_by_quarter"], "crimes_recorded")
    crime = _cohort(t["cohorts"], CRIME_COLUMN)
    assert set(by_quarter) == set(crime) and len(crime) == 8
    assert by_quarter == crime, "one definition, by the report's received quarter"
    assert sum(crime.values()) > 8, "the generated data must record crimes in most quarters"
    by_year = _measure(t["measures_by_financial_year"], "crimes_recorded")
    assert by_year == {year: sum(n for q, n in crime.items() if q.startswith(year)) for year in by_year}
    # "Passed to police" counts a report in the quarter it came in; "referred to police" in the
    # period its first referral was sent: not the same measure, named apart and said so.
    passed = _cohort(t["cohorts"], PASSED_COLUMN)
    referred = _measure(t["measures_by_quarter"], "referred")
    assert passed != referred and sum(passed.values()) >= sum(referred.values())
    document = analyst.get("/stats/export.json", query_string=RANGE).json
    by_id = {table["id"]: table for table in document["tables"]}
    assert "Passed to police" in by_id["cohorts"]["columns"] and "Passed to police" not in \
        by_id["measures_by_quarter"]["columns"]
    assert "“referred to police” counts a report in the period its first referral was sent" in by_id["cohorts"]["note"]
    assert "not the cohort table's “passed to police”" in by_id["measures_by_quarter"]["note"]


# Open data made final ----------------------------------------------------------------------------

def _when(at: datetime) -> None:
    """Date the case event just written as the service would have on that day (it writes utcnow())."""
    last = db.session.scalar(sa.select(sa.func.max(CaseEvent.id)))
    db.session.execute(sa.update(CaseEvent.__table__).where(CaseEvent.id == last).values(at=at))


def _close(report_id: int, at: datetime) -> None:
    """What closing a case writes (reporting/cases/services.change_status)."""
    report = db.session.get(Report, report_id)
    db.session.execute(sa.insert(CaseEvent.__table__).values(
        report_id=report_id, at=at, kind="status", action="changed", before=report.status, after="closed",
        reason="resolved"))
    report.status, report.closure_reason = "closed", "resolved"


def _unsuppressed(app: Any, today: date) -> dict[str, Table]:
    with app.test_request_context():
        periods, found = disclosure.publishable(today)
        return {table.id: table for table in found}


def _cohort_columns(table: Table) -> dict[str, dict[str, Any]]:
    return {column: {row.code: row.values[c] for row in table.rows} for c, column in enumerate(table.columns)}


def test_two_open_data_publications_give_the_same_final_figures_for_every_quarter_both_publish(
        app, stats_world, analyst, make_user):
    police = make_user("police")
    with app.app_context():
        # The fixture wrote report 19's charge (April 2025) straight into the referral; the service also
        # writes it on the case's timeline, the history a later outcome cannot overwrite: as here.
        referral = db.session.scalar(sa.select(Referral).where(Referral.report_id == stats_world["19"]))
        db.session.execute(sa.insert(CaseEvent.__table__).values(
            report_id=referral.report_id, at=referral.outcome_at, kind="referral", action="outcome",
            after=referral.outcome, ref=referral.crime_reference))
        db.session.commit()
    first = _unsuppressed(app, date(2026, 9, 15))
    # Published: each quarter six whole months after its end. 2025/26 Q4 (January to March 2026) is
    # followed to 1 October 2026, so neither it nor its year is published on 15 September 2026,
    # though the other tables publish them.
    before = _cohort_columns(first["open_cohorts"])
    assert list(before)[-8:] == ["2024/25 Q1", "2024/25 Q2", "2024/25 Q3", "2024/25 Q4", "2024/25",
                                 "2025/26 Q1", "2025/26 Q2", "2025/26 Q3"]  # after 2023/24 (report 45)
    assert {"2025/26 Q4", "2025/26", "2026/27 Q1"} <= set(first["open_reports"].columns)

    with app.app_context():
        officer = db.session.get(User, police.id)

        def referral_of(n: str) -> Referral:
            return db.session.scalar(sa.select(Referral).where(Referral.report_id == stats_world[n]))

        # After the horizons of every quarter already published:
        # report 23 (2025/26 Q1, referred, acknowledged, no outcome) is charged, with a crime reference;
        referral_services.record_outcome(referral_of("23"), actor=officer, crime_reference="22/50023/26",
                                         outcome=Outcome.CHARGED_OR_SUMMONSED, now=datetime(2026, 9, 20, 9, tzinfo=UTC))
        _when(datetime(2026, 9, 20, 9, tzinfo=UTC))
        # report 19's outcome (2025/26 Q1, charged in April 2025) is replaced by "no further action";
        referral_services.record_outcome(referral_of("19"), actor=officer, crime_reference="",
                                         outcome=Outcome.NO_FURTHER_ACTION, now=datetime(2026, 9, 20, 10, tzinfo=UTC))
        _when(datetime(2026, 9, 20, 10, tzinfo=UTC))
        # the force matches report 20 (2025/26 Q1, never referred) to a crime;
        db.session.add(PoliceMatch(report_id=stats_world["20"], crime_reference="22/50020/26",
                                   matched_at=datetime(2026, 9, 21, 9, tzinfo=UTC)))
        # report 29 (2025/26 Q2, under review) and report 36 (2025/26 Q3, new, never changed before) close.
        _close(stats_world["29"], datetime(2026, 9, 22, 9, tzinfo=UTC))
        _close(stats_world["36"], datetime(2026, 9, 23, 9, tzinfo=UTC))
        # Within 2025/26 Q4's window (to 1 October 2026): report 37 gets a crime recorded ...
        referral_services.record_outcome(referral_of("37"), actor=officer, crime_reference="22/50037/26",
                                         outcome=Outcome.CRIME_RECORDED, now=datetime(2026, 9, 25, 9, tzinfo=UTC))
        _when(datetime(2026, 9, 25, 9, tzinfo=UTC))
        # ... and after it, report 44's referral is acknowledged.
        referral_services.acknowledge(referral_of("44"), actor=officer, now=datetime(2026, 10, 5, 9, tzinfo=UTC))
        _when(datetime(2026, 10, 5, 9, tzinfo=UTC))
        db.session.commit()

    second = _unsuppressed(app, date(2026, 11, 2))
    after = _cohort_columns(second["open_cohorts"])
    assert list(after) == [*before, "2025/26 Q4", "2025/26"]  # 2026/27 Q1: to 1 January 2027
    for period, counts in before.items():  # final: the same figures in both publications
        assert after[period] == counts, period
    # The staff page's cohort, to date, has them all (like with like: it is not open data's measure).
    live = tables(analyst)["cohorts"]
    # To date: 23 charged and 20 matched now; 19's reference went with its new outcome.
    assert live["2025/26 Q1"][CRIME_COLUMN] == 2
    assert before["2025/26 Q1"][cohorts.CRIME] == 1  # what was known by 1 January 2026: 19's
    assert live["2025/26 Q2"][-2] == before["2025/26 Q2"][cohorts.STILL_OPEN] - 1
    assert live["2025/26 Q3"][-2] == before["2025/26 Q3"][cohorts.STILL_OPEN] - 1
    # Report 19's charge stands in open data: it was the outcome known at the horizon.
    assert before["2025/26 Q1"][cohorts.outcome_code("charged_or_summonsed")] == 1
    assert before["2025/26 Q1"][cohorts.outcome_code("no_further_action")] == 0
    # 2025/26 Q4 first published with what was known by 1 October 2026: 37's crime, not 44's acknowledgement.
    q4 = after["2025/26 Q4"]
    assert (q4[cohorts.RECEIVED], q4[cohorts.PASSED], q4[cohorts.ACKNOWLEDGED], q4[cohorts.CRIME]) == (8, 2, 1, 1)
    assert q4[cohorts.outcome_code("crime_recorded")] == 1 and q4[cohorts.NO_OUTCOME] == 1
    assert live["2025/26 Q4"][3] == 2  # acknowledged, to date
    # The year is its four quarters, each within six months of its own end.
    assert after["2025/26"] == {code: sum(after[f"2025/26 Q{n}"][code] for n in range(1, 5)) for code in after["2025/26"]}
    # Published (suppressed) the same way: a count shown in both publications is the same count.
    with app.test_request_context():
        shown = [{t.id: t for t in disclosure.open_data(day).tables}["open_cohorts"]
                 for day in (date(2026, 9, 15), date(2026, 11, 2))]
    for period, c in zip(shown[0].columns, range(len(shown[0].columns))):
        c2 = shown[1].columns.index(period)
        for row, row2 in zip(shown[0].rows, shown[1].rows):
            if isinstance(row.values[c], int) and isinstance(row2.values[c2], int):
                assert row.values[c] == row2.values[c2], (period, row.code)


def test_no_quarter_is_published_before_its_window_has_passed(app, stats_world):
    with app.test_request_context():
        assert cohorts.horizon("2025-06") == datetime(2026, 1, 1, tzinfo=UTC)  # 2025/26 Q1: to 1 January 2026
        assert cohorts.horizon("2026-03") == datetime(2026, 9, 30, 23, tzinfo=UTC)  # midnight, summer time
        assert not cohorts.is_final("2025-06", date(2025, 12, 31)) and cohorts.is_final("2025-06", date(2026, 1, 1))
        # 1 April 2025: 2024/25 is published by every other table, but its quarters' cohorts only from
        # January 2025 (Q1) to October 2025 (Q4), so none of 2024/25 Q3, Q4 or the year yet.
        published = {t.id: t for t in disclosure.open_data(date(2025, 4, 1)).tables}
        assert published["open_reports"].columns[-1] == "2024/25"
        assert published["open_cohorts"].columns[-3:] == ["2023/24", "2024/25 Q1", "2024/25 Q2"]
        # Before any quarter's window has passed (2023/24 Q1, the first report's year: to 1 January
        # 2024), there is no cohort table at all.
        early = {t.id for t in disclosure.open_data(date(2023, 12, 1)).tables}
        assert "open_reports" in early and cohorts.OPEN_TABLE_ID not in early


def test_the_final_cohort_counts_what_happened_before_the_horizon(app, stats_world):
    # Statement-level: report 31 (2025/26 Q2, sent 30 September 2025, no acknowledgement yet).
    with app.test_request_context():
        month = queries.final_cohorts_by_month
        first, last = parse_month("2025-07"), parse_month("2025-09")
        at = {label: cohorts.final_month_counts(month(first, last, horizon))["2025-09"]
              for label, horizon in (("before it was sent", datetime(2025, 9, 30, 12, tzinfo=UTC)),
                                     ("after", datetime(2026, 4, 1, tzinfo=UTC)))}
    assert at["before it was sent"][cohorts.PASSED] + 1 == at["after"][cohorts.PASSED]
    assert at["after"][cohorts.RECEIVED] == at["before it was sent"][cohorts.RECEIVED] == 7
    assert quarter("2025-09") == "2025/26 Q2"


def test_a_kept_final_quarter_is_made_again_when_one_of_its_reports_is_deleted(app, stats_world):
    # Open data keeps a final quarter in the process (reporting/stats/cache.py) while its months are
    # unchanged; deleting a report (retention's business, not this table's) still shows at once.
    def received(day: date) -> int:
        with app.test_request_context():
            table = {t.id: t for t in disclosure.publishable(day)[1]}["open_cohorts"]
            return _cohort_columns(table)["2025/26 Q1"][cohorts.RECEIVED]

    assert received(date(2026, 11, 2)) == received(date(2026, 11, 3)) == 6
    with app.app_context():
        db.session.delete(db.session.get(Report, stats_world["21"]))
        db.session.commit()
    assert received(date(2026, 11, 4)) == 5
