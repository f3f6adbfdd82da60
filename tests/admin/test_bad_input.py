"""Bad input to every admin form: a clear error linked from the summary, never a 500, nothing changed."""
from __future__ import annotations

import pytest

from tests.admin.helpers import TEMPORARY, state, submit, summary
from tests.helpers import csrf_token, post_form

GOOD = {"email": "someone@example.org", "role": "reviewer", "centre": "",
        "password": TEMPORARY, "confirm_password": TEMPORARY}
POLICY = "The password must be at least 12 characters and hard to guess: not their email address, a common password, the name of this service or a year. A few unrelated words together work well."

NEW_USER_CASES = {
    "nothing": ({k: "" for k in GOOD}, {
        "email": "Enter their email address", "role": "Select a role",
        "password": "Enter a temporary password", "confirm_password": "Confirm the temporary password",
    }),
    "invalid email": ({"email": "not an email"}, {"email": "Enter an email address in the correct format, like name@example.org"}),
    "email too long": ({"email": "a" * 250 + "@example.org"}, {"email": "Email address must be 254 characters or fewer"}),
    "control characters": ({"email": "some\x00one@example.org"}, {"email": "Remove the unusual characters from this answer"}),
    "mismatched passwords": ({"confirm_password": TEMPORARY + "x"}, {"confirm_password": "The passwords do not match"}),
    "short password": ({"password": "short", "confirm_password": "short"}, {"password": POLICY}),
    "password is the email": ({"password": "someone@example.org", "confirm_password": "someone@example.org"}, {"password": POLICY}),
    "unknown role": ({"role": "superuser"}, {"role": "Select a role"}),
    "unknown centre": ({"role": "centre_staff", "centre": "nowhere"}, {"centre": "Select a centre from the list"}),
    "centre staff without a centre": ({"role": "centre_staff"}, {"centre": "Select the centre this person works at"}),
}


@pytest.mark.parametrize("case", NEW_USER_CASES)
def test_new_user_form_refuses_bad_input(app, admin_client, case):
    staff, _admin = admin_client
    changes, expected = NEW_USER_CASES[case]
    before = state(app)
    response = post_form(staff, "/admin/users/new", GOOD | changes)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert summary(page) == expected
    assert list(summary(page)) == list(expected), "the summary lists problems in page order"
    for target in expected:
        assert f'id="{target}"' in page, f"the summary's link to #{target} lands on a field"
    assert "<title>Error:" in page
    assert TEMPORARY not in page, "passwords are never sent back"
    assert state(app) == before


def test_new_user_with_an_existing_email_is_refused(app, admin_client, make_user):
    staff, _admin = admin_client
    existing = make_user("reviewer")
    before = state(app)
    response = post_form(staff, "/admin/users/new", GOOD | {"email": existing.email.upper()})
    assert response.status_code == 200
    assert summary(response.get_data(as_text=True)) == {"email": "There is already an account with this email address"}
    assert state(app) == before


ROLE_CASES = {
    "nothing": ({}, {"role-role": "Select a role"}),
    "unknown role": ({"role-role": "root"}, {"role-role": "Select a role"}),
    "unknown centre": ({"role-role": "centre_staff", "role-centre": "nowhere"}, {"role-centre": "Select a centre from the list"}),
    "centre staff without a centre": ({"role-role": "centre_staff", "role-centre": ""}, {"role-centre": "Select the centre this person works at"}),
}


@pytest.mark.parametrize("case", ROLE_CASES)
def test_role_form_refuses_bad_input(app, admin_client, make_user, case):
    staff, _admin = admin_client
    target = make_user("analyst")
    data, expected = ROLE_CASES[case]
    before = state(app)
    response = submit(staff, f"/admin/users/{target.id}", f"/admin/users/{target.id}/role", data)
    assert response.status_code == 200
    assert summary(response.get_data(as_text=True)) == expected
    assert state(app) == before


RESET_CASES = {
    "nothing": ({}, {"reset-password": "Enter a temporary password", "reset-confirm_password": "Confirm the temporary password"}),
    "mismatched": ({"reset-password": TEMPORARY, "reset-confirm_password": "different password 1"}, {"reset-confirm_password": "The passwords do not match"}),
    "too short": ({"reset-password": "abc", "reset-confirm_password": "abc"}, {"reset-password": POLICY}),
    "too long": ({"reset-password": "x" * 2000, "reset-confirm_password": "x" * 2000}, {"reset-password": "Password is too long"}),
}


@pytest.mark.parametrize("case", RESET_CASES)
def test_reset_form_refuses_bad_input(app, admin_client, make_user, case):
    staff, _admin = admin_client
    target = make_user("analyst")
    data, expected = RESET_CASES[case]
    before = state(app)
    response = submit(staff, f"/admin/users/{target.id}", f"/admin/users/{target.id}/reset", data)
    assert response.status_code == 200
    assert summary(response.get_data(as_text=True)) == expected
    assert state(app) == before


@pytest.mark.parametrize("action", ["", "/role", "/deactivate", "/reactivate", "/reset", "/grant"])
@pytest.mark.parametrize("user_id", ["999999", "0", "-1", "abc", "1.5", "%00"])
def test_a_forged_user_id_is_not_found(app, admin_client, action, user_id):
    staff, _admin = admin_client
    token = csrf_token(staff, "/admin/users/new")
    before = state(app)
    url = f"/admin/users/{user_id}{action}"
    response = staff.post(url, data={"csrf_token": token}) if action else staff.get(url)
    assert response.status_code == 404, url
    assert state(app) == before


@pytest.mark.parametrize("action", ["/role", "/deactivate", "/reactivate", "/reset", "/grant"])
def test_posts_without_a_csrf_token_change_nothing(app, admin_client, make_user, action):
    staff, _admin = admin_client
    target = make_user("reviewer", holder=False)
    before = state(app)
    response = staff.post(f"/admin/users/{target.id}{action}", data={
        "role-role": "analyst", "reset-password": TEMPORARY, "reset-confirm_password": TEMPORARY,
    })
    assert response.status_code == 400
    assert state(app) == before


def test_new_user_without_a_csrf_token_changes_nothing(app, admin_client):
    staff, _admin = admin_client
    before = state(app)
    assert staff.post("/admin/users/new", data=GOOD).status_code == 400
    assert state(app) == before


@pytest.mark.parametrize("query", ["?action=no.such.action", "?page=abc", "?page=-4", "?page=99999999999",
                                   "?page=500", "?action=signin&action=x"])
def test_audit_log_filters_never_crash(admin_client, query):
    staff, _admin = admin_client
    response = staff.get("/admin/audit" + query)
    assert response.status_code == 200, query
    assert "Intact" in response.get_data(as_text=True)


def test_audit_log_filter_with_a_control_character_is_a_clear_400(admin_client):
    # Refused before any query (issue 12: PostgreSQL refuses NUL), never a 500.
    staff, _admin = admin_client
    response = staff.get("/admin/audit?action=%00&page=1")
    assert response.status_code == 400
    assert "Nothing was changed" in response.get_data(as_text=True)
