"""Spreadsheet cells stay text: a formula typed anywhere is never run by the program that opens the file."""
from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from reporting.disclosure.cells import csv_cell, looks_like_formula, xlsx_cell

FORMULAS = ['=HYPERLINK("http://example.org","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("text", FORMULAS)
def test_a_formula_is_written_as_text_in_csv(text):
    out = io.StringIO()
    csv.writer(out).writerow([csv_cell(text)])
    (cell,) = next(csv.reader(io.StringIO(out.getvalue())))
    assert cell == "'" + text
    assert not looks_like_formula(cell)


@pytest.mark.parametrize("text", FORMULAS)
def test_a_formula_is_a_string_cell_in_xlsx(text):
    book = Workbook()
    sheet = book.active
    sheet.append([xlsx_cell(text), xlsx_cell(None), xlsx_cell(7)])
    out = io.BytesIO()
    book.save(out)
    read = load_workbook(io.BytesIO(out.getvalue())).active
    first, empty, number = read[1]
    # XML keeps no bare carriage return: it comes back as a line feed, still a string cell.
    assert (first.value, first.data_type) == (text.replace("\r", "\n"), "s")
    assert (number.value, number.data_type) == (7, "n")
    assert empty.value is None


def test_plain_text_and_numbers_are_left_alone():
    assert csv_cell("Shrewsbury Library") == "Shrewsbury Library"
    assert csv_cell(-3) == -3 and csv_cell(None) == ""
    assert not looks_like_formula("Ludlow - Corve Street") and looks_like_formula("-1")
