"""Issue 26, item 3: deactivating a partner agency ends its people's sessions and access at once.

A person at the agency is signed in and keeps their cookie; an administrator makes the
agency inactive. From that request on, the cookie opens nothing: no pack, no action text,
no update posted, and signing in again is refused with the same words as a wrong password.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select, update

from reporting.auth.models import StaffSession
from reporting.extensions import db
from reporting.meetings.models import Action, ActionUpdate, Agency
from tests.helpers import csrf_token, minimal_answers, post_form, report, sign_in, totp_now

ACTION_TEXT = "Look at a management transfer DEACTCANARY"


def _signed_in(app, user):  # type: ignore[no-untyped-def]
    client = app.test_client()
    sign_in(client, app, user.email)
    return client


def _agency_with_an_action(app, make_user):  # type: ignore[no-untyped-def]
    reference, _receipt = report(app.test_client(), minimal_answers())
    reviewer = _signed_in(app, make_user("reviewer"))
    person = make_user("agency")
    with app.app_context():
        agency_id = int(db.session.scalar(select(Agency.id).where(Agency.name == "Example housing association")))
    token = csrf_token(reviewer, f"/review/cases/{reference}")
    response = reviewer.post(f"/review/meetings/cases/{reference}/actions", data={
        "csrf_token": token, "case_action-agency": str(agency_id), "case_action-text": ACTION_TEXT,
        "case_action-due_on": (date.today() + timedelta(days=7)).isoformat()})
    assert response.status_code == 302
    with app.app_context():
        action_id = int(db.session.scalar(select(Action.id)))
    return person, agency_id, action_id


def _refused(response) -> bool:  # type: ignore[no-untyped-def]
    return response.status_code == 302 and response.headers["Location"].startswith("/staff/login")


def test_deactivating_an_agency_ends_a_signed_in_persons_access(app, make_user, keys):
    person, agency_id, action_id = _agency_with_an_action(app, make_user)
    agency = _signed_in(app, person)
    assert ACTION_TEXT in agency.get("/partners/").get_data(as_text=True)
    update_page = f"/partners/actions/{action_id}"
    token = csrf_token(agency, update_page)  # taken while the session still worked

    admin = _signed_in(app, make_user("admin"))
    response = post_form(admin, f"/admin/agencies/{agency_id}", {
        "name": "Example housing association", "kind": "housing", "contact_email": "housing@example.org",
        "active": "no"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StaffSession)
                                 .where(StaffSession.user_id == person.id)) == 0

    # The same cookie: nothing answers any more.
    home = agency.get("/partners/")
    assert _refused(home) and ACTION_TEXT not in home.get_data(as_text=True)
    assert _refused(agency.get(update_page))
    posted = agency.post(update_page, data={"csrf_token": token, "status": "done", "text": "Done it."})
    assert _refused(posted)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ActionUpdate)) == 0
        assert db.session.get(Action, action_id).status == "open"

    # Signing in again is refused, as a wrong password would be.
    again = app.test_client()
    response = post_form(again, "/staff/login", {"email": person.email, "password": "correct horse battery staple"})
    assert response.status_code == 200
    assert "is not right" in response.get_data(as_text=True)
    assert _refused(again.get("/partners/"))

    # Made active again, the person signs in and reads as before.
    response = post_form(admin, f"/admin/agencies/{agency_id}", {
        "name": "Example housing association", "kind": "housing", "contact_email": "housing@example.org",
        "active": "yes"})
    assert response.status_code == 302
    back = app.test_client()
    sign_in(back, app, person.email)
    assert ACTION_TEXT in back.get("/partners/").get_data(as_text=True)


def test_an_agency_closed_behind_the_sessions_back_is_refused_on_the_next_request(app, make_user, keys):
    """Every request checks the agency, not only the deactivation: a session row left behind
    (an agency made inactive by a script, a second host) opens nothing either."""
    person, agency_id, action_id = _agency_with_an_action(app, make_user)
    agency = _signed_in(app, person)
    assert agency.get("/partners/").status_code == 200
    with app.app_context():
        db.session.execute(update(Agency).where(Agency.id == agency_id).values(active=False))
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(StaffSession)
                                 .where(StaffSession.user_id == person.id)) == 1
    for url in ("/partners/", f"/partners/actions/{action_id}", "/staff/grants", "/staff/password"):
        response = agency.get(url)
        assert _refused(response), url
        assert ACTION_TEXT not in response.get_data(as_text=True)


def test_a_pending_second_step_of_sign_in_is_refused_too(app, make_user, keys):
    person, agency_id, _action_id = _agency_with_an_action(app, make_user)
    client = app.test_client()
    sign_in(client, app, person.email)  # enrols the authenticator
    client = app.test_client()
    response = post_form(client, "/staff/login", {"email": person.email, "password": "correct horse battery staple"})
    assert response.headers["Location"].endswith("/staff/two-factor")
    with app.app_context():
        db.session.execute(update(Agency).where(Agency.id == agency_id).values(active=False))
        db.session.commit()
    response = client.get("/staff/two-factor")
    assert response.status_code == 302 and response.headers["Location"].endswith("/staff/login")
    token = csrf_token(client, "/staff/login")
    response = client.post("/staff/two-factor", data={"csrf_token": token, "code": totp_now(app, person.email)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/staff/login")
    assert _refused(client.get("/partners/"))
