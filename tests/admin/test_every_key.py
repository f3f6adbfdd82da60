"""Issue 28, item 1: the admin's pages know every key a role reads, not just two.

The user list asked a dict of the group and police keys for each account's key, so an
agency user (who holds the partners' key) made the admin's first page, the user list
and their own page a 500.
"""
from __future__ import annotations

import html
import re

import pytest

from reporting import codes
from reporting.codes import KEY_FOR_ROLE

from tests.admin.helpers import user_by_email


@pytest.mark.parametrize("holder", [True, False])
def test_admin_pages_show_an_agency_user_and_the_key_they_hold(app, admin_client, make_user, holder):  # type: ignore[no-untyped-def]
    staff, _admin = admin_client
    person = make_user("agency", email="housing.officer@example.org", holder=holder)
    make_user("police", email="liaison@example.org")
    for url in ("/admin/", "/admin/users/", f"/admin/users/{person.id}"):
        response = staff.get(url)
        assert response.status_code == 200, (url, response.status_code)
    page = html.unescape(staff.get(f"/admin/users/{person.id}").get_data(as_text=True))
    # The key is named by its label, whatever the purpose.
    assert str(KEY_FOR_ROLE["agency"].label) in page
    assert "Can read the reports" not in page  # an agency user reads meeting packs, never reports
    listed = html.unescape(staff.get("/admin/users/").get_data(as_text=True))
    row = re.search(r"housing\.officer@example\.org.*?</tr>", listed, re.S)
    assert row is not None
    assert ("govuk-tag--green\">Yes" in row.group(0)) == holder
    assert ("Waiting for a key" in row.group(0)) != holder
    assert user_by_email(app, "housing.officer@example.org") is not None


def test_every_key_a_role_reads_has_words() -> None:
    for purpose in set(KEY_FOR_ROLE.values()):
        assert purpose in codes.KeyPurpose.words(), purpose
