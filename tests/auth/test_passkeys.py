"""Issue 26, item 7: a key holder's key unwrapped with a passkey (WebAuthn PRF) as well as the password.

The authenticator is a software one (tests/passkey_authenticator.py) that signs for real,
so the service's checks run unchanged; Chromium's virtual authenticator walks the same
pages in tests/browser/test_passkeys_browser.py.
"""
from __future__ import annotations

import html
import json
import re
import sqlite3

import pytest
from sqlalchemy import func, select

from reporting import crypto
from reporting.admin import accounts
from reporting.auth import services as auth_services
from reporting.auth.models import Passkey, StaffSession, User
from reporting.exceptions import SignInFailedError
from reporting.extensions import db
from reporting.keys import services as key_services
from reporting.keys.models import KeyPurpose
from reporting.settings import current_settings
from tests.conftest import PASSWORD
from tests.helpers import full_answers, post_form, report, sign_in, totp_now
from tests.passkey_authenticator import SoftAuthenticator

CANARY = "zebra-lantern-4471"


def post_page(client, url: str, page: str, data: dict):
    """Post the form of a page already fetched (fetching it again would start a new ceremony)."""
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return client.post(url, data={"csrf_token": token, **data})


def options_on(page: str) -> dict:
    found = re.search(r'data-passkey-options="([^"]*)"', page)
    assert found, "no passkey options on the page"
    return json.loads(html.unescape(found.group(1)))


def enrol(staff, authenticator: SoftAuthenticator, *, password: str = PASSWORD, name: str = "Work laptop"):
    response = staff.get("/staff/passkeys")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    options = options_on(page)
    registration = authenticator.create(options["create"])
    new_id = json.loads(registration)["id"]
    assertion, prf = authenticator.get(options["get"] | {"allowCredentials": [{"type": "public-key", "id": new_id}]} | {
        "extensions": {"prf": {"evalByCredential": {new_id: options["get"]["extensions"]["prf"]["eval"]}}}})
    return post_page(staff, "/staff/passkeys", page, {"current_password": password, "name": name,
                                                      "registration": registration, "assertion": assertion, "prf": prf})


def sign_in_with_passkey(staff, app, email: str, authenticator: SoftAuthenticator, *, password: str = PASSWORD,
                         tamper_prf: bool = False):
    """Password, code, then the passkey step; returns the passkey step's answer."""
    response = post_form(staff, "/staff/login", {"email": email, "password": password})
    assert response.headers["Location"].endswith("/staff/two-factor")
    response = post_form(staff, "/staff/two-factor", {"code": totp_now(app, email)})
    if response.status_code != 302:
        response = post_form(staff, "/staff/two-factor", {"code": totp_now(app, email, offset_steps=1)})
    assert response.headers["Location"].endswith("/staff/passkey"), response.headers.get("Location")
    page = staff.get("/staff/passkey").get_data(as_text=True)
    assertion, prf = authenticator.get(options_on(page))
    if tamper_prf:
        prf = "A" * 43
    return post_page(staff, "/staff/passkey", page, {"assertion": assertion, "prf": prf})


def password_alone_opens(app, email: str, password: str = PASSWORD) -> bool:
    """What a stolen database, the whole configuration and the password give: the personal key?"""
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        _verifier, wrap_key = crypto.derive_keys(password.encode(), user.password_salt,
                                                 crypto.KdfParams.decode(user.password_kdf))
        try:
            private = crypto.unwrap_private_key(wrap_key, user.private_key_wrap, auth_services.personal_key_binding(user))
        except crypto.CryptoError:
            return False
        key = key_services.current_key(KeyPurpose.GROUP)
        key_services.holder_private_key(user, private, key)  # opens the Group's key: every report
        return True


def test_a_key_holder_enrols_a_passkey_and_the_password_alone_no_longer_opens_their_key(app, keys, make_user):
    reviewer = make_user("reviewer")
    staff = app.test_client()
    sign_in(staff, app, reviewer.email)
    assert password_alone_opens(app, reviewer.email)
    response = enrol(staff, SoftAuthenticator())
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    assert "Work laptop" in staff.get("/staff/passkeys").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Passkey.id)).where(Passkey.user_id == reviewer.id)) == 1
    assert not password_alone_opens(app, reviewer.email)
    # This session goes on (it holds the key already); the person's reports still open.
    reference, _receipt = report(app.test_client(), full_answers(CANARY))
    assert CANARY in staff.get(f"/review/cases/{reference}").get_data(as_text=True)


def test_signing_in_needs_the_passkey_and_then_opens_sealed_content(app, keys, make_user):
    reviewer = make_user("reviewer")
    authenticator = SoftAuthenticator()
    staff = app.test_client()
    sign_in(staff, app, reviewer.email)
    assert enrol(staff, authenticator).status_code == 302
    reference, _receipt = report(app.test_client(), full_answers(CANARY))
    staff.post("/staff/logout", data={"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"',
                                                               staff.get("/staff/passkeys").get_data(as_text=True)).group(1)})
    again = app.test_client()
    response = sign_in_with_passkey(again, app, reviewer.email, authenticator)
    assert response.status_code == 302 and response.headers["Location"].endswith("/staff/"), response.get_data(as_text=True)[:2000]
    assert CANARY in again.get(f"/review/cases/{reference}").get_data(as_text=True)


def test_the_password_and_code_without_the_passkey_sign_no_one_in(app, keys, make_user):
    reviewer = make_user("reviewer")
    authenticator = SoftAuthenticator()
    staff = app.test_client()
    sign_in(staff, app, reviewer.email)
    assert enrol(staff, authenticator).status_code == 302
    other = app.test_client()
    response = sign_in_with_passkey(other, app, reviewer.email, authenticator, tamper_prf=True)
    assert response.status_code == 200
    assert "did not open your key" in response.get_data(as_text=True)
    assert other.get("/review/").status_code == 302  # still not signed in
    # The page offers a fresh challenge: the right passkey still works afterwards.
    page = other.get("/staff/passkey").get_data(as_text=True)
    assertion, prf = authenticator.get(options_on(page))
    assert post_page(other, "/staff/passkey", page, {"assertion": assertion, "prf": prf}).status_code == 302
    assert other.get("/review/").status_code == 200


def test_a_passkey_of_someone_else_or_a_replayed_assertion_is_refused(app, keys, make_user):
    first, second = make_user("reviewer"), make_user("reviewer")
    mine, theirs = SoftAuthenticator(), SoftAuthenticator()
    for user, authenticator in ((first, mine), (second, theirs)):
        staff = app.test_client()
        sign_in(staff, app, user.email)
        assert enrol(staff, authenticator).status_code == 302
    staff = app.test_client()
    post_form(staff, "/staff/login", {"email": first.email, "password": PASSWORD})
    post_form(staff, "/staff/two-factor", {"code": totp_now(app, first.email, offset_steps=1)})
    page = staff.get("/staff/passkey").get_data(as_text=True)
    options = options_on(page)
    # The second person's passkey, answering the first person's challenge.
    with app.app_context():
        their_id = db.session.scalar(select(Passkey.credential_id).where(Passkey.user_id == second.id))
        their_salt = db.session.scalar(select(Passkey.prf_salt).where(Passkey.user_id == second.id))
    from tests.passkey_authenticator import b64url

    forged = options | {"extensions": {"prf": {"evalByCredential": {b64url(their_id): {"first": b64url(their_salt)}}}}}
    assertion, prf = theirs.get(forged, only=their_id)
    refused = post_page(staff, "/staff/passkey", page, {"assertion": assertion, "prf": prf}).get_data(as_text=True)
    assert "did not open your key" in refused
    # A good answer to the challenge already used (replayed) is refused too.
    assertion, prf = mine.get(options)
    assert "did not open your key" in post_page(staff, "/staff/passkey", refused, {"assertion": assertion, "prf": prf}).get_data(as_text=True)
    # And the same answer to the page's new challenge is still no good: it signed the old one.
    assert "did not open your key" in post_page(staff, "/staff/passkey", refused, {"assertion": assertion, "prf": prf}).get_data(as_text=True)
    assert staff.get("/review/").status_code == 302


def test_stolen_database_configuration_and_password_open_nothing_of_a_passkey_holder(app, keys, make_user, backend, tmp_path):
    """The database copied (with the whole configuration and the person's real password):
    the password opens the outer layer only, and neither the personal key nor the Group's."""
    reviewer = make_user("reviewer")
    staff = app.test_client()
    sign_in(staff, app, reviewer.email)
    assert enrol(staff, SoftAuthenticator()).status_code == 302
    reference, _receipt = report(app.test_client(), full_answers(CANARY))
    with app.app_context():
        user = db.session.get(User, reviewer.id)
        # Through the service's own sign-in: the password gives only what is still locked.
        _user, unlocked = auth_services.sign_in_with_password(reviewer.email, PASSWORD, client="thief",
                                                              settings=current_settings())
        with pytest.raises(crypto.CryptoError):
            crypto.load_private_key(user.key_algorithm, unlocked)
        key = key_services.current_key(KeyPurpose.GROUP)
        with pytest.raises(crypto.CryptoError):
            key_services.holder_private_key(user, unlocked, key)
        # Every passkey wrap needs the authenticator's PRF output; none is stored.
        for passkey in db.session.scalars(select(Passkey)):
            for guess in (bytes(32), passkey.prf_salt, passkey.credential_id[:32].ljust(32, b"\0"), passkey.public_key[-32:]):
                with pytest.raises(crypto.CryptoError):
                    crypto.unwrap_passkey_key(guess, passkey.key_wrap, crypto.Binding("passkeys", "key_wrap", str(passkey.id)))
    assert not password_alone_opens(app, reviewer.email)
    if backend == "sqlite":  # the copy itself: the file, read with nothing of the service's
        source = sqlite3.connect(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
        stolen = sqlite3.connect(tmp_path / "stolen.db")
        source.backup(stolen)  # the file and its write-ahead log, as a copy of the disk would hold them
        row = stolen.execute("SELECT password_salt, password_kdf, private_key_wrap, id FROM users WHERE email = ?",
                             (reviewer.email,)).fetchone()
        source.close()
        stolen.close()
        _verifier, wrap_key = crypto.derive_keys(PASSWORD.encode(), row[0], crypto.KdfParams.decode(row[1]))
        with pytest.raises(crypto.CryptoError):
            crypto.unwrap_private_key(wrap_key, row[2], crypto.Binding("users", "private_key_wrap", str(row[3])))


def test_a_new_password_keeps_the_passkey_lock(app, keys, make_user):
    reviewer = make_user("reviewer")
    authenticator = SoftAuthenticator()
    staff = app.test_client()
    sign_in(staff, app, reviewer.email)
    assert enrol(staff, authenticator).status_code == 302
    chosen = "a brand new passphrase for spring"
    response = post_form(staff, "/staff/password", {"current_password": PASSWORD, "new_password": chosen,
                                                    "confirm_password": chosen})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert not password_alone_opens(app, reviewer.email, chosen)
    again = app.test_client()
    assert sign_in_with_passkey(again, app, reviewer.email, authenticator, password=chosen).status_code == 302
    assert again.get("/review/").status_code == 200


def test_a_second_passkey_opens_the_key_too(app, keys, make_user):
    reviewer = make_user("reviewer")
    laptop, phone = SoftAuthenticator(), SoftAuthenticator()
    staff = app.test_client()
    sign_in(staff, app, reviewer.email)
    assert enrol(staff, laptop).status_code == 302
    assert enrol(staff, phone, name="Phone").status_code == 302
    again = app.test_client()
    assert sign_in_with_passkey(again, app, reviewer.email, phone).status_code == 302
    assert again.get("/review/").status_code == 200


def test_enrolment_needs_the_right_password_and_a_real_passkey(app, keys, make_user):
    reviewer = make_user("reviewer")
    staff = app.test_client()
    sign_in(staff, app, reviewer.email)
    wrong = enrol(staff, SoftAuthenticator(), password="not my password at all")
    assert wrong.status_code == 200 and "Your password is not right" in wrong.get_data(as_text=True)
    # The page comes back with empty answers for the script to fill again, never the ones just sent.
    for name in ("registration", "assertion", "prf"):
        assert f'<input type="hidden" name="{name}" value="">' in wrong.get_data(as_text=True)
    for fields in (
        {"registration": "{}", "assertion": "{}", "prf": "AAAA"},
        {"registration": "not json", "assertion": "[1, 2]", "prf": "***"},
        {"registration": "x" * 20000, "assertion": "", "prf": ""},
        {"registration": "", "assertion": "", "prf": ""},
        {"registration": "\x00", "assertion": "\x00", "prf": "\x00"},
    ):
        response = post_form(staff, "/staff/passkeys", {"current_password": PASSWORD, "name": "x", **fields})
        assert response.status_code == 200, fields
        assert 'class="govuk-error-summary' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Passkey.id))) == 0
    assert password_alone_opens(app, reviewer.email)


def test_the_passkey_step_refuses_bad_input_clearly(app, keys, make_user):
    reviewer = make_user("reviewer")
    staff = app.test_client()
    sign_in(staff, app, reviewer.email)
    assert enrol(staff, SoftAuthenticator()).status_code == 302
    other = app.test_client()
    post_form(other, "/staff/login", {"email": reviewer.email, "password": PASSWORD})
    post_form(other, "/staff/two-factor", {"code": totp_now(app, reviewer.email, offset_steps=1)})
    for fields in ({"assertion": "{}", "prf": "AAAA"}, {"assertion": "x" * 20000, "prf": ""},
                   {"assertion": "", "prf": ""}, {"assertion": "[]", "prf": "A" * 43}):
        response = post_form(other, "/staff/passkey", fields)
        assert response.status_code == 200, fields
        assert 'class="govuk-error-summary' in response.get_data(as_text=True)
    assert other.get("/review/").status_code == 302


def test_the_passkey_step_is_only_after_the_code(app, keys, make_user):
    reviewer = make_user("reviewer")
    staff = app.test_client()
    sign_in(staff, app, reviewer.email)
    assert enrol(staff, SoftAuthenticator()).status_code == 302
    other = app.test_client()
    assert other.get("/staff/passkey").headers["Location"].endswith("/staff/login")
    post_form(other, "/staff/login", {"email": reviewer.email, "password": PASSWORD})
    assert other.get("/staff/passkey").headers["Location"].endswith("/staff/two-factor")


def test_a_reset_removes_the_passkeys_and_a_new_grant_is_the_way_back(app, keys, make_user):
    reviewer = make_user("reviewer")
    admin = make_user("admin")
    staff = app.test_client()
    sign_in(staff, app, reviewer.email)
    assert enrol(staff, SoftAuthenticator()).status_code == 302
    with app.app_context():
        user = db.session.get(User, reviewer.id)
        accounts.reset_user(user, "temporary horse staple 42", actor=db.session.get(User, admin.id),
                                 settings=current_settings())
        db.session.commit()
        assert db.session.scalar(select(func.count(Passkey.id)).where(Passkey.user_id == reviewer.id)) == 0
        assert not key_services.is_holder(user, KeyPurpose.GROUP)
        key_services.grant_with_recovery(user, keys.recovery_text)
        db.session.commit()
    assert password_alone_opens(app, reviewer.email, "temporary horse staple 42")


def test_only_key_holders_have_passkeys_and_the_pages_load_no_inline_script(app, keys, make_user):
    analyst = make_user("analyst")
    staff = app.test_client()
    sign_in(staff, app, analyst.email)
    assert staff.get("/staff/passkeys").status_code == 403
    reviewer = make_user("reviewer")
    holder = app.test_client()
    sign_in(holder, app, reviewer.email)
    response = holder.get("/staff/passkeys")
    page = response.get_data(as_text=True)
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", page, re.S)
    assert all(body.strip() == "" and "src=" in attributes for attributes, body in scripts)
    assert any("build/passkeys.js" in attributes for attributes, _body in scripts)
    script = holder.get("/static/build/passkeys.js")
    assert script.status_code == 200
    script.close()


def test_a_session_opened_with_the_password_alone_ends_when_a_passkey_is_added(app, keys, make_user):
    reviewer = make_user("reviewer")
    elsewhere, here = app.test_client(), app.test_client()
    sign_in(elsewhere, app, reviewer.email)
    sign_in(here, app, reviewer.email)
    assert enrol(here, SoftAuthenticator()).status_code == 302
    assert elsewhere.get("/review/").status_code == 302
    assert here.get("/review/").status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count(StaffSession.id)).where(StaffSession.user_id == reviewer.id)) == 1


def test_check_password_refuses_a_wrong_password(app, keys, make_user):
    reviewer = make_user("reviewer")
    with app.app_context(), pytest.raises(SignInFailedError):
        auth_services.check_password(reviewer.email, "not the password at all", client="x", settings=current_settings())
