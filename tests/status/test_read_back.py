"""At /status the reporter can read back what they sent; the reply box answers the Group."""
from __future__ import annotations

import re

from tests.helpers import csrf_token, full_answers, minimal_answers, post_form, report, sign_in


def open_report(app, receipt: str):  # type: ignore[no-untyped-def]
    visitor = app.test_client()
    assert post_form(visitor, "/status", {"receipt": receipt}).status_code == 302
    return visitor


def test_the_reporter_reads_back_what_they_sent_with_a_warning(app, client):
    _reference, receipt = report(client, full_answers("readback"))
    visitor = open_report(app, receipt)
    page = visitor.get("/status/report").get_data(as_text=True)
    assert "What you sent" in page
    assert "Anyone who has your receipt code can read this" in page
    assert "A man shouted at me in the street. readback" in page
    assert "outside the market hall readback" in page and "3 November 2025" in page
    # Read only: no change links into a journey that has ended.
    assert "?change=1" not in page


def test_the_reply_box_is_an_action_until_the_group_writes(app, client, make_user):
    reference, receipt = report(client, minimal_answers())
    visitor = open_report(app, receipt)
    page = visitor.get("/status/report").get_data(as_text=True)
    details = re.search(r'<details class="govuk-details">\s*<summary[^>]*>.*?Send the Group a message.*?</details>', page, re.S)
    assert details and 'name="reply-text"' in details.group(0), "the message box sits behind ‘Send the Group a message’"
    assert "Send reply" not in page
    token = csrf_token(visitor, "/status/report")
    assert visitor.post("/status/reply", data={"csrf_token": token, "reply-text": "A question for you"}).status_code == 302

    reviewer = make_user("reviewer")
    staff = app.test_client()
    sign_in(staff, app, reviewer.email)
    url = f"/review/cases/{reference}"
    staff_token = csrf_token(staff, url)
    staff.post(f"{url}/messages", data={"csrf_token": staff_token, "message-text": "Which bus shelter was it?"})
    page = visitor.get("/status/report").get_data(as_text=True)
    assert "Which bus shelter was it?" in page
    assert "Send the Group a message" not in page and "Send reply" in page  # a reply box under the question


def test_an_empty_message_opens_the_box_with_the_error(app, client):
    _reference, receipt = report(client, minimal_answers())
    visitor = open_report(app, receipt)
    token = csrf_token(visitor, "/status/report")
    page = visitor.post("/status/reply", data={"csrf_token": token, "reply-text": ""}).get_data(as_text=True)
    assert '<details class="govuk-details" open>' in page and "Write your reply" in page
