"""Bad input to the public journey: a clear error, never a 500, and nothing changed.

docs/design.md promise 6. Each test posts what a careless, confused or hostile client
might send and checks what the reporter would notice: the status, a GOV.UK error
summary whose link lands on the failing field, the field's own message, and their
other answers still on the page. It then checks that the database is exactly as
before: every draft's sealed answers and expiry, and no report.

The last part is a Hypothesis run over the posts of every step in STEPS.
"""
from __future__ import annotations

import base64
import html
import io
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from markupsafe import escape
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart
from wtforms.fields.core import UnboundField
from wtforms.validators import Length

from reporting.db import utcnow
from reporting.extensions import db
from reporting.reports import questions, services
from reporting.forms.fields import ApproximateDateField, Checkboxes, Radios, Select, clean_text
from reporting.reports.models import Choice, Draft, Report
from tests.helpers import answer_all, csrf_token, full_answers, post_form, start

# What the reporter reads.
EXPIRED = "This page has expired"
TOO_LARGE = "What you sent is too large"
NOT_FOUND = "Page not found"
UNUSUAL = "Remove the unusual characters from this answer"
REAL_DATE = "The date must be a real date"
IN_NUMBERS = "The date must be a real date, in numbers"
IN_THE_PAST = "The date must be today or in the past"
MONTH_AND_YEAR = "The date must include a month and a year"
ONLY_LISTED = "Select only options from the list"
HONEYPOT = "Leave this field empty"

MiB = 1024 * 1024


# Looking at the database ----------------------------------------------------------


def database_state(app: Flask) -> dict[str, Any]:
    """Everything a post could change: each draft's sealed answers and life, and the reports."""
    with app.app_context():
        drafts = db.session.execute(
            select(Draft.id, Draft.answers, Draft.expires_at, Draft.receipt, Draft.report_id).order_by(Draft.id)
        ).all()
        reports = db.session.scalar(select(func.count(Report.id)))
    return {"drafts": [tuple(row) for row in drafts], "reports": reports}


@contextmanager
def nothing_changes(app: Flask) -> Iterator[None]:
    """The requests inside change no draft, start none, and store no report."""
    before = database_state(app)
    assert before["reports"] == 0
    yield
    after = database_state(app)
    assert after["drafts"] == before["drafts"], "a draft was changed, created or deleted"
    assert after["reports"] == 0, "a report was stored"


def stored_answers(app: Flask, client: FlaskClient) -> dict[str, Any]:
    """The draft's answers, opened with the key from the reporter's cookie."""
    with client.session_transaction() as cookie:
        ref = cookie["draft"]
    with app.app_context():
        state = services.open_draft(ref["id"], base64.urlsafe_b64decode(ref["key"]), now=utcnow())
        return state.answers


# Reading the page ------------------------------------------------------------------


def error_summary(page: str) -> dict[str, str]:
    """The links of the GOV.UK error summary: target id -> message."""
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', page, re.S)
    assert summary, "no error summary on the page"
    assert 'role="alert"' in summary.group(0)
    links = re.findall(r'<a href="#([^"]+)">(.*?)</a>', summary.group(0), re.S)
    return {target: html.unescape(text) for target, text in links}


def assert_field_error(response: Any, field_id: str, message: str, *, part: str | None = None) -> str:
    """A 200 page whose error summary links to the field (or date part) and the field says why."""
    assert response.status_code == 200, response.status_code
    page = response.get_data(as_text=True)
    target = f"{field_id}-{part}" if part else field_id
    links = error_summary(page)
    assert links.get(target) == message, f"expected #{target}: {message!r}; the summary has {links}"
    assert f'id="{target}"' in page, f"the summary links to #{target}, which is not on the page"
    own = re.search(rf'<p id="{field_id}-error" class="govuk-error-message">(.*?)</p>', page, re.S)
    assert own, f"no error message next to {field_id}"
    assert message in html.unescape(own.group(1))
    assert re.search(r"<title>\s*Error:", page), "the page title does not start with 'Error:'"
    return page


def checked(page: str, name: str) -> set[str]:
    return set(re.findall(rf'name="{re.escape(name)}" type="(?:radio|checkbox)" value="([^"]*)" checked', page))


def shown_text(page: str, name: str) -> str:
    """What a text input, date part or textarea shows."""
    match = re.search(rf'name="{re.escape(name)}" type="[a-z]+"(?: inputmode="numeric")? value="([^"]*)"', page)
    match = match or re.search(rf'name="{re.escape(name)}"[^>]*>([^<]*)</textarea>', page)
    assert match, f"no field {name} on the page"
    return html.unescape(match.group(1))


def shown(page: str, name: str) -> str | set[str] | None:
    """What the page shows for an answer: the ticked values, the selected option or the text."""
    if re.search(rf'name="{re.escape(name)}" type="(?:radio|checkbox)"', page):
        return checked(page, name)
    if re.search(rf'<select[^>]* name="{re.escape(name)}"', page):
        return selected(page, name)
    return shown_text(page, name)


def as_posted(value: Any, page: str, name: str) -> str | set[str]:
    """A posted answer in the form ``shown`` gives it."""
    if isinstance(value, list):
        return set(value)
    if re.search(rf'name="{re.escape(name)}" type="(?:radio|checkbox)"', page):
        return {value}
    return str(clean_text(value))  # as typed, less the spaces around it


def assert_kept(page: str, posted: dict[str, Any], *, except_: str | None = None) -> None:
    """The reporter's other answers are still on the page, as they posted them."""
    for name, value in posted.items():
        if name != except_ and name != "website":
            assert shown(page, name) == as_posted(value, page, name), f"{name} was not kept"


def selected(page: str, name: str) -> str | None:
    select_ = re.search(rf'<select[^>]* name="{re.escape(name)}".*?</select>', page, re.S)
    assert select_, f"no select {name}"
    option = re.search(r'<option value="([^"]*)" selected>', select_.group(0))
    return html.unescape(option.group(1)) if option else None


# Fixtures --------------------------------------------------------------------------


@pytest.fixture
def answered(client: FlaskClient) -> FlaskClient:
    """A reporter who has answered every question (the online one too) and not yet sent."""
    start(client)
    answer_all(client, full_answers())
    return client


@pytest.fixture
def token(answered: FlaskClient) -> str:
    """The session's CSRF token, valid for every post of the session."""
    return csrf_token(answered, "/report/who")


def step_post(step_name: str, /, **changes: Any) -> dict[str, Any]:
    """What a browser posts on a step for the full report, with some answers changed."""
    return full_answers()[step_name] | changes


# Too long --------------------------------------------------------------------------

# Every text answer and its limit (the test below keeps this list complete).
TEXT_LIMITS = [
    pytest.param("what", "incident_other", 200, id="what-incident_other-200"),
    pytest.param("why", "motivation_other", 200, id="why-motivation_other-200"),
    pytest.param("why-evidence", "evidence_detail", 2000, id="evidence-evidence_detail-2000"),
    pytest.param("place", "place_description", 1000, id="place-place_description-1000"),
    pytest.param("online", "platform", 200, id="online-platform-200"),
    pytest.param("online", "links", 2000, id="online-links-2000"),
    pytest.param("description", "description", 10000, id="description-10000"),
    pytest.param("offenders", "offender_distinctive", 500, id="offenders-offender_distinctive-500"),
    pytest.param("offenders", "offender_description", 3000, id="offenders-offender_description-3000"),
    pytest.param("witnesses", "witnesses", 2000, id="witnesses-2000"),
    pytest.param("impact", "impact", 3000, id="impact-3000"),
    pytest.param("reported-before", "crime_reference", 60, id="reported-before-crime_reference-60"),
    pytest.param("contact", "name", 120, id="contact-name-120"),
    pytest.param("contact", "email", 254, id="contact-email-254"),
    pytest.param("contact", "phone", 40, id="contact-phone-40"),
    pytest.param("contact", "safe_times", 200, id="contact-safe_times-200"),
    pytest.param("contact", "contact_language", 60, id="contact-contact_language-60"),
]
# Asked only to settle a contradiction (tests/public/test_contradictions.py); the same limits as contact's.
CONTRADICTION_LIMITS = {("police-details", "email", 254), ("police-details", "phone", 40)}


def test_the_table_of_limits_covers_every_text_answer(app: Flask) -> None:
    with app.test_request_context():
        limits = {
            (step.name, f.name, v.max)
            for step in questions.STEPS
            for f in step.form(meta={"csrf": False}).question_fields()
            for v in f.validators
            if isinstance(v, Length)
        }
    assert limits == {tuple(p.values) for p in TEXT_LIMITS} | CONTRADICTION_LIMITS


def too_long(field: str, limit: int) -> str:
    """One character over the limit, still looking like the field's kind of answer."""
    if field == "email":
        return "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 58 + ".org"  # 255
    if field == "phone":
        return "0" * (limit + 1)
    return "é" * (limit + 1)  # characters are counted, not bytes


@pytest.mark.parametrize(("step", "field", "limit"), TEXT_LIMITS)
def test_too_long_answer_is_refused_and_kept_on_the_page(app, answered, step, field, limit):
    text = too_long(field, limit)
    assert len(text) == limit + 1
    posted = step_post(step, **{field: text})
    with nothing_changes(app):
        response = post_form(answered, f"/report/{step}", posted)
    page = assert_field_error(response, field, f"Answer must be {limit} characters or fewer")
    assert shown_text(page, field) == text, "the reporter's writing was lost"
    assert_kept(page, posted, except_=field)


def test_answers_at_the_limit_are_accepted(app, answered):
    """The limits are where the messages say: one character fewer is saved."""
    for step, field, limit in (p.values for p in TEXT_LIMITS):
        text = too_long(field, limit)[1:] if field in ("email", "phone") else "é" * limit
        response = post_form(answered, f"/report/{step}", step_post(step, **{field: text}))
        assert response.status_code == 302, (step, field)
        assert stored_answers(app, answered)[field] == text


# Dates -----------------------------------------------------------------------------

TODAY = date.today()
TOMORROW = TODAY + timedelta(days=1)
NEXT_YEAR = TODAY.year + 1


@pytest.mark.parametrize(
    ("day", "month", "year", "part", "message"),
    [
        pytest.param(TOMORROW.day, TOMORROW.month, TOMORROW.year, "day", IN_THE_PAST, id="tomorrow"),
        pytest.param(1, 1, NEXT_YEAR, "day", IN_THE_PAST, id="next-year"),
        pytest.param("", 1, NEXT_YEAR, "month", IN_THE_PAST, id="next-year-no-day"),
        pytest.param(1, 1, 20255, "year", IN_THE_PAST, id="year-with-a-digit-too-many"),
        pytest.param(31, 2, 2025, "day", REAL_DATE, id="31-february"),
        pytest.param(29, 2, 2025, "day", REAL_DATE, id="29-february-not-leap"),
        pytest.param(32, 1, 2025, "day", REAL_DATE, id="day-32"),
        pytest.param(0, 3, 2025, "day", REAL_DATE, id="day-0"),
        pytest.param(1, 13, 2025, "month", "The month must be a number from 1 to 12", id="month-13"),
        pytest.param(1, 0, 2025, "month", "The month must be a number from 1 to 12", id="month-0"),
        pytest.param("ab", 3, 2025, "day", IN_NUMBERS, id="letters-day"),
        pytest.param(1, "March", 2025, "month", IN_NUMBERS, id="letters-month"),
        pytest.param(1, 3, "ab", "year", IN_NUMBERS, id="letters-year"),
        pytest.param(-1, 3, 2025, "day", IN_NUMBERS, id="negative-day"),
        pytest.param("٣", 3, 2025, "day", IN_NUMBERS, id="arabic-indic-digit"),
        pytest.param(1, 3, 25, "year", "The year must include 4 numbers", id="two-digit-year"),
        pytest.param(31, 12, 1989, "year", "The date must be 1990 or later", id="before-1990"),
        pytest.param(3, "", 2025, "month", MONTH_AND_YEAR, id="missing-month"),
        pytest.param(3, 11, "", "year", MONTH_AND_YEAR, id="missing-year"),
        pytest.param(3, "", "", "month", MONTH_AND_YEAR, id="missing-month-and-year"),
        pytest.param("", "", "", "month", "Enter the month and year it happened, even if approximate", id="blank"),
    ],
)
def test_invalid_or_future_date_is_refused(app, answered, day, month, year, part, message):
    posted = {
        "incident_date-day": str(day),
        "incident_date-month": str(month),
        "incident_date-year": str(year),
    }
    with nothing_changes(app):
        response = post_form(answered, "/report/when", posted)
    page = assert_field_error(response, "incident_date", message, part=part)
    assert_kept(page, posted)


@pytest.mark.parametrize(
    ("day", "month", "year", "stored"),
    [
        pytest.param(TODAY.day, TODAY.month, TODAY.year, {"day": TODAY.day, "month": TODAY.month, "year": TODAY.year}, id="today"),
        pytest.param("", TODAY.month, TODAY.year, {"day": None, "month": TODAY.month, "year": TODAY.year}, id="this-month"),
        pytest.param(1, 1, 1990, {"day": 1, "month": 1, "year": 1990}, id="earliest"),
        pytest.param(" 07 ", "02", "2024", {"day": 7, "month": 2, "year": 2024}, id="spaces-and-leading-zeros"),
    ],
)
def test_the_edges_of_the_allowed_dates_are_accepted(app, answered, day, month, year, stored):
    posted = {"incident_date-day": str(day), "incident_date-month": str(month), "incident_date-year": str(year)}
    response = post_form(answered, "/report/when", posted)
    assert response.status_code == 302
    assert stored_answers(app, answered)["incident_date"] == stored


# Unknown choices -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("step", "field", "posted", "message", "kept"),
    [
        pytest.param("who", "reporter_type", {"reporter_type": "admin"}, "Select who is reporting", {}, id="who-radio"),
        pytest.param("who", "reporter_type", {"reporter_type": "VICTIM"}, "Select who is reporting", {}, id="who-radio-case"),
        pytest.param(
            "police", "police_consent", {"police_consent": "always"},
            "Select whether we can pass this report to the police", {}, id="police-radio",
        ),
        pytest.param(
            "contact", "contact_ok", {"contact_ok": "maybe", "name": "Sam", "phone": "01632 960 001"},
            "Select whether we can contact you", {"name": "Sam", "phone": "01632 960 001"}, id="contact-radio",
        ),
        pytest.param(
            "when-details", "ongoing",
            {"time_of_day": "night", "ongoing": "sometimes", "frequency": "once"},
            "Select one of the options", {"frequency": "once", "time_of_day": "night"}, id="when-optional-radio",
        ),
        pytest.param(
            "equality", "sex", {"age_group": "65_plus", "sex": "other", "religion": "sikh"},
            "Select one of the options", {"age_group": "65_plus", "religion": "sikh"}, id="equality-radio",
        ),
        pytest.param(
            "what", "incident_types",
            {"incident_types": ["threats", "hacking"], "incident_other": "a note"},
            ONLY_LISTED, {"incident_types": ["threats"], "incident_other": "a note"}, id="what-checkbox",
        ),
        pytest.param(
            "why", "motivations", {"motivations": ["race", "<b>bold</b>"]},
            ONLY_LISTED, {"motivations": ["race"]}, id="why-checkbox",
        ),
        pytest.param(
            "why-evidence", "evidence", {"evidence": ["words", "weapons"], "evidence_detail": "they said it"},
            ONLY_LISTED, {"evidence": ["words"], "evidence_detail": "they said it"}, id="evidence-checkbox",
        ),
        pytest.param(
            "where", "area", {"area": "atlantis"},
            "Select where it happened", {}, id="where-area",
        ),
    ],
)
def test_a_choice_that_was_not_offered_is_refused(app, answered, step, field, posted, message, kept):
    with nothing_changes(app):
        response = post_form(answered, f"/report/{step}", posted)
    page = assert_field_error(response, field, message)
    assert_kept(page, kept)
    assert "hacking" not in checked(page, field) and "atlantis" not in page


def test_an_area_no_longer_offered_is_refused(app, answered):
    with app.app_context():
        db.session.get(Choice, ("area", "ludlow")).active = False
        db.session.commit()
    with nothing_changes(app):
        response = post_form(answered, "/report/where", {"area": "ludlow"})
    assert_field_error(response, "area", "Select where it happened")


# CSRF ------------------------------------------------------------------------------

# Every POST in the public journey, with a post that would change something.
POSTS = {
    "start": ("/report/", {}),
    "step": ("/report/who", {"reporter_type": "witness"}),
    "check": ("/report/check", {}),
    "finish": ("/report/finish", {}),
}


def bad_tokens(app: Flask) -> dict[str, dict[str, str]]:
    other = app.test_client()
    return {
        "missing": {},
        "empty": {"csrf_token": ""},
        "garbage": {"csrf_token": "not-a-token"},
        "another-session": {"csrf_token": csrf_token(other, "/")},
    }


@pytest.mark.parametrize("bad_token", ["missing", "empty", "garbage", "another-session"])
@pytest.mark.parametrize("endpoint", list(POSTS))
def test_a_post_without_the_right_token_explains_and_changes_nothing(app, answered, endpoint, bad_token):
    url, data = POSTS[endpoint]
    sent = bad_tokens(app)[bad_token] | data
    with nothing_changes(app):
        response = answered.post(url, data=sent)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert EXPIRED in page and "Nothing was changed." in page
    assert 'href="/report/"' in page  # a way to start again
    # The reporter's answers are still there to go back to.
    assert answered.get("/report/check").status_code == 200


@pytest.mark.parametrize("endpoint", list(POSTS))
def test_the_same_posts_with_the_right_token_do_change_things(app, answered, endpoint):
    """The control for the test above: each of these posts would have changed the database."""
    url, data = POSTS[endpoint]
    before = database_state(app)
    token = csrf_token(answered, "/report/who")
    response = answered.post(url, data={"csrf_token": token, **data})
    assert response.status_code == 302
    assert database_state(app) != before


# Control characters and odd Unicode --------------------------------------------------

REFUSED = [
    pytest.param("a\x00b", id="null-byte"),
    pytest.param("\x1b[31mred\x1b[0m", id="ansi-escape"),
    pytest.param("ring\x07ring", id="bell"),
    pytest.param("back\x08space", id="backspace"),
    pytest.param("del\x7fete", id="delete"),
    pytest.param("a\x9b31mb", id="c1-control-sequence-introducer"),
    pytest.param("a\x85b", id="c1-next-line"),
    pytest.param("line\u2028separator", id="line-separator"),
    pytest.param("not\uffffa character", id="noncharacter"),
]


@pytest.mark.parametrize("value", REFUSED)
@pytest.mark.parametrize(
    ("step", "field", "others"),
    [
        pytest.param("description", "description", {}, id="long-text"),
        pytest.param("what", "incident_other", {"incident_types": ["other"]}, id="short-text"),
        pytest.param("contact", "name", {"contact_ok": "yes", "email": "sam@example.org"}, id="contact-name"),
    ],
)
def test_control_characters_are_refused_with_a_message(app, answered, step, field, others, value):
    with nothing_changes(app):
        response = post_form(answered, f"/report/{step}", {**others, field: value})
    page = assert_field_error(response, field, UNUSUAL)
    assert_kept(page, others)


ACCEPTED = [
    pytest.param("Zoë from São Paulo, Łódź and Llanfair ŵ ŷ", id="accents"),
    pytest.param("they shouted 😡 and I felt 😢👍🏽", id="emoji"),
    pytest.param("my family 👩‍👩‍👧 and क्‍ष", id="zero-width-joiner"),
    pytest.param("Cafe\u0301 and n\u0303", id="combining-characters"),
    pytest.param("قال لي اذهب إلى بلدك", id="arabic"),
    pytest.param("שלום and עברית", id="hebrew"),
    pytest.param("\u202eevil.exe\u202c", id="right-to-left-override"),
    pytest.param("left\u200emark\u200f and zero\u200bwidth", id="direction-marks"),
    pytest.param("他说我 \U0001d400\U0001d401", id="cjk-and-astral"),
    pytest.param("<script>alert(1)</script> & \"quotes\" 'too'", id="html"),
    pytest.param("'; DROP TABLE reports; --", id="sql"),
    pytest.param("tabs\tand\r\nnew lines\rand\nmore", id="tabs-and-newlines"),
]


@pytest.mark.parametrize("value", ACCEPTED)
def test_odd_but_real_writing_is_accepted_and_shown_safely(app, answered, value):
    response = post_form(answered, "/report/description", {"description": value})
    assert response.status_code == 302
    expected = unicodedata.normalize("NFC", value.replace("\r\n", "\n"))
    assert stored_answers(app, answered)["description"] == expected
    # Shown back escaped, never as markup, on the step and on the check page.
    for url in ("/report/description", "/report/check"):
        page = answered.get(url).get_data(as_text=True)
        assert "<script>alert" not in page
        assert str(escape(expected.splitlines()[0])) in page
    assert database_state(app)["reports"] == 0


def post_raw(client: FlaskClient, url: str, body: bytes):  # type: ignore[no-untyped-def]
    """Post bytes as they are, the way only a hostile client would."""
    token = csrf_token(client, url).encode()
    return client.post(url, data=body.replace(b"TOKEN", token), content_type="application/x-www-form-urlencoded")


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"csrf_token=TOKEN&description=a\xffb", id="in-an-answer"),
        pytest.param(b"csrf_token=TOKEN&description=a\xed\xa0\x80b", id="lone-surrogate"),
        pytest.param(b"csrf_token=TOKEN&description=a\xc0\xafb", id="overlong-slash"),
        pytest.param(b"csrf_token=TOKEN&descr\xffiption=hello", id="in-a-name"),
        pytest.param(b"csrf_token=TOKEN\xe2\x82&description=hello", id="truncated-in-the-token"),
    ],
)
def test_raw_invalid_utf8_is_an_expired_form(app, answered, body):
    """Browsers never send it. The form cannot be read, so it is as if it had no token."""
    with nothing_changes(app):
        response = post_raw(answered, "/report/description", body)
    assert response.status_code == 400
    assert EXPIRED in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("encoded", "stored"),
    [
        pytest.param(b"a%FF%FEb", "a%FF%FEb", id="invalid-bytes"),
        pytest.param(b"a%ED%A0%80b", "a%ED%A0%80b", id="lone-surrogate"),
        pytest.param(b"caf%C3%A9", "caf\u00e9", id="valid-for-comparison"),
    ],
)
def test_percent_encoded_invalid_utf8_is_kept_as_plain_text(app, answered, encoded, stored):
    """Invalid bytes stay as the %-codes that were sent: text, never bytes or a surrogate."""
    response = post_raw(answered, "/report/description", b"csrf_token=TOKEN&description=" + encoded)
    assert response.status_code == 302
    assert stored_answers(app, answered)["description"] == stored


def test_percent_encoded_invalid_utf8_in_a_choice_is_refused(app, answered):
    with nothing_changes(app):
        response = post_raw(answered, "/report/who", b"csrf_token=TOKEN&reporter_type=vic%FFtim")
    assert_field_error(response, "reporter_type", "Select who is reporting")


# Other ways of posting ---------------------------------------------------------------


def post_multipart(client: FlaskClient, url: str, values: dict[str, Any]):  # type: ignore[no-untyped-def]
    """Post multipart form data built in memory (the test client would spool big bodies to a file it never closes)."""
    boundary, body = encode_multipart(values)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def a_file(content: bytes, name: str = "evil.exe") -> FileStorage:
    return FileStorage(io.BytesIO(content), filename=name, content_type="application/octet-stream")


@pytest.mark.parametrize(
    ("step", "field", "message"),
    [
        pytest.param("description", "description", "Tell us what happened", id="required-long-text"),
        pytest.param("what", "incident_other", "Answer must be 200 characters or fewer", id="optional-short-text"),
        pytest.param("who", "reporter_type", "Select who is reporting", id="radio"),
        pytest.param("when", "incident_date-day", IN_NUMBERS, id="date-part"),
    ],
)
def test_a_file_instead_of_an_answer_is_refused(app, answered, step, field, message):
    """Upload a file where the form has a text box: an error message, never a 500."""
    token = csrf_token(answered, f"/report/{step}")
    values = step_post(step) | {"csrf_token": token, field: a_file(b"\x00\x01 not text")}
    with nothing_changes(app):
        response = post_multipart(answered, f"/report/{step}", values)
    assert response.status_code == 200
    assert error_summary(response.get_data(as_text=True)), "no error message for the file"


def test_json_instead_of_a_form_is_refused(app, answered):
    token = csrf_token(answered, "/report/who")
    with nothing_changes(app):
        response = answered.post("/report/who", json={"csrf_token": token, "reporter_type": "witness"})
    assert response.status_code == 400
    assert EXPIRED in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("url", "body"),
    [
        pytest.param("/report/description", {"description": 12345}, id="a-number-for-text"),
        pytest.param("/report/what", {"incident_types": [{"code": "threats"}]}, id="an-object-for-a-checkbox"),
        pytest.param("/report/description", [1, 2], id="a-list"),
        pytest.param("/report/description", "what happened", id="a-string"),
        pytest.param("/report/who", {"reporter_type": None}, id="null"),
    ],
)
def test_json_with_the_token_in_a_header_is_refused_never_a_crash(app, answered, token, url, body):
    """Flask-WTF accepts the token in an X-CSRFToken header and hands a JSON body to the form."""
    with nothing_changes(app):
        response = answered.post(url, json=body, headers={"X-CSRFToken": token})
    assert response.status_code in (200, 400, 415), response.status_code
    if response.status_code == 200:
        assert error_summary(response.get_data(as_text=True))


# The honeypot --------------------------------------------------------------------------


def test_honeypot_on_a_step_is_refused(app, answered):
    with nothing_changes(app):
        response = post_form(answered, "/report/who", {"reporter_type": "witness", "website": "http://spam.example"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert error_summary(page) == {"website": HONEYPOT}
    assert checked(page, "reporter_type") == {"witness"}


def test_honeypot_on_the_check_page_sends_nothing(app, answered):
    with nothing_changes(app):
        response = post_form(answered, "/report/check", {"website": "http://spam.example"})
    assert response.status_code == 200
    assert error_summary(response.get_data(as_text=True)) == {"website": HONEYPOT}


def test_honeypot_on_the_start_page_starts_nothing(app, client):
    token = csrf_token(client, "/")
    with nothing_changes(app):
        response = client.post("/report/", data={"csrf_token": token, "website": "http://spam.example"})
    assert response.status_code == 200
    assert error_summary(response.get_data(as_text=True)) == {"website": HONEYPOT}
    with client.session_transaction() as cookie:
        assert "draft" not in cookie


# Sending too early ---------------------------------------------------------------------


def test_sending_before_answering_goes_back_to_the_first_missing_question(app, client):
    start(client)
    post_form(client, "/report/who", {"reporter_type": "victim"})
    token = csrf_token(client, "/report/who")
    with nothing_changes(app):
        response = client.post("/report/check", data={"csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/report/what")


def test_sending_with_a_required_question_skipped_goes_back_to_it(app, client):
    start(client)
    for name, posted in full_answers().items():
        if name != "police":
            assert post_form(client, f"/report/{name}", posted).status_code == 302
    token = csrf_token(client, "/report/who")
    with nothing_changes(app):
        response = client.post("/report/check", data={"csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/report/police")


# Too large, unknown pages ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "size"),
    [
        pytest.param("/report/", MiB + 1, id="start-over-1MiB"),
        pytest.param("/report/description", MiB + 1, id="step-over-1MiB"),
        pytest.param("/report/check", 2 * MiB, id="check-2MiB"),
    ],
)
def test_a_request_too_large_gets_the_too_large_page(app, answered, url, size):
    token = csrf_token(answered, "/report/who")
    with nothing_changes(app):
        response = answered.post(url, data={"csrf_token": token, "description": "x" * size})
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert TOO_LARGE in page and "Nothing on that page was saved." in page


def test_a_huge_answer_under_the_size_limit_gets_the_length_message(app, answered):
    text = "x" * (900 * 1024)
    with nothing_changes(app):
        response = post_form(answered, "/report/description", {"description": text})
    page = assert_field_error(response, "description", "Answer must be 10000 characters or fewer")
    assert shown_text(page, "description") == text


def test_a_file_too_large_gets_the_too_large_page(app, answered):
    token = csrf_token(answered, "/report/description")
    with nothing_changes(app):
        response = post_multipart(
            answered, "/report/description", {"csrf_token": token, "description": a_file(b"\0" * (MiB + 1), "big.bin")}
        )
    assert response.status_code == 413
    assert TOO_LARGE in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "name",
    ["nope", "WHO", "who%00", "%E2%80%AEwho", "who%20", "x" * 300, "%FF", "who/extra", "check/extra"],
)
def test_an_unknown_step_is_page_not_found(app, answered, name):
    token = csrf_token(answered, "/report/who")
    with nothing_changes(app):
        got = answered.get(f"/report/{name}")
        posted = answered.post(f"/report/{name}", data={"csrf_token": token, "reporter_type": "witness"})
    for response in (got, posted):
        assert response.status_code == 404
        assert NOT_FOUND in response.get_data(as_text=True)


# Hypothesis: arbitrary posts to every step ------------------------------------------------

# Any text a client can send: every code point but surrogates (which cannot be
# encoded), control characters included; sometimes long, past every limit.
ANY_TEXT = st.text(alphabet=st.characters(codec="utf-8"))
LONG_TEXT = st.builds(lambda piece, times: (piece * times)[:10050], st.text(min_size=1, max_size=4), st.integers(50, 3000))

# Every answer a step may store (the honeypot is StepForm's, so not among them).
ANSWER_NAMES = {
    name for step in questions.STEPS for name, value in vars(step.form).items() if isinstance(value, UnboundField)
}


def usually(likely: st.SearchStrategy, otherwise: st.SearchStrategy) -> st.SearchStrategy:
    """``likely`` five times in six, so that valid posts (and saving) are tried as well."""
    return st.integers(0, 5).flatmap(lambda roll: otherwise if roll == 0 else likely)


# Values a person would type, for the answers whose random text is almost never valid.
PLAUSIBLE = {
    "incident_date-day": st.integers(0, 32).map(str),
    "incident_date-month": st.integers(0, 13).map(str),
    "incident_date-year": st.integers(1985, TODAY.year + 1).map(str),
    "email": st.emails(),
    "phone": st.from_regex(r"\A\+?[0-9][0-9 ()-]{6,20}\Z"),
    "website": st.just(""),
}


def step_fields(step: questions.Step) -> list[tuple[str, st.SearchStrategy, bool]]:
    """(posted name, its values, whether it takes several) for each input of a step's page."""
    fields: list[tuple[str, st.SearchStrategy, bool]] = []
    for f in step.form(meta={"csrf": False}):
        if f.name == "csrf_token":
            continue
        if isinstance(f, ApproximateDateField):
            names = [f"{f.name}-{part}" for part in f.PARTS]
        else:
            names = [f.name]
        for name in names:
            if isinstance(f, (Checkboxes, Radios, Select)):
                likely = st.sampled_from([c.value for c in f.choices])
            else:
                likely = PLAUSIBLE.get(name, ANY_TEXT)
            fields.append((name, usually(likely, st.one_of(ANY_TEXT, LONG_TEXT)), isinstance(f, Checkboxes)))
    return fields


@st.composite
def form_posts(draw: Any, fields: list[tuple[str, st.SearchStrategy, bool]], other_names: list[str]) -> MultiDict:
    """A step's post as a browser, a careless script or an attacker might send it."""
    pairs: list[tuple[str, str]] = []
    for name, values, several in fields:
        count = draw(st.integers(0, 4)) if several else draw(usually(st.just(1), st.sampled_from([0, 2])))
        pairs += [(name, draw(values)) for _ in range(count)]
    # Names the step does not ask: other steps' answers, and anything at all.
    extra = st.one_of(st.sampled_from(other_names), ANY_TEXT.filter(lambda s: s != "csrf_token"))
    pairs += draw(st.lists(st.tuples(extra, ANY_TEXT), max_size=3))
    # Within the size a form may have (bigger posts get the 413 page, tested above).
    assume(len(urlencode(pairs)) < 400 * 1024)
    return MultiDict(draw(st.permutations(pairs)))


def assert_safe_to_store(step: questions.Step, answers: dict[str, Any]) -> None:
    """What was saved holds only the questions' own answers, and would be accepted again."""
    assert set(answers) <= ANSWER_NAMES, set(answers) - ANSWER_NAMES
    # (A step that no longer applies, such as the contradiction question once settled, is not asked.)
    assert not step.applies(answers) or questions.validate_step(step, answers), questions.step_answers(step, answers)
    when = answers.get("incident_date")
    if when:
        assert when["day"] is None or when["day"] >= 1, when
        assert date(1990, 1, 1) <= date(when["year"], when["month"], when["day"] or 1) <= date.today(), when


@pytest.mark.parametrize("step_name", [step.name for step in questions.STEPS])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_post_to_any_step_is_saved_or_explained_never_a_crash(app, answered, token, step_name, data):
    step = questions.STEP_BY_NAME[step_name]
    with app.test_request_context():
        fields = step_fields(step)
    other_names = sorted(ANSWER_NAMES - {name for name, _values, _several in fields})
    posted = data.draw(form_posts(fields, other_names), label="posted")
    posted.add("csrf_token", token)

    before = database_state(app)
    response = answered.post(f"/report/{step.name}", data=posted)

    assert response.status_code in (200, 302), response.status_code
    event("saved" if response.status_code == 302 else "refused")
    if response.status_code == 302:
        assert re.search(r"/report/[a-z-]+$", response.headers["Location"])
        with app.test_request_context():
            assert_safe_to_store(step, stored_answers(app, answered))
        # What was saved shows on its question and on the check page.
        for url in (f"/report/{step.name}", "/report/check"):
            assert answered.get(url).status_code in (200, 302), url
    else:
        page = response.get_data(as_text=True)
        links = error_summary(page)
        assert links, "an error summary with no errors in it"
        for target in links:
            assert f'id="{target}"' in page, f"the summary links to #{target}, which is not on the page"
        assert database_state(app) == before
    assert database_state(app)["reports"] == 0
