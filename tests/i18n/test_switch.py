"""Choosing a language: ?lang=CODE on any page, links in the header, kept only in the session,
Accept-Language as a first guess on public pages, staff pages English unless chosen there."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from reporting.extensions import db
from reporting.i18n import LANGUAGES
from tests.helpers import CSRF, sign_in

HEADER_NAMES = ["English", "Easy Read", "Polski", "Română", "Lietuvių", "Українська", "العربية"]


def html_lang(page: str) -> tuple[str, str]:
    match = re.search(r'<html lang="([^"]+)" dir="([^"]+)"', page)
    assert match, page[:300]
    return match.group(1), match.group(2)


def get(client: FlaskClient, url: str, **kwargs) -> str:  # type: ignore[no-untyped-def]
    response = client.get(url, **kwargs)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def test_the_header_names_each_language_in_itself_as_a_plain_link(client):
    page = get(client, "/privacy")
    switch = page[page.index('class="app-language-switch"'):page.index("</nav>", page.index("app-language-switch"))]
    assert re.findall(r'dir="(?:ltr|rtl)">([^<]+)</(?:a|span)>', switch) == HEADER_NAMES
    # Plain links back to this page with ?lang=: no JavaScript, no form.
    assert 'href="/privacy?lang=pl"' in switch and 'lang="pl"' in switch
    assert 'href="/privacy?lang=ar"' in switch and 'dir="rtl"' in switch
    assert '<span class="app-language-switch__current" aria-current="true" lang="en" dir="ltr">English</span>' in switch
    assert [language.name for language in LANGUAGES] == HEADER_NAMES


def test_lang_on_any_public_page_switches_and_sticks_for_the_session(client):
    response = client.get("/centres/?town=ludlow&lang=pl")
    # The address is cleaned of ?lang (kept out of history), other parameters kept.
    assert response.status_code == 303
    assert response.headers["Location"] == "/centres/?town=ludlow"
    assert html_lang(get(client, "/centres/?town=ludlow")) == ("pl", "ltr")
    assert html_lang(get(client, "/accessibility")) == ("pl", "ltr")
    assert "Prywatność" in get(client, "/accessibility")  # the footer's "Privacy"
    client.get("/privacy?lang=ar")
    assert html_lang(get(client, "/privacy")) == ("ar", "rtl")
    # The switch on a Polish page links every language, English included.
    assert 'href="/privacy?lang=en"' in get(client, "/privacy")
    client.get("/privacy?lang=EN")
    assert html_lang(get(client, "/privacy")) == ("en", "ltr")


def test_an_unknown_language_is_ignored_not_an_error(client):
    client.get("/?lang=pl")
    response = client.get("/privacy?lang=xx-<script>")
    assert response.status_code == 303
    assert response.headers["Location"] == "/privacy"
    assert html_lang(get(client, "/privacy")) == ("pl", "ltr")
    assert client.get("/privacy?lang=").status_code == 303


def test_lang_on_a_form_post_applies_without_a_redirect(client):
    token = CSRF.search(get(client, "/report/")).group(1)  # type: ignore[union-attr]
    response = client.post("/report/?lang=uk", data={"csrf_token": token})
    assert response.status_code == 302  # the form's own answer, not the language's redirect
    assert response.headers["Location"].endswith("/report/who")
    assert html_lang(get(client, "/privacy")) == ("uk", "ltr")
    # A form sent without its token answers with the expired-form page, in the language chosen.
    response = client.post("/report/?lang=ro", data={})
    assert response.status_code == 400 and html_lang(response.get_data(as_text=True)) == ("ro", "ltr")


def test_accept_language_is_a_first_guess_and_a_choice_wins(client):
    assert html_lang(get(client, "/privacy", headers={"Accept-Language": "ro-RO,ro;q=0.9,en;q=0.5"})) == ("ro", "ltr")
    assert html_lang(get(client, "/privacy", headers={"Accept-Language": "ar-SA"})) == ("ar", "rtl")
    assert html_lang(get(client, "/privacy", headers={"Accept-Language": "de-DE,fr;q=0.8"})) == ("en", "ltr")
    # Easy Read is a choice, never a guess.
    assert html_lang(get(client, "/privacy", headers={"Accept-Language": "en-x-easy"})) == ("en", "ltr")
    assert "app-easy-read" not in get(client, "/", headers={"Accept-Language": "en-x-easy"})
    client.get("/?lang=lt")
    assert html_lang(get(client, "/privacy", headers={"Accept-Language": "ro"})) == ("lt", "ltr")


def test_unsupported_languages_are_not_offered(make_app, keys):
    client = make_app(SUPPORTED_LOCALES=["en", "pl"]).test_client()
    page = get(client, "/privacy")
    assert "Polski" in page and "Română" not in page
    client.get("/?lang=ro")
    assert html_lang(get(client, "/privacy")) == ("en", "ltr")
    # With only one language there is nothing to switch to.
    assert "app-language-switch" not in get(make_app(SUPPORTED_LOCALES="en").test_client(), "/privacy")


def _everything(app: Flask) -> dict[str, list[tuple[object, ...]]]:
    with app.app_context():
        tables = sa.inspect(db.engine).get_table_names()
        with db.engine.connect() as connection:
            return {t: sorted(map(tuple, connection.execute(sa.text(f'SELECT * FROM "{t}"'))), key=repr)
                    for t in tables}


def test_the_choice_lives_only_in_the_session(app, client, captured_logs):
    before = _everything(app)
    client.get("/privacy?lang=uk")
    page = get(client, "/centres/")
    assert html_lang(page) == ("uk", "ltr")
    assert _everything(app) == before  # not a row, not a column
    assert not [line for line in captured_logs if re.search(r"\buk\b|lang|Українська", line)]
    # A new browser (no session cookie) starts again from its own guess.
    assert html_lang(get(app.test_client(), "/centres/")) == ("en", "ltr")


def test_the_development_servers_access_lines_leave_out_the_choice(app, captured_logs):
    import logging

    logging.getLogger("werkzeug").info('%s - - [01/Dec/2026 10:00:00] "%s" %s -', "127.0.0.1",
                                       "GET /centres/?town=ludlow&lang=uk HTTP/1.1", "303")
    line = next(line for line in captured_logs if "/centres/" in line)
    assert "uk" not in line and "127.0.0.1" not in line
    assert "/centres/?town=ludlow&lang=-" in line


def test_leaving_with_exit_this_page_forgets_the_language(client):
    client.get("/?lang=ar")
    client.get("/exit")
    assert html_lang(get(client, "/privacy")) == ("en", "ltr")


def test_staff_pages_stay_english_unless_a_staff_member_chooses(app, client, make_user):
    reviewer = make_user("reviewer")
    sign_in(client, app, reviewer.email)
    client.get("/?lang=pl")
    assert html_lang(get(client, "/privacy")) == ("pl", "ltr")
    # The public choice and the browser's Accept-Language do not reach staff pages.
    staff_page = get(client, "/review/", headers={"Accept-Language": "pl"})
    assert html_lang(staff_page) == ("en", "ltr")
    assert "app-language-switch" not in staff_page  # the links are for public pages
    # A staff member chooses on a staff page: that holds for staff pages only.
    response = client.get("/review/?lang=ar")
    assert response.status_code == 303 and response.headers["Location"] == "/review/"
    assert html_lang(get(client, "/review/")) == ("ar", "rtl")
    assert html_lang(get(client, "/privacy")) == ("pl", "ltr")


@pytest.mark.parametrize("code", ["pl", "ar", "en-x-easy"])
def test_every_public_page_in_the_map_takes_lang(app, client, code):
    """?lang works on every public GET page without parameters (docs/design.md: "any public page")."""
    from reporting.security import policy_for

    pages = sorted(
        rule.rule for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments and rule.endpoint not in ("static", "public.exit_page")
        and (policy_for(app, rule.endpoint) or None) is not None and policy_for(app, rule.endpoint).is_public
    )
    assert "/" in pages and "/centres/" in pages
    for page in pages:
        response = client.get(f"{page}?lang={code}")
        assert response.status_code == 303, page
        assert response.headers["Location"] == page
