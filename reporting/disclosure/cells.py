"""Spreadsheet cells as text: CSV and formula injection (OWASP).

A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as
a formula by spreadsheet programs. What the service writes is text, so such a cell is
written with a leading apostrophe in CSV, and as an explicit string in XLSX. Imports refuse
such cells instead of guessing what was meant.
"""
from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: object) -> bool:
    """True for text a spreadsheet program would run as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_cell(value: Any) -> Any:
    """A value for csv.writer: numbers as they are, text that could run as a formula escaped."""
    if value is None:
        return ""
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
