"""Each quarter's reports followed to their outcomes (issue 30 item 5): the cohort table on the
page, in every export, in open data and as a chart, against a hand count of tests/stats/fixture.py.

The fixture's referrals (fixture.REFERRALS) by quarter of receipt, counted by hand:

quarter     received referred ack crime outcomes                          still open (not closed)
2024/25 Q1   3        -        -   -     -                                 1 (03 resolved)
2024/25 Q2   5        04       1   1     crime recorded                    1 (04)
2024/25 Q3   4        11       1   -     non-crime hate incident           2 (09, 11)
2024/25 Q4   6        15       1   1     crime recorded                    1 (15)
2025/26 Q1   6        19, 23   2   1     charged (19); none yet (23)       3 (19, 23, 24)
2025/26 Q2   7        25, 31   1   -     no further action (25); none (31) 3 (25, 29, 31)
2025/26 Q3   5        32       1   1     crime recorded                    3 (32, 34, 36)
2025/26 Q4   8        37, 44   1   -     none yet (37, 44)                 8
"""
from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime

import sqlalchemy as sa
from openpyxl import load_workbook

from reporting.auth.models import User
from reporting.codes import Outcome
from reporting.extensions import db
from reporting.referrals import services as referral_services
from reporting.referrals.models import PoliceMatch, Referral
from reporting.periods import london_today, month_key, quarter
from reporting.stats import cohorts
from tests.stats.conftest import RANGE
from tests.stats.helpers import tables

OUTCOMES = [code.value for code in Outcome]
# Column order: received, passed, share passed, acknowledged, crime, each outcome, no outcome yet,
# still open, share still open.


def row(received: int, passed: int, acknowledged: int, crime: int, outcomes: dict[str, int], no_outcome: int,
        still_open: int) -> list[object]:
    def share(n: int) -> str:
        return f"{round(100 * n / received)}%" if received else "–"

    return [received, passed, share(passed), acknowledged, crime, *(outcomes.get(o, 0) for o in OUTCOMES),
            no_outcome, still_open, share(still_open)]


EXPECTED = {
    "2024/25 Q1": row(3, 0, 0, 0, {}, 0, 1),
    "2024/25 Q2": row(5, 1, 1, 1, {"crime_recorded": 1}, 0, 1),
    "2024/25 Q3": row(4, 1, 1, 0, {"non_crime_hate_incident": 1}, 0, 2),
    "2024/25 Q4": row(6, 1, 1, 1, {"crime_recorded": 1}, 0, 1),
    "2025/26 Q1": row(6, 2, 2, 1, {"charged_or_summonsed": 1}, 1, 3),
    "2025/26 Q2": row(7, 2, 1, 0, {"no_further_action": 1}, 1, 3),
    "2025/26 Q3": row(5, 1, 1, 1, {"crime_recorded": 1}, 0, 3),
    "2025/26 Q4": row(8, 2, 1, 0, {}, 2, 8),
    "total": row(44, 10, 8, 4, {"crime_recorded": 3, "non_crime_hate_incident": 1, "charged_or_summonsed": 1,
                                "no_further_action": 1}, 4, 22),
}


def test_each_quarter_followed_to_its_outcomes_matches_the_hand_count(stats_world, analyst):
    assert tables(analyst)["cohorts"] == EXPECTED
    page = analyst.get("/stats/", query_string=RANGE).get_data(as_text=True)
    assert "Each quarter&#39;s reports followed to their outcomes" in page
    assert 'id="table-cohorts"' in page and "Share passed to police" in page
    assert "Police outcome: Non-crime hate incident recorded" in page
    # Every quarter here has ended (today is after March 2026): none is marked to date. (The
    # calendar year 2026, which the range reaches into, has not ended: its row elsewhere is.)
    cohort_table = page[page.index('id="table-cohorts"'):]
    assert "(to date)" not in cohort_table[:cohort_table.index("</table>")]


def test_an_outcome_in_a_later_quarter_stays_in_the_quarter_the_report_was_received(app, stats_world, analyst,
                                                                                    make_user):
    assert tables(analyst)["cohorts"] == EXPECTED  # the months are kept now (reporting/stats/cache.py)
    police = make_user("police")
    with app.app_context():
        # Report 31 came in on 30 September 2025 (2025/26 Q2) and was referred that day. The police
        # acknowledge it in October (Q3) and record a charge with a crime reference in February (Q4).
        referral = db.session.scalar(sa.select(Referral).where(Referral.report_id == stats_world["31"]))
        officer = db.session.get(User, police.id)
        referral_services.acknowledge(referral, actor=officer, now=datetime(2025, 10, 6, 9, tzinfo=UTC))
        referral_services.record_outcome(referral, actor=officer, crime_reference="22/10031/26",
                                         outcome=Outcome.CHARGED_OR_SUMMONSED, now=datetime(2026, 2, 10, 9, tzinfo=UTC))
        # The force's import matches three reports to crimes in May 2026 (outside the range): 04
        # already has a crime reference by referral (counted once), 23 was referred with no outcome
        # yet, and 20 was never referred (a crime, but not passed to the police by the service).
        for n in ("04", "23", "20"):
            db.session.add(PoliceMatch(report_id=stats_world[n], crime_reference=f"22/2{n}/26",
                                       matched_at=datetime(2026, 5, 4, 9, tzinfo=UTC)))
        db.session.commit()
    t = tables(analyst)
    expected = dict(EXPECTED)
    expected["2025/26 Q2"] = row(7, 2, 2, 1, {"no_further_action": 1, "charged_or_summonsed": 1}, 0, 3)
    expected["2025/26 Q1"] = row(6, 2, 2, 3, {"charged_or_summonsed": 1}, 1, 3)
    expected["total"] = row(44, 10, 9, 7, {"crime_recorded": 3, "non_crime_hate_incident": 1,
                                           "charged_or_summonsed": 2, "no_further_action": 1}, 3, 22)
    assert t["cohorts"] == expected
    # The cohort table keeps the outcome with the report, in Q2: the quarters it happened in are unchanged.
    assert t["cohorts"]["2025/26 Q4"] == EXPECTED["2025/26 Q4"]
    assert t["cohorts"]["2025/26 Q3"] == EXPECTED["2025/26 Q3"]


def test_a_quarter_not_ended_is_marked_to_date_and_a_part_quarter_names_its_months(stats_world, analyst):
    with analyst.application.app_context():
        this_month = month_key(london_today())
    year, month = int(this_month[:4]), int(this_month[5:])
    first = f"{year - (month <= 4):04d}-{(month - 5) % 12 + 1:02d}"  # four months before this one
    document = json.loads(analyst.get("/stats/export.json", query_string={"first": first, "last": this_month}).data)
    cohort_rows = {t["id"]: t for t in document["tables"]}["cohorts"]["rows"]
    labels = {r["code"]: r["label"] for r in cohort_rows}
    # The same words, from the same function, as every other table's period not over yet.
    measures = {t["id"]: t for t in document["tables"]}["measures_by_quarter"]["rows"]
    assert labels[quarter(this_month)] == {r["code"]: r["label"] for r in measures}[quarter(this_month)]
    assert labels[quarter(this_month)] == f"{quarter(this_month)} (to date)"
    assert [r["label"].endswith("(to date)") for r in cohort_rows].count(True) == 1
    # The quarter's label from what the dates chosen hold of it, and today (London), by periods.has_ended.
    with analyst.application.test_request_context():
        assert cohorts.quarter_label("2025/26 Q4", ["2026-01", "2026-02", "2026-03"], date(2026, 12, 6)) == \
            ("2025/26 Q4", False)
        assert cohorts.quarter_label("2025/26 Q4", ["2026-01", "2026-02", "2026-03"], date(2026, 4, 1)) == \
            ("2025/26 Q4", False)
        assert cohorts.quarter_label("2026/27 Q3", ["2026-10", "2026-11"], date(2026, 11, 30)) == \
            ("2026/27 Q3 (to date)", True)
        assert cohorts.quarter_label("2026/27 Q3", ["2026-10", "2026-11", "2026-12"], date(2026, 12, 1)) == \
            ("2026/27 Q3 (to date)", True)
        assert cohorts.quarter_label("2025/26 Q4", ["2026-01", "2026-02", "2026-03"], date(2026, 3, 31)) == \
            ("2025/26 Q4 (to date)", True)
        assert cohorts.quarter_label("2026/27 Q2", ["2026-08", "2026-09"], date(2026, 12, 6)) == \
            ("2026/27 Q2 (August 2026 to September 2026 only)", False)
        assert cohorts.quarter_label("2026/27 Q3", ["2026-10"], date(2026, 12, 6)) == \
            ("2026/27 Q3 (October 2026 to October 2026 only) (to date)", True)


def test_page_exports_and_open_data_agree(stats_world, analyst):
    t = tables(analyst)["cohorts"]
    csv_text = analyst.get("/stats/export.csv", query_string=RANGE).data.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(csv_text)))
    header = lines.index(["table", "table_title", "row_code", "row", "column", "value"])
    from_csv: dict[str, list[str]] = {}
    for table_id, _title, code, _label, _column, value in lines[header + 1:]:
        if table_id == "cohorts":
            from_csv.setdefault(code, []).append(value)
    assert from_csv == {code: [str(v) for v in values] for code, values in t.items()}
    book = load_workbook(io.BytesIO(analyst.get("/stats/export.xlsx", query_string=RANGE).data))
    sheet = book["Each quarter's reports followed"]
    cells = [[c for c in r] for r in sheet.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(cells) if r[0] == "Quarter received")
    assert [list(r[1:]) for r in cells[start + 1:start + 1 + len(t)]] == list(t.values())
    assert cells[start + 1][0] == "2024/25 Q1" and cells[start + len(t)][0] == "All these quarters"
    # The page shows the same numbers as the exports.
    page = analyst.get("/stats/", query_string=RANGE).get_data(as_text=True)
    section = page[page.index('id="table-cohorts"'):]
    section = section[:section.index("</table>")]
    assert section.count("govuk-table__cell--numeric") == len(t) * len(EXPECTED["total"])
    assert ">22<" in section and ">23%<" in section  # 10 of 44 passed to police; 22 still open
    # Open data: the final cohort (each quarter within six months of its end), by the quarters and years
    # received in, counts only. Like with like: every referral, acknowledgement, outcome and closure of the
    # fixture came within days of the report, so within six months the final cohort is the hand count too
    # (tests/stats/test_cohorts_final.py shows the two part when something happens later).
    document = json.loads(analyst.get("/stats/export.json", query_string={"open": "1"}).data)
    published = {table["id"]: table for table in document["tables"]}["open_cohorts"]
    by_code = {r["code"]: dict(zip(published["columns"], r["values"])) for r in published["rows"]}
    exact = {code: dict(zip(EXPECTED, values)) for code, values in zip(
        ["received", "passed", "share", "acknowledged", "crime", *(f"outcome:{o}" for o in OUTCOMES), "no_outcome",
         "still_open"], zip(*EXPECTED.values()))}
    for code, shown in by_code.items():
        for period, value in shown.items():
            if period in EXPECTED:  # the quarters of 2024/25 and 2025/26
                assert value == exact[code][period] or (value in ("<5", "[c]") and exact[code][period] != 0), \
                    (code, period, value, exact[code][period])
    assert by_code["received"]["2025/26 Q4"] == 8 and by_code["still_open"]["2025/26 Q4"] == 8
    assert by_code["passed"]["2025/26"] == 7 and by_code["received"]["2025/26"] == 26
    reports = {table["id"]: table for table in document["tables"]}["open_reports"]["rows"][0]
    assert by_code["received"] == dict(zip(published["columns"], reports["values"]))
    assert not [v for r in published["rows"] for v in r["values"] if isinstance(v, int) and 1 <= v <= 4]
    assert published["title"] == "Each quarter's reports followed for 6 months after the quarter's end"
    assert "not the to-date table" in published["note"]
    open_page = analyst.get("/stats/open-data").get_data(as_text=True)
    assert "Each quarter&#39;s reports followed for 6 months after the quarter&#39;s end" in open_page
    assert "Each quarter&#39;s reports followed to their outcomes" not in open_page
    assert "published once 6 months after the end of the quarter have passed" in open_page


def test_the_chart_draws_the_tables_figures(stats_world, analyst):
    response = analyst.get("/stats/charts/cohorts.svg", query_string=RANGE)
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    svg = response.get_data(as_text=True)
    assert "2024/25 Q1" in svg and "Passed to police" in svg and "Recorded as a crime" in svg
    assert "OFFICIAL-SENSITIVE" in svg
    assert "STATSCANARY42" not in svg
    assert analyst.get("/stats/charts/cohorts.svg", query_string={"first": "nonsense"}).status_code == 404
    with analyst.application.test_request_context():
        from reporting.stats import figures, queries
        from reporting.periods import parse_month

        result = figures.build(queries.Filters(parse_month(RANGE["first"]), parse_month(RANGE["last"])))
        quarters, series = cohorts.chart_series(result.table("cohorts").rows)
    assert quarters == [q for q in EXPECTED if q != "total"]
    assert dict(series)["Passed to police"] == [0, 1, 1, 1, 2, 2, 1, 2]
    assert dict(series)["Still open"] == [1, 1, 2, 1, 3, 3, 3, 8]


def test_bad_input_is_a_clear_error_and_nothing_else(stats_world, analyst):
    for args in ({"first": "9999999999-01"}, {"last": "1800-01"}, {"first": "2026-03", "last": "2024-04"}):
        for path in ("/stats/", "/stats/export.json"):
            response = analyst.get(path, query_string=args)
            assert response.status_code == 400, args
            assert "govuk-error-summary" in response.get_data(as_text=True)
        assert analyst.get("/stats/charts/cohorts.svg", query_string=args).status_code == 404
    # A NUL byte is refused before the form sees it (the app's own 400 page).
    assert analyst.get("/stats/", query_string={"first": "2024-04\x00", "last": "2026-03"}).status_code == 400


def test_one_months_rows_add_up_so_the_outcomes_are_the_reports_passed_to_police():
    # (month, passed, acknowledged, crime, latest outcome, reports), as SQLite (0/1) or PostgreSQL (bool) give them.
    # Only reports passed to the police or matched to a crime are listed; the month received 10.
    rows = [["2025-07", 0, 0, 1, None, 1], ["2025-07", True, True, True, "crime_recorded", 2],
            ["2025-07", 1, 0, 0, None, 1], ["2025-07", 1, 1, 0, "a_code_since_retired", 1]]
    counts = cohorts.month_counts(rows, received=10, closed=4)
    assert counts == {"received": 10, "passed": 4, "acknowledged": 3, "crime": 3, "outcome:crime_recorded": 2,
                      "no_outcome": 1, "outcome:other": 1, "still_open": 6}
    outcomes = sum(n for code, n in counts.items() if code.startswith("outcome:")) + counts["no_outcome"]
    assert outcomes == counts["passed"]
