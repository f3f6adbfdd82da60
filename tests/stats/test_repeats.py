"""Issue 30 item 6: repeat victimisation as the reporter's answer, the Group's links beside it under
their own name, and repeat locations (the same area and kind of place), on the hand-counted fixture.

The fixture (tests/stats/fixture.py) is given known answers below; every expected figure is
counted by hand from these two tables."""
from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from reporting import cache as kept
from reporting.extensions import db
from reporting.periods import london_today
from reporting.reports.models import Report
from reporting.stats import disclosure
from reporting.stats.models import StatsMonth
from tests.helpers import full_answers, report
from tests.stats import fixture
from tests.stats.conftest import RANGE
from tests.stats.helpers import column, tables
from tests.stats.test_disclosure import truth_of, unprotected

# n -> the reporter's answer to "Has this happened to you before?" (every other report: not answered).
# 45 is received just before the range: never counted.
ANSWERS = {"01": "no", "02": "no", "03": "no", "10": "once", "11": "once",
           "20": "several", "21": "several", "22": "several", "23": "several", "30": "ongoing", "45": "several"}
# n -> kind of place, with the fixture's area beside it:
PLACES = {
    "01": "transport", "12": "transport", "16": "transport",  # Shrewsbury, a repeat location: 3 reports
    "03": "home", "14": "home",  # Oswestry, a repeat location across two financial years: 2 reports
    "07": "street", "11": "business",  # Ludlow, two different kinds of place: no repeat
    "09": "street", "27": "street",  # Telford and Wrekin, a neighbouring area: never a place here
    "10": "home", "18": "home",  # online: never a place
    "19": "somewhere_else", "21": "somewhere_else",  # Shrewsbury, "somewhere else" is no kind of place
    "15": "work",  # Market Drayton, alone
    "24": "education", "45": "education",  # Shrewsbury, but 45 is outside the range: no repeat inside it
}


@pytest.fixture
def repeat_world(stats_world, app):  # type: ignore[no-untyped-def]
    with app.app_context():
        for n, answer in ANSWERS.items():
            db.session.execute(sa.update(Report).where(Report.reference == fixture.reference(n))
                               .values(happened_before=answer))
        for n, kind in PLACES.items():
            db.session.execute(sa.update(Report).where(Report.reference == fixture.reference(n))
                               .values(place_kind=kind))
        db.session.commit()
    return stats_world


def test_reports_by_whether_it_had_happened_before(repeat_world, analyst):
    table = tables(analyst)["by_happened_before"]
    assert column(table) == {"no": 3, "once": 2, "several": 4, "ongoing": 1, "not_answered": 34}
    assert table["several"][1] == "9%"  # 4 of 44


def test_the_groups_links_stand_beside_it_under_their_own_name(repeat_world, analyst):
    table = tables(analyst)["linked_by_group"]
    # Linked as related: 13-16 and 20-26; as duplicates: 08-01 and 28-25.
    assert column(table) == {"related": 4, "duplicate": 4}
    page = analyst.get("/stats/", query_string=RANGE).get_data(as_text=True)
    assert "Reports by whether it had happened before" in page and "Reports linked as related by the Group" in page
    assert page.index("Reports by whether it had happened before") < page.index("Reports linked as related by the Group")
    assert "Several times before" in page and "Repeat victims" not in page


def test_repeat_locations_count_every_report_at_an_area_and_kind_named_twice(repeat_world, analyst):
    table = tables(analyst)["repeat_locations"]
    assert column(table) == {"shrewsbury:transport": 3, "oswestry:home": 2, "repeat_location": 5}
    page = analyst.get("/stats/", query_string=RANGE).get_data(as_text=True)
    assert "Shrewsbury: On public transport, or at a station or stop" in page and "Oswestry: At or near a home" in page
    assert "two or more reports received in the dates chosen" in page  # the note says how it is counted
    # Filtered to Shrewsbury, only its location is left; a range holding one of Oswestry's two, none of it.
    assert column(tables(analyst, area="shrewsbury")["repeat_locations"]) == {"shrewsbury:transport": 3,
                                                                              "repeat_location": 3}
    one_year = tables(analyst, first="2025-04", last="2026-03")["repeat_locations"]
    assert column(one_year) == {"repeat_location": 0}


def test_the_measures_count_both_in_each_period(repeat_world, analyst):
    everything = tables(analyst)
    headings = json.loads(analyst.get("/stats/export.json", query_string=RANGE).data)
    measure_table = next(t for t in headings["tables"] if t["id"] == "measures_by_quarter")
    before = measure_table["columns"].index(
        "Reports where it had happened before (the reporter's answer: once, several times or ongoing)")
    location = measure_table["columns"].index(
        "Reports at a repeat location (the same area and kind of place as another report in the period)")
    assert "Reports linked as related by the Group" in measure_table["columns"]
    quarters = everything["measures_by_quarter"]
    assert {q: v[before] for q, v in quarters.items() if v[before]} == {"2024/25 Q3": 2, "2025/26 Q1": 4,
                                                                        "2025/26 Q2": 1}
    # Within a quarter no area and kind of place is named twice: the pairs are counted per period.
    assert {q: v[location] for q, v in quarters.items() if v[location]} == {}
    years = everything["measures_by_financial_year"]
    assert {y: (v[before], v[location]) for y, v in years.items()} == {"2024/25": (2, 5), "2025/26": (5, 0)}


def test_a_new_answer_shows_at_once_and_exports_match_the_page(repeat_world, app, analyst, keys):
    now = f"{datetime.now(UTC):%Y-%m}"
    first = column(tables(analyst, first="2024-04", last=now)["by_happened_before"])
    steps = full_answers()  # "several times", in the street in Shrewsbury
    report(app.test_client(), steps)
    after = column(tables(analyst, first="2024-04", last=now)["by_happened_before"])
    assert after["several"] == first["several"] + 1
    csv = analyst.get("/stats/export.csv", query_string=RANGE).get_data(as_text=True)
    assert "by_happened_before" in csv and "repeat_locations" in csv and "linked_by_group" in csv


def test_open_data_publishes_the_bands_suppressed_with_every_other_table(repeat_world, app, analyst):
    """The bands add up to the period's reports like the area table: they join the one suppression
    system, and no count from 1 to 4 shows or can be worked out from everything published."""
    document = json.loads(analyst.get("/stats/export.json", query_string={"open": "1"}).data)
    published = document["tables"]
    bands = {t["id"]: t for t in published}["open_by_happened_before"]
    rows = {r["code"]: dict(zip(bands["columns"], r["values"])) for r in bands["rows"]}
    assert list(rows) == ["no", "once", "several", "ongoing", "not_answered", "reports"]
    # 2025/26 Q1: 4 "several times" (20 to 23): shown as "<5", never 4.
    # 2025/26 Q1: 4 "several times" (20 to 23) and 2024/25: 2 "once" (10, 11): hidden, never shown.
    assert rows["several"]["2025/26 Q1"] in ("<5", "[c]") and rows["once"]["2024/25"] in ("<5", "[c]")
    assert not [v for t in published for r in t["rows"] for v in r["values"] if isinstance(v, int) and 1 <= v <= 4]
    assert "repeat" not in json.dumps([t["id"] for t in published])  # never a table of places
    with app.test_request_context():
        truth = truth_of(disclosure.publishable(london_today())[1])  # what open data publishes, before suppression
    assert unprotected(published, truth) == []


def test_months_kept_before_the_statement_existed_are_completed_not_misread(repeat_world, app, analyst):
    """An install upgraded with months already kept (stats_months rows without "repeats"): the new
    statement is grouped for those months on the next look; nothing kept is read as zero."""
    expected = column(tables(analyst)["by_happened_before"])
    with app.app_context():
        for row in db.session.scalars(sa.select(StatsMonth)):
            payload = json.loads(row.payload)
            payload.pop("repeats", None)
            row.payload = json.dumps(payload)
        db.session.commit()
    kept.clear()  # and no process remembers its sums of them
    assert column(tables(analyst)["by_happened_before"]) == expected
    with app.app_context():
        assert all("repeats" in json.loads(p) for p in db.session.scalars(sa.select(StatsMonth.payload)))
