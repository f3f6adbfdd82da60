"""Issue 28, item 9: one word for one thing, everywhere a reviewer reads it.

The queue said "Graffiti (Not known)" where the case page, the referral and the PDF said
"Not sure" (the reporter's answer); the channel "Online" read like the place "Online".
"""
from __future__ import annotations

import html
import re

from reporting import codes
from reporting.reports.models import Channel
from tests.helpers import minimal_answers, report, sign_in


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def test_not_sure_reads_the_same_in_the_queue_and_on_the_case(app, client, make_user):  # type: ignore[no-untyped-def]
    reference, _ = report(client, minimal_answers())  # the reporter was not sure why
    staff = app.test_client()
    sign_in(staff, app, make_user("reviewer").email)
    queue = _text(staff.get("/review/").get_data(as_text=True))
    case = _text(staff.get(f"/review/cases/{reference}").get_data(as_text=True))
    assert "Graffiti (Not sure)" in queue
    assert "Not known" not in queue
    assert "Not sure" in case
    # The strand filter names it the same way.
    assert re.search(r'<option value="unknown"[^>]*>Not sure</option>', staff.get("/review/").get_data(as_text=True))


def test_the_online_channel_is_not_the_online_place(app, client, make_user):  # type: ignore[no-untyped-def]
    steps = minimal_answers()
    steps["where"] = {"area": "online"}
    reference, _ = report(client, steps)
    staff = app.test_client()
    sign_in(staff, app, make_user("reviewer").email)
    queue = _text(staff.get("/review/").get_data(as_text=True))
    assert "Online; Online form" in queue  # the place, then how it came
    case = _text(staff.get(f"/review/cases/{reference}").get_data(as_text=True))
    assert "Online form" in case
    words = {str(w) for w in codes.Channel.words().values()}
    assert "Online" not in words and len(words) == len(Channel)
