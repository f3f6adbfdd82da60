"""Issue 11 item 10: the receipt code is not shown again later (issue 27 item 3: but a reload
soon after shows it again in the same browser), and the report keeps only a hash of the
submission key (the draft id that the reporter's cookie carries)."""
from __future__ import annotations

import re
from datetime import timedelta
from unittest.mock import patch

from sqlalchemy import select

from reporting.db import utcnow

from reporting.extensions import db
from reporting.reports.models import Draft, Report
from reporting.reports.services import submission_digest
from tests.helpers import minimal_answers, report


def _code_on(page: str) -> str | None:
    match = re.search(r'id="receipt-code">(.*?)</strong>', page, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split()) if match else None


def test_a_code_cut_off_in_transit_comes_back_on_a_reload_in_the_same_browser_only(app, client):
    """Issue 27 item 3: the first page carrying the code may never arrive; a reload shows it
    again, in this browser only, until the person finishes, leaves, or a short time passes."""
    reference, receipt = report(client, minimal_answers())  # the first view of /report/sent read the code
    again = client.get("/report/sent").get_data(as_text=True)
    assert reference in again and _code_on(again) == receipt
    assert "shows the code again for 10 minutes" in again
    # Another browser (no cookie: no key) sees nothing of it.
    stranger = app.test_client().get("/report/sent")
    assert stranger.status_code == 302 and receipt.split()[-1] not in stranger.get_data(as_text=True)
    # "I have kept my code: finish": gone.
    token = re.search(r'name="csrf_token" value="([^"]+)"', again).group(1)
    assert client.post("/report/finish", data={"csrf_token": token}).status_code == 302
    assert client.get("/report/sent").status_code == 302


def test_after_a_short_time_a_reload_shows_the_reference_only(app, client):
    reference, receipt = report(client, minimal_answers())
    later = utcnow() + timedelta(minutes=11)
    with patch("reporting.journey.views.utcnow", return_value=later):
        again = client.get("/report/sent").get_data(as_text=True)
    assert reference in again
    assert 'id="receipt-code"' not in again
    for group in receipt.split():
        assert f">{group}<" not in again
    assert "was shown once" in again
    # Forgotten for good: the draft keeps only the reference.
    assert _code_on(client.get("/report/sent").get_data(as_text=True)) is None


def test_leaving_forgets_the_code(app, client):
    report(client, minimal_answers())
    client.get("/exit")
    assert client.get("/report/sent").status_code == 302


def test_the_report_keeps_only_a_hash_of_the_submission_key(app, client):
    reference, _ = report(client, minimal_answers())
    with app.app_context():
        stored = db.session.scalar(select(Report).where(Report.reference == reference))
        draft = db.session.scalar(select(Draft).where(Draft.report_id == stored.id))
        assert draft is not None
        assert stored.submission_key != draft.id
        assert stored.submission_key == submission_digest(draft.id)
