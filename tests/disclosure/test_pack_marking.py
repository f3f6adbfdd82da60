"""Issue 25: every page of a meeting pack PDF, however long, carries the protective marking,
as does the pack's page; a pack shared after a clean check is recorded as such."""
from __future__ import annotations

import io
import json

from pypdf import PdfReader
from sqlalchemy import select

from reporting.audit.models import AuditEvent
from reporting.disclosure.marking import MARKING
from reporting.extensions import db
from tests.helpers import minimal_answers, report
from tests.meetings.test_meetings import agency_id, make_meeting, share, signed_in, summary

LONG = " ".join(["The person was shouted at in the street again and asks for help with a move."] * 45)


def test_every_page_of_a_long_pack_is_marked(app, make_user, keys):
    references = [report(app.test_client(), minimal_answers())[0] for _ in range(3)]
    reviewer = signed_in(app, make_user("reviewer"))
    agency = signed_in(app, make_user("agency"))
    meeting_id, items = make_meeting(app, reviewer, references, [agency_id(app)])
    for reference in references:
        assert summary(reviewer, meeting_id, items[reference], LONG[:3990]).status_code == 302
    assert share(reviewer, meeting_id).status_code == 302
    for client, prefix, page_url in ((agency, "/partners/meetings", f"/partners/meetings/{meeting_id}"),
                                     (reviewer, "/review/meetings", f"/review/meetings/{meeting_id}/pack")):
        pages = PdfReader(io.BytesIO(client.get(f"{prefix}/{meeting_id}/pack.pdf").data)).pages
        assert len(pages) >= 3
        for number, page in enumerate(pages, start=1):
            assert (page.extract_text() or "").count(MARKING) == 2, number  # top and foot
        assert client.get(page_url).get_data(as_text=True).count(MARKING) == 2
    with app.app_context():
        shared = [json.loads(d) for d in db.session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "disclosure.meeting_pack").order_by(AuditEvent.seq))]
    assert shared[0]["rules"] == "invited_agency,identifying_check_passed,marked"
    assert shared[0]["recipient_name"] == "Example housing association"
    assert [d["rules"] for d in shared[1:]] == ["invited_agency,marked"] * 2  # the agency read it: page, PDF
