"""`flask centres import FILE` and `flask centres export`: all or nothing, and a faithful round trip."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from reporting import ROOT
from reporting.centres.models import Centre
from reporting.extensions import db

HEADER = "slug,name,address,town,postcode,opening_hours,phone,offers,languages,how_to_get_help,active\n"

# Normalised, as export writes it: every column, sorted by slug, ";" between values.
GOOD = HEADER + (
    'bridgnorth-library,Bridgnorth Library,"Listley Street\nBridgnorth",bridgnorth,WV16 4AW,'
    '"Monday, Wednesday and Friday 9am to 5pm\nSaturday 9am to 12pm",01632 960 505,'
    "step_free;hearing_loop;quiet_room;bsl;interpreters,English;Polski;Cymraeg,"
    '"Ask for ""the hate incident form"" at the desk.\nStaff can fill it in with you.",yes\n'
    "ludlow-hub,Ludlow Community Hub,Corve Street,ludlow,SY8 1DA,Tuesday 10am to 3pm,,quiet_room,English,,yes\n"
    "old-office,Old Council Office,,wem,,,,,,,no\n"
    "shrewsbury-library,Shrewsbury Library (Llyfrgell),Castle Gates,shrewsbury,SY1 2AS,Monday to Friday,"
    "01632 960 101,step_free,English;Română;العربية,Ask at the front desk.,yes\n"
)


def write(tmp_path: Path, text: str | bytes, name: str = "centres.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", newline="")
    return path


def count_centres(app) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(Centre)) or 0)


def export(runner) -> str:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["centres", "export"])
    assert result.exit_code == 0, result.output
    return str(result.stdout)


def import_file(runner, path: Path):  # type: ignore[no-untyped-def]
    return runner.invoke(args=["centres", "import", str(path)])


@pytest.fixture
def existing(app, runner, tmp_path) -> str:  # type: ignore[no-untyped-def]
    """Centres already there before a bad import, and the export that describes them."""
    result = import_file(runner, write(tmp_path, GOOD, "existing.csv"))
    assert result.exit_code == 0, result.output
    return export(runner)


def assert_nothing_changed(app, runner, before: str) -> None:  # type: ignore[no-untyped-def]
    assert count_centres(app) == 4
    assert export(runner) == before


def test_a_file_missing_a_required_column_imports_nothing(app, runner, tmp_path, existing):
    path = write(tmp_path, "slug,name,postcode\nnew-centre,New Centre,SY1 1AA\n")
    result = import_file(runner, path)
    assert result.exit_code != 0
    assert "Row 1 (header): missing columns town" in result.output
    assert "nothing imported" in result.output
    assert_nothing_changed(app, runner, existing)


def test_every_bad_row_is_named_and_nothing_is_imported(app, runner, tmp_path, existing):
    rows = HEADER + "\n".join([
        "new-good,A Good New Centre,,oswestry,,,,,,,yes",                   # row 2: fine on its own
        "unknown-town,Unknown Town Centre,,atlantis,,,,,,,yes",            # row 3
        "Bad Slug!,Bad Slug Centre,,ludlow,,,,,,,yes",                     # row 4
        "unknown-offer,Unknown Offer Centre,,ludlow,,,,step_free;jacuzzi,,,yes",  # row 5
        "new-good,Duplicate Slug Centre,,ludlow,,,,,,,yes",                # row 6
        "too-many,Too Many Values,,ludlow,,,,,,,yes,surplus",              # row 7
        ",No Slug Centre,,ludlow,,,,,,,maybe",                             # row 8
        "ludlow-hub,,,ludlow,,,,,,,yes",                                   # row 9: an update, but no name
    ]) + "\n"
    result = import_file(runner, write(tmp_path, rows))
    assert result.exit_code != 0
    output = result.output
    expected = [
        # Checked by the admin's own form: its labels and messages.
        "Row 3: Town or area: Select the town or area",
        "Row 4: slug 'bad slug!' must be lower-case letters, digits and single hyphens",
        "Row 5: What the centre offers: Select only options from the list",
        "Row 6: Short name for web addresses: 'new-good' is also on row 2",
        "Row 7: more values than columns",
        "Row 8: slug is missing",
        "Row 8: Show in the public directory: write yes or no, not 'maybe'",
        "Row 9: Name: Enter the centre's name",
    ]
    for problem in expected:
        assert problem in output, (problem, output)
    assert "Row 2" not in output
    assert "nothing imported: 8 problems" in output
    assert_nothing_changed(app, runner, existing)
    with app.app_context():
        assert db.session.scalar(select(Centre.name).where(Centre.slug == "ludlow-hub")) == "Ludlow Community Hub"


def test_a_file_that_is_not_utf8_imports_nothing(app, runner, tmp_path, existing):
    latin1 = (HEADER + "caf-centre,Café Centre,,ludlow,,,,,,,yes\n").encode("latin-1")
    result = import_file(runner, write(tmp_path, latin1))
    assert result.exit_code != 0
    assert "not UTF-8" in result.output
    assert_nothing_changed(app, runner, existing)


@pytest.mark.parametrize("text", [
    "",                                   # empty file
    HEADER,                               # a header and no centres
    "slug,name,town,colour\nx,X,ludlow,red\n",  # an unknown column
    "\x00\x01\x02",                        # not a CSV at all
])
def test_other_unusable_files_import_nothing(app, runner, tmp_path, existing, text):
    result = import_file(runner, write(tmp_path, text))
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert_nothing_changed(app, runner, existing)


def test_a_missing_file_is_a_clear_error(runner, tmp_path):
    result = import_file(runner, tmp_path / "nowhere.csv")
    assert result.exit_code != 0
    assert "does not exist" in result.output


def test_a_good_file_imports_and_exports_the_same(app, runner, tmp_path):
    assert count_centres(app) == 0
    result = import_file(runner, write(tmp_path, GOOD))
    assert result.exit_code == 0, result.output
    assert "Imported 4 centres (4 new, 0 updated)." in result.output
    assert count_centres(app) == 4
    assert export(runner) == GOOD
    with app.app_context():
        library = db.session.scalar(select(Centre).where(Centre.slug == "bridgnorth-library"))
        assert library is not None
        assert library.address == "Listley Street\nBridgnorth"
        assert library.offers == ["step_free", "hearing_loop", "quiet_room", "bsl", "interpreters"]
        assert library.languages == ["English", "Polski", "Cymraeg"]
        assert library.how_to_get_help.startswith('Ask for "the hate incident form"')
        old = db.session.scalar(select(Centre).where(Centre.slug == "old-office"))
        assert old is not None and old.active is False


def test_re_importing_the_export_changes_nothing(app, runner, tmp_path):
    assert import_file(runner, write(tmp_path, GOOD)).exit_code == 0
    first = export(runner)
    result = import_file(runner, write(tmp_path, first, "exported.csv"))
    assert result.exit_code == 0, result.output
    assert "(0 new, 4 updated)" in result.output
    assert count_centres(app) == 4
    assert export(runner) == first == GOOD


def test_an_untidy_file_is_normalised_on_the_way_in(app, runner, tmp_path):
    # Columns in another order, a byte-order mark, Windows line ends, spaces, lower-case postcode,
    # rows out of order, optional columns left out.
    untidy = (
        "\ufeffname , slug,town,postcode,offers,languages,active\r\n"
        "Shrewsbury Library (Llyfrgell), shrewsbury-library ,shrewsbury, sy1 2as , step_free ; ,"
        "English ; Română;;العربية, YES\r\n"
        "Ludlow Community Hub,ludlow-hub,ludlow,SY8 1DA,quiet_room,English,\r\n"
    )
    result = import_file(runner, write(tmp_path, untidy))
    assert result.exit_code == 0, result.output
    assert export(runner) == HEADER + (
        "ludlow-hub,Ludlow Community Hub,,ludlow,SY8 1DA,,,quiet_room,English,,yes\n"
        "shrewsbury-library,Shrewsbury Library (Llyfrgell),,shrewsbury,SY1 2AS,,,step_free,"
        "English;Română;العربية,,yes\n"
    )


def test_the_demo_centres_file_round_trips(app, runner):
    demo = (ROOT / "reporting" / "centres" / "demo_centres.csv").read_text(encoding="utf-8")
    result = import_file(runner, ROOT / "reporting" / "centres" / "demo_centres.csv")
    assert result.exit_code == 0, result.output
    exported = export(runner)
    assert sorted(exported.splitlines()) == sorted(demo.splitlines())


def test_a_formula_cell_is_refused_with_its_row_and_nothing_is_imported(app, runner, tmp_path, existing):
    # Issue 25: a cell a spreadsheet would run (=, +, -, @) is refused, by row, all or nothing.
    rows = HEADER + "\n".join([
        "new-good,A Good New Centre,,oswestry,,,+44 1632 960 505,,,,yes",                   # row 2: a phone with +
        'formula-name,"=HYPERLINK(""https://example.org"",""Click"")",,ludlow,,,,,,,yes',  # row 3
        "formula-address,Centre,+cmd|' /C calc'!A0,ludlow,,,,,,,yes",                         # row 4
        "formula-hours,Centre,,ludlow,,@SUM(1+1),,,,,yes",                                     # row 5
        "formula-help,Centre,,ludlow,,,,,,-2+3,yes",                                           # row 6
        "ludlow-hub,=1+1,,ludlow,,,,,,,yes",                                                   # row 7: an update
    ]) + "\n"
    result = import_file(runner, write(tmp_path, rows))
    assert result.exit_code != 0
    for problem in ("Row 3: Name: begins with '='", "Row 4: Address: begins with '+'",
                    "Row 5: Opening hours: begins with '@'", "Row 6: How to get help here: begins with '-'",
                    "Row 7: Name: begins with '='"):
        assert problem in result.output, (problem, result.output)
    assert "Row 2" not in result.output
    assert_nothing_changed(app, runner, existing)


def test_a_formula_saved_by_hand_is_exported_as_text(app, runner):
    import csv
    import io

    from reporting.centres.services import CentreData, save_centre

    with app.app_context():
        save_centre(CentreData(slug="by-hand", name='=HYPERLINK("https://example.org","x")', town="ludlow",
                               phone="+44 1632 960 505"), actor="test")
        db.session.commit()
    exported = list(csv.DictReader(io.StringIO(export(runner))))
    row = next(r for r in exported if r["slug"] == "by-hand")
    assert row["name"] == '\'=HYPERLINK("https://example.org","x")'
    assert row["phone"] == "+44 1632 960 505"
