"""Issue 28, item 3: the statistics spreadsheet reads as words.

Its "About" sheet said ``generated_at 2026-…T…+00:00``, ``open_data False`` and its
filters as JSON; its sheets were named by codes (``measures_by_quarter``).
"""
from __future__ import annotations

import io
import re

from openpyxl import load_workbook

from tests.stats.conftest import RANGE

ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
CODE = re.compile(r"^[a-z]+(?:_[a-z0-9]+)+$")


def _about(book) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {str(row[0].value): str(row[1].value) for row in book["About"].iter_rows() if row[0].value}


def test_the_about_sheet_and_sheet_names_are_words(stats_world, analyst):  # type: ignore[no-untyped-def]
    response = analyst.get("/stats/export.xlsx", query_string=RANGE | {"area": "shrewsbury", "channel": "online"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    about = _about(book)
    assert re.fullmatch(r"\d{1,2} [A-Z][a-z]+ \d{4}, \d{1,2}:\d{2}(am|pm)", about["Made"]), about
    assert about["Open data"] == "No"
    assert about["From"] == "April 2024" and about["To"] == "March 2026"
    assert about["Area"] == "Shrewsbury"
    assert about["Strand"] == "All"
    assert about["Channel"] not in ("online", "")
    for key, value in about.items():
        assert not ISO.search(value) and "{" not in value and value not in ("True", "False"), (key, value)
        assert not CODE.match(key), key
    for name in book.sheetnames:
        assert not CODE.match(name), name
        title = str(book[name]["A2"].value) if name != "About" else "About"  # A1: the protective marking
        assert title.startswith(re.sub(r" \(\d+\)$", "", name)[:20]), (name, title)


def test_the_open_data_file_says_so_in_words(stats_world, analyst):  # type: ignore[no-untyped-def]
    # Open data is published for fixed periods only: no dates, no filters.
    book = load_workbook(io.BytesIO(analyst.get("/stats/export.xlsx", query_string={"open": "1"}).data))
    assert _about(book)["Open data"].startswith("Yes")
    assert all(not CODE.match(name) for name in book.sheetnames)


def test_the_command_line_spreadsheet_is_in_words_too(app, stats_world, tmp_path):  # type: ignore[no-untyped-def]
    out = tmp_path / "stats.xlsx"
    result = app.test_cli_runner().invoke(args=["stats", "export", "--from", "2024-04", "--to", "2026-03",
                                                "--format", "xlsx", "--output", str(out)])
    assert result.exit_code == 0, result.output
    about = _about(load_workbook(out))
    assert about["From"] == "April 2024" and about["Open data"] == "No"
    assert not ISO.search(about["Made"])
