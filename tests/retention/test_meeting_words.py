"""A destroyed case's words at the Group's meetings go with the rest of it: its summaries,
the decision, its actions' words, the decisions written for the agencies and the agencies' updates. The other case heard at the
same meeting keeps every word, and the meeting still counts both cases as heard."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from reporting.extensions import db
from reporting.meetings import queries
from reporting.meetings.models import Action, ActionUpdate, MeetingItem, MeetingItemCopy
from tests.helpers import full_answers, minimal_answers, report
from tests.meetings.test_meetings import agency_id, make_meeting, pdf_text, post, share, signed_in, summary
from tests.retention.test_retention import _close, _dump, _holds, _run

GONE = {"summary": "Abuse in the street SUMGONE7.", "decision": "Refer to housing DECGONE7.",
        "action": "Offer a transfer ACTGONE7", "update": "Visited on Monday UPDGONE7.",
        "for_agency": "Housing to offer a move FORGONE7."}
KEPT = {"summary": "Graffiti on a shelter SUMKEPT3.", "decision": "Ask the council DECKEPT3.",
        "action": "Clean the shelter ACTKEPT3", "update": "Cleaned UPDKEPT3.",
        "for_agency": "The council to clean it FORKEPT3."}


def _hear(reviewer, meeting_id: int, item_id: int, housing_id: int, words: dict[str, str]) -> None:
    page = f"/review/meetings/{meeting_id}/items/{item_id}"
    assert post(reviewer, f"{page}/decision", {"decision-decision": words["decision"]}, page=page).status_code == 302
    due = (date.today() + timedelta(days=14)).isoformat()
    response = post(reviewer, f"{page}/actions", {"action-agency": str(housing_id), "action-text": words["action"],
                                                 "action-due_on": due, "action-decision": words["for_agency"]},
                    page=page)
    assert response.status_code == 302


def _sealed(report_reference: str) -> list[bytes]:
    """Slices of every ciphertext the meetings hold about one case (to look for in a dump)."""
    from reporting.reports.models import Report

    report_id = db.session.scalar(select(Report.id).where(Report.reference == report_reference))
    item = db.session.scalar(select(MeetingItem).where(MeetingItem.report_id == report_id))
    action = db.session.scalar(select(Action).where(Action.report_id == report_id))
    update = db.session.scalar(select(ActionUpdate).where(ActionUpdate.action_id == action.id))
    copy = db.session.scalar(select(MeetingItemCopy.sealed).where(MeetingItemCopy.item_id == item.id))
    blobs = [copy, item.summary_group, item.decision, action.text_partners, action.text_group, update.sealed,
             action.decision_partners, action.decision_group]
    assert all(blobs)
    return [blob[-48:] for blob in blobs]


def test_a_destroyed_case_loses_its_meeting_words_and_the_other_case_keeps_them(app, keys, make_user, runner):
    gone, _ = report(app.test_client(), full_answers("RPTGONE1"))
    kept, _ = report(app.test_client(), minimal_answers())
    reviewer = signed_in(app, make_user("reviewer"))
    agency = signed_in(app, make_user("agency"))
    housing_id = agency_id(app)
    meeting_id, items = make_meeting(app, reviewer, [gone, kept], [housing_id])
    for reference, words in ((gone, GONE), (kept, KEPT)):
        assert summary(reviewer, meeting_id, items[reference], words["summary"]).status_code == 302
    assert share(reviewer, meeting_id).status_code == 302
    for reference, words in ((gone, GONE), (kept, KEPT)):
        _hear(reviewer, meeting_id, items[reference], housing_id, words)
    with app.app_context():
        actions = {reference: db.session.scalar(select(Action.id).join(MeetingItem, MeetingItem.report_id == Action.report_id)
                                                .where(MeetingItem.id == items[reference]))
                   for reference in (gone, kept)}
    for reference, words in ((gone, GONE), (kept, KEPT)):
        url = f"/partners/actions/{actions[reference]}"
        assert post(agency, url, {"status": "open", "text": words["update"]}).status_code == 302
    item_page = f"/review/meetings/{meeting_id}/items/{items[gone]}"
    assert GONE["summary"] in reviewer.get(item_page).get_data(as_text=True)  # readable before the run
    with app.app_context():
        gone_blobs, kept_blobs = _sealed(gone), _sealed(kept)
        heard = queries.heard_report_ids(date(2000, 1, 1), date(2100, 1, 1))

    _close(app, gone, days_ago=31)  # spam: 30 days after closure
    result = _run(runner)
    assert result.exit_code == 0 and f"Content destroyed: {gone}" in result.output, result.output

    # The columns are blank; the clear facts stay (heard, the action's agency, due date and status).
    with app.app_context():
        from reporting.reports.models import Report

        gone_id = db.session.scalar(select(Report.id).where(Report.reference == gone))
        item = db.session.scalar(select(MeetingItem).where(MeetingItem.report_id == gone_id))
        assert (item.summary_partners, item.summary_group, item.decision) == (None, None, None)
        assert db.session.scalar(select(MeetingItemCopy.sealed).where(MeetingItemCopy.item_id == item.id)) is None
        assert item.heard_at is not None
        action = db.session.get(Action, actions[gone])
        assert (action.text_partners, action.text_group) == (b"", b"")
        assert (action.decision_partners, action.decision_group) == (None, None)
        assert action.agency_id == housing_id and action.status == "open"
        assert db.session.scalar(select(ActionUpdate.sealed).where(ActionUpdate.action_id == action.id)) is None
        assert queries.heard_report_ids(date(2000, 1, 1), date(2100, 1, 1)) == heard == {gone_id, item.report_id} | {
            db.session.scalar(select(Report.id).where(Report.reference == kept))}

    everything_gone = tuple(GONE.values())
    # The Group's pages say the words were destroyed; the other case's words are all there.
    meeting_page = reviewer.get(f"/review/meetings/{meeting_id}").get_data(as_text=True)
    assert "Content destroyed" in meeting_page
    page = reviewer.get(item_page)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Content destroyed on" in text and "were destroyed with it" in text
    assert not any(words in text for words in everything_gone)
    kept_page = reviewer.get(f"/review/meetings/{meeting_id}/items/{items[kept]}").get_data(as_text=True)
    assert KEPT["summary"] in kept_page and KEPT["decision"] in kept_page and KEPT["action"] in kept_page
    assert KEPT["for_agency"] in kept_page
    case_page = reviewer.get(f"/review/cases/{gone}").get_data(as_text=True)
    assert "Destroyed under the retention rules." in case_page
    assert not any(words in case_page for words in everything_gone)
    # Nothing new can be written about it; the pack can still be shared (it needs no summary).
    response = post(reviewer, f"{item_page}/summary", {"summary-summary": "New words NEWGONE5."}, page=item_page)
    assert response.status_code == 302
    assert "nothing can be written about it" in reviewer.get(item_page).get_data(as_text=True)
    assert share(reviewer, meeting_id).status_code == 302

    # Agencies: the pack (page and PDF) and their actions.
    for pack in (reviewer.get(f"/review/meetings/{meeting_id}/pack").get_data(as_text=True),
                 agency.get(f"/partners/meetings/{meeting_id}").get_data(as_text=True),
                 pdf_text(agency.get(f"/partners/meetings/{meeting_id}/pack.pdf").data)):
        assert "Destroyed on" in pack and KEPT["summary"] in pack
        assert not any(words in pack for words in everything_gone)
    home = agency.get("/partners/")
    assert home.status_code == 200
    home_text = home.get_data(as_text=True)
    assert "Destroyed under the retention rules." in home_text and KEPT["action"] in home_text
    assert not any(words in home_text for words in everything_gone)
    action_page = agency.get(f"/partners/actions/{actions[gone]}").get_data(as_text=True)
    assert "were destroyed under the retention rules" in action_page and GONE["update"] not in action_page
    # An agency may still change the status, but add no words.
    url = f"/partners/actions/{actions[gone]}"
    refused = post(agency, url, {"status": "done", "text": "More words NEWGONE6."})
    assert refused.status_code == 400 and "no words can be added" in refused.get_data(as_text=True)
    assert post(agency, url, {"status": "done", "text": ""}).status_code == 302

    # Not in the database: neither the words nor the ciphertexts that held them; the other case's stay.
    with app.app_context():
        dump = _dump(app)
    for words in (*everything_gone, "NEWGONE5", "NEWGONE6", "RPTGONE1"):
        assert words.encode() not in dump
    for blob in gone_blobs:
        assert not _holds(dump, blob)
    for blob in kept_blobs:
        assert _holds(dump, blob)
