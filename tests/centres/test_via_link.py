"""A report started from a centre's poster link records that centre, and nothing else."""
from __future__ import annotations

from sqlalchemy import select

from reporting.centres import services as centre_services
from reporting.centres.models import Centre
from reporting.extensions import db
from reporting.reports.models import Report
from tests.helpers import answer_all, csrf_token, minimal_answers, send


def add_centre(app, slug="example-library", active=True) -> int:
    with app.app_context():
        centre = centre_services.save_centre(
            centre_services.CentreData(slug=slug, name="Example library", town="shrewsbury", active=active),
            actor="test",
        )
        db.session.commit()
        return centre.id


def start_via(client, slug):
    page = client.get(f"/report/?via={slug}").get_data(as_text=True)
    token = csrf_token(client, f"/report/?via={slug}")
    via_field = f'name="via" value="{slug}"' in page
    response = client.post("/report/", data={"csrf_token": token, "via": slug})
    assert response.status_code == 302
    return via_field


def test_a_report_through_the_poster_link_carries_the_centre_as_its_channel(app, client):
    centre_id = add_centre(app)
    assert start_via(client, "example-library")
    answer_all(client, minimal_answers())
    reference, _ = send(client)
    with app.app_context():
        report = db.session.scalar(select(Report).where(Report.reference == reference))
        assert (report.channel, report.centre_id) == ("centre_link", centre_id)


def test_an_unknown_or_retired_centre_is_ignored(app, client):
    add_centre(app, "retired-centre", active=False)
    assert not start_via(client, "retired-centre")
    answer_all(client, minimal_answers())
    reference, _ = send(client)
    with app.app_context():
        report = db.session.scalar(select(Report).where(Report.reference == reference))
        assert (report.channel, report.centre_id) == ("online", None)
        assert db.session.scalar(select(Centre.active).where(Centre.slug == "retired-centre")) is False
