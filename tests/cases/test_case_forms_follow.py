"""The case page's forms show the case as it is now: the assignee, the priority, the statuses
the case may move to, the reviewers, the active agencies and the risk flags. Nothing of them
is kept between pages; these tests hold that a change shows on the next page."""
from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from reporting.extensions import db
from reporting.meetings.models import Agency
from tests.helpers import minimal_answers, report, sign_in


def _page(staff: Any, url: str) -> str:
    response = staff.get(url)
    assert response.status_code == 200
    return str(response.get_data(as_text=True))


def _token(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found
    return found.group(1)


def _without_token(page: str) -> str:
    """The page without its CSRF tokens (signed with the time, so they differ from page to page)."""
    return re.sub(r'name="csrf_token" value="[^"]+"', "", page)


def _selected(page: str, name: str) -> str | None:
    select = re.search(rf'<select[^>]* name="{name}".*?</select>', page, re.S)
    assert select, f"no select {name}"
    chosen = re.search(r'<option value="([^"]*)" selected>', select.group(0))
    return chosen.group(1) if chosen else None


def _options(page: str, name: str) -> list[str]:
    select = re.search(rf'<select[^>]* name="{name}".*?</select>', page, re.S)
    assert select, f"no select {name}"
    return re.findall(r'<option value="([^"]*)"', select.group(0))


def _ticked(page: str, name: str) -> list[str]:
    return re.findall(rf'name="{name}" type="(?:radio|checkbox)" value="([^"]*)" checked', page)


def _offered(page: str, name: str) -> list[str]:
    return re.findall(rf'name="{name}" type="(?:radio|checkbox)" value="([^"]*)"', page)


def test_each_form_on_the_case_page_follows_the_case(app, client, make_user):  # type: ignore[no-untyped-def]
    reference, _ = report(client, minimal_answers())
    other, _ = report(app.test_client(), minimal_answers())
    first = make_user("reviewer")
    staff = app.test_client()
    sign_in(staff, app, first.email)
    url = f"/review/cases/{reference}"
    page = _page(staff, url)
    token = _token(page)
    assert _selected(page, "assign-assignee") == "none"
    assert _ticked(page, "priority-priority") == ["normal"]
    assert _ticked(page, "flags-flags") == []
    assert "closed" in _offered(page, "status-status") and "resolved" not in _offered(page, "status-status")
    assert "case_action-agency" not in page, "no agency to ask yet: no form"
    # The other case, as it was: what this one's forms keep must not leak into it.
    untouched = _without_token(_page(staff, f"/review/cases/{other}"))

    assert staff.post(f"{url}/assign", data={"csrf_token": token, "assign-assignee": str(first.id)}).status_code == 302
    assert staff.post(f"{url}/priority", data={"csrf_token": token, "priority-priority": "urgent"}).status_code == 302
    assert staff.post(f"{url}/flags", data={"csrf_token": token,
                                            "flags-flags": ["child_involved", "repeat_victim"]}).status_code == 302
    assert staff.post(f"{url}/status", data={"csrf_token": token, "status-status": "in_triage",
                                             "status-reason": "Looking at it"}).status_code == 302
    page = _page(staff, url)
    assert _selected(page, "assign-assignee") == str(first.id)
    assert _ticked(page, "priority-priority") == ["urgent"]
    assert sorted(_ticked(page, "flags-flags")) == ["child_involved", "repeat_victim"]
    assert "resolved" in _offered(page, "status-status") and "in_triage" not in _offered(page, "status-status")
    assert _without_token(_page(staff, f"/review/cases/{other}")) == untouched

    # A new reviewer can be assigned at once; a new agency can be asked at once, a retired one no longer.
    second = make_user("reviewer")
    page = _page(staff, url)
    assert str(second.id) in _options(page, "assign-assignee")
    assert _selected(page, "assign-assignee") == str(first.id)
    with app.app_context():
        db.session.add(Agency(name="Shropshire Housing", kind="housing", contact_email="cases@housing.example"))
        db.session.commit()
    assert _agencies(_page(staff, url)) == ["Shropshire Housing"]
    with app.app_context():
        db.session.add(Agency(name="Telford Fire", kind="fire", contact_email="cases@fire.example"))
        db.session.scalar(select(Agency).where(Agency.name == "Shropshire Housing")).active = False
        db.session.commit()
    assert _agencies(_page(staff, url)) == ["Telford Fire"]


def _agencies(page: str) -> list[str]:
    select_ = re.search(r'<select[^>]* name="case_action-agency".*?</select>', page, re.S)
    assert select_, "no action form"
    return re.findall(r'<option value="\d+">([^<]*)</option>', select_.group(0))


def test_a_refused_form_keeps_its_answer_and_the_others_stay_as_they_were(app, client, make_user):  # type: ignore[no-untyped-def]
    reference, _ = report(client, minimal_answers())
    staff = app.test_client()
    sign_in(staff, app, make_user("reviewer").email)
    url = f"/review/cases/{reference}"
    before = _page(staff, url)
    # A status change without its reason is refused, and shown with what was chosen.
    refused = staff.post(f"{url}/status", data={"csrf_token": _token(before), "status-status": "closed",
                                                "status-closure_reason": "duplicate"})
    assert refused.status_code == 200
    page = refused.get_data(as_text=True)
    assert page.startswith("<!DOCTYPE html>") and "<title>Error:" in page
    assert "Give a reason for the change" in page
    assert _ticked(page, "status-status") == ["closed"]
    assert _ticked(page, "status-closure_reason") == ["duplicate"]
    assert _ticked(page, "priority-priority") == ["normal"]
    # The next page is the case as it is, with nothing of the refused post left in it.
    again = _page(staff, url)
    assert "Give a reason for the change" not in again and "<title>Error:" not in again
    assert _ticked(again, "status-status") == []
