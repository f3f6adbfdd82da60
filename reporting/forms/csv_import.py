"""One CSV import for every kind of record an administrator keeps (centres, support services).

Each row is checked by the same form the admin's edit page uses, fed the row as form
data, so a file can hold nothing the page would refuse. Every problem of every row is
named ("Row 3: Name: Enter the centre's name"), and an import with any problem imports
nothing. Cells a spreadsheet would run as a formula are refused (disclosure.cells), and
so are NUL characters (PostgreSQL cannot store them) and text that is not UTF-8.

Columns are the form's field names; a yes/no field takes ``yes``/``no`` (empty: the
field's default), a field of several choices takes them separated by ``;``.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click
from flask import current_app, has_request_context
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, Form, SelectMultipleField

from reporting.disclosure.cells import formula_problems, looks_like_formula

F = TypeVar("F", bound=Form)
_YES = ("yes", "true", "1")
_NO = ("no", "false", "0")


class CsvImportError(Exception):
    """The file has problems; ``problems`` names each with its row number."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def decode(raw: bytes) -> str:
    """A CSV file's text: UTF-8 (a byte-order mark is dropped). A NUL byte or text that
    is not UTF-8 is refused naming its row (a file saved as UTF-16 has NUL bytes)."""
    if b"\x00" in raw:
        row = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise CsvImportError([f"Row {row}: the file has a NUL character, so it is not UTF-8 text; save the file as UTF-8 CSV"])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        row = raw[: error.start].count(b"\n") + 1
        raise CsvImportError([f"Row {row}: the file is not UTF-8 text; save the file as UTF-8 CSV"]) from None


def read_file(path: str | Path) -> str:
    """The text of a CSV file for the command line; refuses (see ``refuse``) one it cannot read."""
    try:
        return decode(Path(path).read_bytes())
    except CsvImportError as error:
        refuse(error.problems)


def refuse(problems: Sequence[str]) -> NoReturn:
    """For the command line: every problem of a refused import, one a line, then the refusal."""
    for problem in problems:
        click.echo(problem, err=True)
    raise click.ClickException(f"nothing imported: {len(problems)} problem{'' if len(problems) == 1 else 's'}")


def _formdata(form: Form, values: dict[str, str]) -> tuple[MultiDict[str, str], list[str]]:
    """The row as the form data a browser would post, and the cells no form could take."""
    data: MultiDict[str, str] = MultiDict()
    problems = []
    for name, value in values.items():
        field = form[name]
        if isinstance(field, BooleanField):
            answer = value.lower()
            if answer not in _YES + _NO + ("",):
                problems.append(f"{field.label.text}: write yes or no, not '{value}'")
            elif answer in _YES or (answer == "" and field.default):
                data.add(name, "y")
        elif isinstance(field, SelectMultipleField):
            for part in value.split(";"):
                if part.strip():
                    data.add(name, part.strip())
        else:
            data.add(name, value)
    return data, problems


def _formula_problems(form: Form, values: dict[str, str], phone_columns: tuple[str, ...]) -> list[str]:
    problems = []
    for name, value in values.items():
        if looks_like_formula(value) and formula_problems({name: value}, phone_columns=phone_columns):
            problems.append(f"{form[name].label.text}: begins with '{value[0]}', so a spreadsheet would run it "
                            "as a formula: remove that character or start the cell with a letter or digit")
    return problems


def check_rows(
    text: str,
    make_form: Callable[[MultiDict[str, str] | None], F],
    *,
    columns: Sequence[str],
    required: Sequence[str],
    key: str,
    more_problems: Callable[[F], list[str]] | None = None,
    phone_columns: tuple[str, ...] = ("phone",),
) -> list[F]:
    """Every row of ``text`` as a validated form, in order; or CsvImportError naming every
    problem of every row. ``make_form`` builds the admin's form from form data;
    ``more_problems`` adds the checks the admin's save makes beyond the form; ``key`` is the
    column naming the record (each value once in a file)."""
    if not has_request_context():
        # From the command line: the form's words need the request's locale machinery.
        with current_app.test_request_context():
            return check_rows(text, make_form, columns=columns, required=required, key=key,
                              more_problems=more_problems, phone_columns=phone_columns)
    if "\x00" in text:
        row = text[: text.index("\x00")].count("\n") + 1
        raise CsvImportError([f"Row {row}: the file has a NUL character, so it is not UTF-8 text; save the file as UTF-8 CSV"])
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in required if name not in header]
    unknown = [name for name in header if name not in columns]
    if missing or unknown:
        problems = []
        if missing:
            problems.append(f"Row 1 (header): missing columns {', '.join(missing)}")
        if unknown:
            problems.append(f"Row 1 (header): unknown columns {', '.join(unknown)}")
        raise CsvImportError(problems)
    blank = make_form(None)
    forms: list[F] = []
    problems = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(reader, start=2):
        if None in raw:
            problems.append(f"Row {number}: more values than columns")
            continue
        values = {name.strip(): (value or "").strip() for name, value in raw.items() if name}
        row_problems = _formula_problems(blank, values, phone_columns)
        formdata, cell_problems = _formdata(blank, values)
        row_problems += cell_problems
        form = make_form(formdata)
        form.validate()
        row_problems += [f"{field.label.text}: {message}" for field in form for message in _messages(field.errors)]
        if more_problems is not None:
            # The save's own checks name their field first; a field the form refused is named once.
            refused = {field.name for field in form if field.errors}
            row_problems += [problem for problem in more_problems(form) if problem.split(" ", 1)[0] not in refused]
        identity = values.get(key, "")
        if identity and identity in seen:
            row_problems.append(f"{blank[key].label.text}: '{identity}' is also on row {seen[identity]}")
        seen.setdefault(identity, number)
        problems += [f"Row {number}: {problem}" for problem in row_problems]
        forms.append(form)
    if problems:
        raise CsvImportError(problems)
    if not forms:
        raise CsvImportError(["The file has no rows after its header"])
    return forms


def _messages(errors: Any) -> list[str]:
    if isinstance(errors, dict):
        return [str(message) for messages in errors.values() for message in messages]
    return [str(message) for message in errors]
