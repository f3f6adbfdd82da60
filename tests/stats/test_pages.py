"""The statistics pages as an analyst uses them: the menu, charts beside their tables, exports."""
from __future__ import annotations

import csv
import io
import json
import re

from openpyxl import load_workbook
from sqlalchemy import select

from reporting.audit.models import AuditEvent
from reporting.disclosure.marking import JSON_FIELD, MARKING
from reporting.extensions import db
from tests.stats.conftest import RANGE


def test_the_analyst_menu_and_home_lead_to_statistics(app, analyst):
    home = analyst.get("/staff/").get_data(as_text=True)
    assert 'href="/stats/"' in home
    assert "Statistics" in home


def test_each_chart_has_a_table_of_the_same_figures_and_a_sentence(stats_world, analyst):
    page = analyst.get("/stats/", query_string=RANGE).get_data(as_text=True)
    for name, table_id in (("trend", "by_month"), ("strand", "by_strand"), ("area", "by_area")):
        section = page[page.index(f'id="chart-{name}"'):]
        section = section[:section.index("</section>")]
        image = re.search(r'<img [^>]*src="([^"]+)"[^>]*alt="([^"]+)"', section)
        assert image, name
        assert f'<table class="govuk-table app-stats-table" id="table-{table_id}">' in section
        assert "<caption" in section and 'scope="col"' in section and 'scope="row"' in section
        svg = analyst.get(image.group(1).replace("&amp;", "&"))
        assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
        assert b"<svg" in svg.data
        assert not re.search(rb"href=\"(?!#)|url\((?!#)|@import|<script|@font-face", svg.data), "nothing fetched"
        assert "script-src" not in svg.headers["Content-Security-Policy"]
    assert "Reports rose 44% on the same months a year before (26 in April 2025 to March 2026, against 18)." in page
    assert "Most reports: Shrewsbury (19 of 44)." in page
    # The trend chart draws the same numbers the table holds (text stays text in the SVG).
    bars = analyst.get("/stats/charts/area.svg", query_string=RANGE).get_data(as_text=True)
    assert ">19<" in bars or "19</text>" in bars or re.search(r">\s*19\s*<", bars)


def test_csv_and_xlsx_hold_every_table_of_the_page_and_downloads_are_audited(app, stats_world, analyst):
    page = analyst.get("/stats/", query_string=RANGE).get_data(as_text=True)
    page_tables = set(re.findall(r'id="table-([a-z_]+)"', page))
    response = analyst.get("/stats/export.csv", query_string=RANGE | {"area": "shrewsbury"})
    assert response.headers["Content-Disposition"].startswith("attachment;")
    marking_line, body = response.data.decode("utf-8-sig").split("\r\n", 1)
    assert marking_line == MARKING
    rows = list(csv.DictReader(io.StringIO(body)))
    assert {r["table"] for r in rows} == page_tables
    fy = {r["row_code"]: r["value"] for r in rows if r["table"] == "by_financial_year" and r["column"] == "Reports"}
    assert fy == {"2024/25": "7", "2025/26": "12"}
    book = load_workbook(io.BytesIO(analyst.get("/stats/export.xlsx", query_string=RANGE).data))
    # Each table a sheet under the marking, named by its title (in words, not the table's code).
    titles = {r["table"]: r["table_title"] for r in rows}
    assert {book[name]["A2"].value for name in book.sheetnames if name != "About"} == {titles[t] for t in page_tables}
    sheet = next(book[name] for name in book.sheetnames if book[name]["A2"].value == titles["by_financial_year"])
    assert sheet["A1"].value == MARKING
    assert [c.value for c in sheet[4]][:2] == ["2024/25", 18]
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "stats.export")).all()
        details = [json.loads(e.detail) for e in events]
        assert [e.actor for e in events] == [analyst.user.email] * 2
        gate = [json.loads(e.detail) for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "disclosure.exact_export"))]
        assert [(g["recipient"], g["rules"]) for g in gate] == [("analyst", "marked")] * 2
    assert details[0] == {"format": "csv", "open_data": False, "via": "web", "from": "2024-04", "to": "2026-03",
                          "area": "shrewsbury"}
    assert details[1]["format"] == "xlsx"


def test_open_data_export_is_audited_as_open_data(app, stats_world, analyst):
    response = analyst.get("/stats/export.xlsx", query_string={"open": "1"})
    book = load_workbook(io.BytesIO(response.data))
    values = [c.value for name in book.sheetnames for row in book[name].iter_rows() for c in row]
    assert "<5" in values
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "stats.export")).one()
        assert json.loads(event.detail)["open_data"] is True
        gate = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "disclosure.open_data")).one()
        assert json.loads(gate.detail)["recipient"] == "public"
        assert json.loads(gate.detail)["rules"] == "fixed_periods,suppression_applied"


def test_the_command_line_export_bad_input(app, stats_world):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["stats", "export", "--from", "2024-13", "--to", "2026-03", "--format", "csv"])
    assert result.exit_code != 0 and "YYYY-MM" in result.output
    result = runner.invoke(args=["stats", "export", "--from", "2026-03", "--to", "2024-04", "--format", "csv"])
    assert result.exit_code != 0 and "--to" in result.output
    result = runner.invoke(args=["stats", "export", "--from", "2024-04", "--to", "2026-03", "--format", "pdf"])
    assert result.exit_code != 0
    # Open data takes no dates: a chosen span of months is never published.
    result = runner.invoke(args=["stats", "export", "--from", "2024-04", "--to", "2026-03", "--format", "csv",
                                 "--open-data"])
    assert result.exit_code != 0 and "financial years" in result.output
    result = runner.invoke(args=["stats", "export", "--format", "csv"])
    assert result.exit_code != 0 and "--open-data" in result.output
    result = runner.invoke(args=["stats", "export", "--format", "csv", "--open-data"])
    assert result.exit_code == 0
    assert "open_by_area" in result.output and "<5" in result.output and MARKING not in result.output


def test_statistics_pages_show_words_never_codes(stats_world, analyst):
    from tests.test_labels import raw_codes_in, visible_text

    for url, args in (("/stats/", RANGE), ("/stats/open-data", {})):
        response = analyst.get(url, query_string=args)
        assert response.status_code == 200, url
        page = response.get_data(as_text=True)
        text = visible_text(page)
        assert raw_codes_in(text) == [], url
        # The coded rows of every table are words: no code of a list the statistics break down by.
        for code in ("with_details", "on_behalf", "centre_link", "gypsy_roma_traveller", "not_known",
                     "awaiting_information", "spam_or_misuse", "telford_and_wrekin", "verbal_abuse", "None", "True"):
            assert f"\n{code}\n" not in text, (url, code)
    page = analyst.get("/stats/", query_string=RANGE).get_data(as_text=True)
    for words in ("Pass to the police with their contact details", "Wanted support", "Not closed",
                  "Gypsy, Roma and Traveller", "Online form, from a centre's poster", "April 2025"):
        assert words in page, words


def test_every_exact_export_is_marked_and_open_data_is_not(stats_world, analyst):
    page = analyst.get("/stats/", query_string=RANGE).get_data(as_text=True)
    assert MARKING in page
    csv_text = analyst.get("/stats/export.csv", query_string=RANGE).data.decode("utf-8-sig")
    assert csv_text.split("\r\n", 1)[0] == MARKING
    document = json.loads(analyst.get("/stats/export.json", query_string=RANGE).data)
    assert document[JSON_FIELD] == MARKING
    book = load_workbook(io.BytesIO(analyst.get("/stats/export.xlsx", query_string=RANGE).data))
    assert all(book[name]["A1"].value == MARKING for name in book.sheetnames)
    for chart in ("trend", "strand", "area"):  # the charts show exact small counts (3 for one area)
        assert MARKING in analyst.get(f"/stats/charts/{chart}.svg", query_string=RANGE).get_data(as_text=True)
    # Open data carries none, in any format.
    assert MARKING not in analyst.get("/stats/open-data").get_data(as_text=True)
    for fmt in ("csv", "json"):
        assert MARKING.encode() not in analyst.get(f"/stats/export.{fmt}", query_string={"open": "1"}).data, fmt
    assert JSON_FIELD not in json.loads(analyst.get("/stats/export.json", query_string={"open": "1"}).data)
    book = load_workbook(io.BytesIO(analyst.get("/stats/export.xlsx", query_string={"open": "1"}).data))
    assert not [c.value for name in book.sheetnames for row in book[name].iter_rows() for c in row
                if c.value == MARKING]


def test_a_centre_named_like_a_formula_stays_text_in_the_csv_and_xlsx(app, stats_world, analyst):
    from reporting.centres.models import Centre

    name = '=HYPERLINK("http://example.org/x","Click")'
    with app.app_context():
        db.session.scalars(select(Centre).where(Centre.slug == "lib")).one().name = name
        db.session.commit()
    body = analyst.get("/stats/export.csv", query_string=RANGE).data.decode("utf-8-sig").split("\r\n", 1)[1]
    labels = {r["row"] for r in csv.DictReader(io.StringIO(body)) if r["table"] == "by_centre"}
    assert "'" + name in labels and name not in labels  # an apostrophe first: a spreadsheet reads it as text
    book = load_workbook(io.BytesIO(analyst.get("/stats/export.xlsx", query_string=RANGE).data))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value == name]
    assert cells and all(c.data_type == "s" for c in cells)
