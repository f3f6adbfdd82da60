"""Staff read words, never codes: every staff page, the referral PDF and the JSON's
display labels are rendered after a case has been through every kind of event, and
no known raw code (status, police choice, outcome, referral state and kind, timeline
summaries, audit actions and targets) or ISO timestamp may show.
"""
from __future__ import annotations

import html
import io
import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from reporting import casefile, labels
from reporting.audit.models import AuditEvent
from reporting.cases.models import CaseEvent
from reporting.extensions import db
from reporting.referrals.models import Referral
from tests.helpers import CSRF, full_answers, minimal_answers, post_form, report, sign_in

ISO = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
TARGET = re.compile(r"\b(?:user|report|referral|centre):(?:\d+|unknown)\b|\bkey:[0-9a-zA-Z_-]{6,}")


def _codes() -> set[str]:
    codes = {str(code) for table in labels.ALL_CODES.values() for code in table}
    # The coded summaries a timeline or an audit entry is stored with.
    codes |= {"new>in_triage", "in_triage>closed", "sent:full", "sent:intelligence", "override_requested",
              "override_approved", "question_from_police", "answer_to_police", "outcome:crime_recorded",
              "related:HC-", "duplicate:HC-"}
    return codes


CODES = _codes()
# Codes that are also plain English words can only be caught when they are a whole
# cell, tag or value on their own (">full<"); codes with _ . > or : are caught anywhere.
SPECIAL = sorted((c for c in CODES if re.search(r"[_.>:]", c)), key=len, reverse=True)
PLAIN = sorted(c for c in CODES if not re.search(r"[_.>:]", c))


def visible_text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "\n", page))


def raw_codes_in(text: str, *, markup: str | None = None) -> list[str]:
    found = []
    for code in SPECIAL:
        pattern = re.escape(code) if code.endswith("HC-") else r"(?<![\w.@-])" + re.escape(code) + r"(?![\w@])"
        if re.search(pattern, text):
            found.append(code)
    lines = {line.strip() for line in text.splitlines()}
    found += [code for code in PLAIN if code in lines]
    found += ISO.findall(text)
    found += TARGET.findall(text)
    return found


def _token(page: str) -> str:
    match = CSRF.search(page)
    assert match
    return match.group(1)


def _client(app: Any, user: Any) -> Any:
    client = app.test_client()
    sign_in(client, app, user.email)
    return client


@pytest.fixture
def busy_case(app, client, make_user, keys):  # type: ignore[no-untyped-def]
    """Cases that went through every kind of timeline event, a referral answered both ways,
    an override asked for and approved, a closed case and a failed sign-in."""
    first, _ = report(client, full_answers("words"))
    reporter = app.test_client()
    second, _ = report(reporter, full_answers("again"))
    steps = minimal_answers()
    third, _ = report(app.test_client(), steps)
    reviewer_user = make_user("reviewer", email="first.reviewer@example.org")
    other_user = make_user("reviewer", email="second.reviewer@example.org")
    police_user = make_user("police", email="liaison@example.org")
    admin_user = make_user("admin", email="the.admin@example.org")
    desk_user = make_user("centre_staff", email="desk@example.org", centre="wem-library")
    make_user("analyst", email="counts@example.org")
    reviewer = _client(app, reviewer_user)

    def act(reference: str, path: str, data: dict[str, Any], who: Any = reviewer) -> None:
        token = _token(who.get(f"/review/cases/{reference}").get_data(as_text=True))
        response = who.post(f"/review/cases/{reference}/{path}", data={"csrf_token": token, **data})
        assert response.status_code == 302, (path, visible_text(response.get_data(as_text=True))[:1500])

    act(first, "status", {"status-status": "in_triage", "status-reason": "Looks serious"})
    act(first, "notes", {"note-note": "Called the centre"})
    act(first, "assign", {"assign-assignee": str(reviewer_user.id)})
    act(first, "priority", {"priority-priority": "high"})
    act(first, "flags", {"flags-flags": ["repeat_victim", "ongoing_threat"]})
    act(first, "links", {"link-reference": second, "link-kind": "related"})
    act(first, "links", {"link-reference": third, "link-kind": "duplicate"})
    act(first, f"links/{third}/remove", {})
    act(first, "messages", {"message-text": "Can you tell us more?"})
    act(third, "status", {"status-status": "closed", "status-closure_reason": "not_hate_incident",
                          "status-reason": "Not hate"})
    url = f"/review/cases/{first}/referral"
    page = reviewer.get(url).get_data(as_text=True)
    ticked = re.findall(r'name="fields" type="checkbox" value="([^"]+)" checked', page)
    response = reviewer.post(url, data={"csrf_token": _token(page), "fields": ticked, "action": "send"})
    assert response.status_code == 302
    with app.app_context():
        referral_id = db.session.scalar(select(Referral.id))

    officer = _client(app, police_user)
    token = _token(officer.get(f"/police/referrals/{referral_id}").get_data(as_text=True))
    officer.post(f"/police/referrals/{referral_id}/acknowledge", data={"csrf_token": token})
    officer.post(f"/police/referrals/{referral_id}/outcome", data={
        "csrf_token": token, "outcome-crime_reference": "22/12345/26", "outcome-outcome": "crime_recorded"})
    officer.post(f"/police/referrals/{referral_id}/question", data={"csrf_token": token, "question-text": "Statement?"})
    token = _token(reviewer.get(f"/review/cases/{first}").get_data(as_text=True))
    reviewer.post(f"/review/referrals/{referral_id}/answer", data={"csrf_token": token, "answer-text": "Yes"})

    # A report the reporter said not to pass on: an override asked for, then approved by another reviewer.
    no_steps = full_answers("override")
    no_steps["police"] = {"police_consent": "no"}
    fourth, _ = report(app.test_client(), no_steps)
    url = f"/review/cases/{fourth}/referral"
    page = reviewer.get(url).get_data(as_text=True)
    reviewer.post(url, data={"csrf_token": _token(page), "fields": ["description"], "action": "send",
                             "override_reason": "risk_to_life", "explanation": "Threat to life"})
    with app.app_context():
        override_id = db.session.scalar(select(Referral.id).where(Referral.override_reason.is_not(None)))
    second_reviewer = _client(app, other_user)
    token = _token(second_reviewer.get(f"/review/cases/{fourth}").get_data(as_text=True))
    assert second_reviewer.post(f"/review/referrals/{override_id}/approve",
                                data={"csrf_token": token}).status_code == 302

    post_form(app.test_client(), "/staff/login", {"email": reviewer_user.email, "password": "wrong password here"})
    return {"app": app, "cases": [first, second, third, fourth], "referral": referral_id, "override": override_id,
            "reviewer": reviewer, "officer": officer, "admin": _client(app, admin_user), "admin_user": admin_user,
            "desk": _client(app, desk_user)}


def _assert_words(name: str, text: str) -> None:
    found = raw_codes_in(text)
    assert not found, f"{name} shows raw codes or ISO timestamps: {found}"


def test_no_staff_page_pdf_or_json_label_shows_a_raw_code(busy_case):  # type: ignore[no-untyped-def]
    app = busy_case["app"]
    first, second, third, fourth = busy_case["cases"]
    reviewer, officer, admin = busy_case["reviewer"], busy_case["officer"], busy_case["admin"]
    referral = busy_case["referral"]
    pages = {
        "queue": (reviewer, "/review/"),
        "queue sorted by priority": (reviewer, "/review/?sort=priority"),
        "case with every event": (reviewer, f"/review/cases/{first}"),
        "linked case": (reviewer, f"/review/cases/{second}"),
        "closed case": (reviewer, f"/review/cases/{third}"),
        "override case": (reviewer, f"/review/cases/{fourth}"),
        "referral form": (reviewer, f"/review/cases/{second}/referral"),
        "police inbox": (officer, "/police/"),
        "police inbox, every referral": (officer, "/police/?filter=all"),
        "police referral": (officer, f"/police/referrals/{referral}"),
        "police override referral": (officer, f"/police/referrals/{busy_case['override']}"),
        "printable referral": (officer, f"/police/referrals/{referral}/print"),
        "admin home": (admin, "/admin/"),
        "admin users": (admin, "/admin/users/"),
        "admin user": (admin, f"/admin/users/{busy_case['admin_user'].id}"),
        "key holders": (admin, "/admin/key-holders"),
        "centres": (admin, "/admin/centres/"),
        "assisted reporting": (busy_case["desk"], "/centre/"),
    }
    with app.app_context():
        audit_entries = db.session.query(AuditEvent).count()
    for page_number in range(1, audit_entries // 50 + 2):
        pages[f"audit log page {page_number}"] = (admin, f"/admin/audit?page={page_number}")
    seen_actions = set()
    for name, (who, url) in pages.items():
        response = who.get(url)
        assert response.status_code == 200, (name, response.status_code)
        text = visible_text(response.get_data(as_text=True))
        _assert_words(name, text)
        seen_actions |= {words for words in map(str, labels.AUDIT_ACTION.values()) if words in text}

    # The preview shows the package's facts in words as well.
    url = f"/review/cases/{second}/referral"
    page = reviewer.get(url).get_data(as_text=True)
    ticked = re.findall(r'name="fields" type="checkbox" value="([^"]+)" checked', page)
    preview = reviewer.post(url, data={"csrf_token": _token(page), "fields": ticked, "action": "preview"})
    _assert_words("referral preview", visible_text(preview.get_data(as_text=True)))

    pdf = officer.get(f"/police/referrals/{referral}/package.pdf")
    pdf_text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    _assert_words("referral PDF", pdf_text)
    assert "Full referral, with the reporter's details" in re.sub(r"\s+", " ", pdf_text)

    exported = json.loads(officer.get(f"/police/referrals/{referral}/package.json").get_data())
    _assert_words("JSON display labels", "\n".join(f"{k}\n{v}" for k, v in exported["display"].items()))
    # The machine-readable fields keep their documented codes.
    assert exported["kind"] == "full" and exported["consent"] == "with_details"

    # The busy case really did produce the events the test is about.
    case_text = visible_text(reviewer.get(f"/review/cases/{first}").get_data(as_text=True))
    for sentence in ("Status changed from New to In triage", "Linked as related to", "Marked as a duplicate of",
                     "Priority set to High", "Referral sent to the police", "The police acknowledged the referral",
                     "The police recorded an outcome: Crime recorded", "The police asked the Group a question",
                     "The Group answered the police", "Message to the reporter"):
        assert sentence in case_text, sentence
    override_text = visible_text(reviewer.get(f"/review/cases/{fourth}").get_data(as_text=True))
    assert "Safeguarding override asked for: Risk to life" in override_text
    assert "Safeguarding override approved by a second reviewer" in override_text
    assert {"Sign-in failed", "Opened a report", "Changed status", "Sent a referral to the police"} <= seen_actions


def test_the_raw_code_check_catches_codes(app):  # type: ignore[no-untyped-def]
    """The detector itself: a page with codes on it fails."""
    assert "with_details" in raw_codes_in("Reporter's choice\nwith_details\n")
    assert "new>in_triage" in raw_codes_in("status changed (new>in_triage)")
    assert "signin.failed" in raw_codes_in("signin.failed user:5")
    assert "full" in raw_codes_in("Kind\nfull\n")
    assert raw_codes_in("Received\n2026-12-01T09:23:00+00:00")
    assert not raw_codes_in("Kind\nFull referral, with the reporter's details\nReceived\n1 December 2026, 9:23am")


def test_dates_are_words_in_london_time(app):  # type: ignore[no-untyped-def]
    with app.test_request_context():
        assert labels.when(datetime(2026, 12, 1, 9, 23, tzinfo=UTC)) == "1 December 2026, 9:23am"
        assert labels.when(datetime(2026, 7, 1, 12, 5, tzinfo=UTC)) == "1 July 2026, 1:05pm"  # British Summer Time
        assert labels.when("2026-12-01T00:30:00+00:00") == "1 December 2026, 12:30am"
        closed = CaseEvent(kind="status", action="changed", before="new", after="closed", reason="duplicate")
        assert casefile.event_text(closed) == "Status changed from New to Closed (Duplicate of another case)"
        assert labels.audit_target("user:5") == "Account 5"


def test_label_looks_words_up_through_codes(app):  # type: ignore[no-untyped-def]
    """Every list ``label(kind, code)`` knows is an enum of reporting/codes.py (or one of its
    code -> words lists), besides the audit log's actions; the page's marking is still a global."""
    from reporting import codes
    from reporting.disclosure.marking import MARKING

    assert set(labels.ALL_CODES) == set(codes.KINDS) | set(codes.WORD_LISTS) | {"audit_action"}
    with app.test_request_context():
        for kind, enum in codes.KINDS.items():
            assert {code: labels.label(kind, code) for code in enum.words()} == \
                {member.value: str(member.label) for member in enum}
    assert app.jinja_env.globals["protective_marking"] == MARKING


def test_a_page_writing_each_day_and_span_once_writes_the_same_words(app):
    """The queue writes each day and each span ("3 days") once a page (labels.when's ``days``,
    labels.waited's ``spans``): the words are those of each line alone, in every unit."""
    now = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
    times = [datetime(2026, 12, 7, 9, 29, tzinfo=UTC), datetime(2026, 12, 7, 9, 1, tzinfo=UTC),
             datetime(2026, 12, 7, 4, 0, tzinfo=UTC), datetime(2026, 12, 7, 1, 0, tzinfo=UTC),
             datetime(2026, 12, 5, 23, 59, tzinfo=UTC), datetime(2026, 12, 4, 10, 0, tzinfo=UTC),
             datetime(2026, 6, 1, 12, 0, tzinfo=UTC), datetime(2026, 6, 1, 13, 0, tzinfo=UTC)]
    with app.test_request_context():
        days: dict[Any, str] = {}
        spans: dict[tuple[int, int], str] = {}
        shared = [(labels.when(t, "en_GB", days), labels.waited(t, now, spans)) for t in times]
        alone = [(labels.when(t, "en_GB"), labels.waited(t, now)) for t in times]
    assert shared == alone
    assert [w for _day, w in alone] == ["1 minute", "29 minutes", "5 hours", "8 hours", "1 day", "2 days",
                                        "188 days", "188 days"]
    assert alone[6][0] == "1 June 2026, 1:00pm"  # London summer time
