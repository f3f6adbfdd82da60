"""Issue 26, items 3 and 4: each partner agency has its own key, granted on the web under the
two-person rule like every other key, and one agency's grant opens nothing of another's.

Before: one partners' key covered every agency (a housing officer's grant opened the school's
words), and asking for it on the web was a 500 because admins hold no partners' key.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from reporting import audit, crypto
from reporting.auth import services as auth_services
from reporting.auth.models import User
from reporting.exceptions import NotAKeyHolderError
from reporting.extensions import db
from reporting.keys import services as key_services
from reporting.keys.keyring import Keyring
from reporting.keys.models import KeyGrant, KeyName, KeyPurpose, ServiceKey
from reporting.meetings import services as meeting_services
from reporting.meetings.models import Action, ActionUpdate, Agency, MeetingItem, MeetingItemCopy
from reporting.settings import current_settings
from tests.conftest import PASSWORD
from tests.helpers import csrf_token, minimal_answers, post_form, report, sign_in
from tests.meetings.test_meetings import agency_id, make_meeting, pdf_text, post, share, signed_in, summary

HOUSING, SCHOOL = "Example housing association", "Example school"
WORDS = {HOUSING: ("Housing summary HOUSECANARY", "Offer a transfer HOUSEACTION", "Visited HOUSEUPDATE"),
         SCHOOL: ("School summary SCHOOLCANARY", "Talk to the pupils SCHOOLACTION", "Assembly held SCHOOLUPDATE")}


def _keyring(app, user) -> Keyring:  # type: ignore[no-untyped-def]
    holder, private = auth_services.sign_in_with_password(user.email, PASSWORD, client="test", settings=current_settings())
    return Keyring(holder, private)


def _two_agencies_at_a_meeting(app, make_user):  # type: ignore[no-untyped-def]
    """Two agencies invited to one meeting, each with an action and an update, and a summary per case."""
    reviewer = signed_in(app, make_user("reviewer"))
    housing, school = make_user("agency", agency=HOUSING), make_user("agency", agency=SCHOOL)
    ids = {HOUSING: agency_id(app, HOUSING), SCHOOL: agency_id(app, SCHOOL)}
    first, _ = report(app.test_client(), minimal_answers())
    second, _ = report(app.test_client(), minimal_answers())
    meeting_id, items = make_meeting(app, reviewer, [first, second], [ids[HOUSING], ids[SCHOOL]])
    assert summary(reviewer, meeting_id, items[first], WORDS[HOUSING][0]).status_code == 302
    assert summary(reviewer, meeting_id, items[second], WORDS[SCHOOL][0]).status_code == 302
    assert share(reviewer, meeting_id).status_code == 302
    due = (date.today() + timedelta(days=14)).isoformat()
    for name, reference in ((HOUSING, first), (SCHOOL, second)):
        page = f"/review/meetings/{meeting_id}/items/{items[reference]}"
        response = post(reviewer, f"{page}/actions", {"action-agency": str(ids[name]), "action-text": WORDS[name][1],
                                                       "action-due_on": due}, page=page)
        assert response.status_code == 302
    people = {HOUSING: housing, SCHOOL: school}
    clients = {}
    for name in (HOUSING, SCHOOL):
        with app.app_context():
            action_id = db.session.scalar(select(Action.id).where(Action.agency_id == ids[name]))
        client = clients[name] = signed_in(app, people[name])
        assert post(client, f"/partners/actions/{action_id}", {"status": "open", "text": WORDS[name][2]}).status_code == 302
    return clients, people, ids, meeting_id


def _words_of(agency: int) -> list[tuple[bytes, crypto.Binding]]:
    """Every ciphertext one agency reads, with its binding."""
    found = []
    for action in db.session.scalars(select(Action).where(Action.agency_id == agency)):
        found.append((action.text_partners, meeting_services.action_binding(action, "text_partners")))
        for update in db.session.scalars(select(ActionUpdate).where(ActionUpdate.action_id == action.id)):
            found.append((update.sealed, meeting_services.update_binding(update)))
    for copy in db.session.scalars(select(MeetingItemCopy).where(MeetingItemCopy.agency_id == agency)):
        item = db.session.get(MeetingItem, copy.item_id)
        found.append((copy.sealed, meeting_services.copy_binding(item, agency)))
    return found


def test_one_agencys_grant_opens_none_of_another_agencys_words(app, keys, make_user):
    clients, people, ids, meeting_id = _two_agencies_at_a_meeting(app, make_user)
    with app.app_context():
        for name, other in ((HOUSING, SCHOOL), (SCHOOL, HOUSING)):
            keyring = _keyring(app, people[name])
            own, theirs = _words_of(ids[name]), _words_of(ids[other])
            assert len(own) == 4 and len(theirs) == 4  # an action, its update, two summaries' copies
            opened = {meeting_services.open_text(keyring, blob, binding) for blob, binding in own}
            assert {WORDS[name][1], WORDS[name][2], WORDS[HOUSING][0], WORDS[SCHOOL][0]} == opened
            own_key = key_services.current_key(KeyName(KeyPurpose.AGENCY, ids[name]))
            for blob, binding in own:
                assert crypto.sealed_key_id(blob) == own_key.kid
            for blob, binding in theirs:
                with pytest.raises(NotAKeyHolderError):
                    meeting_services.open_text(keyring, blob, binding)
        # The Group reads all of it with its own copies, no agency's key needed.
        assert not db.session.scalar(
            select(func.count()).select_from(KeyGrant).join(User, User.id == KeyGrant.user_id)
            .join(ServiceKey, ServiceKey.id == KeyGrant.service_key_id)
            .where(User.role == "reviewer", ServiceKey.purpose == "agency"))
    # On the web each reads the shared pack (both summaries) and only its own action.
    housing = clients[HOUSING]
    page = housing.get(f"/partners/meetings/{meeting_id}").get_data(as_text=True)
    assert WORDS[HOUSING][0] in page and WORDS[SCHOOL][0] in page
    home = housing.get("/partners/").get_data(as_text=True)
    assert WORDS[HOUSING][1] in home and WORDS[SCHOOL][1] not in home


def _as_before(app, keys, ids: dict[str, int], people: dict[str, User]) -> None:  # type: ignore[type-arg]
    """Put the words back the way the old code left them: sealed to one shared partners' key,
    which both agencies' people hold, and no agency key held by anyone."""
    with app.app_context():
        partners = key_services.add_missing_key(KeyPurpose.PARTNERS)
        private = key_services.private_key_with_recovery(partners, keys.recovery_text)

        def reseal(blob: bytes, binding: crypto.Binding, agency: int) -> bytes:
            own = key_services.current_key(KeyName(KeyPurpose.AGENCY, agency))
            text = crypto.open_sealed(own.algorithm, key_services.private_key_with_recovery(own, keys.recovery_text),
                                      blob, binding)
            return crypto.seal(partners.algorithm, partners.public_key, text, binding)

        for name, agency in ids.items():
            for action in db.session.scalars(select(Action).where(Action.agency_id == agency)):
                action.text_partners = reseal(action.text_partners, meeting_services.action_binding(action, "text_partners"), agency)
                for update in db.session.scalars(select(ActionUpdate).where(ActionUpdate.action_id == action.id)):
                    update.sealed = reseal(update.sealed, meeting_services.update_binding(update), agency)
        for copy in db.session.scalars(select(MeetingItemCopy).where(MeetingItemCopy.agency_id == ids[HOUSING])):
            item = db.session.get(MeetingItem, copy.item_id)
            text = reseal(copy.sealed, meeting_services.copy_binding(item, copy.agency_id), copy.agency_id)
            item.summary_partners = crypto.seal(partners.algorithm, partners.public_key,
                                                crypto.open_sealed(partners.algorithm, private, text,
                                                                   meeting_services.copy_binding(item, copy.agency_id)),
                                                meeting_services.summary_binding(item, "summary_partners"))
        db.session.execute(MeetingItemCopy.__table__.delete())
        db.session.execute(KeyGrant.__table__.delete().where(KeyGrant.service_key_id.in_(
            select(ServiceKey.id).where(ServiceKey.purpose == "agency"))))
        for person in people.values():
            key_services._seal_grant(partners, private, db.session.get(User, person.id), granted_by=None)
        db.session.commit()


def test_words_sealed_to_the_old_partners_key_are_split_by_agency_with_the_recovery_key(app, keys, make_user, runner):
    clients, people, ids, meeting_id = _two_agencies_at_a_meeting(app, make_user)
    _as_before(app, keys, ids, people)
    with app.app_context():  # the weakness: the housing officer's grant opens the school's words
        keyring = _keyring(app, people[HOUSING])
        school_words = [meeting_services.open_text(keyring, blob, binding) for blob, binding in _words_of(ids[SCHOOL])]
        assert WORDS[SCHOOL][1] in school_words
    # Until the split the agencies still read their words through the old key.
    housing = clients[HOUSING]
    assert WORDS[HOUSING][1] in housing.get("/partners/").get_data(as_text=True)
    assert WORDS[HOUSING][0] in housing.get(f"/partners/meetings/{meeting_id}").get_data(as_text=True)

    wrong = runner.invoke(args=["keys", "split-partners", "--recovery-key-stdin"],
                          input="0000-0000-0000-0000-0000-0000-0000-0000\n")
    assert wrong.exit_code != 0 and "opens none of the old partners' keys" in wrong.output
    done = runner.invoke(args=["keys", "split-partners", "--recovery-key-stdin"], input=keys.recovery_text + "\n")
    assert done.exit_code == 0, done.output
    assert "2 action(s), 2 update(s), 2 summary(ies)" in done.output
    assert "People granted their own agency's key: 2" in done.output

    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(KeyGrant)
                                 .join(ServiceKey, ServiceKey.id == KeyGrant.service_key_id).where(ServiceKey.purpose == "partners")) == 0
        assert db.session.scalar(select(ServiceKey.retired_at).where(ServiceKey.purpose == "partners")) is not None
        assert db.session.scalar(select(func.count()).select_from(MeetingItem)
                                 .where(MeetingItem.summary_partners.is_not(None))) == 0
        keyring = _keyring(app, people[HOUSING])
        for blob, binding in _words_of(ids[SCHOOL]):
            with pytest.raises(NotAKeyHolderError):
                meeting_services.open_text(keyring, blob, binding)
        assert {meeting_services.open_text(keyring, blob, binding) for blob, binding in _words_of(ids[HOUSING])} == {
            WORDS[HOUSING][0], WORDS[SCHOOL][0], WORDS[HOUSING][1], WORDS[HOUSING][2]}
        assert audit.verify() is None
    for name in (HOUSING, SCHOOL):
        client = clients[name]
        assert WORDS[name][1] in client.get("/partners/").get_data(as_text=True)
        assert WORDS[HOUSING][0] in client.get(f"/partners/meetings/{meeting_id}").get_data(as_text=True)
    again = runner.invoke(args=["keys", "split-partners", "--recovery-key-stdin"], input=keys.recovery_text + "\n")
    assert again.exit_code == 0 and "0 action(s), 0 update(s), 0 summary(ies)" in again.output


def _approve(client, grantee_email: str):  # type: ignore[no-untyped-def]
    page = client.get("/staff/grants").get_data(as_text=True)
    match = re.search(r'action="(/staff/grants/\d+/approve)"[^<]*<input[^>]*>\s*<button[^>]*>Approve access for '
                      + re.escape(grantee_email), page)
    assert match, page
    return client.post(match.group(1), data={"csrf_token": csrf_token(client, "/staff/grants")}), page


def test_an_agency_key_is_asked_for_on_the_web_and_approved_by_a_holder_of_that_key(app, keys, make_user, runner):
    admin_user = make_user("admin")
    admin = signed_in(app, admin_user)
    other_admin = signed_in(app, make_user("admin"))
    reviewer = signed_in(app, make_user("reviewer"))
    school_holder = make_user("agency", agency=SCHOOL)
    response = post_form(admin, "/admin/agencies/new", {"name": HOUSING, "kind": "housing",
                                                         "contact_email": "housing@example.org", "active": "yes"})
    assert response.status_code == 302
    housing_id = agency_id(app, HOUSING)

    # The first person: nobody holds the housing association's key, so the recovery key grants it.
    token = csrf_token(admin, f"/admin/agencies/{housing_id}")
    response = admin.post(f"/admin/agencies/{housing_id}/people", data={
        "csrf_token": token, "email": "first@housing.example.org",
        "password": "plum sofa glacier trumpet", "confirm": "plum sofa glacier trumpet"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        first = db.session.scalar(select(User).where(User.email == "first@housing.example.org"))
        first_id = first.id
    page = other_admin.get(f"/admin/users/{first_id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Example housing association&#39;s key" in text or "Example housing association's key" in text
    assert "Nobody holds this key yet" in text and f"/admin/users/{first_id}/grant" not in text
    granted = runner.invoke(args=["keys", "grant", "--email", "first@housing.example.org", "--recovery-key-stdin"],
                            input=keys.recovery_text + "\n")
    assert granted.exit_code == 0 and "Granted 1 key" in granted.output

    # The second person: an admin asks on the web, and a holder of THAT key approves.
    second = make_user("agency", agency=HOUSING, holder=False, email="second@housing.example.org")
    page = other_admin.get(f"/admin/users/{second.id}").get_data(as_text=True)
    assert f"/admin/users/{second.id}/grant" in page
    token = csrf_token(other_admin, f"/admin/users/{second.id}")
    asked = other_admin.post(f"/admin/users/{second.id}/grant", data={"csrf_token": token})
    assert asked.status_code == 302
    for not_holding in (other_admin, reviewer, signed_in(app, school_holder)):
        assert "Approve access for second@housing.example.org" not in not_holding.get("/staff/grants").get_data(as_text=True)
    first_client = app.test_client()
    sign_in(first_client, app, "first@housing.example.org", "plum sofa glacier trumpet", chosen="plum sofa glacier trumpet two")
    approved, page = _approve(first_client, "second@housing.example.org")
    assert "Example housing association&#39;s key: its meeting summaries and actions" in page
    assert "The Group&#39;s key" not in page
    assert approved.status_code == 302
    with app.app_context():
        grantee = db.session.get(User, second.id)
        assert key_services.is_holder(grantee, KeyName(KeyPurpose.AGENCY, housing_id))
        assert not key_services.is_holder(grantee, KeyName(KeyPurpose.AGENCY, agency_id(app, SCHOOL)))


def test_police_and_group_grants_are_asked_for_by_an_admin_and_say_which_key(app, keys, make_user):
    admin = signed_in(app, make_user("admin"))
    liaison = signed_in(app, make_user("police"))
    reviewer = signed_in(app, make_user("reviewer"))
    new_police = make_user("police", holder=False)
    new_reviewer = make_user("reviewer", holder=False)
    for grantee in (new_police, new_reviewer):
        token = csrf_token(admin, f"/admin/users/{grantee.id}")
        assert admin.post(f"/admin/users/{grantee.id}/grant", data={"csrf_token": token}).status_code == 302
    # The reviewer is not offered the police grant, nor the liaison the Group's.
    assert new_police.email not in reviewer.get("/staff/grants").get_data(as_text=True)
    assert new_reviewer.email not in liaison.get("/staff/grants").get_data(as_text=True)
    approved, page = _approve(liaison, new_police.email)
    assert "The West Mercia Police liaison key: police referrals" in page and approved.status_code == 302
    approved, page = _approve(reviewer, new_reviewer.email)
    assert "The Group&#39;s key: the reports" in page and approved.status_code == 302
    with app.app_context():
        assert key_services.is_holder(db.session.get(User, new_police.id), KeyPurpose.POLICE)
        assert key_services.is_holder(db.session.get(User, new_reviewer.id), KeyPurpose.GROUP)


def test_each_pack_prints_the_audit_log_head_and_verify_checks_it(app, keys, make_user, runner):
    clients, people, ids, meeting_id = _two_agencies_at_a_meeting(app, make_user)
    housing = clients[HOUSING]
    download = housing.get(f"/partners/meetings/{meeting_id}/pack.pdf")
    text = " ".join(pdf_text(download.data).split())
    match = re.search(r"entry (\d+), ([0-9a-f ]{64,80})", text)
    assert match, text[-600:]
    head = f"{match.group(1)}:{match.group(2).replace(' ', '')[:64]}"
    assert runner.invoke(args=["audit", "verify", "--head", head]).exit_code == 0
    with app.app_context():
        from sqlalchemy import text as sql

        db.session.execute(sql("UPDATE audit_events SET actor = 'someone' WHERE seq = 3"))
        db.session.commit()
    assert runner.invoke(args=["audit", "verify", "--head", head]).exit_code != 0
