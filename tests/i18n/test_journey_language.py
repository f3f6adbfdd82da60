"""No English left anywhere a reporter goes, in every language: the home page, every journey
step and its error state, "tell us more", files, check answers, the sent page, the staying-safe
page and /status (enter, a wrong code, the report, a reply with an error).

One walk per language (a report is made each time), collecting every page's leftover English,
so a gap names the page and the words."""
from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from tests.helpers import REQUIRED_STEPS, csrf_token, full_answers, post_form, start
from tests.i18n.catalogues import TRANSLATED, english_left, kept_as_is, readable_text
from tests.i18n.test_catalogues import NAMES, SAME_WORD

@pytest.fixture
def backend() -> str:
    """SQLite only, whatever TEST_DATABASE_URL says: a language is the words on a page, not a
    database concern. The journey's PostgreSQL run is in the journey's own tests."""
    return "sqlite"


# What the walk types as the reporter (their own words, shown back on check answers and /status).
TYPED = ("Polish", "Sam", "sam@example.org")


class Walk:
    def __init__(self, client: FlaskClient, code: str) -> None:
        self.client = client
        self.code = code
        self.kept = kept_as_is(code) | SAME_WORD.get(code, set())
        self.left: dict[str, list[str]] = {}

    def look(self, label: str, html: str) -> None:
        assert f'<html lang="{self.code}"' in html, label
        found = english_left(readable_text(html, self.code), NAMES + TYPED, self.kept)
        if found:
            self.left[label] = found

    def get(self, url: str) -> str:
        response = self.client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        html = response.get_data(as_text=True)
        self.look(url, html)
        return html

    def error_state(self, url: str, data: dict[str, object]) -> None:
        """Post what a person might wrongly send; a page with an error summary is looked at too."""
        response = post_form(self.client, url, data)
        if response.status_code == 302:
            return  # nothing was wrong with it (every answer optional)
        html = response.get_data(as_text=True)
        assert response.status_code in (200, 400), (url, response.status_code)
        assert "govuk-error-summary" in html, url
        self.look(url + " (error)", html)


# What a person might wrongly send on each step: nothing on a required one, a bad format otherwise.
WRONG = {
    "when": {"incident_date-day": "31", "incident_date-month": "2", "incident_date-year": "20x5"},
    "contact": {"contact_ok": "yes", "email": "not an email", "phone": "call me"},
    "reported-before": {"already_reported": "maybe"},
    "offenders": {"offender_count": "lots"},
}


def make_report_walking(walk: Walk) -> str:
    client = walk.client
    answers = full_answers()
    walk.get("/")
    walk.get("/staying-safe-online")
    start(client)
    url = "/report/who"
    while not url.endswith(("/check", "/more")):
        name = url.rsplit("/", 1)[1]
        walk.get(url)
        walk.error_state(url, WRONG.get(name, {}))
        data = dict(answers[name])
        if name == "police":
            data["next"] = "more"
        response = post_form(client, url, data)
        assert response.status_code == 302, name
        url = response.headers["Location"]
        url = url[url.index("/report/"):]
    walk.get("/report/more")
    for name, data in answers.items():
        if name in REQUIRED_STEPS:
            continue
        if client.get(f"/report/{name}").status_code == 302:
            continue  # does not apply to these answers
        walk.get(f"/report/{name}")
        walk.error_state(f"/report/{name}", WRONG.get(name, {}))
        assert post_form(client, f"/report/{name}", data).status_code == 302, name
    walk.get("/report/files")
    walk.error_state("/report/files", {})
    walk.get("/report/check")
    response = post_form(client, "/report/check", {})
    assert response.status_code == 302
    html = walk.get("/report/sent")  # the code is shown this once
    receipt = re.search(r'id="receipt-code">(.*?)</strong>', html, re.S)
    assert receipt
    return " ".join(re.sub(r"<[^>]+>", "", receipt.group(1)).split())


@pytest.mark.parametrize("code", TRANSLATED)
def test_no_english_left_on_the_journey_and_status(client, code):
    assert client.get(f"/?lang={code}").status_code == 303
    walk = Walk(client, code)
    receipt = make_report_walking(walk)

    # /status: a wrong code, then the right one, the report page, and a reply sent empty.
    token = csrf_token(client, "/status")
    wrong = client.post("/status", data={"csrf_token": token, "receipt": "0000 0000 0000 0000 0000 0000"})
    walk.look("/status (wrong code)", wrong.get_data(as_text=True))
    token = csrf_token(client, "/status")
    empty = client.post("/status", data={"csrf_token": token, "receipt": ""})
    walk.look("/status (empty)", empty.get_data(as_text=True))
    token = csrf_token(client, "/status")
    opened = client.post("/status", data={"csrf_token": token, "receipt": receipt})
    assert opened.status_code in (200, 302)
    html = walk.get("/status/report")
    token = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert token
    reply = client.post("/status/reply", data={"csrf_token": token.group(1), "reply-body": ""})
    if reply.status_code != 302:
        walk.look("/status/reply (error)", reply.get_data(as_text=True))
    assert walk.left == {}, "\n".join(f"{page}: {words}" for page, words in walk.left.items())


def test_no_english_left_on_the_word_page(app, client, make_user):
    """The one /status page the walk cannot reach: the word a receipt taken at a centre asks
    for, shown and then with a wrong word, in each language (one slip, a wrong word each:
    fewer than the tries that lock it)."""
    from tests.status.test_slip_word import assisted_report, post_word, try_code

    _reference, code, _staff = assisted_report(app, make_user, "blackbird")
    left = {}
    for language in TRANSLATED:
        visitor = app.test_client()
        assert visitor.get(f"/?lang={language}").status_code == 303
        walk = Walk(visitor, language)
        assert try_code(visitor, code).headers["Location"].endswith("/status/word")
        walk.get("/status/word")
        wrong = post_word(visitor, {"word": "sparrow"})
        assert wrong.status_code == 200, wrong.status_code
        walk.look("/status/word (wrong word)", wrong.get_data(as_text=True))
        left.update({f"{language} {page}": words for page, words in walk.left.items()})
    assert left == {}, "\n".join(f"{page}: {words}" for page, words in left.items())
