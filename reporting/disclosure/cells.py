"""Spreadsheet cells as text: CSV and formula injection (OWASP).

A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as
a formula by spreadsheet programs. What the service writes is text, so such a cell is
written with a leading apostrophe in CSV, and as an explicit string in XLSX. Imports refuse
such cells instead of guessing what was meant.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# "+44 1632 960101" in a phone column is a phone number, not a formula: it can run nothing.
_PHONE_NUMBER = re.compile(r"\+[0-9 ()-]+")


def looks_like_formula(value: object) -> bool:
    """True for text a spreadsheet program would run as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_cell(value: Any, *, phone: bool = False) -> Any:
    """A value for csv.writer: numbers as they are, text that could run as a formula escaped.

    ``phone``: the cell is a phone number, and "+44 ..." stays as it is (it runs nothing,
    and the import takes it back unchanged).
    """
    if value is None:
        return ""
    if phone and isinstance(value, str) and _PHONE_NUMBER.fullmatch(value):
        return value
    if looks_like_formula(value):
        return "'" + value
    return value


def xlsx_cell(value: Any) -> Any:
    """A value for openpyxl: numbers as they are; text always a string cell, never a formula."""
    if value is None:
        return None
    if isinstance(value, str):
        from openpyxl.cell.cell import Cell

        cell = Cell(None)  # type: ignore[arg-type]
        cell.value = value
        cell.data_type = "s"
        return cell
    return value


def formula_problems(cells: Mapping[str, str], *, phone_columns: tuple[str, ...] = ("phone",)) -> list[str]:
    """For an import: each cell that a spreadsheet would run as a formula, in words.

    The import refuses the row instead of guessing what was meant; the leading character
    is named so the person can see it. A phone number beginning with + is let through.
    """
    problems = []
    for column, value in cells.items():
        if column in phone_columns and _PHONE_NUMBER.fullmatch(value):
            continue
        if looks_like_formula(value):
            problems.append(f"{column} begins with '{value[0]}', so a spreadsheet would run it as a formula: "
                            "remove that character or start the cell with a letter or digit")
    return problems
