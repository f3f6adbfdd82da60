"""Issue 28 item 6: what a reporter typed keeps its own direction wherever it is shown.

English typed into the Arabic journey ("my headscarf at the market.") is isolated in a
<bdi> (or a block with dir="auto"), so its full stop stays at its end, on the check page,
the reporter's /status page, the staff case page, the police referral and in messages."""
from __future__ import annotations

import re

from flask.testing import FlaskClient

from tests.helpers import csrf_token, full_answers, post_form, sign_in

TYPED = "Someone pulled at my headscarf at the market."
ADDED = "It happened again on Friday."
NAME = "Layla"


def isolated(page: str, text: str) -> bool:
    """``text`` alone in a <bdi>, or in an element with dir="auto"."""
    return bool(re.search(r"<bdi>\s*" + re.escape(text) + r"\s*</bdi>", page)
                or re.search(r'<(\w+)[^>]*\bdir="auto"[^>]*>\s*' + re.escape(text) + r"\s*</\1>", page))


def answers() -> dict[str, dict[str, object]]:
    steps = full_answers()
    steps["description"] = {"description": TYPED}
    steps["contact"] = dict(steps["contact"], name=NAME)
    return steps


def test_typed_text_keeps_its_direction_for_the_reporter_and_staff(app, client: FlaskClient, make_user):
    assert client.get("/?lang=ar").status_code == 303
    steps = answers()
    from tests.helpers import answer_all, send, start

    start(client)
    answer_all(client, steps)
    check = client.get("/report/check").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl"' in check
    assert isolated(check, TYPED) and isolated(check, NAME)
    reference, receipt = send(client)

    # The reporter at /status: what they sent, and what they add.
    assert post_form(client, "/status", {"receipt": receipt}).status_code == 302
    token = csrf_token(client, "/status/report")
    assert client.post("/status/add", data={"csrf_token": token, "addition-text": ADDED}).status_code == 302
    status = client.get("/status/report").get_data(as_text=True)
    assert isolated(status, TYPED) and isolated(status, ADDED)

    # The Group's case page, in English: the same words, isolated too.
    reviewer = app.test_client()
    sign_in(reviewer, app, make_user("reviewer").email)
    case = reviewer.get(f"/review/cases/{reference}").get_data(as_text=True)
    assert isolated(case, TYPED) and isolated(case, NAME) and isolated(case, ADDED)

    # The police referral.
    url = f"/review/cases/{reference}/referral"
    token = csrf_token(reviewer, url)
    sent = reviewer.post(url, data={"csrf_token": token, "fields": ["description", "name"], "action": "send"})
    assert sent.status_code == 302
    officer = app.test_client()
    sign_in(officer, app, make_user("police").email)
    inbox = officer.get("/police/").get_data(as_text=True)
    referral = re.search(r'href="(/police/referrals/\d+)"', inbox)
    assert referral
    package = officer.get(referral.group(1)).get_data(as_text=True)
    assert isolated(package, TYPED) and isolated(package, NAME)


def test_file_names_keep_their_direction(client: FlaskClient):
    from tests.evidence.conftest import multipart

    assert client.get("/?lang=ar").status_code == 303
    steps = answers()
    from tests.helpers import answer_all, start

    start(client)
    answer_all(client, {name: data for name, data in steps.items() if name in
                        ("who", "what", "why", "when", "where", "description", "police", "contact")})
    token = csrf_token(client, "/report/files")
    body, form_type = multipart({"csrf_token": token}, "evidence-file", "my notes.txt", b"He shouted at me.\n",
                                "text/plain")
    assert client.post("/report/files", data=body, content_type=form_type).status_code == 302
    files = client.get("/report/files").get_data(as_text=True)
    check = client.get("/report/check").get_data(as_text=True)
    assert isolated(files, "my notes.txt") and isolated(check, "my notes.txt")
