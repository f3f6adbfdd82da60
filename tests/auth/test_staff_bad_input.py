"""Promise 6 on the staff side: bad input to any staff form gets a clear error,
changes nothing, and never causes a server error.

Each case posts what a careless or hostile client might send to sign-in, the
TOTP step, the password change and each form on the case page, then checks
what the person would notice (the error summary with the field's message, or
the expired-form page) and that the rows the form could change are exactly as
they were.
"""
from __future__ import annotations

import html
from typing import Any

import pytest
from sqlalchemy import text

from reporting.extensions import db
from tests.conftest import PASSWORD
from tests.helpers import csrf_token, full_answers, minimal_answers, post_form, report, sign_in, totp_now

PROBLEM = "There is a problem"
EXPIRED = "This page has expired"
NOT_FOUND = "Page not found"
UNUSUAL = "Remove the unusual characters from this answer"
FORGED = "forged-token"


def rows(app, *queries: str, **params: Any) -> list[Any]:  # type: ignore[no-untyped-def]
    with app.app_context():
        return [list(map(tuple, db.session.execute(text(q), params).all())) for q in queries]


def assert_refused(name: str, response, message: str) -> None:  # type: ignore[no-untyped-def]
    """What the person sees: never a server error; the expired page for a bad token,
    otherwise the page again with an error summary carrying ``message``."""
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code < 500, (name, page[:2000])
    if message in (EXPIRED, NOT_FOUND):
        assert response.status_code == (400 if message == EXPIRED else 404), name
        assert message in page, name
        return
    assert response.status_code == 200, (name, page[:2000])
    summary = page.split('class="govuk-error-summary"', 1)
    assert len(summary) == 2, f"{name}: no error summary"
    assert PROBLEM in summary[1][:400], name
    listed = summary[1].split("</ul>", 1)[0]
    assert message in listed, (name, listed)


# Sign in ------------------------------------------------------------------------------

USERS = (
    "SELECT id, email, active, password_salt, password_verifier, private_key_wrap, must_change_password,"
    " totp_secret, totp_confirmed, totp_last_counter, last_sign_in_at FROM users ORDER BY id",
    "SELECT id, user_id, second_factor_done, keys, expires_at FROM staff_sessions ORDER BY id",
)

SIGN_IN = {
    "empty": ({"email": "", "password": ""}, "Enter your email address"),
    "no-password": ({"email": "EMAIL", "password": ""}, "Enter your password"),
    "email-too-long": ({"email": "a" * 250 + "@example.org", "password": PASSWORD}, "Field cannot be longer than 254 characters"),
    "password-too-long": ({"email": "EMAIL", "password": "p" * 1025}, "Password is too long"),
    "null-in-email": ({"email": "EMAIL\x00", "password": PASSWORD}, UNUSUAL),
    "null-in-password": ({"email": "EMAIL", "password": PASSWORD + "\x00"}, "not right"),
    "email-as-a-list": ({"email": ["EMAIL", "other@example.org"], "password": "nope nope nope"}, "not right"),
    "forged-token": ({"email": "EMAIL", "password": PASSWORD, "csrf_token": FORGED}, EXPIRED),
}


def test_bad_sign_in_is_refused_and_signs_no_one_in(app, client, make_user):
    user = make_user("reviewer")
    for name, (data, message) in SIGN_IN.items():
        data = {k: ([x.replace("EMAIL", user.email) for x in v] if isinstance(v, list) else v.replace("EMAIL", user.email))
                for k, v in data.items()}
        token = csrf_token(client, "/staff/login")
        before = rows(app, *USERS)
        response = client.post("/staff/login", data={"csrf_token": token, **data})
        assert_refused(name, response, message)
        assert rows(app, *USERS) == before, name
        assert client.get("/staff/enrol").headers["Location"].endswith("/staff/login"), name


# The code from the authenticator app ------------------------------------------------

CODE = {
    "empty": ("", "Enter the 6-digit code from your authenticator app"),
    "letters": ("abcdef", "The code must be 6 digits"),
    "too-long": ("1234567", "The code must be 6 digits"),
    "very-long": ("1" * 5000, "The code must be 6 digits"),
    "null-byte": ("123\x00456", "The code must be 6 digits"),
    "wrong-code": ("WRONG", "The code is not right"),
    "forged-token": ("RIGHT", EXPIRED),
}


@pytest.mark.parametrize("page", ["/staff/enrol", "/staff/two-factor"])
def test_a_bad_code_is_refused_and_completes_nothing(app, client, make_user, page):
    user = make_user("reviewer")
    if page == "/staff/two-factor":  # enrolled already, at an earlier sign-in
        sign_in(app.test_client(), app, user.email)
    assert post_form(client, "/staff/login", {"email": user.email, "password": PASSWORD}).headers["Location"] == page
    for name, (code, message) in CODE.items():
        token = csrf_token(client, page)
        right = totp_now(app, user.email, offset_steps=1)
        code = {"RIGHT": right, "WRONG": str((int(right) + 500_000) % 1_000_000).rjust(6, "0")}.get(code, code)
        before = rows(app, *USERS)
        response = client.post(page, data={"csrf_token": FORGED if message == EXPIRED else token, "code": code})
        assert_refused(name, response, message)
        assert rows(app, *USERS) == before, name
        assert client.get("/review/").status_code == 302, name


# Changing the password -----------------------------------------------------------------

NEW = "a brand new passphrase for spring"
CHANGE = {
    "empty": ({}, "Enter your current password"),
    "no-new-password": ({"current_password": PASSWORD}, "Enter a new password"),
    "too-short": ({"current_password": PASSWORD, "new_password": "short", "confirm_password": "short"},
                  "Your new password must be at least 12 characters"),
    "too-long": ({"current_password": PASSWORD, "new_password": "x" * 1025, "confirm_password": "x" * 1025},
                 "Your new password must be 1024 characters or fewer"),
    "too-easy": ({"current_password": PASSWORD, "new_password": "aaaaaaaaaaaaaaaa", "confirm_password": "aaaaaaaaaaaaaaaa"},
                 "Choose a longer password that is much harder to guess. As a key holder you need a very strong one"),
    "not-matching": ({"current_password": PASSWORD, "new_password": NEW, "confirm_password": NEW + "!"},
                     "The passwords do not match"),
    "wrong-current": ({"current_password": "not my password", "new_password": NEW, "confirm_password": NEW},
                      "Your current password is not right"),
    "null-in-new": ({"current_password": PASSWORD, "new_password": NEW + "\x00", "confirm_password": NEW + "\x00"},
                    UNUSUAL),
    "forged-token": ({"current_password": PASSWORD, "new_password": NEW, "confirm_password": NEW,
                      "csrf_token": FORGED}, EXPIRED),
}


def test_a_bad_password_change_is_refused_and_keeps_the_old_password(app, client, make_user):
    user = make_user("reviewer")
    sign_in(client, app, user.email)
    for name, (data, message) in CHANGE.items():
        token = csrf_token(client, "/staff/password")
        before = rows(app, USERS[0])
        response = client.post("/staff/password", data={"csrf_token": token, **data})
        assert_refused(name, response, message)
        assert rows(app, USERS[0]) == before, name
        assert client.get("/review/").status_code == 200, f"{name}: still signed in"


# The case page -----------------------------------------------------------------------

CASE_ROWS = (
    "SELECT status, priority, assignee_id, closure_reason, staff_flags FROM reports ORDER BY id",
    "SELECT id, report_id, kind, action, before, after, reason, ref, sealed FROM case_events ORDER BY id",
    "SELECT report_id, other_id, kind FROM case_links ORDER BY report_id, other_id",
    "SELECT seq, action FROM audit_events WHERE action != 'case.decrypt' ORDER BY seq",
)
SELECT_STATUS = "Select the new status"
REASON = "Give a reason for the change"

CASE_FORMS: dict[str, tuple[str, dict[str, Any], str]] = {
    # status
    "status-empty": ("status", {}, SELECT_STATUS),
    "status-unknown": ("status", {"status-status": "flying", "status-reason": "why not"}, SELECT_STATUS),
    "status-not-allowed-from-new": ("status", {"status-status": "referred", "status-reason": "straight to police"}, SELECT_STATUS),
    "status-no-reason": ("status", {"status-status": "in_triage"}, REASON),
    "status-blank-reason": ("status", {"status-status": "in_triage", "status-reason": "  \n "}, REASON),
    "status-reason-too-long": ("status", {"status-status": "in_triage", "status-reason": "x" * 2001},
                               "Answer must be 2000 characters or fewer"),
    "status-reason-null": ("status", {"status-status": "in_triage", "status-reason": "bad\x00reason"}, UNUSUAL),
    "status-close-without-reason": ("status", {"status-status": "closed", "status-reason": "done"},
                                    "Select why the case is being closed"),
    "status-close-unknown-reason": ("status", {"status-status": "closed", "status-closure_reason": "bored",
                                               "status-reason": "done"}, "Select one of the options"),
    "status-forged": ("status", {"status-status": "in_triage", "status-reason": "ok", "csrf_token": FORGED}, EXPIRED),
    # notes
    "note-empty": ("notes", {}, "Write the note"),
    "note-blank": ("notes", {"note-note": " \r\n\t "}, "Write the note"),
    "note-too-long": ("notes", {"note-note": "n" * 5001}, "Answer must be 5000 characters or fewer"),
    "note-null": ("notes", {"note-note": "a\x00b"}, UNUSUAL),
    "note-forged": ("notes", {"note-note": "hello", "csrf_token": FORGED}, EXPIRED),
    # assignment
    "assign-empty": ("assign", {}, "Select who to assign the case to"),
    "assign-unknown": ("assign", {"assign-assignee": "999999"}, "Select who to assign the case to"),
    "assign-not-a-number": ("assign", {"assign-assignee": "'; DROP TABLE reports; --"}, "Select who to assign the case to"),
    "assign-an-analyst": ("assign", {"assign-assignee": "ANALYST"}, "Select who to assign the case to"),
    "assign-forged": ("assign", {"assign-assignee": "none", "csrf_token": FORGED}, EXPIRED),
    # priority
    "priority-empty": ("priority", {}, "Select a priority"),
    "priority-unknown": ("priority", {"priority-priority": "extreme"}, "Select a priority"),
    "priority-null": ("priority", {"priority-priority": "high\x00"}, "Select a priority"),
    "priority-forged": ("priority", {"priority-priority": "high", "csrf_token": FORGED}, EXPIRED),
    # risk flags
    "flags-unknown": ("flags", {"flags-flags": ["ongoing_threat", "haunted"]}, "Select only options from the list"),
    "flags-null": ("flags", {"flags-flags": "ongoing_threat\x00"}, "Select only options from the list"),
    "flags-forged": ("flags", {"flags-flags": "ongoing_threat", "csrf_token": FORGED}, EXPIRED),
    # links
    "link-empty": ("links", {}, "Enter the other case's reference"),
    "link-unknown": ("links", {"link-reference": "HC-26-ZZZZZZ", "link-kind": "related"},
                     "There is no other case with that reference"),
    "link-itself": ("links", {"link-reference": "SELF", "link-kind": "related"}, "There is no other case with that reference"),
    "link-malformed": ("links", {"link-reference": "hello there", "link-kind": "related"}, "Enter a reference like HC-26-4F7K9Q"),
    "link-too-long": ("links", {"link-reference": "HC-26-" + "A" * 200, "link-kind": "related"},
                      "Answer must be 16 characters or fewer"),
    "link-null": ("links", {"link-reference": "OTHER\x00", "link-kind": "related"}, UNUSUAL),
    "link-no-kind": ("links", {"link-reference": "OTHER"}, "Select how the cases are linked"),
    "link-unknown-kind": ("links", {"link-reference": "OTHER", "link-kind": "sibling"}, "Select how the cases are linked"),
    "link-forged": ("links", {"link-reference": "OTHER", "link-kind": "related", "csrf_token": FORGED}, EXPIRED),
    "unlink-forged": ("links/OTHER/remove", {"csrf_token": FORGED}, EXPIRED),
    "unlink-unknown": ("links/HC-26-ZZZZZZ/remove", {}, NOT_FOUND),
}


FORMS = sorted({action.split("/")[0] for action, _, _ in CASE_FORMS.values()})


@pytest.mark.parametrize("form", FORMS)
def test_bad_input_to_the_case_page_is_refused_and_changes_nothing(app, client, make_user, form):
    reference, _ = report(client, full_answers("bad-input"))
    other, _ = report(app.test_client(), minimal_answers())
    reviewer = make_user("reviewer")
    analyst = make_user("analyst")
    staff = app.test_client()
    sign_in(staff, app, reviewer.email)

    def fill(value: Any) -> Any:
        if isinstance(value, list):
            return [fill(v) for v in value]
        return value.replace("SELF", reference).replace("OTHER", other).replace("ANALYST", str(analyst.id))

    if form == "links":  # so there is a link for the forged removal to leave alone
        token = csrf_token(staff, f"/review/cases/{reference}")
        linked = staff.post(f"/review/cases/{reference}/links",
                            data={"csrf_token": token, "link-reference": other, "link-kind": "related"})
        assert linked.status_code == 302
    cases = {name: case for name, case in CASE_FORMS.items() if case[0].split("/")[0] == form}
    assert cases
    for name, (action, data, message) in cases.items():
        data = {key: fill(value) for key, value in data.items()}
        token = csrf_token(staff, f"/review/cases/{reference}")
        before = rows(app, *CASE_ROWS)
        response = staff.post(f"/review/cases/{reference}/{fill(action)}", data={"csrf_token": token, **data})
        assert_refused(name, response, message)
        if message not in (EXPIRED, NOT_FOUND):
            page = response.get_data(as_text=True)
            assert "A man shouted at me in the street. bad-input" in page, f"{name}: the case is shown around the error"
        assert rows(app, *CASE_ROWS) == before, name


def test_the_same_forms_with_good_input_do_change_the_case(app, client, make_user):
    """The counterpart of the cases above, so a form that ignored every post would fail."""
    reference, _ = report(client, full_answers())
    other, _ = report(app.test_client(), minimal_answers())
    reviewer = make_user("reviewer")
    staff = app.test_client()
    sign_in(staff, app, reviewer.email)
    posts = [
        ("status", {"status-status": "in_triage", "status-reason": "first look"}),
        ("notes", {"note-note": "called back"}),
        ("assign", {"assign-assignee": str(reviewer.id)}),
        ("priority", {"priority-priority": "high"}),
        ("flags", {"flags-flags": "ongoing_threat"}),
        ("links", {"link-reference": other.lower(), "link-kind": "related"}),
        ("status", {"status-status": "closed", "status-closure_reason": "resolved", "status-reason": "done"}),
    ]
    for action, data in posts:
        before = rows(app, *CASE_ROWS)
        token = csrf_token(staff, f"/review/cases/{reference}")
        response = staff.post(f"/review/cases/{reference}/{action}", data={"csrf_token": token, **data})
        assert response.status_code == 302, (action, response.get_data(as_text=True)[:2000])
        assert rows(app, *CASE_ROWS) != before, action
    status, priority, assignee, closure, _flags = rows(app, CASE_ROWS[0])[0][0]
    assert (status, priority, assignee, closure) == ("closed", "high", reviewer.id, "resolved")
