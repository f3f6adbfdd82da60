"""Exports of the statistics: CSV, XLSX (openpyxl) and JSON ``hcr-stats/1``.

Every export holds exactly the tables of the page it came from (the analyst's exact
figures, or the published open data), never anything from a report's sealed content.
CSV is "tidy": one line per figure, ``table, row, column, value``.

Exact figures carry the protective marking (reporting/disclosure/marking.py): the CSV's first
line, the first row of every XLSX sheet, the JSON field ``protective_marking``. Open data
carries none. Every cell is text as text (reporting/disclosure/cells.py): a centre named
``=HYPERLINK(...)`` is written as its name, never run as a formula.
"""
from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from reporting import labels
from reporting.disclosure import marking
from reporting.disclosure.cells import csv_cell, xlsx_cell
from reporting.reports.choice_words import in_language
from reporting.stats import queries
from reporting.stats.figures import Table
from reporting.words import lazy_gettext as _l

SCHEMA = "hcr-stats/1"
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def marked(meta: Mapping[str, Any]) -> bool:
    """Exact figures are marked; open data is not."""
    return marking.JSON_FIELD in meta


def to_csv(tables: Sequence[Table], meta: Mapping[str, Any]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if marked(meta):
        writer.writerow(marking.csv_marking_line())
    writer.writerow(["table", "table_title", "row_code", "row", "column", "value"])
    for table in tables:
        for row in table.rows:
            for heading, value in zip(table.columns, row.values):
                writer.writerow([csv_cell(v) for v in (table.id, table.title, row.code, row.label, heading, value)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM lets spreadsheet programs read UTF-8


def to_json(tables: Sequence[Table], meta: Mapping[str, Any]) -> bytes:
    document = {
        "schema": SCHEMA,
        **meta,
        "tables": [
            {
                "id": t.id, "title": t.title, "row_header": t.row_header, "columns": t.columns, "note": t.note,
                "rows": [{"code": r.code, "label": r.label, "total": r.total, "values": r.values,
                          **({"to_date": True} if r.to_date else {})} for r in t.rows],
                # Open data says what a reader may rely on: each column's months, how the rows relate.
                **({"column_months": t.column_codes, "row_relations": [list(pair) for pair in t.relations]}
                   if t.column_codes else {}),
            }
            for t in tables
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def to_xlsx(tables: Sequence[Table], meta: Mapping[str, Any]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    about = book.active
    assert about is not None
    about.title = _about_title()
    if marked(meta):
        about.append([xlsx_cell(marking.MARKING)])
        about["A1"].font = Font(bold=True)
    for row in about_rows(meta):
        about.append([xlsx_cell(v) for v in row])
    about.column_dimensions["A"].width = 20
    used: set[str] = {about.title}
    for table in tables:
        sheet = book.create_sheet(sheet_name(table.title, used))
        if marked(meta):
            sheet.append([xlsx_cell(marking.MARKING)])
            sheet.oddHeader.center.text = marking.MARKING  # printed on every page too
        sheet.append([xlsx_cell(table.title)])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
        sheet.append([xlsx_cell(v) for v in (table.row_header, *table.columns)])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([xlsx_cell(v) for v in (row.label, *row.values)])
        if table.note:
            sheet.append([])
            sheet.append([xlsx_cell(table.note)])
        sheet.column_dimensions["A"].width = 40
    out = io.BytesIO()
    book.properties.creator = "hcr-stats"
    book.properties.created = datetime(2000, 1, 1)
    book.save(out)
    return out.getvalue()


# The XLSX's "About" sheet and sheet names, in words (issue 28): people open the file, not a parser.

def _about_title() -> str:
    return str(_l("About"))


def sheet_name(title: str, used: set[str]) -> str:
    """A sheet's name from its table's title: Excel allows 31 characters and none of []:*?/\\."""
    name = (re.sub(r"[\[\]:*?/\\]", " ", title).strip() or "Table")[:31].strip()
    base, number = name, 2
    while name.casefold() in {u.casefold() for u in used}:
        suffix = f" ({number})"
        name, number = base[:31 - len(suffix)].strip() + suffix, number + 1
    used.add(name)
    return name


def _filter_words(key: str, code: str) -> str:
    if key in ("from", "to"):
        return labels.month_name(code)
    if key in ("area", "strand"):
        return next((str(in_language(words)) for c, words, _g in queries.choice_labels(key) if c == code), code)
    if key == "channel":
        return labels.label("channel", code)
    if key == "centre":
        return next((name for i, name in queries.centre_names() if str(i) == code), code)
    return code


def about_rows(meta: Mapping[str, Any]) -> list[tuple[str, str]]:
    """What the file is, in words: when it was made, whether it is the open data, its filters."""
    headings = {"from": _l("From"), "to": _l("To"), "area": _l("Area"), "strand": _l("Strand"),
                "channel": _l("Channel"), "centre": _l("Centre")}
    rows: list[tuple[str, str]] = []
    if meta.get("generated_at"):
        rows.append((str(_l("Made")), labels.when(meta["generated_at"])))
    if "open_data" in meta:
        rows.append((str(_l("Open data")), str(_l("Yes, small counts suppressed") if meta["open_data"] else _l("No"))))
    if meta.get("periods"):
        rows.append((str(_l("Periods")), ", ".join(str(p) for p in meta["periods"])))
    for key, code in dict(meta.get("filters") or {}).items():
        rows.append((str(headings.get(key, key)), _filter_words(key, str(code))))
    for key in ("area", "strand", "channel", "centre"):
        if key not in (meta.get("filters") or {}):
            rows.append((str(headings[key]), str(_l("All"))))
    return rows


WRITERS = {"csv": to_csv, "json": to_json, "xlsx": to_xlsx}


def export(tables: Sequence[Table], fmt: str, meta: Mapping[str, Any]) -> bytes:
    return WRITERS[fmt](tables, meta)
