"""Issue 30, items 1-4: the strategy's measures counted on the right day, checked against a generated
history whose true counts are known (dates are relative to today, as the analyst's page is).

- Every month of the last financial year has 10 reports; every month of this one that has ended has 12;
  this month, not over yet, has 3.
- The quarter before this one: 2 cases moved to "under review" in it; 3 cases (those 2 and one more)
  heard at a meeting held on the 15th of its last month, whose decisions were typed TODAY; 2 more
  cases on the agenda of a meeting 4 days from now, their decisions typed today too. One case of a
  year before it was moved to "under review" then (before any meeting was kept here).
- Crimes recorded: of the previous quarter's reports, D has a referral that brought back 22/10109/26
  and E one that brought back 22/20001/26; today the force's matches come back for 6 others, for D
  (22/77777/26: a disagreement to settle) and for E (the same reference). True count: 8 crimes
  recorded in the previous quarter, none in this one.
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from reporting.audit.models import AuditEvent
from reporting.cases.models import CaseEvent
from reporting.db import utcnow
from reporting.extensions import db
from reporting.keys.models import KeyPurpose
from reporting.keys.services import current_key
from reporting.meetings import queries as meeting_queries
from reporting.meetings.models import Meeting, MeetingItem
from reporting.periods import LONDON, financial_year, month_key, months_between, quarter
from reporting.referrals.models import PoliceExtract, Referral
from reporting.reports.models import Report, ReportIncidentType, ReportStrand
from reporting.stats import figures, queries
from tests.helpers import csrf_token, sign_in
from tests.stats.test_police_extract import police_client, prepare, rows_of, upload

CANARY = "MEASURESCANARY30"
URL = "/police/extracts/"


def london_today() -> date:
    return utcnow().astimezone(LONDON).date()


def add_months(day: date, n: int) -> date:
    index = day.year * 12 + day.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def at(day: date, hour: int = 9) -> datetime:
    """``hour`` o'clock London time on ``day``, as UTC."""
    return datetime.combine(day, time(hour), tzinfo=LONDON).astimezone(UTC)


@dataclass
class World:
    today: date
    this_month: str
    prev_quarter: str  # its code, e.g. "2026/27 Q2"
    prev_quarter_first: date
    meeting_day: date
    ids: dict[str, int]
    references: dict[str, str]
    received: dict[str, int]  # month -> reports


def _report(n: int, received: datetime) -> tuple[int, str]:
    sealed = f"{CANARY} sealed {n}".encode()
    group = current_key(KeyPurpose.GROUP)
    reference = f"HC-30-{n:06d}"
    result = db.session.execute(sa.insert(Report.__table__).values(
        reference=reference, received_at=received, channel="online", reporter_type="victim",
        incident_date=received.date() - timedelta(days=1), incident_date_approximate=False, area="shrewsbury",
        police_consent="with_details", support_wanted=False, status="new", priority="normal",
        retain_until=received.date() + timedelta(days=6 * 365), closure_reason=None, staff_flags=sealed,
        centre_id=None, new_information=False, receipt_reissued=False, submission_key=f"m30-{n}",
        key_algorithm=group.algorithm, public_key=sealed, group_key_id=group.id, key_wrap_group=sealed,
        key_wrap_receipt=sealed, receipt_lookup=f"30{n:08d}", receipt_salt=sealed, receipt_kdf="argon2id:t=1,m=8,p=1",
        receipt_verifier=sealed, content=sealed, strategy_groups="",
    ))
    report_id = result.inserted_primary_key[0]
    db.session.execute(sa.insert(ReportStrand.__table__).values(report_id=report_id, strand="race"))
    db.session.execute(sa.insert(ReportIncidentType.__table__).values(report_id=report_id, incident_type="verbal_abuse"))
    return report_id, reference


def _reviewed(report_id: int, when: datetime) -> None:
    for before, after in (("new", "in_triage"), ("in_triage", "under_review")):
        db.session.execute(sa.insert(CaseEvent.__table__).values(
            report_id=report_id, at=when, kind="status", action="changed", before=before, after=after))
        when += timedelta(hours=1)
    db.session.execute(sa.update(Report.__table__).where(Report.id == report_id).values(status="under_review"))


def _heard(meeting: Meeting, report_id: int, typed: datetime) -> None:
    """What recording the Group's decision writes (reporting/meetings/services.record_decision)."""
    db.session.add(MeetingItem(meeting_id=meeting.id, report_id=report_id, heard_at=typed))
    db.session.execute(sa.insert(CaseEvent.__table__).values(
        report_id=report_id, at=typed, kind="meeting", action="heard", ref=str(meeting.id)))


def _referral(report_id: int, sent: datetime, crime_reference: str) -> None:
    police = current_key(KeyPurpose.POLICE)
    db.session.execute(sa.insert(Referral.__table__).values(
        report_id=report_id, created_at=sent, state="crime_recorded", kind="full", shared_fields=["description"],
        police_key_id=police.id, package=b"sealed", sent_at=sent, acknowledged_at=sent + timedelta(days=1),
        crime_reference=crime_reference, outcome="crime_recorded", outcome_at=sent + timedelta(days=5),
        override_explanation=b"sealed"))
    db.session.execute(sa.insert(CaseEvent.__table__).values(
        report_id=report_id, at=sent, kind="referral", action="sent"))


@pytest.fixture
def world(app: Flask, keys) -> World:  # type: ignore[no-untyped-def]
    return build_world(app)


def build_world(app: Flask) -> World:
    """The history described at the top of this module (the app's keys must be set up)."""
    today = london_today()
    this_month = today.replace(day=1)
    fy_first = date(today.year if today.month >= 4 else today.year - 1, 4, 1)
    quarter_first = date(this_month.year, ((this_month.month - 1) // 3) * 3 + 1, 1)
    prev_first = add_months(quarter_first, -3)
    received: dict[str, int] = {}
    ids: dict[str, int] = {}
    references: dict[str, str] = {}
    by_month: dict[str, list[tuple[int, str]]] = {}
    with app.app_context():
        n = 0
        for month in months_between(add_months(fy_first, -12), this_month):
            first = date(int(month[:4]), int(month[5:]), 1)
            count = 3 if month == month_key(this_month) else 12 if first >= fy_first else 10
            received[month] = count
            for i in range(count):
                n += 1
                by_month.setdefault(month, []).append(_report(n, at(first + timedelta(days=i % 3), 9 + i % 5)))
        prev_months = months_between(prev_first, add_months(prev_first, 2))
        pool = [r for m in prev_months for r in by_month[m]]
        names = ["X1", "X2", "X3", "Y1", "Y2", "D", "E", "M1", "M2", "M3", "M4", "M5", "M6"]
        for name, (report_id, reference) in zip(names, pool):
            ids[name], references[name] = report_id, reference
        # Z: a case of a year before the previous quarter, reviewed then.
        z_month = month_key(add_months(prev_first, -12))
        if z_month in by_month:  # inside the last financial year (not when this quarter is April to June)
            ids["Z"], references["Z"] = by_month[z_month][0]
        now = utcnow()
        for name in ("X1", "X2"):
            _reviewed(ids[name], at(prev_first + timedelta(days=9)))
        if "Z" in ids:
            _reviewed(ids["Z"], at(add_months(prev_first, -12) + timedelta(days=9)))
        meeting_day = add_months(prev_first, 2) + timedelta(days=14)  # the 15th of the quarter's last month
        held = Meeting(held_on=meeting_day, place="Shirehall")
        coming = Meeting(held_on=today + timedelta(days=4), place="Shirehall")
        db.session.add_all([held, coming])
        db.session.flush()
        for name in ("X1", "X2", "X3"):
            _heard(held, ids[name], now)  # the decisions typed today, for a meeting months ago
        for name in ("Y1", "Y2"):
            _heard(coming, ids[name], now)  # typed today for a meeting still to come
        _referral(ids["D"], at(prev_first + timedelta(days=20)), "22/10109/26")
        _referral(ids["E"], at(prev_first + timedelta(days=20)), "22/20001/26")
        db.session.commit()
    return World(today, month_key(this_month), quarter(month_key(prev_first)), prev_first, meeting_day, ids,
                 references, received)


@pytest.fixture
def analyst(app: Flask, make_user):  # type: ignore[no-untyped-def]
    client = app.test_client()
    sign_in(client, app, make_user("analyst").email)
    return client


def export_json(client, **args: str) -> dict:  # type: ignore[no-untyped-def,type-arg]
    response = client.get("/stats/export.json", query_string=args)
    assert response.status_code == 200
    return json.loads(response.data)


# The headings these measures had before issue 30, so that on the code before it these tests fail on
# the counts, not on a missing column.
BEFORE = {
    "Cases heard at a meeting of the Group": "Cases heard at the Group",
    "Cases reviewed by the Group": "Cases heard at the Group",
    "Police-recorded crimes (by the report's month)":
        "Police-recorded crimes (a crime reference came back, by referral or the force's matches)",
}


class Measures(dict):  # type: ignore[type-arg]
    def __missing__(self, heading: str) -> object:
        return self[BEFORE[heading]]


def by_heading(document: dict, table_id: str) -> dict[str, dict[str, object]]:  # type: ignore[type-arg]
    """Row code -> column heading -> value, of one table of a JSON export."""
    table = next(t for t in document["tables"] if t["id"] == table_id)
    return {r["code"]: Measures(zip(table["columns"], r["values"])) for r in table["rows"]}


def labels_of(document: dict, table_id: str) -> dict[str, str]:  # type: ignore[type-arg]
    table = next(t for t in document["tables"] if t["id"] == table_id)
    return {r["code"]: r["label"] for r in table["rows"]}


HEARD = "Cases heard at a meeting of the Group"
REVIEWED = "Cases reviewed by the Group"
CRIMES = "Police-recorded crimes (by the report's month)"


# Items 1 and 2: heard at a meeting, on the meeting's date, once held; reviewed, apart ------------------------

def test_heard_counts_on_the_meeting_date_not_the_day_the_decision_was_typed(world, analyst):
    quarters = by_heading(export_json(analyst), "measures_by_quarter")
    this_quarter = quarter(world.this_month)
    # The decisions typed today for the meeting months ago count in the meeting's quarter...
    assert quarters[world.prev_quarter][HEARD] == 3
    # ...and neither they nor the decisions typed for the meeting still to come count in this one.
    assert quarters[this_quarter][HEARD] == 0


def test_heard_at_a_meeting_and_reviewed_by_the_group_are_two_measures(app, world, analyst):
    document = export_json(analyst)
    quarters = by_heading(document, "measures_by_quarter")
    assert quarters[world.prev_quarter][REVIEWED] == 2  # X1, X2: not the 3 heard, not 2 + 3
    assert quarters[quarter(world.this_month)][REVIEWED] == 0
    years = by_heading(document, "measures_by_financial_year")
    before = financial_year(month_key(add_months(world.prev_quarter_first, -12)))
    if before in years:  # the year before the first meeting kept here: reviewed, and heard not known
        assert years[before][REVIEWED] == 1 and years[before][HEARD] is None
    note = next(t for t in document["tables"] if t["id"] == "measures_by_quarter")["note"]
    assert "Meetings of the Group have been recorded here since" in note
    page = analyst.get("/stats/").get_data(as_text=True)
    assert HEARD in page and "Cases reviewed by the Group" in page
    # The meetings' own definition is the same: the meeting's day, once held.
    with app.app_context():
        start = world.prev_quarter_first
        assert meeting_queries.heard_report_ids(start, add_months(start, 3) - timedelta(days=1)) == {
            world.ids["X1"], world.ids["X2"], world.ids["X3"]}
        assert meeting_queries.heard_report_ids(world.today, world.today + timedelta(days=30)) == set()
        # The day the later meeting is held, its cases count, with no change in the database.
        later = world.today + timedelta(days=4)
        assert meeting_queries.heard_report_ids(later, later, today=later) == {world.ids["Y1"], world.ids["Y2"]}
        f = queries.Filters(world.prev_quarter_first, date(later.year, later.month, 1))
        assert sum(queries.heard_at_meeting_by_month(f, later).values()) == 5


# Item 3: police-recorded crimes in the report's period; disagreements listed and settled ---------------------

def test_crimes_count_in_the_reports_period_and_a_disagreement_is_settled_by_a_person(app, world, analyst,
                                                                                         make_user):
    before = by_heading(export_json(analyst), "measures_by_quarter")  # months kept: the import must forget them
    assert before[world.prev_quarter][CRIMES] == 2  # D and E, by their referrals
    police, _user = police_client(app, make_user)
    lines = ["reference,crime_reference"] + [f"{world.references[f'M{i}']},22/3000{i}/26" for i in range(1, 7)]
    lines += [f"{world.references['D']},22/77777/26", f"{world.references['E']},22/20001/26"]
    response = upload(police, "\n".join(lines) + "\n")
    assert response.status_code == 302
    after = by_heading(export_json(analyst), "measures_by_quarter")
    assert after[world.prev_quarter][CRIMES] == 8  # 6 matched, D and E once each
    assert after[quarter(world.this_month)][CRIMES] == 0
    assert response.headers["Location"].endswith("/police/extracts/mismatches")  # one to settle

    # The disagreement is listed, from the extract page, for a person to settle.
    assert "/police/extracts/mismatches" in police.get(URL).get_data(as_text=True)
    listed = police.get(URL + "mismatches").get_data(as_text=True)
    assert world.references["D"] in listed and "22/10109/26" in listed and "22/77777/26" in listed
    assert world.references["E"] not in listed
    with app.app_context():
        match_id = db.session.execute(sa.text("SELECT id FROM police_matches WHERE report_id = :r"),
                                      {"r": world.ids["D"]}).scalar_one()
    page = f"{URL}mismatches/{match_id}"
    for bad in ({}, {"settle-keep": "bogus"}, {"settle-keep": "extract\x00"}):
        response = police.post(page, data={"csrf_token": csrf_token(police, page), **bad})
        assert response.status_code == 400, bad
        assert "There is a problem" in response.get_data(as_text=True)
        assert "Select which crime reference stands" in response.get_data(as_text=True)
    response = police.post(page, data={"csrf_token": csrf_token(police, page), "settle-keep": "extract"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(Referral.crime_reference).where(Referral.report_id == world.ids["D"])) == \
            "22/77777/26"
        event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "stats.police_matches.settle")).one()
        assert json.loads(event.detail)["kept"] == "extract"
    assert "There is nothing to settle" in police.get(URL + "mismatches").get_data(as_text=True)
    assert police.get(page).status_code == 404  # settled: nothing left to settle there
    assert by_heading(export_json(analyst), "measures_by_quarter")[world.prev_quarter][CRIMES] == 8

    # The quarterly extract of that quarter lists the same 8 crimes the measure counts.
    prepare(police, month_key(world.prev_quarter_first))
    with app.app_context():
        extract_id = db.session.scalars(sa.select(PoliceExtract.id)).one()
    rows = rows_of(police.get(f"{URL}{extract_id}.csv").data)
    assert sum(1 for r in rows if r["crime_reference"]) == 8
    assert {r["crime_reference"] for r in rows if r["reference"] == world.references["D"]} == {"22/77777/26"}


def test_keeping_the_referrals_reference_changes_the_match_not_the_referral(app, world, make_user):
    police, _user = police_client(app, make_user)
    upload(police, f"reference,crime_reference\n{world.references['D']},22/77777/26\n")
    with app.app_context():
        match_id = db.session.execute(sa.text("SELECT id FROM police_matches WHERE report_id = :r"),
                                      {"r": world.ids["D"]}).scalar_one()
    page = f"{URL}mismatches/{match_id}"
    assert police.post(page, data={"csrf_token": csrf_token(police, page), "settle-keep": "referral"}).status_code == 302
    with app.app_context():
        assert db.session.execute(sa.text("SELECT crime_reference FROM police_matches WHERE id = :m"),
                                  {"m": match_id}).scalar_one() == "22/10109/26"
        assert db.session.scalar(sa.select(Referral.crime_reference).where(Referral.report_id == world.ids["D"])) == \
            "22/10109/26"


# Item 4: a period not over yet is "to date", never compared, and nothing still to come is shown -------------

def test_a_period_not_over_is_marked_to_date_and_never_compared(app, world, analyst):
    document = export_json(analyst)
    months = by_heading(document, "by_month")
    assert months[world.this_month]["Change on a year before"] == "–"  # 3 so far against 10 is no fall
    assert labels_of(document, "by_month")[world.this_month].endswith("(to date)")
    this_year = financial_year(world.this_month)
    for table_id, key in (("by_quarter", quarter(world.this_month)), ("by_financial_year", this_year)):
        assert by_heading(document, table_id)[key]["Change on a year before"] == "–", table_id
        assert labels_of(document, table_id)[key].endswith("(to date)"), table_id
    assert labels_of(document, "measures_by_quarter")[quarter(world.this_month)].endswith("(to date)")
    # Each month of this year that has ended: 12 against 10 a year before.
    ended = [m for m in months if m != world.this_month and financial_year(m) == financial_year(world.this_month)]
    for month in ended:
        assert months[month]["Change on a year before"] == "+20%"
    page = analyst.get("/stats/").get_data(as_text=True)
    if ended:
        assert f"Reports rose 20% on the same months a year before ({12 * len(ended)} in " in page
    assert "is not over yet: its figures are to date, and it is not compared." in page
    chart = analyst.get("/stats/charts/trend.svg").get_data(as_text=True)
    assert "(to date)" in chart
    # Nothing still to come: not in the page's figures, and no open data period that has not ended.
    with app.test_request_context():
        later = queries.Filters(world.prev_quarter_first, add_months(world.today.replace(day=1), 3))
        assert figures.build(later).months[-1] == world.this_month
    opened = export_json(analyst, open="1")
    for code in next(t for t in opened["tables"] if t["id"] == "open_reports")["column_months"]:
        assert code.split("..")[1] < world.this_month


# One definition each: the page, the exports and open data agree -------------------------------------------------

def _page_table(page: str, table_id: str) -> dict[str, list[str]]:
    table = re.search(rf'<table class="govuk-table app-stats-table" id="table-{table_id}">(.*?)</table>', page, re.S)
    assert table
    rows = {}
    for row in re.findall(r"<tr class=\"govuk-table__row[^\"]*\">\s*<th scope=\"row\"[^>]*>(.*?)</th>(.*?)</tr>",
                          table.group(1), re.S):
        rows[row[0].strip()] = [c.strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row[1], re.S)]
    return rows


def test_the_page_the_exports_and_open_data_agree_on_every_measure(app, world, analyst):
    document = export_json(analyst)
    page = analyst.get("/stats/").get_data(as_text=True).replace("&#39;", "'")
    text = lambda v: "–" if v is None else str(v)  # noqa: E731
    csv_body = analyst.get("/stats/export.csv").data.decode("utf-8-sig")
    csv_values = {(r[0], r[2], r[4]): r[5] for r in list(csv.reader(io.StringIO(csv_body)))[2:]}
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(analyst.get("/stats/export.xlsx").data))
    for table in document["tables"]:
        if not table["id"].startswith("measures_") and table["id"] not in ("by_month", "by_quarter"):
            continue
        shown = _page_table(page, table["id"])
        sheet = next(s for s in book.worksheets if s.title != "About" and any(
            row[0] == table["title"] for row in s.iter_rows(values_only=True)))
        sheet_rows = {row[0]: list(row[1:]) for row in sheet.iter_rows(values_only=True) if row and row[0]}
        for row in table["rows"]:
            assert shown[row["label"]] == [text(v) for v in row["values"]], (table["id"], row["code"])
            assert [None if v in ("–", None) else v for v in sheet_rows[row["label"]]] == \
                [None if v in ("–", None) else v for v in row["values"]], (table["id"], row["code"])
            for heading, value in zip(table["columns"], row["values"]):
                # (a cell starting "+" or "-" is written after an apostrophe, never read as a formula)
                shown_in_csv = csv_values[(table["id"], row["code"], heading)].removeprefix("'")
                assert shown_in_csv in (text(value), "" if value is None else str(value))
    # Open data publishes the same reports received for every quarter it has in common with the page.
    opened = export_json(analyst, open="1")
    published = next(t for t in opened["tables"] if t["id"] == "open_reports")
    totals = dict(zip(published["columns"], published["rows"][-1]["values"]))
    quarters = by_heading(document, "measures_by_quarter")
    common = [q for q in quarters if q in totals]
    assert common, "open data and the page should share a quarter"
    for code in common:
        assert totals[code] == quarters[code]["Reports received"] == sum(
            n for m, n in world.received.items() if quarter(m) == code)
