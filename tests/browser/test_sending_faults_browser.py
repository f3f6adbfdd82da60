"""Issue 12 defects 4-6 in a real browser, without JavaScript: the database stops as the
report is sent, after it is sent, and a question is posted from an older page after
sending. Each page fits 375 px and 1280 px and passes axe.

Set SCREENSHOT_DIR to keep a screenshot of each page at each width.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from reporting.extensions import db
from tests.browser.pages import answer_the_questions, heading, main_text, press
from tests.browser.test_narrow_pages import PHONE, check_both

if TYPE_CHECKING:
    from flask import Flask
    from playwright.sync_api import BrowserContext

    from tests.browser.conftest import Axe, LiveServer

pytestmark = pytest.mark.browser


@contextmanager
def database_down(app: Flask) -> Iterator[None]:
    """Every statement fails, as with a stopped server (the live server's engine)."""
    with app.app_context():
        engine = db.engine

    def refuse(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        raise OperationalError(statement, None, ConnectionError("server closed the connection"))

    event.listen(engine, "before_cursor_execute", refuse)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", refuse)


def test_an_outage_at_and_after_the_send_never_loses_the_answers_or_says_not_sent(
    live_server: LiveServer, new_context: Callable[..., BrowserContext], axe: Axe
) -> None:
    page = new_context(java_script_enabled=False, viewport=PHONE).new_page()
    page.goto(live_server("/"))
    press(page, "Report online")
    answer_the_questions(page, "Paint on the library wall.")
    assert heading(page) == "Check your answers before sending your report"

    with database_down(live_server.app):
        press(page, "Send report")
        assert heading(page) == "Check your answers before sending your report"
        text = main_text(page)
        # It cannot know whether an earlier press sent it: never "not sent" (issue 27 item 4).
        assert "We could not confirm that your report was received" in text and "Paint on the library wall." in text
        assert "not been sent" not in text
        check_both(page, axe, "check page, not sent during an outage")

    press(page, "Try sending again")  # the database is back
    assert heading(page) == "Report sent"
    reference = page.locator(".govuk-panel__body strong").inner_text()

    with database_down(live_server.app):
        page.reload()
        text = main_text(page)
        assert reference in text and "Report sent" in text and "not been sent" not in text
        check_both(page, axe, "sent page during an outage")

    # The database is back: the reference again, and the code again for a while (issue 27 item 3).
    page.reload()
    assert reference in main_text(page) and page.locator("#receipt-code").count() == 1


def test_a_question_posted_after_the_report_was_sent_says_it_was_not_added(
    live_server: LiveServer, new_context: Callable[..., BrowserContext], axe: Axe
) -> None:
    context = new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(live_server("/"))
    press(page, "Report online")
    answer_the_questions(page, "Stickers on a bus stop.")
    question = context.new_page()  # a second tab, left on a question
    question.goto(live_server("/report/who"))
    press(page, "Send report")
    assert heading(page) == "Report sent"

    question.get_by_label("It happened to me").check()
    press(question, "Continue")
    assert heading(question) == "Your report was already sent"
    assert "what you just changed was not added" in main_text(question)
    check_both(question, axe, "not added page")
