"""`demo` and `retention run`."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from reporting.db import utcnow
from reporting.extensions import db
from reporting.referrals.demo import REFERRALS
from reporting.reports.models import Draft, Report
from reporting.reports.services import start_draft


def test_demo_is_idempotent_and_sends_reports_the_normal_way(app, runner):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    receipts = re.findall(r"Demo report (HC-\d\d-\w{6}), receipt code ([\d ]+)", first.output)
    assert len(receipts) == 4
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    assert "already loaded" in second.output
    with app.app_context():
        # The four samples, and the reports behind the police inbox's demo referrals (reporting/referrals/demo.py).
        assert db.session.scalar(select(func.count(Report.id))) == 4 + REFERRALS
        channels = sorted(db.session.scalars(select(Report.channel)))
        # Sent online; one is then counted as having come through the library's poster, so the
        # centres' pages have a last report (reporting/centres/demo.py).
        assert channels == ["centre_link", *["online"] * (3 + REFERRALS)]


def test_demo_loads_after_keys_made_by_hand(app, runner):
    """An operator (or ../shared/tools/seam_walk.sh) who ran `keys init` first: the demo's
    reviewer then holds no key, and the demo skips what needs one instead of failing."""
    made = runner.invoke(args=["keys", "init"])
    assert made.exit_code == 0, made.output
    demo = runner.invoke(args=["demo"])
    assert demo.exit_code == 0, demo.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Report.id))) == 4


def test_retention_run_deletes_expired_drafts_only(app, runner):
    with app.app_context():
        now = utcnow()
        start_draft(now=now - timedelta(hours=3), idle_minutes=60)
        live_id, _ = start_draft(now=now, idle_minutes=60)
        db.session.commit()
    result = runner.invoke(args=["retention", "run"])
    assert result.exit_code == 0, result.output
    assert "Expired drafts deleted: 1" in result.output
    with app.app_context():
        assert db.session.scalars(select(Draft.id)).all() == [live_id]


def test_demo_prints_working_sign_ins_for_every_role(app, runner):
    import pyotp

    from tests.helpers import post_form

    output = runner.invoke(args=["demo"]).output
    rows = re.findall(r"^\s+(\w+)\s+(\S+@example\.org)\s+password: (.+?)\s+TOTP secret: ([A-Z2-7]+)", output, re.M)
    assert {role for role, *_ in rows} == {"admin", "reviewer", "centre_staff", "police", "analyst", "agency"}
    role, email, password, secret = next(row for row in rows if row[0] == "reviewer")
    client = app.test_client()
    response = post_form(client, "/staff/login", {"email": email, "password": password})
    assert response.headers["Location"].endswith("/staff/two-factor")  # pre-enrolled
    response = post_form(client, "/staff/two-factor", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    reference = re.search(r"Demo report (HC-\d\d-\w{6})", output).group(1)
    page = client.get(f"/review/cases/{reference}").get_data(as_text=True)
    assert "(Example)" in page, "the demo reviewer holds the key and reads the sample report"


def test_demo_has_example_agencies_and_an_agency_sign_in_that_reads_partners(app, runner):
    import pyotp

    from tests.helpers import post_form

    output = runner.invoke(args=["demo"]).output
    assert "(key holder)" in next(line for line in output.splitlines() if "agency@example.org" in line)
    role, email, password, secret = next(
        row for row in re.findall(r"^\s+(\w+)\s+(\S+@example\.org)\s+password: (.+?)\s+TOTP secret: ([A-Z2-7]+)", output, re.M)
        if row[0] == "agency")
    client = app.test_client()
    post_form(client, "/staff/login", {"email": email, "password": password})
    response = post_form(client, "/staff/two-factor", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    page = client.get("/partners/")
    assert page.status_code == 200
    # The demo's meeting shared its pack with the agency, and gave it an action.
    assert 'href="/partners/meetings/' in page.get_data(as_text=True)
    assert "(Example) Check the CCTV near the bus station." in page.get_data(as_text=True)
    assert client.get("/review/").status_code == 403
