"""Issue 25: a canary typed into every field of a report, and into every staff text that can
reach a partner agency (the meeting's place, each summary, each action from a meeting or
from the case page), never reaches the agency's pages or the pack PDF, in any look-alike
form, unless a key holder overrode the check with a recorded reason; then the audit shows
the override. The pack carries the protective marking on its page and every PDF page.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

from pypdf import PdfReader
from sqlalchemy import func, select

from reporting.audit.models import AuditEvent
from reporting.disclosure.marking import MARKING
from reporting.extensions import db
from reporting.meetings.models import Action, Meeting
from tests.helpers import full_answers, minimal_answers, report
from tests.meetings.test_meetings import agency_id, make_meeting, pdf_text, post, share, signed_in, summary
from tests.test_labels import visible_text

CANARY = "GATECANARY7"
# The same canary as a person might type it to slip past a check.
DISGUISED = [CANARY, CANARY.lower(), "ＧＡＴＥＣＡＮＡＲＹ７", "GATE\u200bCANARY7", "GАTECАNАRY7",  # Cyrillic А
             "GATECANARY٧"]
# Other identifying details the report holds, in forms the review used.
DETAILS = ["07700 900982", "０７７００ ９００９８２", "gatecanary7 at example dot org", "SY1-1AA", "14 Corve Street"]
CLEAN = "Verbal abuse in the street; the person is afraid to go out and asks for help with housing."


def _seen(text: str) -> bool:
    folded = text.replace("\u200b", "").replace("А", "A").upper()
    folded = folded.translate(str.maketrans("ＧＡＴＥＣＮＲＹ７٧", "GATECNRY77"))
    return "GATECANARY7" in folded


def agency_views(app, agency, meeting_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    views = [visible_text(agency.get("/partners/").get_data(as_text=True))]
    pack = agency.get(f"/partners/meetings/{meeting_id}")
    if pack.status_code == 200:
        views.append(visible_text(pack.get_data(as_text=True)))
        download = agency.get(f"/partners/meetings/{meeting_id}/pack.pdf")
        assert download.status_code == 200
        views.append(pdf_text(download.data))
    with app.app_context():
        for action_id in db.session.scalars(select(Action.id)):
            page = agency.get(f"/partners/actions/{action_id}")
            if page.status_code == 200:
                views.append(visible_text(page.get_data(as_text=True)))
    return views


def test_the_canary_never_reaches_an_agency_unless_a_key_holder_overrides(app, make_user, keys):
    reference, _receipt = report(app.test_client(), full_answers(CANARY))
    other, _receipt = report(app.test_client(), minimal_answers())
    reviewer = signed_in(app, make_user("reviewer"))
    agency = signed_in(app, make_user("agency"))
    housing = agency_id(app)
    meeting_id, items = make_meeting(app, reviewer, [reference, other], [housing])
    item_page = f"/review/meetings/{meeting_id}/items/{items[reference]}"
    due = (date.today() + timedelta(days=14)).isoformat()

    def action_from_meeting(text: str, reason: str = ""):  # type: ignore[no-untyped-def]
        return post(reviewer, f"{item_page}/actions", {"action-agency": str(housing), "action-text": text,
                    "action-due_on": due, "action-override_reason": reason}, page=item_page)

    def action_from_case(text: str, reason: str = ""):  # type: ignore[no-untyped-def]
        return post(reviewer, f"/review/meetings/cases/{reference}/actions", {
            "case_action-agency": str(housing), "case_action-text": text, "case_action-due_on": due,
            "case_action-override_reason": reason}, page=f"/review/cases/{reference}")

    # Every disguise of the canary, and every other detail, is stopped in each text, with what matched shown.
    summary(reviewer, meeting_id, items[other], "Graffiti on a bus shelter.")
    for typed in DISGUISED + DETAILS:
        words = f"Please speak to {typed} about it."
        assert summary(reviewer, meeting_id, items[reference], words).status_code == 302
        stopped = share(reviewer, meeting_id)
        assert stopped.status_code == 400, typed
        page = stopped.get_data(as_text=True)
        assert "govuk-error-summary" in page and typed in page.replace("&#39;", "'"), typed
        for give in (action_from_meeting, action_from_case):
            refused = give(words)
            assert refused.status_code == 400, (typed, give.__name__)
            assert "govuk-error-summary" in refused.get_data(as_text=True)
            assert typed in refused.get_data(as_text=True).replace("&#39;", "'"), typed
    with app.app_context():
        assert db.session.get(Meeting, meeting_id).shared_at is None
        assert db.session.scalar(select(func.count(Action.id))) == 0

    # The place of the meeting is checked too (against every case on the agenda).
    with app.app_context():
        db.session.get(Meeting, meeting_id).place = f"Ask for {CANARY} at the door"
        db.session.commit()
    summary(reviewer, meeting_id, items[reference], CLEAN)
    assert share(reviewer, meeting_id).status_code == 400
    with app.app_context():
        db.session.get(Meeting, meeting_id).place = "Shirehall, room 2"
        db.session.commit()

    # Clean words share; the decision and minutes (Group only) may hold the canary.
    assert share(reviewer, meeting_id).status_code == 302
    assert action_from_meeting("Look at a management transfer").status_code == 302
    assert action_from_case("Offer a visit from the tenancy officer").status_code == 302
    post(reviewer, f"{item_page}/decision", {"decision-decision": f"Decision about {CANARY}"}, page=item_page)
    post(reviewer, f"/review/meetings/{meeting_id}/minutes", {"minutes-minutes": f"Minutes: {CANARY}"},
         page=f"/review/meetings/{meeting_id}")
    views = agency_views(app, agency, meeting_id)
    assert len(views) >= 4
    assert any(CLEAN in view for view in views) and any("management transfer" in view for view in views)
    for view in views:
        assert not _seen(view)
        for detail in DETAILS:
            assert detail not in view
    # The pack is marked on its page and on every page of its PDF.
    pack_page = agency.get(f"/partners/meetings/{meeting_id}").get_data(as_text=True)
    assert pack_page.count(MARKING) >= 2
    pdf = PdfReader(__import__("io").BytesIO(agency.get(f"/partners/meetings/{meeting_id}/pack.pdf").data))
    assert all(MARKING in (page.extract_text() or "") for page in pdf.pages)

    # A key holder overrides with a reason: only then the words go, and the audit says so.
    reason = "The housing officer must phone the person today"
    assert action_from_case(f"Call {CANARY} on 07700 900982", reason).status_code == 302
    assert any(_seen(view) for view in agency_views(app, agency, meeting_id))
    admin = signed_in(app, make_user("admin"))
    audit_page = visible_text(admin.get("/admin/audit?action=disclosure.agency_action").get_data(as_text=True))
    assert reason in audit_page
    assert "the check found identifying details and a key holder shared anyway" in audit_page
    assert "the reporter" in audit_page and "a phone number" in audit_page
    assert CANARY not in audit_page  # the audit names the kinds found, never the words
    with app.app_context():
        overridden = db.session.scalars(select(AuditEvent.detail).where(
            AuditEvent.action == "disclosure.agency_action")).all()
        assert sum("identifying_check_overridden" in detail for detail in overridden) == 1
        assert db.session.scalar(select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "disclosure.meeting_pack")) >= 1
    assert re.search(r"Disclosed a meeting pack", visible_text(admin.get("/admin/audit").get_data(as_text=True)))
