"""The one CSV import (reporting/forms/csv_import.py): each row checked by a form fed the
row as form data, every problem named by row and field label, all or nothing."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, Form, StringField
from wtforms.validators import DataRequired, Length

from reporting.forms import csv_import
from reporting.forms.csv_import import CsvImportError
from reporting.forms.fields import Checkboxes


class ThingForm(Form):
    slug = StringField("Short name", validators=[DataRequired("Enter a short name")])
    name = StringField("Name", validators=[DataRequired("Enter the name"), Length(max=10, message="Too long")])
    phone = StringField("Phone")
    colours = Checkboxes("Colours", choices=[("red", "Red"), ("blue", "Blue")])
    active = BooleanField("Shown", default=True)


def make_form(formdata: MultiDict[str, str] | None) -> ThingForm:
    return ThingForm(formdata=formdata)


def check(text: str, **kwargs: Any) -> list[ThingForm]:
    return csv_import.check_rows(
        text, make_form, columns=("slug", "name", "phone", "colours", "active"), required=("slug", "name"),
        key="slug", **kwargs,
    )


def problems(app: Flask, text: str, **kwargs: Any) -> list[str]:
    with app.test_request_context(), pytest.raises(CsvImportError) as refused:
        check(text, **kwargs)
    return refused.value.problems


def test_rows_become_the_forms_data(app: Flask) -> None:
    with app.test_request_context():
        forms = check("slug,name,colours,active\na,Alpha,red;blue,\nb,Beta,,no\nc,Gamma,,YES\n")
    assert [(form.slug.data, form.name.data, form.colours.data, form.active.data) for form in forms] == [
        ("a", "Alpha", ["red", "blue"], True),  # empty: the field's default
        ("b", "Beta", [], False),
        ("c", "Gamma", [], True),
    ]


def test_every_problem_of_every_row_is_named_by_row_and_label(app: Flask) -> None:
    text = (
        "slug,name,colours,active\n"
        "good,Fine,red,yes\n"             # row 2
        'long,"Far too\nlong a name",,\n'  # row 3: a quoted line break stays in one row, as in a spreadsheet
        ",,green,maybe\n"                 # row 4: four problems
        "good,Again,,\n"                  # row 5
        "x,X,,yes,surplus\n"              # row 6
    )
    found = problems(app, text)
    assert found == [
        "Row 3: Name: Too long",
        "Row 4: Shown: write yes or no, not 'maybe'",
        "Row 4: Short name: Enter a short name",
        "Row 4: Name: Enter the name",
        "Row 4: Colours: Select only options from the list",
        "Row 5: Short name: 'good' is also on row 2",
        "Row 6: more values than columns",
    ]


def test_the_save_checks_add_problems_but_not_twice_for_one_field(app: Flask) -> None:
    def more(form: ThingForm) -> list[str]:
        return ["name is missing"] if not form.name.data else [f"slug '{form.slug.data}' is taken"]

    assert problems(app, "slug,name\na,\nb,Beta\n", more_problems=more) == [
        "Row 2: Name: Enter the name", "Row 3: slug 'b' is taken",
    ]


def test_formula_cells_are_refused_but_a_phone_with_plus_is_not(app: Flask) -> None:
    found = problems(app, "slug,name,phone\na,=1+1,+44 1632 960 111\nb,B,=cmd\n@c,C,\n")
    assert [problem.split(", so")[0] for problem in found] == [
        "Row 2: Name: begins with '='", "Row 3: Phone: begins with '='", "Row 4: Short name: begins with '@'",
    ]


@pytest.mark.parametrize(("text", "expected"), [
    ("name\nA\n", ["Row 1 (header): missing columns slug"]),
    ("slug,name,size\na,A,1\n", ["Row 1 (header): unknown columns size"]),
    ("slug,name\n", ["The file has no rows after its header"]),
    ("", ["Row 1 (header): missing columns slug, name"]),
    ("slug,name\na,A\nb,B\x00\n", ["Row 3: the file has a NUL character, so it is not UTF-8 text; save the file as UTF-8 CSV"]),
])
def test_files_that_cannot_be_imported(app: Flask, text: str, expected: list[str]) -> None:
    assert problems(app, text) == expected


def test_outside_a_request_the_words_still_work(app: Flask) -> None:
    with app.app_context(), pytest.raises(CsvImportError) as refused:
        check("slug,name\n,A\n")
    assert refused.value.problems == ["Row 2: Short name: Enter a short name"]


@pytest.mark.parametrize(("raw", "expected"), [
    (b"slug,name\na,A\n", "slug,name\na,A\n"),
    ("\ufeffslug,name\na,Café\n".encode(), "slug,name\na,Café\n"),  # a byte-order mark is dropped
])
def test_decode_utf8(raw: bytes, expected: str) -> None:
    assert csv_import.decode(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("slug,name\na,Café\n".encode("latin-1"), "Row 2: the file is not UTF-8 text"),
    ("slug,name\n".encode("utf-16"), "Row 1: the file has a NUL character"),
    (b"slug,name\na,A\nb,\x00\n", "Row 3: the file has a NUL character"),
])
def test_decode_refuses_nul_and_other_encodings(raw: bytes, expected: str) -> None:
    with pytest.raises(CsvImportError) as refused:
        csv_import.decode(raw)
    assert refused.value.problems[0].startswith(expected)
