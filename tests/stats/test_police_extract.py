"""The quarterly extract for West Mercia Police, sealed to the police key, and the force's matches back."""
from __future__ import annotations

import re

import csv
import io
import json

from sqlalchemy import select

from reporting.audit.models import AuditEvent
from reporting.disclosure.marking import MARKING
from reporting.extensions import db
from reporting.referrals.models import PoliceExtract, PoliceMatch
from tests.helpers import csrf_token, sign_in
from tests.stats.fixture import CANARY, reference
from tests.stats.helpers import tables

URL = "/police/extracts/"


def police_client(app, make_user, holder=True):  # type: ignore[no-untyped-def]
    client = app.test_client()
    user = make_user("police", holder=holder)
    sign_in(client, app, user.email)
    return client, user


def prepare(client, quarter="2025-07"):  # type: ignore[no-untyped-def]
    return client.post(URL + "prepare", data={"csrf_token": csrf_token(client, URL), "prepare-quarter": quarter})


def upload(client, text: str):  # type: ignore[no-untyped-def]
    return client.post(URL + "import", data={"csrf_token": csrf_token(client, URL),
                                             "import-file": (io.BytesIO(text.encode()), "matches.csv")},
                       content_type="multipart/form-data")


def rows_of(body: bytes) -> list[dict[str, str]]:
    """The CSV's rows under its header; its first line is the protective marking."""
    first, rest = body.decode().split("\r\n", 1)
    assert first == MARKING
    return list(csv.DictReader(io.StringIO(rest)))


def test_police_prepare_and_download_a_sealed_quarter(app, stats_world, make_user):
    client, user = police_client(app, make_user)
    page = client.get(URL).get_data(as_text=True)
    assert "Quarterly extracts" in page and 'href="/police/extracts/"' in page
    response = prepare(client)
    assert response.status_code == 302
    page = client.get(URL).get_data(as_text=True)
    assert "2025/26 Q2" in page
    with app.app_context():
        extract = db.session.scalars(select(PoliceExtract)).one()
        # Sealed at rest: no reference, area or crime reference in clear.
        assert b"HC-00-STAT" not in extract.sealed and b"Shrewsbury" not in extract.sealed
        extract_id = extract.id
        prepared = extract.created_at
    # When it was prepared, in words and London time (what reporting/labels.py says), never an ISO time.
    from reporting.labels import when

    with app.test_request_context():
        assert when(prepared) in page
    assert not re.search(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}", page)
    download = client.get(f"{URL}{extract_id}.csv")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment;")
    rows = rows_of(download.data)
    # July to September 2025: reports 25 to 31, less 26 and 28 (police consent "no").
    assert [r["reference"] for r in rows] == [reference(n) for n in ("25", "27", "29", "30", "31")]
    assert list(rows[0]) == ["reference", "month", "area", "strands", "incident_types", "consent", "referred",
                             "crime_reference"]
    assert rows[0] == {"reference": reference("25"), "month": "2025-09", "area": "Shrewsbury",
                       "strands": "race;religion", "incident_types": "threats", "consent": "with details",
                       "referred": "yes", "crime_reference": ""}
    assert rows[4]["referred"] == "yes" and rows[1]["referred"] == "no"
    assert rows[3]["consent"] == "intelligence only"
    assert rows[4]["incident_types"] == "harassment;threats"
    assert CANARY.encode() not in download.data
    with app.app_context():
        actions = [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq))]
        assert "stats.police_extract.prepare" in actions and "stats.police_extract.download" in actions


def test_a_crime_reference_that_came_back_is_in_the_extract(app, stats_world, make_user):
    client, _user = police_client(app, make_user)
    prepare(client, "2025-10")  # October to December 2025: report 32's referral came back with a crime
    with app.app_context():
        extract_id = db.session.scalars(select(PoliceExtract.id)).one()
    rows = {r["reference"]: r for r in rows_of(client.get(f"{URL}{extract_id}.csv").data)}
    assert rows[reference("32")]["crime_reference"] == "22/10004/25"
    assert rows[reference("34")]["crime_reference"] == ""


def test_police_without_the_key_cannot_download(app, stats_world, make_user):
    holder, _ = police_client(app, make_user)
    prepare(holder)
    with app.app_context():
        extract_id = db.session.scalars(select(PoliceExtract.id)).one()
    other, _ = police_client(app, make_user, holder=False)
    response = other.get(f"{URL}{extract_id}.csv")
    assert response.status_code == 403
    assert b"HC-00-STAT" not in response.data
    assert other.get(f"{URL}999.csv").status_code == 404


def test_prepare_refuses_a_quarter_not_offered(app, stats_world, make_user):
    client, _ = police_client(app, make_user)
    for quarter in ("2025-08", "1999-04", "<b>", ""):
        response = prepare(client, quarter)
        assert response.status_code == 400, quarter
        assert "There is a problem" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(PoliceExtract)).all() == []


def test_matches_import_all_or_nothing_with_every_problem_named_by_row(app, stats_world, make_user):
    client, _ = police_client(app, make_user)
    bad = ("reference,crime_reference\n"
           f"{reference('25')},22/20001/25\n"           # row 2: fine
           "HC-99-NOSUCH,22/20002/25\n"                 # row 3: unknown report
           f"{reference('26')},\n"                      # row 4: no crime reference
           f"{reference('27')},<script>\n"              # row 5: not a crime reference
           f"{reference('25')},22/20009/25\n")          # row 6: the same report again, differently
    response = upload(client, bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    for row in ("Row 3", "Row 4", "Row 5", "Row 6"):
        assert row in page, row
    assert "Row 2" not in page
    assert "<script>" not in page
    with app.app_context():
        assert db.session.scalars(select(PoliceMatch)).all() == []  # nothing half-imported
    for text, message in (("", "empty"), ("ref,crime\nx,y\n", "Row 1"), ("reference,crime_reference\n", "no matches")):
        response = upload(client, text)
        assert response.status_code == 400 and message in response.get_data(as_text=True), text
    response = client.post(URL + "import", data={"csrf_token": csrf_token(client, URL),
                                                  "import-file": (io.BytesIO(b"\xff\xfe\x00bad"), "m.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 400 and "UTF-8" in response.get_data(as_text=True)
    response = client.post(URL + "import", data={"csrf_token": csrf_token(client, URL)})
    assert response.status_code == 400


def test_imported_matches_reach_the_extract_and_the_measures(app, stats_world, make_user, client):
    police, _ = police_client(app, make_user)
    good = f"reference,crime_reference\n{reference('27')},22/30001/25\n{reference('32')},22/10004/25\n"
    response = upload(police, good)
    assert response.status_code == 302
    assert "2 matches imported" in police.get(URL).get_data(as_text=True)
    prepare(police, "2025-07")
    with app.app_context():
        extract_id = db.session.scalars(select(PoliceExtract.id)).one()
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "stats.police_matches.import")).one()
        assert json.loads(event.detail) == {"rows": 2, "changed": 2}
    rows = {r["reference"]: r for r in rows_of(police.get(f"{URL}{extract_id}.csv").data)}
    assert rows[reference("27")]["crime_reference"] == "22/30001/25"
    # The measure counts report 27 in the month it was received (September 2025), not the month it was
    # matched (issue 30); report 32 already had the crime reference from its referral, so it is not
    # counted twice: 2025/26 has 19 and 32 by referral, and 27 by the match.
    analyst = make_user("analyst")
    sign_in(client, app, analyst.email)
    years = tables(client, first="2024-04", last="2026-12")["measures_by_financial_year"]
    assert years["2026/27"][4] == 0
    assert years["2025/26"][4] == 3


def test_a_report_the_person_kept_from_the_police_is_never_a_line_only_a_suppressed_count(app, stats_world,
                                                                                           make_user):
    client, _user = police_client(app, make_user)
    prepare(client, "2025-10")  # October to December 2025: 33 and 35 (Ludlow, Shrewsbury) and 36 (online) said no
    with app.app_context():
        extract = db.session.scalars(select(PoliceExtract)).one()
        extract_id, listed = extract.id, extract.rows
    lines = rows_of(client.get(f"{URL}{extract_id}.csv").data)
    assert [r["reference"] for r in lines] == [reference("32"), reference("34")] and listed == 2
    page = client.get(URL).get_data(as_text=True)
    assert MARKING in page and f"{URL}{extract_id}-withheld.csv" in page
    withheld = client.get(f"{URL}{extract_id}-withheld.csv")
    assert withheld.status_code == 200
    assert not any(reference(n).encode() in withheld.data for n in ("33", "35", "36"))
    counts = {(r["month"], r["area"]): r["reports_withheld"] for r in rows_of(withheld.data)}
    # Every count of 1 to 4 is "<5" (all three are in December); the empty months show 0.
    assert counts[("2025-12", "Ludlow")] == "<5" and counts[("2025-12", "Online")] == "<5"
    assert counts[("All months", "All areas")] == "<5"
    assert counts[("2025-10", "All areas")] == 0 or counts[("2025-10", "All areas")] == "0"
    assert not [v for v in counts.values() if v.isdigit() and 1 <= int(v) <= 4]
    with app.app_context():
        recorded = [json.loads(e.detail) for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "disclosure.police_extract"))]
    assert [r["part"] for r in recorded] == ["lines", "withheld"]
    assert all(r["recipient"] == "police" and "consent_counts_only" in r["rules"] and "marked" in r["rules"]
               for r in recorded)


def test_the_match_import_refuses_a_report_the_extract_may_not_list_and_changes_nothing(app, stats_world,
                                                                                        make_user):
    client, _user = police_client(app, make_user)
    text = ("reference,crime_reference\n"
            f"{reference('25')},22/40001/25\n"     # row 2: consent with details
            f"{reference('30')},22/40002/25\n"     # row 3: intelligence only
            f"{reference('26')},22/40003/25\n")    # row 4: consent "no"
    response = upload(client, text)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f"Row 4: {reference('26')} is not a report in any extract" in page
    assert "Row 2" not in page and "Row 3" not in page
    # Refused in the same words as a reference that does not exist: the force learns nothing of it.
    unknown = upload(client, "reference,crime_reference\nHC-99-NOSUCH,22/1/25\n").get_data(as_text=True)
    assert "Row 2: HC-99-NOSUCH is not a report in any extract" in unknown
    with app.app_context():
        assert db.session.scalars(select(PoliceMatch)).all() == []
    assert upload(client, "\n".join(text.splitlines()[:3]) + "\n").status_code == 302


def test_the_withheld_counts_hide_what_their_totals_would_give_away():
    from reporting.referrals.extract import withheld_table

    months = ["2025-07", "2025-08", "2025-09"]
    table = withheld_table(months, {("2025-07", "Ludlow"): 3, ("2025-08", "Ludlow"): 9, ("2025-09", "Ludlow"): 7,
                                    ("2025-08", "Shrewsbury"): 12})
    shown = {(m, a): v for m, a, v in table[1:]}
    assert shown[("2025-07", "Ludlow")] == "<5"
    # July's total is Ludlow's 3 alone: hidden too, and another month's Ludlow beside it.
    assert shown[("2025-07", "All areas")] in ("<5", "[c]")
    assert sum(1 for m in months if shown[(m, "Ludlow")] in ("<5", "[c]")) >= 2
