"""Only admins reach /admin/: every other role gets 403, anonymous people the sign-in page."""
from __future__ import annotations

import pytest

from tests.admin.helpers import state
from tests.helpers import csrf_token, sign_in

GET_PAGES = ["/admin/", "/admin/users/", "/admin/users/new", "/admin/users/{id}", "/admin/key-holders", "/admin/audit"]
POST_ACTIONS = ["/admin/users/new", "/admin/users/{id}/role", "/admin/users/{id}/deactivate",
                "/admin/users/{id}/reactivate", "/admin/users/{id}/reset", "/admin/users/{id}/grant"]
OTHER_ROLES = [("reviewer", None), ("centre_staff", "lib"), ("police", None), ("analyst", None)]


def test_every_admin_route_is_admin_only(app):
    from reporting.security import policy_for

    admin_rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("admin.")]
    assert {rule.endpoint for rule in admin_rules} == {
        "admin.index", "admin.list_users", "admin.new_user", "admin.show_user", "admin.change_role", "admin.deactivate_user",
        "admin.reactivate_user", "admin.reset_user", "admin.grant_access", "admin.list_key_holders", "admin.show_audit_log",
        "admin.list_centres", "admin.new_centre", "admin.edit_centre", "admin.retire_centre", "admin.import_centres",
    }
    for rule in admin_rules:
        policy = policy_for(app, rule.endpoint)
        assert policy is not None and policy.roles == frozenset({"admin"}), rule.endpoint


@pytest.mark.parametrize(("role", "centre"), OTHER_ROLES)
def test_other_roles_get_403_on_every_admin_page(app, make_user, role, centre):
    target = make_user("reviewer")
    person = make_user(role, centre=centre)
    client = app.test_client()
    sign_in(client, app, person.email)
    for url in GET_PAGES:
        assert client.get(url.format(id=target.id)).status_code == 403, url
    token = csrf_token(client, "/staff/password")
    before = state(app)
    for url in POST_ACTIONS:
        response = client.post(url.format(id=target.id), data={
            "csrf_token": token, "email": "x@example.org", "role": "admin", "role-role": "admin",
            "password": "temporary horse staple 42", "confirm_password": "temporary horse staple 42",
            "reset-password": "temporary horse staple 42", "reset-confirm_password": "temporary horse staple 42",
        })
        assert response.status_code == 403, url
    assert state(app) == before


def test_anonymous_people_are_sent_to_sign_in(app, client, make_user):
    target = make_user("reviewer")
    for url in GET_PAGES:
        response = client.get(url.format(id=target.id))
        assert response.status_code == 302, url
        assert "/staff/login" in response.headers["Location"], url


def test_admins_see_the_administration_link(app, admin_client):
    staff, _admin = admin_client
    home = staff.get("/staff/")
    assert home.status_code == 302 and home.headers["Location"].endswith("/admin/")
    assert 'href="/admin/"' in staff.get("/admin/").get_data(as_text=True)
