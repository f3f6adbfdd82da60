"""Issue 28, item 10: headings said once, and the case read before it is acted on.

Each folded section of the case page repeated its question beneath it ("Who is
reporting?" twice); the meeting page had an h2 "Minutes" and then the label "Minutes".
In the page's order (a phone's), the case's summary now comes before the actions, and
the report after them.
"""
from __future__ import annotations

import html
import re

from reporting.auth.demo import DEMO_PASSWORD
from tests.helpers import full_answers, report, sign_in

SECTION = re.compile(r'<details class="govuk-details app-case__section"[^>]*>(.*?)</details>', re.S)


def _words(markup: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", markup))).strip()


def test_each_folded_section_names_its_question_once_and_the_summary_comes_first(app, client, make_user):  # type: ignore[no-untyped-def]
    reference, _ = report(client, full_answers())
    staff = app.test_client()
    sign_in(staff, app, make_user("reviewer").email)
    page = staff.get(f"/review/cases/{reference}").get_data(as_text=True)
    sections = SECTION.findall(page)
    assert sections
    for section in sections:
        title = _words(re.search(r"<summary[^>]*>(.*?)</summary>", section, re.S).group(1))  # type: ignore[union-attr]
        labels = [_words(dt) for dt in re.findall(r"<dt[^>]*>(.*?)</dt>", section, re.S)]
        assert title not in labels, f"{title!r} is said twice"
    assert "It happened to me" in _words(page)  # the answer itself is still there
    order = [page.index(f'<h2 class="govuk-heading-m">{h}</h2>') for h in ("Summary", "Actions", "The report")]
    assert order == sorted(order), order
    summary = _words(page[order[0]:order[1]])
    for words in ("What", "When", "Where", "Risk flags", "Waiting", "Verbal abuse", "3 November 2025", "Shrewsbury"):
        assert words in summary, words


def test_the_meeting_minutes_have_one_heading(app, runner):  # type: ignore[no-untyped-def]
    assert runner.invoke(args=["demo"]).exit_code == 0  # a meeting, with minutes
    staff = app.test_client()
    sign_in(staff, app, "reviewer@example.org", password=DEMO_PASSWORD)
    page = staff.get("/review/meetings/1").get_data(as_text=True)
    assert page.count(">Minutes<") == 1, re.findall(r".{80}>Minutes<.{40}", page)
    assert re.search(r'<h2 class="govuk-label-wrapper"><label class="govuk-label govuk-label--m" for="minutes-minutes">Minutes</label></h2>', page)
