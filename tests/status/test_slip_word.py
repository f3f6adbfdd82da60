"""Issue 11 item 5: centre staff (or a reviewer on the phone) who saw a receipt code cannot
take the report over with it. The slip's first use at /status asks for the word the person
chose; the code alone opens nothing (not even with the database), a wrong word looks and
costs the same as a wrong code, and the person then gets a code of their own."""
from __future__ import annotations

import re
import secrets
import statistics
import time

import pytest
from sqlalchemy import select

from reporting import crypto
from reporting.audit.models import AuditEvent
from reporting.extensions import db
from reporting.reports.models import Report
from reporting.reports.services import receipt_wrap_binding
from reporting.settings import current_settings
from reporting.status import services as status_services
from tests.assisted.test_assisted import ASSISTED_FIRST, centre_client, walk
from tests.helpers import csrf_token, minimal_answers, post_form, sign_in
from tests.public.test_canary import cookie_texts, database_bytes

TOKEN = re.compile(r'name="csrf_token" value="[^"]+"')
CODE = re.compile(r"\d{4}(?: \d{4}){5}")
WRONG = "does not match a report"


def text_of(response) -> str:
    return re.sub(r"<[^>]+>", "", response.get_data(as_text=True))


def assisted_report(app, make_user, word: str, answers=None) -> tuple[str, str, object]:
    """A report taken at a centre with the person's ``word``: (reference, slip code, staff client)."""
    staff, _ = centre_client(app, make_user)
    post_form(staff, "/centre/report/", {})
    walk(staff, ASSISTED_FIRST | (answers or minimal_answers())
         | {"receipt-word": {"receipt_word": word, "receipt_word_again": word}})
    assert post_form(staff, "/centre/report/check", {}).status_code == 302
    slip = staff.get("/centre/report/receipt")
    reference = re.search(r"HC-\d\d-[0-9A-Z]{6}", slip.get_data(as_text=True)).group(0)
    return reference, CODE.search(text_of(slip)).group(0), staff


def try_code(client, code: str):
    return post_form(client, "/status", {"receipt": code})


def post_word(client, data: dict[str, str]):
    """What the word page's form sends (it posts to /status, like the code's form)."""
    return client.post("/status", data={"csrf_token": csrf_token(client, "/status/word"), **data})


def try_word(client, code: str, word: str):
    asked = try_code(client, code)
    assert asked.status_code == 302 and asked.headers["Location"].endswith("/status/word"), asked.status_code
    return post_word(client, {"word": word})


def test_staff_with_the_slip_code_cannot_read_the_report_and_the_person_with_the_word_can(app, make_user, keys):
    secret_detail = "CANARYSLIP" + secrets.token_hex(4)
    answers = minimal_answers() | {"description": {"description": f"Shouted at by the bins. {secret_detail}"}}
    reference, slip_code, staff = assisted_report(app, make_user, "Kingfisher", answers)

    # The member of staff who wrote the code down tries it: asked for a word they do not have.
    asked = try_code(staff, slip_code)
    assert asked.headers["Location"].endswith("/status/word")
    word_page = staff.get("/status/word")
    assert "Enter your word" in word_page.get_data(as_text=True)
    for guess in ("kingfishers", "password", "library"):
        refused = post_word(staff, {"word": guess})
        assert refused.status_code == 200 and WRONG in refused.get_data(as_text=True)
        assert secret_detail not in refused.get_data(as_text=True) and reference not in refused.get_data(as_text=True)
        asked = try_code(staff, slip_code)  # the word page needs the code again after a wrong try
        assert asked.headers["Location"].endswith("/status/word")
    assert staff.get("/status/report").headers["Location"].endswith("/status")

    # Not just a check in the web code: the code alone derives no key that opens the report.
    with app.app_context():
        stored = db.session.scalar(select(Report).where(Report.reference == reference))
        receipt = crypto.parse_receipt(slip_code)
        verifier, wrap_key = crypto.derive_keys(receipt.secret.encode(), stored.receipt_salt,
                                                crypto.KdfParams.decode(stored.receipt_kdf))
        assert not crypto.verifier_matches(stored.receipt_verifier, verifier)
        with pytest.raises(crypto.CryptoError):
            crypto.unwrap_private_key(wrap_key, stored.key_wrap_receipt, receipt_wrap_binding(reference))
        assert stored.receipt_needs_word and stored.receipt_word_failures == 3

    # The person, with code and word (spaces and capitals do not matter), gets in and a new code.
    person = app.test_client()
    opened = try_word(person, slip_code, " KING fisher ")
    assert opened.status_code == 200
    page = text_of(opened)
    assert "Your new receipt code" in page and "You will not need your word again" in page
    own_code = CODE.search(page).group(0)
    assert own_code != slip_code
    assert secret_detail in person.get("/status/report").get_data(as_text=True)
    # The slip stops working, with or without the word; the person's own code needs no word.
    assert WRONG in try_code(app.test_client(), slip_code).get_data(as_text=True)
    again = try_code(app.test_client(), own_code)
    assert again.status_code == 302 and again.headers["Location"].endswith("/status/report")
    with app.app_context():
        stored = db.session.scalar(select(Report).where(Report.reference == reference))
        assert not stored.receipt_needs_word and stored.receipt_reissued
        actions = [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq))]
    assert actions.count("status.open") == 2 and "status.receipt_reissued" in actions


def attempt(client, page_url: str, data: dict[str, str]) -> tuple[int, str, float]:
    token = csrf_token(client, page_url)
    started = time.process_time()
    response = client.post("/status", data={"csrf_token": token, **data})
    elapsed = time.process_time() - started
    return response.status_code, TOKEN.sub("", response.get_data(as_text=True)), elapsed


def test_a_wrong_word_gets_the_same_page_and_the_same_argon2_work_as_a_wrong_code(make_app, make_user, monkeypatch):
    # A receipt KDF costly enough that skipping it would show.
    app = make_app(RECEIPT_KDF="argon2id:t=1,m=8192,p=1")
    # make_user made the keys, on the same database.
    reference, slip_code, _ = assisted_report(app, make_user, "otterburn")
    digits = slip_code.replace(" ", "")
    wrong_secret = digits[:-1] + str((int(digits[-1]) + 1) % 10)
    absent_lookup = str((int(digits[:8]) + 1) % 10**8).zfill(8) + digits[8:]

    derivations = []
    real = crypto.derive_keys
    monkeypatch.setattr(crypto, "derive_keys", lambda *a, **k: derivations.append(1) or real(*a, **k))

    client = app.test_client()
    bodies: dict[str, set[str]] = {"wrong word": set(), "wrong code, right word": set(), "no such code": set()}
    timings: dict[str, list[float]] = {name: [] for name in bodies}
    for _ in range(4):  # 8 wrong tries of the slip: under the 10 that lock it
        for name, code, word in (("wrong word", digits, "otterburns"), ("wrong code, right word", wrong_secret, "otterburn"),
                                 ("no such code", absent_lookup, None)):
            if word is None:
                derivations.clear()
                status, body, elapsed = attempt(client, "/status", {"receipt": code})
            else:
                assert try_code(client, code).headers["Location"].endswith("/status/word")
                derivations.clear()
                status, body, elapsed = attempt(client, "/status/word", {"word": word})
            assert status == 200 and len(derivations) == 1, (name, len(derivations))
            bodies[name].add(body)
            timings[name].append(elapsed)
    pages = set().union(*bodies.values())
    assert len(pages) == 1, "a wrong word and a wrong code must get the same page"
    assert WRONG in next(iter(bodies["wrong word"]))
    medians = {name: statistics.median(values) for name, values in timings.items()}
    # The two wrong tries of the slip take the same path; a code matching no report skips
    # only the counting of the wrong try (a small write), never the derivation.
    slip = (medians["wrong word"], medians["wrong code, right word"])
    assert max(slip) / min(slip) < 1.5, timings
    assert max(medians.values()) / min(medians.values()) < 2, timings
    with app.app_context():
        assert db.session.scalar(select(Report.receipt_word_failures).where(Report.reference == reference)) == 8


def test_ten_wrong_words_lock_the_slip_until_the_group_gives_a_new_code(app, make_user):
    reference, slip_code, staff = assisted_report(app, make_user, "heron")
    for number in range(status_services.WORD_TRIES):
        assert WRONG in try_word(staff, slip_code, f"guess{number}").get_data(as_text=True)
    locked = try_code(app.test_client(), slip_code)
    assert locked.status_code == 200 and "too many times" in locked.get_data(as_text=True)
    # Locked for the right word too: the person needs a new code from the Group.
    person = app.test_client()
    assert "too many times" in try_code(person, slip_code).get_data(as_text=True)
    with app.app_context():
        actions = [e.action for e in db.session.scalars(select(AuditEvent))]
    assert actions.count("status.receipt_locked") == 1

    reviewer = make_user("reviewer")
    desk = app.test_client()
    sign_in(desk, app, reviewer.email)
    # A new code needs a second key holder and goes only to an email address the person gave
    # (tests/approvals/test_two_person.py); this person gave none, so it is refused at once.
    asked = post_form(desk, f"/review/cases/{reference}/new-code",
                      {"asked_by": "in_person", "proved_by": "in_person", "delivery": "email",
                       "reason": "Came in with identification after the slip locked"})
    assert asked.status_code == 409 and "gave no email address" in asked.get_data(as_text=True)


def test_a_phone_report_needs_the_callers_word_too(app, make_user):
    reviewer = make_user("reviewer")
    desk = app.test_client()
    sign_in(desk, app, reviewer.email)
    post_form(desk, "/review/phone/", {})
    steps = minimal_answers() | {"receipt-word": {"receipt_word": "Lighthouse", "receipt_word_again": "lighthouse"}}
    url = "/review/phone/who"
    while not url.endswith("/check"):
        name = url.rsplit("/", 1)[1]
        response = post_form(desk, url, steps[name])
        assert response.status_code == 302, (name, response.get_data(as_text=True)[:1500])
        url = response.headers["Location"]
    assert post_form(desk, "/review/phone/check", {}).status_code == 302
    sent = text_of(desk.get("/review/phone/sent"))
    assert "asked for the word they chose" in sent
    code = CODE.search(sent).group(0)
    # The reviewer who read the code out cannot use it alone either.
    assert WRONG in try_word(desk, code, "seaside").get_data(as_text=True)
    opened = try_word(app.test_client(), code, "LIGHTHOUSE")
    assert opened.status_code == 200 and CODE.search(text_of(opened)).group(0) != code


def test_the_word_is_never_stored_logged_shown_or_put_in_a_cookie(app, make_user, keys, captured_logs):
    word = "Canaryword" + secrets.token_hex(4)
    needles = {word, word.casefold(), word.upper()}
    staff, _ = centre_client(app, make_user)
    post_form(staff, "/centre/report/", {})
    # A mistyped second copy is shown as an error, without the word.
    mismatch = post_form(staff, "/centre/report/receipt-word", {"receipt_word": word, "receipt_word_again": word + "x"})
    assert "type the same word twice" in mismatch.get_data(as_text=True)
    seen = [mismatch.get_data(as_text=True)]
    walk(staff, ASSISTED_FIRST | minimal_answers() | {"receipt-word": {"receipt_word": word, "receipt_word_again": word}})
    # Going back to the word page says it is set (issue 26: once, by the person), never the word.
    seen.append(staff.get("/centre/report/receipt-word").get_data(as_text=True))
    assert "The person has chosen their word" in seen[-1]
    seen.append(staff.get("/centre/report/check").get_data(as_text=True))
    assert post_form(staff, "/centre/report/check", {}).status_code == 302
    slip = staff.get("/centre/report/receipt")
    seen.append(slip.get_data(as_text=True))
    code = CODE.search(text_of(slip)).group(0)
    seen += [staff.get("/centre/").get_data(as_text=True)]
    cookies = cookie_texts(app, staff)

    person = app.test_client()
    try_code(person, code)
    cookies += cookie_texts(app, person)
    wrong = post_word(person, {"word": word + "z"})
    seen.append(wrong.get_data(as_text=True))
    opened = try_word(person, code, word)
    seen += [opened.get_data(as_text=True), person.get("/status/report").get_data(as_text=True)]
    cookies += cookie_texts(app, person)

    reviewer = make_user("reviewer")
    desk = app.test_client()
    sign_in(desk, app, reviewer.email)
    reference = re.search(r"HC-\d\d-[0-9A-Z]{6}", slip.get_data(as_text=True)).group(0)
    seen.append(desk.get(f"/review/cases/{reference}").get_data(as_text=True))
    with app.app_context():
        stored = database_bytes(app)
        audit_text = " ".join(f"{e.action} {e.target} {e.detail}" for e in db.session.scalars(select(AuditEvent)))
    for needle in needles:
        assert needle.encode() not in stored, "the word is in the database"
        assert not any(needle in page for page in seen), "the word was shown"
        assert not any(needle in text for text in cookies), "the word is in a cookie"
        assert not any(needle in line for line in captured_logs), "the word was logged"
        assert needle not in audit_text


@pytest.mark.parametrize("data, message", [
    ({"receipt_word": "", "receipt_word_again": ""}, "Enter a word you will remember"),
    ({"receipt_word": "abc", "receipt_word_again": "abc"}, "Choose a word of 4 to 40 letters or numbers"),
    ({"receipt_word": "x" * 41, "receipt_word_again": "x" * 41}, "Choose a word of 4 to 40 letters or numbers"),
    ({"receipt_word": "x" * 101, "receipt_word_again": ""}, "Choose a word of 40 letters or fewer"),
    ({"receipt_word": "bad\x07word", "receipt_word_again": "bad\x07word"}, "Remove the unusual characters"),
    ({"receipt_word": "meadow", "receipt_word_again": "meadows"}, "type the same word twice"),
    ({"receipt_word": "  -  ", "receipt_word_again": "  -  "}, "Choose a word of 4 to 40 letters or numbers"),
])
def test_bad_words_get_a_clear_error_and_the_journey_does_not_move_on(app, make_user, data, message):
    staff, _ = centre_client(app, make_user)
    post_form(staff, "/centre/report/", {})
    # Before the word is set (once set, it is never replaced: issue 26).
    response = post_form(staff, "/centre/report/receipt-word", data)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert message in body and "govuk-error-summary" in body
    assert 'value="meadow"' not in body and "bad\x07word" not in body


def test_bad_input_on_the_word_page_changes_nothing(app, make_user):
    _, slip_code, _ = assisted_report(app, make_user, "snowdrop")
    visitor = app.test_client()
    # No code held: the word page sends people to enter their code.
    assert visitor.get("/status/word").headers["Location"].endswith("/status")
    token = csrf_token(visitor, "/status")
    assert visitor.post("/status", data={"csrf_token": token, "word": "snowdrop"}).headers["Location"].endswith("/status")
    try_code(visitor, slip_code)
    for data, message in (({"word": ""}, "Enter your word"), ({"word": "a" * 101}, "too long"),
                          ({"word": "snow\x00drop"}, "unusual characters")):
        response = post_word(visitor, data)
        assert response.status_code == 200 and message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Report.receipt_word_failures)) == 0, "a form error is not a try"
    # A tampered or lapsed held code is dropped.
    with visitor.session_transaction() as cookie:
        cookie["held_receipt"] = cookie["held_receipt"][:-4] + "AAAA"
    assert visitor.get("/status/word").headers["Location"].endswith("/status")
    with app.test_request_context():
        from datetime import timedelta

        from reporting.db import utcnow

        token = status_services.hold_code(slip_code, now=utcnow(), settings=current_settings())
        assert status_services.held_code(token, now=utcnow(), settings=current_settings()) == slip_code.replace(" ", "")
        later = utcnow() + timedelta(minutes=status_services.HELD_CODE_MINUTES + 1)
        assert status_services.held_code(token, now=later, settings=current_settings()) is None
        assert status_services.held_code(12, now=utcnow(), settings=current_settings()) is None
    # Still opens with the right word afterwards.
    assert try_word(app.test_client(), slip_code, "snowdrop").status_code == 200


def test_word_tries_are_rate_limited_like_receipts(make_app, make_user):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STATUS="3 per minute")
    # make_user made the keys, on the same database.
    _, slip_code, _ = assisted_report(app, make_user, "bramble")
    client = app.test_client()
    assert try_code(client, slip_code).status_code == 302
    with client.session_transaction() as cookie:
        held = cookie["held_receipt"]
    statuses = []
    for _ in range(4):
        with client.session_transaction() as cookie:
            cookie["held_receipt"] = held  # a copy of the cookie replayed for each guess
        statuses.append(post_word(client, {"word": "nettle"}).status_code)
    # Code and word are posted to /status and share its limit: the code's post was the first of 3.
    assert statuses == [200, 200, 429, 429]


def test_the_case_page_links_to_a_new_code_for_reviewers_holding_the_key(app, make_user):
    reference, _, _ = assisted_report(app, make_user, "foxglove")
    holder, keyless = make_user("reviewer"), make_user("reviewer", holder=False)
    for user, shown in ((holder, True), (keyless, False)):
        desk = app.test_client()
        sign_in(desk, app, user.email)
        page = desk.get(f"/review/cases/{reference}").get_data(as_text=True)
        assert ("Give the person a new receipt code" in page) is shown
        assert (f'href="/review/cases/{reference}/new-code"' in page) is shown
