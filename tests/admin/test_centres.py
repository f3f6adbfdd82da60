"""Administrators add, edit and retire centres, and see reports per centre per month."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from reporting.centres.models import Centre
from reporting.db import utcnow
from reporting.extensions import db
from reporting.reports.models import Report
from tests.admin.helpers import submit, summary
from tests.centres.test_via_link import start_via
from tests.helpers import answer_all, minimal_answers, send

GOOD = {
    "name": "Example Wem Library", "slug": "wem-library", "address": "High Street\nWem", "town": "wem",
    "postcode": "sy4 5aa", "opening_hours": "Mon to Fri 9 to 5", "phone": "01632 960 555",
    "offers": ["step_free", "bsl"], "languages": "English, Polish", "how_to_get_help": "Ask at the desk.",
    "active": "y",
}


def centre_count(app) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count(Centre.id))))


def test_add_edit_and_retire_a_centre(app, admin_client):
    client, _admin = admin_client
    response = submit(client, "/admin/centres/new", "/admin/centres/new", GOOD)
    assert response.status_code == 302
    with app.app_context():
        centre = db.session.scalar(select(Centre).where(Centre.slug == "wem-library"))
        assert (centre.town, centre.postcode, centre.offers, centre.languages) == ("wem", "SY4 5AA", ["step_free", "bsl"], ["English", "Polish"])
        centre_id = centre.id
    assert "Example Wem Library" in client.get("/centres/").get_data(as_text=True)
    page = f"/admin/centres/{centre_id}"
    assert submit(client, page, page, GOOD | {"name": "Example Wem Library (renamed)", "offers": ["quiet_room"]}).status_code == 302
    with app.app_context():
        centre = db.session.get(Centre, centre_id)
        assert centre.name.endswith("(renamed)") and centre.offers == ["quiet_room"] and centre.slug == "wem-library"
    assert submit(client, page, f"{page}/retire", {}).status_code == 302
    assert "Example Wem Library" not in client.get("/centres/").get_data(as_text=True)
    assert client.get("/centres/wem-library").status_code == 404


def test_bad_centre_input_is_refused_and_changes_nothing(app, admin_client):
    client, _admin = admin_client
    before = centre_count(app)
    for bad in ({"name": ""}, {"town": "atlantis"}, {"slug": "Bad Slug!"}, {"offers": ["jetpack"]},
                {"name": "x\x00y"}, {"phone": "9" * 41}):
        response = submit(client, "/admin/centres/new", "/admin/centres/new", GOOD | bad)
        assert response.status_code == 200, bad
        assert summary(response.get_data(as_text=True)), bad
    assert centre_count(app) == before
    submit(client, "/admin/centres/new", "/admin/centres/new", GOOD)
    again = submit(client, "/admin/centres/new", "/admin/centres/new", GOOD)
    assert again.status_code == 200 and "slug is taken" in again.get_data(as_text=True)
    assert client.get("/admin/centres/99999").status_code == 404


def test_reports_per_centre_per_month_and_quiet_centres_flagged(app, admin_client):
    client, _admin = admin_client
    submit(client, "/admin/centres/new", "/admin/centres/new", GOOD)
    submit(client, "/admin/centres/new", "/admin/centres/new", GOOD | {"slug": "quiet-centre", "name": "Example Quiet Centre"})
    reporter = app.test_client()
    start_via(reporter, "wem-library")
    answer_all(reporter, minimal_answers())
    send(reporter)
    page = client.get("/admin/centres/").get_data(as_text=True)
    month = utcnow().strftime("%b %Y")  # "Dec 2026", never "2026-12"
    assert month in page
    wem_row = page.split("Example Wem Library", 1)[1].split("</tr>", 1)[0]
    quiet_row = page.split("Example Quiet Centre", 1)[1].split("</tr>", 1)[0]
    assert ">1</td>" in wem_row and "No report in 12 months" not in wem_row
    assert "No report in 12 months" in quiet_row
    # A report older than a year no longer keeps a centre off the list.
    with app.app_context():
        report = db.session.scalar(select(Report))
        report.received_at = utcnow() - timedelta(days=400)
        db.session.commit()
    page = client.get("/admin/centres/").get_data(as_text=True)
    assert "No report in 12 months" in page.split("Example Wem Library", 1)[1].split("</tr>", 1)[0]


def test_non_admins_cannot_manage_centres(app, make_user):
    from tests.helpers import sign_in

    for role, extra in (("reviewer", {}), ("centre_staff", {"centre": "lib"}), ("police", {}), ("analyst", {})):
        user = make_user(role, **extra)
        client = app.test_client()
        sign_in(client, app, user.email)
        assert client.get("/admin/centres/").status_code == 403, role


def _upload(client, url: str, content: bytes):  # type: ignore[no-untyped-def]
    import io

    from tests.helpers import csrf_token

    token = csrf_token(client, url)
    return client.post(url, data={"csrf_token": token, "file": (io.BytesIO(content), "centres.csv")},
                       content_type="multipart/form-data")


def test_the_web_upload_uses_the_same_import_as_the_command_line(app, admin_client):
    from reporting.audit.models import AuditEvent

    client, _admin = admin_client
    assert "/admin/centres/import" in client.get("/admin/centres/").get_data(as_text=True)
    header = b"slug,name,town,offers,active\n"
    before = centre_count(app)
    # A bad row imports nothing, and every problem is named by row and the form's label.
    bad = _upload(client, "/admin/centres/import", header + b"good-one,Good One,wem,,yes\n,=Bad,atlantis,jacuzzi,maybe\n")
    assert bad.status_code == 400
    page = bad.get_data(as_text=True)
    for problem in ("Row 3: Name: begins with &#39;=&#39;", "Row 3: Town or area: Select the town or area",
                    "Row 3: What the centre offers: Select only options from the list",
                    "Row 3: Show in the public directory: write yes or no, not &#39;maybe&#39;", "Nothing was imported"):
        assert problem in page, problem
    assert "Row 2" not in page
    assert centre_count(app) == before
    assert "not UTF-8" in _upload(client, "/admin/centres/import", header + "x,Café,wem,,yes\n".encode("latin-1")).get_data(as_text=True)
    assert "NUL character" in _upload(client, "/admin/centres/import", header + b"x,X\x00,wem,,yes\n").get_data(as_text=True)
    assert "Select a CSV file" in submit(client, "/admin/centres/import", "/admin/centres/import", {}).get_data(as_text=True)
    # A good file is imported, with each centre's audit entry, as the command line does.
    good = _upload(client, "/admin/centres/import", header + b"good-one,Good One,wem,step_free;bsl,yes\n")
    assert good.status_code == 302 and good.headers["Location"].endswith("/admin/centres/")
    with app.app_context():
        centre = db.session.scalar(select(Centre).where(Centre.slug == "good-one"))
        assert (centre.name, centre.town, centre.offers, centre.active) == ("Good One", "wem", ["step_free", "bsl"], True)
        assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "centre.save",
                                                                       AuditEvent.target == f"centre:{centre.id}")) == 1
    assert "Imported: 1 new, 0 updated." in client.get("/admin/centres/").get_data(as_text=True)
