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
