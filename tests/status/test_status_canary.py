"""Promise 1 for the reporter's side: messages and additions are sealed everywhere."""
from __future__ import annotations

import re
import secrets

from tests.helpers import csrf_token, full_answers, post_form, report, sign_in
from tests.public.test_canary import database_bytes


def test_messages_replies_and_additions_never_appear_in_clear(make_app, smtp_server, make_user, captured_logs):
    holder = make_user("reviewer", email="holder@example.org")
    make_user("reviewer", email="new@example.org", holder=False)
    host, port, received = smtp_server
    app = make_app(MAIL_SERVER=host, MAIL_PORT=port)
    canary = "CANARYMSG" + secrets.token_hex(6)
    steps = full_answers()
    steps["contact-how"]["leave_message"] = "yes"  # the reporter allows a "there is news" email
    reference, receipt = report(app.test_client(), steps)
    reviewer = app.test_client()
    sign_in(reviewer, app, holder.email)
    url = f"/review/cases/{reference}"
    token = re.search(r'name="csrf_token" value="([^"]+)"', reviewer.get(url).get_data(as_text=True)).group(1)
    assert reviewer.post(f"{url}/messages", data={"csrf_token": token, "message-text": f"Question {canary}-A"}).status_code == 302
    assert len(received) == 1, "the reporter allowed an email saying there is news"

    visitor = app.test_client()
    post_form(visitor, "/status", {"receipt": receipt})
    assert f"Question {canary}-A" in visitor.get("/status/report").get_data(as_text=True)
    token = csrf_token(visitor, "/status/report")
    visitor.post("/status/reply", data={"csrf_token": token, "reply-text": f"Reply {canary}-B"})
    visitor.post("/status/add", data={"csrf_token": token, "addition-text": f"More {canary}-C"})
    assert f"More {canary}-C" in reviewer.get(url).get_data(as_text=True)

    # Anyone without the receipt or a key sees none of it.
    stranger = app.test_client()
    outsider_client = app.test_client()
    sign_in(outsider_client, app, "new@example.org")
    seen = [
        stranger.get("/status/report").get_data(),
        stranger.get("/").get_data(),
        outsider_client.get(url).get_data(),
        outsider_client.get("/review/").get_data(),
    ]
    with app.app_context():
        stored = database_bytes(app)
    needle = canary.encode()
    assert needle not in stored
    assert not any(needle in body for body in seen)
    assert not any(canary in line for line in captured_logs)
    assert not any(canary in str(mail) for mail in received)
    body = received[0].get_payload(decode=True).decode()
    assert "/status" in body and reference not in body
