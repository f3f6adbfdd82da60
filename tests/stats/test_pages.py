"""The statistics pages as an analyst uses them: the menu, charts beside their tables, exports."""
from __future__ import annotations

import csv
import io
import json
import re

from openpyxl import load_workbook
from sqlalchemy import select

from reporting.audit.models import AuditEvent
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
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert {r["table"] for r in rows} == page_tables
    fy = {r["row_code"]: r["value"] for r in rows if r["table"] == "by_financial_year" and r["column"] == "Reports"}
    assert fy == {"2024/25": "7", "2025/26": "12"}
    book = load_workbook(io.BytesIO(analyst.get("/stats/export.xlsx", query_string=RANGE).data))
    # Each table a sheet, named by its title (in words, not the table's code).
    titles = {r["table"]: r["table_title"] for r in rows}
    assert {book[name]["A1"].value for name in book.sheetnames if name != "About"} == {titles[t] for t in page_tables}
    sheet = next(book[name] for name in book.sheetnames if book[name]["A1"].value == titles["by_financial_year"])
    assert [c.value for c in sheet[3]][:2] == ["2024/25", 18]
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "stats.export")).all()
        details = [json.loads(e.detail) for e in events]
        assert [e.actor for e in events] == [analyst.user.email] * 2
    assert details[0] == {"format": "csv", "open_data": False, "via": "web", "from": "2024-04", "to": "2026-03",
                          "area": "shrewsbury"}
    assert details[1]["format"] == "xlsx"


def test_open_data_export_is_audited_as_open_data(app, stats_world, analyst):
    response = analyst.get("/stats/export.xlsx", query_string=RANGE | {"open": "1"})
    book = load_workbook(io.BytesIO(response.data))
    values = [c.value for name in book.sheetnames for row in book[name].iter_rows() for c in row]
    assert "<5" in values
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "stats.export")).one()
        assert json.loads(event.detail)["open_data"] is True


def test_the_command_line_export_bad_input(app, stats_world):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["stats", "export", "--from", "2024-13", "--to", "2026-03", "--format", "csv"])
    assert result.exit_code != 0 and "YYYY-MM" in result.output
    result = runner.invoke(args=["stats", "export", "--from", "2026-03", "--to", "2024-04", "--format", "csv"])
    assert result.exit_code != 0 and "--to" in result.output
    result = runner.invoke(args=["stats", "export", "--from", "2024-04", "--to", "2026-03", "--format", "pdf"])
    assert result.exit_code != 0
    result = runner.invoke(args=["stats", "export", "--from", "2024-04", "--to", "2026-03", "--format", "csv",
                                 "--open-data"])
    assert result.exit_code == 0
    assert "open_by_month" in result.output and "<5" in result.output


def test_statistics_pages_show_words_never_codes(stats_world, analyst):
    from tests.test_labels import raw_codes_in, visible_text

    for url in ("/stats/", "/stats/open-data"):
        page = analyst.get(url, query_string=RANGE).get_data(as_text=True)
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
