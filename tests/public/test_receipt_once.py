"""Issue 11 item 10: the receipt is shown once, and the report keeps only a hash of the
submission key (the draft id that the reporter's cookie carries)."""
from __future__ import annotations

from sqlalchemy import select

from reporting.extensions import db
from reporting.reports.models import Draft, Report
from reporting.reports.services import submission_digest
from tests.helpers import minimal_answers, report


def test_the_receipt_is_shown_once_and_a_reload_shows_the_reference_only(app, client):
    reference, receipt = report(client, minimal_answers())  # the first view of /report/sent read the code
    again = client.get("/report/sent").get_data(as_text=True)
    assert reference in again
    assert 'id="receipt-code"' not in again
    for group in receipt.split():
        assert f">{group}<" not in again
    assert "was shown once" in again


def test_the_report_keeps_only_a_hash_of_the_submission_key(app, client):
    reference, _ = report(client, minimal_answers())
    with app.app_context():
        stored = db.session.scalar(select(Report).where(Report.reference == reference))
        draft = db.session.scalar(select(Draft).where(Draft.report_id == stored.id))
        assert draft is not None
        assert stored.submission_key != draft.id
        assert stored.submission_key == submission_digest(draft.id)
