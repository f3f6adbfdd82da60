"""Issue 30 item 7, context for a rise: the unusual-month rule at its edges, and rates per 1,000
residents, initiatives in the tables and on the chart, on generated data whose truth is known."""
from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from reporting.context import services as context_services
from reporting.context.models import InitiativeKind
from reporting.db import utcnow
from reporting.extensions import db
from reporting.keys.models import KeyPurpose
from reporting.keys.services import current_key
from reporting.periods import london_month
from reporting.reports.models import Report, ReportIncidentType, ReportStrand
from reporting.stats.context import is_unusual, unusual_months, usual_range
from tests.stats.helpers import tables


# The rule ---------------------------------------------------------------------------------------
# Flagged: more than the mean of the 12 months before plus 2 standard deviations, and at least 3 more
# than the mean; 12 months of history needed.

def test_a_flat_history_flags_three_more_than_usual_and_not_two():
    history = [2] * 12  # mean 2, no spread
    assert is_unusual(5, history)
    assert not is_unusual(4, history)  # above the range, but only 2 more than the mean


def test_just_above_and_at_the_top_of_the_usual_range():
    history = [0, 4] * 6  # mean 2, standard deviation 2: the usual range is 0 to 6
    assert usual_range(history).high == 6
    assert usual_range(history).low == 0  # never below 0
    assert not is_unusual(6, history)  # at the top of the range: not beyond it
    assert is_unusual(7, history)


def test_a_spread_history_needs_more_than_three_above_the_mean():
    history = [1, 3] * 6  # mean 2, standard deviation 1: up to 4
    assert is_unusual(5, history)
    assert not is_unusual(4, history)


def test_too_little_history_is_never_judged():
    assert not is_unusual(50, [0] * 11)
    assert is_unusual(50, [0] * 12)


def test_unusual_months_skip_the_month_to_date_and_months_without_a_years_records():
    series = {f"2025-{m:02d}": {"ludlow": 1} for m in range(1, 13)} | {"2026-01": {"ludlow": 9}, "2026-02": {"ludlow": 9}}
    flagged = unusual_months(series, ["2026-01"], dimension="area", earliest="2025-01", this_month="2026-03")
    assert [(f.code, f.month, f.reports) for f in flagged] == [("ludlow", "2026-01", 9)]
    # The same month while it is this month: "to date", never flagged.
    assert unusual_months(series, ["2026-01"], dimension="area", earliest="2025-01", this_month="2026-01") == []
    # The service began in February 2025: January 2026 has only 11 months of records before it.
    assert unusual_months(series, ["2026-01"], dimension="area", earliest="2025-02", this_month="2026-03") == []
    # February 2026's year before holds January's rise: mean 1.67, range up to 5.5; 9 is still beyond it.
    flagged = unusual_months(series, ["2026-02"], dimension="area", earliest="2025-01", this_month="2026-03")
    assert [f.month for f in flagged] == ["2026-02"]


# Generated data ---------------------------------------------------------------------------------

def add_reports(when: datetime, area: str, strand: str, n: int) -> None:
    group = current_key(KeyPurpose.GROUP)
    sealed = b"CONTEXTCANARY sealed"
    for i in range(n):
        received = when + timedelta(hours=i)
        number = db.session.scalar(sa.select(sa.func.count()).select_from(Report)) + 1
        result = db.session.execute(sa.insert(Report.__table__).values(
            reference=f"HC-00-CTX{number:05d}", received_at=received, channel="online", reporter_type="victim",
            incident_date=received.date(), incident_date_approximate=False, area=area, police_consent="no",
            support_wanted=False, status="new", priority="normal", retain_until=received.date() + timedelta(days=2000),
            staff_flags=sealed, new_information=False, receipt_reissued=False, submission_key=f"ctx-{number}",
            key_algorithm=group.algorithm, public_key=sealed, group_key_id=group.id, key_wrap_group=sealed,
            key_wrap_receipt=sealed, receipt_lookup=f"77{number:06d}", receipt_salt=sealed,
            receipt_kdf="argon2id:t=1,m=8,p=1", receipt_verifier=sealed, content=sealed, strategy_groups="",
        ))
        report_id = result.inserted_primary_key[0]
        db.session.execute(sa.insert(ReportStrand.__table__).values(report_id=report_id, strand=strand))
        db.session.execute(sa.insert(ReportIncidentType.__table__).values(report_id=report_id,
                                                                          incident_type="verbal_abuse"))


def month_day(month: str, day: int = 10) -> datetime:
    return datetime(int(month[:4]), int(month[5:]), day, 9, tzinfo=UTC)


YEAR = [f"2025-{m:02d}" for m in range(1, 13)]
RANGE = {"first": "2025-01", "last": "2026-01"}


@pytest.fixture
def rise(app, keys):  # type: ignore[no-untyped-def]
    """Ludlow: 2 race reports a month through 2025, then 6 in January 2026 (flagged: 4 more than
    the usual 2). Oswestry: 2 religion reports a month, then 4 (only 2 more: not flagged). 30
    Ludlow reports in the range, 60,000 residents: 0.5 per 1,000; 28 in Oswestry, 14,000: 2.0."""
    with app.app_context():
        for month in YEAR:
            add_reports(month_day(month), "ludlow", "race", 2)
            add_reports(month_day(month, 12), "oswestry", "religion", 2)
        add_reports(month_day("2026-01"), "ludlow", "race", 6)
        add_reports(month_day("2026-01", 12), "oswestry", "religion", 4)
        context_services.save_population("ludlow", population=60_000, source="Census 2021", year=2021, actor="test")
        context_services.save_population("oswestry", population=14_000, source="ONS mid-2023", year=2023,
                                         actor="test")
        for title, kind, start, end, area in (
            ("Awareness Week 2025", InitiativeKind.AWARENESS_WEEK, date(2025, 10, 11), date(2025, 10, 18), None),
            ("Ludlow library centre opens", InitiativeKind.NEW_CENTRE, date(2025, 12, 15), None, "ludlow"),
            ("Oswestry bus campaign", InitiativeKind.CAMPAIGN, date(2024, 11, 1), date(2025, 2, 10), "oswestry"),
            ("Long ago", InitiativeKind.OTHER, date(2020, 1, 1), date(2020, 2, 1), None),
        ):
            context_services.save_initiative(context_services.InitiativeData(title, kind, start, end, area),
                                             actor="test")
        db.session.commit()
        db.session.remove()


def test_the_flagged_months_are_the_known_rises(rise, analyst):
    flagged = tables(analyst, **RANGE)["context_unusual_months"]
    assert flagged == {"area:ludlow:2026-01": ["January 2026", 6, 2.0, "2.0 to 2.0"],
                       "strand:race:2026-01": ["January 2026", 6, 2.0, "2.0 to 2.0"]}
    page = analyst.get("/stats/", query_string=RANGE).get_data(as_text=True)
    assert "Area: Ludlow" in page and "Strand: Race" in page
    assert "more than the average of the 12 months before it plus 2 standard deviations" in page
    assert "Area: Oswestry" not in page


def test_no_month_is_flagged_without_a_years_history(rise, analyst):
    # Through 2025 alone: every month lacks 12 months of records before it (the first report is January 2025).
    found = tables(analyst, first="2025-01", last="2025-12")
    assert "context_unusual_months" not in found
    page = analyst.get("/stats/", query_string={"first": "2025-01", "last": "2025-12"}).get_data(as_text=True)
    assert "No month is flagged." in page


def test_this_month_is_never_flagged(app, keys, analyst):
    this_month = london_month(utcnow())
    with app.app_context():
        day = utcnow().replace(day=1, hour=12, minute=0, second=0, microsecond=0)
        year_before = []
        for back in range(12, 0, -1):
            number = day.year * 12 + day.month - 1 - back
            year_before.append(f"{number // 12:04d}-{number % 12 + 1:02d}")
        for month in year_before:
            add_reports(month_day(month, 2), "ludlow", "race", 1)
        add_reports(day, "ludlow", "race", 20)
        db.session.commit()
    found = tables(analyst, first=year_before[-1], last=this_month)
    assert found["by_month"][this_month][0] == 20
    assert "context_unusual_months" not in found


def test_rates_per_thousand_residents_with_source_and_year(rise, analyst):
    found = tables(analyst, **RANGE)
    assert found["by_area"]["ludlow"][0] == 30 and found["by_area"]["ludlow"][2] == 0.5
    assert found["by_area"]["oswestry"][0] == 28 and found["by_area"]["oswestry"][2] == 2.0
    assert found["by_area"]["shrewsbury"][2] == "Not entered"
    assert found["context_rates"] == {"ludlow": [30, 60000, 0.5, "Census 2021", 2021],
                                      "oswestry": [28, 14000, 2.0, "ONS mid-2023", 2023]}
    page = analyst.get("/stats/", query_string=RANGE).get_data(as_text=True)
    assert "Ludlow: 60,000 residents (Census 2021, 2021)" in page
    assert "Oswestry: 14,000 residents (ONS mid-2023, 2023)" in page
    # Filtered to one area, its rate is of that area's reports.
    assert tables(analyst, area="oswestry", **RANGE)["context_rates"]["oswestry"][2] == 2.0


def test_without_populations_the_area_table_says_so(app, keys, analyst):
    with app.app_context():
        add_reports(month_day("2025-06"), "ludlow", "race", 1)
        db.session.commit()
    chosen = {"first": "2025-04", "last": "2025-12"}
    found = tables(analyst, **chosen)
    assert found["by_area"]["ludlow"] == [1, "100%"]
    assert "context_rates" not in found
    page = analyst.get("/stats/", query_string=chosen).get_data(as_text=True)
    assert "No area&#39;s population is entered" in page or "No area's population is entered" in page


def test_initiatives_are_named_in_the_period_tables_and_listed(rise, analyst):
    found = tables(analyst, **RANGE)
    months = found["by_month"]
    assert months["2025-10"][2] == "Awareness Week 2025"
    assert months["2025-12"][2] == "Ludlow library centre opens (Ludlow)"
    assert months["2026-01"][2] == "Ludlow library centre opens (Ludlow)"  # no end date: still running
    assert months["2025-02"][2] == "Oswestry bus campaign (Oswestry)"
    assert months["2025-03"][2] is None
    assert found["by_quarter"]["2025/26 Q3"][2] == "Awareness Week 2025; Ludlow library centre opens (Ludlow)"
    assert found["by_calendar_year"]["2025"][2] == (
        "Oswestry bus campaign (Oswestry); Awareness Week 2025; Ludlow library centre opens (Ludlow)")
    listed = found["context_initiatives"]
    assert sorted(row[0] for row in listed.values()) == ["Campaign", "Hate Crime Awareness Week", "New reporting centre"]
    assert ["11 October 2025", "18 October 2025", "Every area"] in [row[1:] for row in listed.values()]
    assert "Long ago" not in str(listed)
    # Filtered to Ludlow: the initiatives of Ludlow and of every area, not Oswestry's.
    ludlow = tables(analyst, area="ludlow", **RANGE)["by_month"]
    assert ludlow["2025-02"][2] is None and ludlow["2025-10"][2] == "Awareness Week 2025"


def test_the_trend_chart_marks_initiatives_and_keeps_its_table(rise, analyst):
    svg = analyst.get("/stats/charts/trend.svg", query_string=RANGE).get_data(as_text=True)
    assert "Awareness Week 2025" in svg and "Ludlow library centre o…" in svg
    assert "Oswestry bus campaign" not in svg  # it started before the chart's months: named in the table
    page = analyst.get("/stats/", query_string=RANGE).get_data(as_text=True)
    trend = page.split('aria-labelledby="chart-trend"', 1)[1].split("</section>", 1)[0]
    assert 'id="table-by_month"' in trend and "Initiatives running" in trend and "Awareness Week 2025" in trend
    # Words are aligned as words, the figures beside them as figures.
    assert '<td class="govuk-table__cell">Awareness Week 2025</td>' in trend
    assert '<th scope="col" class="govuk-table__header">Initiatives running</th>' in trend
    assert 'govuk-table__cell govuk-table__cell--numeric">' in trend


def test_exports_hold_the_context_tables(rise, analyst):
    response = analyst.get("/stats/export.csv", query_string=RANGE)
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig").split("\r\n", 1)[1])))
    by_table = {r["table"] for r in rows}
    assert {"context_initiatives", "context_rates", "context_unusual_months"} <= by_table
    assert {"table": "context_rates", "row_code": "ludlow", "column": "Reports per 1,000 residents",
            "value": "0.5"}.items() <= next(r for r in rows if r["table"] == "context_rates" and r["row_code"] == "ludlow"
                                            and r["column"] == "Reports per 1,000 residents").items()
    from openpyxl import load_workbook
    book = load_workbook(io.BytesIO(analyst.get("/stats/export.xlsx", query_string=RANGE).data))
    titles = {book[name]["A2"].value for name in book.sheetnames}
    assert {"Initiatives running in these months", "Reports per 1,000 residents by area",
            "Months well beyond the usual range"} <= titles


def test_uneven_histories():
    # 0s and 3s: mean 1.5, standard deviation 1.5, the range up to 4.5: 5 is beyond it and 3.5 more (flagged).
    assert is_unusual(5, [0, 3] * 6)
    assert not is_unusual(4, [0, 3] * 6)
    # Ten 1s and two 4s: mean 1.5, standard deviation 1.118, up to 3.736: 4 is beyond the range but only 2.5
    # more than the mean (not flagged); 5 is 3.5 more (flagged).
    assert usual_range([1] * 10 + [4, 4]).high == pytest.approx(3.736, abs=0.001)
    assert not is_unusual(4, [1] * 10 + [4, 4])
    assert is_unusual(5, [1] * 10 + [4, 4])
