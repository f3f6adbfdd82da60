"""Accounts through the admin pages: create, grant, reset, deactivate, change role.

The promises: losing one person's password never loses data (a reset drops only
their own access), removing the last key holder is refused, and admin pages warn
while fewer than two people can read the reports.
"""
from __future__ import annotations

import re

from sqlalchemy import select

from reporting.audit.models import AuditEvent
from reporting.auth.models import User
from reporting.extensions import db
from reporting.keys.models import KeyGrant
from tests.admin.helpers import FEWER_THAN_TWO, LAST_HOLDER, TEMPORARY, state, submit, summary, user_by_email
from tests.conftest import PASSWORD
from tests.helpers import full_answers, post_form, report, sign_in

CANNOT_READ = "You cannot read this report yet"


def grants_of(app, user_id: int) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return len(db.session.scalars(select(KeyGrant.id).where(KeyGrant.user_id == user_id)).all())


def test_admin_creates_a_reviewer_who_waits_for_a_key_until_two_other_holders_grant_it(app, client, admin_client, make_user):
    reference, _ = report(client, full_answers("granted"))
    staff, admin = admin_client

    created = post_form(staff, "/admin/users/new", {
        "email": "  New.Reviewer@Example.org ", "role": "reviewer", "centre": "",
        "password": TEMPORARY, "confirm_password": TEMPORARY,
    })
    assert created.status_code == 302, created.get_data(as_text=True)[:3000]
    reviewer = user_by_email(app, "new.reviewer@example.org")
    assert reviewer is not None and reviewer.role == "reviewer" and reviewer.must_change_password
    assert created.headers["Location"].endswith(f"/admin/users/{reviewer.id}")

    listing = staff.get("/admin/users/").get_data(as_text=True)
    row = listing.split(">new.reviewer@example.org</a>", 1)[1].split("</tr>", 1)[0]
    assert "Waiting for a key" in row
    assert "new.reviewer@example.org" in staff.get("/admin/").get_data(as_text=True), "the overview lists who waits"

    # Before the grant they can sign in but not read.
    person = app.test_client()
    sign_in(person, app, reviewer.email, TEMPORARY)  # choosing their own password on the way
    assert CANNOT_READ in person.get(f"/review/cases/{reference}").get_data(as_text=True)

    # The admin who made the account cannot ask for its access, even with a forged post.
    page = staff.get(f"/admin/users/{reviewer.id}").get_data(as_text=True)
    assert "You created or reset this account" in page
    refused = submit(staff, f"/admin/users/{reviewer.id}", f"/admin/users/{reviewer.id}/grant", {})
    assert refused.status_code == 200
    assert "you cannot grant access to an account you created or reset" in refused.get_data(as_text=True)
    # Another holder asks; nothing is granted until a second one approves.
    asker = make_user("admin")
    asking = app.test_client()
    sign_in(asking, app, asker.email)
    assert "Ask for access to the reports" in asking.get(f"/admin/users/{reviewer.id}").get_data(as_text=True)
    asked = submit(asking, f"/admin/users/{reviewer.id}", f"/admin/users/{reviewer.id}/grant", {})
    assert asked.status_code == 302
    assert "A second key holder must approve it" in asking.get(asked.headers["Location"]).get_data(as_text=True)
    assert grants_of(app, reviewer.id) == 0
    assert CANNOT_READ in person.get(f"/review/cases/{reference}").get_data(as_text=True)
    # Neither the asker nor the creator is offered the approval.
    assert reviewer.email not in asking.get("/staff/grants").get_data(as_text=True)
    assert reviewer.email not in staff.get("/staff/grants").get_data(as_text=True)
    approver = make_user("reviewer")
    approving = app.test_client()
    sign_in(approving, app, approver.email)
    waiting = approving.get("/staff/grants").get_data(as_text=True)
    assert reviewer.email in waiting
    action = re.search(r'action="(/staff/grants/\d+/approve)"', waiting)
    assert action
    # The asker cannot approve their own request by posting to it.
    assert submit(asking, "/staff/grants", action.group(1), {}).status_code == 302
    assert grants_of(app, reviewer.id) == 0
    granted = submit(approving, "/staff/grants", action.group(1), {})
    assert granted.status_code == 302
    assert "Approved" in approving.get(granted.headers["Location"]).get_data(as_text=True)
    assert grants_of(app, reviewer.id) >= 1

    case = person.get(f"/review/cases/{reference}").get_data(as_text=True)
    assert "A man shouted at me in the street. granted" in case
    listing = staff.get("/admin/users/").get_data(as_text=True)
    assert "Waiting for a key" not in listing.split(">new.reviewer@example.org</a>", 1)[1].split("</tr>", 1)[0]

    with app.app_context():
        actions = [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq))]
        grant = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "keys.grant",
                                                                  AuditEvent.target == f"user:{reviewer.id}"))
    assert "user.create" in actions
    assert grant is not None and grant.actor == approver.email
    assert "keys.grant_requested" in actions and "keys.grant_approved" in actions


def test_centre_staff_need_a_centre_and_get_it(app, admin_client, make_user):
    staff, _admin = admin_client
    make_user("centre_staff", centre="lib")  # makes the centre
    refused = post_form(staff, "/admin/users/new", {
        "email": "desk@example.org", "role": "centre_staff", "centre": "",
        "password": TEMPORARY, "confirm_password": TEMPORARY,
    })
    assert refused.status_code == 200
    assert summary(refused.get_data(as_text=True)) == {"centre": "Select the centre this person works at"}
    assert user_by_email(app, "desk@example.org") is None

    made = post_form(staff, "/admin/users/new", {
        "email": "desk@example.org", "role": "centre_staff", "centre": "lib",
        "password": TEMPORARY, "confirm_password": TEMPORARY,
    })
    assert made.status_code == 302
    desk = user_by_email(app, "desk@example.org")
    assert desk is not None and desk.centre_id is not None
    page = staff.get(f"/admin/users/{desk.id}").get_data(as_text=True)
    assert "Example centre lib" in page and "Grant access" not in page, "centre staff never hold keys"

    # Another role belongs to no centre, whatever the select says.
    moved = submit(staff, f"/admin/users/{desk.id}", f"/admin/users/{desk.id}/role",
                   {"role-role": "analyst", "role-centre": "lib"})
    assert moved.status_code == 302
    desk = user_by_email(app, "desk@example.org")
    assert desk is not None and desk.role == "analyst" and desk.centre_id is None


def test_reset_of_a_holder_drops_their_access_and_the_reports_stay_readable(app, client, admin_client, make_user):
    reference, _ = report(client, full_answers("afterreset"))
    staff, _admin = admin_client
    lost = make_user("reviewer")
    other = make_user("reviewer")
    assert grants_of(app, lost.id) >= 1
    before = user_by_email(app, lost.email)

    reset = submit(staff, f"/admin/users/{lost.id}", f"/admin/users/{lost.id}/reset",
                   {"reset-password": TEMPORARY, "reset-confirm_password": TEMPORARY})
    assert reset.status_code == 302, reset.get_data(as_text=True)[:3000]
    after = user_by_email(app, lost.email)
    assert after is not None and before is not None
    assert grants_of(app, lost.id) == 0
    assert after.must_change_password and not after.totp_confirmed
    assert after.public_key != before.public_key, "new personal keys: the old wrap is gone"
    page = staff.get(f"/admin/users/{lost.id}").get_data(as_text=True)
    assert "Waiting for a key" in page

    # They sign in again (new password, new authenticator) and cannot read...
    person = app.test_client()
    sign_in(person, app, lost.email, TEMPORARY)  # choosing their own password on the way
    assert CANNOT_READ in person.get(f"/review/cases/{reference}").get_data(as_text=True)
    # ...while everyone else still can.
    reader = app.test_client()
    sign_in(reader, app, other.email)
    assert "A man shouted at me in the street. afterreset" in reader.get(f"/review/cases/{reference}").get_data(as_text=True)


def test_the_old_password_stops_working_after_a_reset(app, admin_client, make_user):
    staff, _admin = admin_client
    person = make_user("analyst")
    submit(staff, f"/admin/users/{person.id}", f"/admin/users/{person.id}/reset",
           {"reset-password": TEMPORARY, "reset-confirm_password": TEMPORARY})
    refused = post_form(app.test_client(), "/staff/login", {"email": person.email, "password": PASSWORD})
    assert refused.status_code == 200


def test_the_last_key_holder_cannot_be_reset_deactivated_or_moved(app, make_user):
    admin = make_user("admin", holder=False)
    last = make_user("reviewer")
    staff = app.test_client()
    sign_in(staff, app, admin.email)
    page = f"/admin/users/{last.id}"
    before = state(app)
    attempts = {
        "reset": ("reset", {"reset-password": TEMPORARY, "reset-confirm_password": TEMPORARY}),
        "deactivate": ("active", {}),
        "role": ("role", {"role-role": "analyst", "role-centre": ""}),
    }
    for action, (section, data) in attempts.items():
        response = submit(staff, page, f"{page}/{action}", data)
        assert response.status_code == 200, (action, response.status_code)
        text = response.get_data(as_text=True)
        assert summary(text) == {section: LAST_HOLDER}, action
        assert f'id="{section}"' in text, "the summary's link lands on the section"
        assert state(app) == before, f"{action} changed something"

    # Moving between two roles that read the same key keeps the grant, so it is allowed.
    moved = submit(staff, page, f"{page}/role", {"role-role": "admin", "role-centre": ""})
    assert moved.status_code == 302
    assert grants_of(app, last.id) >= 1


def test_with_a_second_holder_deactivating_one_works_and_signs_them_out(app, admin_client, make_user):
    staff, _admin = admin_client
    reviewer = make_user("reviewer")
    theirs = app.test_client()
    sign_in(theirs, app, reviewer.email)
    assert theirs.get("/review/").status_code == 200

    off = submit(staff, f"/admin/users/{reviewer.id}", f"/admin/users/{reviewer.id}/deactivate", {})
    assert off.status_code == 302
    assert "Account deactivated" in staff.get(off.headers["Location"]).get_data(as_text=True)
    assert theirs.get("/review/").status_code == 302, "their session ended"
    assert post_form(app.test_client(), "/staff/login", {"email": reviewer.email, "password": PASSWORD}).status_code == 200

    on = submit(staff, f"/admin/users/{reviewer.id}", f"/admin/users/{reviewer.id}/reactivate", {})
    assert on.status_code == 302
    assert user_by_email(app, reviewer.email).active  # type: ignore[union-attr]
    again = app.test_client()
    sign_in(again, app, reviewer.email)
    assert again.get("/review/").status_code == 200


def test_the_fewer_than_two_warning_shows_with_one_holder_and_goes_with_two(app, admin_client, make_user):
    staff, _admin = admin_client
    for url in ("/admin/", "/admin/users/", "/admin/key-holders"):
        page = staff.get(url).get_data(as_text=True)
        assert "govuk-warning-text" in page and FEWER_THAN_TWO in page, url
    make_user("reviewer")
    for url in ("/admin/", "/admin/users/"):
        assert FEWER_THAN_TWO not in staff.get(url).get_data(as_text=True), url
    holders = staff.get("/admin/key-holders").get_data(as_text=True)
    assert FEWER_THAN_TWO not in holders


def test_key_holders_page_lists_group_and_police_holders(app, admin_client, make_user):
    staff, admin = admin_client
    police = make_user("police")
    waiting = make_user("reviewer", holder=False)
    page = staff.get("/admin/key-holders").get_data(as_text=True)
    group_part, police_part = page.split("The police liaison key", 1)
    assert admin.email in group_part and police.email not in group_part and waiting.email not in group_part
    assert police.email in police_part
    assert "Fewer than two people can read police referrals" in police_part


def test_an_admin_who_holds_no_key_may_ask_but_never_approve(app, make_user):
    """Issue 26: admins manage accounts whether or not they hold the key; the approval is a holder's."""
    admin = make_user("admin", holder=False)
    holder = make_user("reviewer")
    waiting = make_user("reviewer", holder=False)
    staff = app.test_client()
    sign_in(staff, app, admin.email)
    page = staff.get(f"/admin/users/{waiting.id}").get_data(as_text=True)
    assert f"/admin/users/{waiting.id}/grant" in page
    assert "The Group&#39;s key: the reports" in page or "The Group's key: the reports" in page
    asked = submit(staff, f"/admin/users/{waiting.id}", f"/admin/users/{waiting.id}/grant", {})
    assert asked.status_code == 302
    assert f"Approve access for {waiting.email}" not in staff.get("/staff/grants").get_data(as_text=True)
    assert grants_of(app, waiting.id) == 0
    approving = app.test_client()
    sign_in(approving, app, holder.email)
    assert f"Approve access for {waiting.email}" in approving.get("/staff/grants").get_data(as_text=True)


def test_granting_to_a_role_that_reads_nothing_is_refused(app, admin_client, make_user):
    staff, _admin = admin_client
    analyst = make_user("analyst")
    before = state(app)
    refused = submit(staff, f"/admin/users/{analyst.id}", f"/admin/users/{analyst.id}/grant", {})
    assert refused.status_code == 200
    assert "Refused: you do not hold the key" in summary(refused.get_data(as_text=True))["grant"]
    assert state(app) == before


def test_an_admin_cannot_reset_deactivate_or_move_themselves(app, admin_client, make_user):
    staff, admin = admin_client
    make_user("reviewer")  # so the last-holder rule is not what refuses
    page = f"/admin/users/{admin.id}"
    assert f"{page}/deactivate" not in staff.get(page).get_data(as_text=True)
    before = state(app)
    for action, data in {
        "reset": {"reset-password": TEMPORARY, "reset-confirm_password": TEMPORARY},
        "deactivate": {},
        "role": {"role-role": "reviewer", "role-centre": ""},
    }.items():
        response = submit(staff, page, f"{page}/{action}", data)
        assert response.status_code == 200, action
        assert "You cannot change your own account here" in response.get_data(as_text=True)
        assert state(app) == before, action


def test_role_change_to_a_different_key_drops_the_grant(app, admin_client, make_user):
    staff, _admin = admin_client
    reviewer = make_user("reviewer")
    moved = submit(staff, f"/admin/users/{reviewer.id}", f"/admin/users/{reviewer.id}/role",
                   {"role-role": "police", "role-centre": ""})
    assert moved.status_code == 302
    assert grants_of(app, reviewer.id) == 0
    with app.app_context():
        assert db.session.get(User, reviewer.id).role == "police"  # type: ignore[union-attr]
