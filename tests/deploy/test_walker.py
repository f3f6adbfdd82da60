"""`make prove`'s walker (tests/deploy/stack.py), against pages of the service's own making.

Issue 27 item 6: told "received, come back to this page in a few minutes to see your
code" (the database could not be written when the code was first to be shown), it came
to a page with no form and gave up, so a stored report counted as one nobody was told of.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import render_template

from tests.deploy.stack import Failure, walk_journey

CHECK = """<form method="post" action="/report/check"><input type="hidden" name="csrf_token" value="t">
<button type="submit">Send report</button></form>"""
SENT = ('<div>Report sent. Your reference <strong>HC-26-ABC123</strong></div>'
        '<strong class="app-receipt-code" id="receipt-code"><span>1234</span> <span>5678</span></strong>')


@dataclass
class Page:
    url: str
    text: str
    status_code: int = 200


@dataclass
class Service:
    """Answers as the service does when the code cannot be shown at first: the "received"
    page (rendered from the real template) after the send and on two returns, then the
    confirmation."""

    received: str
    visits: list[str] = field(default_factory=list)

    def request(self, method: str, url: str, **kwargs: Any) -> Page:
        self.visits.append(f"{method} {url}")
        if url.endswith("/report/"):
            return Page(url, CHECK)
        if method == "POST":
            return Page("https://x/report/sent", self.received)
        if sum(1 for visit in self.visits if visit.endswith("/report/sent")) < 3:
            return Page(url, self.received)
        return Page(url, SENT)


def test_the_walker_comes_back_for_the_code_as_the_received_page_says(app, monkeypatch):
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    with app.test_request_context("/report/sent"):
        received = render_template("public/received.html", reference="HC-26-ABC123", shown=False,
                                   sent_url="/report/sent", layout="base.html")
    service = Service(received)
    failures: list[Failure] = []
    presses: list[str] = []
    sent = walk_journey(service, "https://x", retries=5, failures=failures, presses=presses)
    assert (sent.reference, sent.receipt) == ("HC-26-ABC123", "1234 5678")
    assert service.visits.count("GET https://x/report/sent") == 3, service.visits
    assert [f.status for f in failures] == [200, 200, 200], "each return is recorded"
    assert presses == ["/report/check"], "one press of send"
