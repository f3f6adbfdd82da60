"""The service navigation shows each role its own places and marks where the person is.

The staff navigation's HTML is kept per language, role, address root and current item
(reporting/navigation.py), so these pages are asked for in an order where a wrongly kept
navigation would show: one role after another, one place after another."""
from __future__ import annotations

import re

from tests.helpers import minimal_answers, report, sign_in


def _items(page: str) -> list[tuple[str, str | None]]:
    """(words, aria-current) of each item of the service navigation's list."""
    menu = re.search(r'<ul class="govuk-service-navigation__list" id="navigation">(.*?)</ul>', page, re.S)
    assert menu, "no navigation"
    found = []
    for item in re.findall(r"<li .*?</li>", menu.group(1), re.S):
        current = re.search(r'aria-current="(\w+)"', item)
        words = re.sub(r"<[^>]+>", "", item).strip()
        found.append((words, current.group(1) if current else None))
    return found


def _marked(page: str) -> dict[str, str]:
    return {words: current for words, current in _items(page) if current}


def test_each_role_sees_its_own_places(app, make_user):  # type: ignore[no-untyped-def]
    expected = {
        "reviewer": ["Case queue", "Enter a phone report", "Meetings", "Retention", "Approvals", "Approve access",
                     "Passkeys", "Centres", "Statistics", "Change password"],
        "police": ["Referrals", "Quarterly extracts", "Approve access", "Passkeys", "Change password"],
        "analyst": ["Statistics", "Change password"],
        "admin": ["Administration", "Approve access", "Passkeys", "Centres", "Statistics", "Change password"],
    }
    for role, places in expected.items():
        staff = app.test_client()
        sign_in(staff, app, make_user(role).email)
        page = staff.get("/staff/password").get_data(as_text=True)
        assert [words for words, _current in _items(page)] == places, role
        assert _marked(page) == {"Change password": "page"}, role


def test_the_current_place_is_marked_and_a_page_below_it_marks_its_section(app, client, make_user):  # type: ignore[no-untyped-def]
    reference, _ = report(client, minimal_answers())
    staff = app.test_client()
    sign_in(staff, app, make_user("reviewer").email)
    pages = {
        "/review/": {"Case queue": "page"},
        f"/review/cases/{reference}": {"Case queue": "true"},
        "/review/meetings/": {"Meetings": "page"},  # below the queue's address, but a place of its own
        "/review/retention/": {"Retention": "page"},
        "/review/centres/": {"Centres": "page"},  # the centres' life: a place of its own too
        "/staff/password": {"Change password": "page"},
    }
    for _round in range(2):  # the second time from what was kept
        for path, marked in pages.items():
            response = staff.get(path)
            assert response.status_code == 200, path
            assert _marked(response.get_data(as_text=True)) == marked, path


def test_public_pages_keep_their_own_places(client):  # type: ignore[no-untyped-def]
    page = client.get("/report/").get_data(as_text=True)
    assert [words for words, _current in _items(page)] == ["Report an incident", "Check your report",
                                                            "Staying safe online"]
    assert _marked(page) == {"Report an incident": "page"}
