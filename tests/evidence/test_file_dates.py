"""Issue 28, item 11: a file's date reads as the rest of the service writes dates.

The reporter's page said "added 06 December 2026 15:52" (UTC, a leading zero, a 24-hour
clock) where every other page says "6 December 2026, 3:56pm" in UK time.
"""
from __future__ import annotations

import html
import re

from reporting.labels import when
from reporting.evidence.models import Evidence
from reporting.extensions import db

SERVICE_DATE = r"\d{1,2} [A-Z][a-z]+ \d{4}, \d{1,2}:\d{2}(?:am|pm)"


def test_a_file_on_the_reporters_page_says_when_in_the_service_format(app, reporter):  # type: ignore[no-untyped-def]
    assert reporter.upload(b"what they wrote on the wall", "note.txt", "text/plain").status_code in (200, 302)
    page = html.unescape(reporter.page())
    added = re.search(r"KB, added ([^)]*)\)", page)
    assert added, "no file date on the page"
    assert re.fullmatch(SERVICE_DATE, added.group(1)), added.group(1)
    with app.app_context(), app.test_request_context():
        uploaded = db.session.query(Evidence.uploaded_at).scalar()
        assert added.group(1) == when(uploaded)


def test_a_waiting_grant_says_when_it_was_asked_in_the_service_format(app, keys, make_user, runner):  # type: ignore[no-untyped-def]
    from tests.helpers import sign_in

    first = make_user("reviewer")
    second = make_user("reviewer", holder=False)
    asked = runner.invoke(args=["keys", "grant", "--email", second.email, "--recovery-key-stdin"],
                          input=keys.recovery_text + "\n")
    assert asked.exit_code == 0, asked.output
    holder = app.test_client()
    sign_in(holder, app, first.email)
    page = holder.get("/staff/grants").get_data(as_text=True)
    shown = re.search(r'>Asked</dt><dd class="govuk-summary-list__value">([^<]+)</dd>', page)
    assert shown and re.fullmatch(SERVICE_DATE, shown.group(1).strip()), shown and shown.group(1)
