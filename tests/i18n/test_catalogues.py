"""The shipped catalogues: placeholders intact, the "being checked" note, and no English left
on the pages translated so far, in every language."""
from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from reporting.centres import services as centre_services
from reporting.extensions import db
from reporting.i18n import TRANSLATION_NOTE
from tests.i18n.catalogues import (
    EASY_READ_PO, PLACEHOLDER, TRANSLATED, TRANSLATIONS, catalogue_paths, english_left, kept_as_is,
    read_catalogue, readable_text,
)

CATALOGUES = catalogue_paths()


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def test_every_language_and_easy_read_ships_a_catalogue():
    shipped = {path.relative_to(TRANSLATIONS).parts[0] for path in CATALOGUES if path.name == "messages.po"}
    assert shipped == set(TRANSLATED)
    assert EASY_READ_PO in CATALOGUES


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(TRANSLATIONS)))
def test_translations_keep_every_placeholder(path):
    broken = []
    for message in read_catalogue(path):
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = placeholders(ids[-1])
        for string in strings:
            if string and placeholders(string) != wanted:
                broken.append((ids[0], string))
    assert broken == []


def test_the_placeholder_check_fails_on_a_broken_placeholder(tmp_path):
    """The check above is not vacuous: a renamed placeholder is caught."""
    assert placeholders("Go to the %(service)s home page") != placeholders("Idź do strony %(serwis)s")
    assert placeholders("{count} files") != placeholders("{n} plików")
    assert placeholders("Go to the %(service)s home page") == placeholders("Przejdź do %(service)s")


@pytest.mark.parametrize("code", TRANSLATED)
def test_each_catalogue_says_it_is_being_checked(code):
    catalogue = read_catalogue(TRANSLATIONS / code / "LC_MESSAGES" / "messages.po")
    assert TRANSLATION_NOTE in catalogue.header_comment
    assert str(catalogue.locale) == code


# --- No English left ---------------------------------------------------------
# Public pages outside the journey. To require another page in every language, add it
# here (a path, or a name set up in `page_url` below). The journey, its errors, /status
# and the receipt word page are walked in tests/i18n/test_journey_language.py.
REQUIRED_PAGES = [
    "/privacy",
    "/accessibility",
    "/centres/",
    "/centres/?town=shrewsbury&offers=step_free",
    "/centres/?town=nowhere",  # no centres found
    "/centres/shrewsbury-library",
    "/centres/shrewsbury-library/poster",
    "/centres/shrewsbury-library/card",
    "/no-such-page",  # 404
    "expired-form",  # the friendly page for a form sent without its token
    "method-not-allowed",  # 405
]
# Error pages a test client cannot easily reach are rendered as the handlers render them.
REQUIRED_TEMPLATES = {"errors/400.html": {}, "errors/403.html": {}, "errors/413.html": {}, "errors/429.html": {},
                      "errors/500.html": {}, "errors/503.html": {},
                      "public/expired.html": {"idle_minutes": 60, "start_url": "/report/"}}
# Names that stay as they are in every language.
NAMES = ("Report Hate Shropshire", "West Mercia", "Shropshire", "Shrewsbury Library", "Shrewsbury",
         "British Sign Language", "BSL", "Information Commissioner’s Office",
         "Equality Advisory and Support Service",
         "Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018")
# Words that are also right in the language itself ("centre" is Romanian and Lithuanian).
# Words that are also right in the language itself ("date" is Romanian for "data").
SAME_WORD = {"ro": {"Centre", "centre", "Bisexual", "Date", "date"}, "lt": {"minutes", "centre"}}


@pytest.fixture
def translated_client(app: Flask, client: FlaskClient) -> FlaskClient:
    with app.app_context():
        centre_services.save_centre(centre_services.CentreData(
            slug="shrewsbury-library", name="Shrewsbury Library", town="shrewsbury",
            address="Castle Gates\nShrewsbury", postcode="SY1 2AS", phone="01743 255300",
            offers=["step_free", "hearing_loop", "quiet_room", "bsl", "interpreters"],
            languages=["English", "Polish"], opening_hours="Monday to Friday 9am to 5pm",
            how_to_get_help="Ask at the front desk for a private room."), actor="test")
        db.session.commit()
    return client


def fetch(client: FlaskClient, page: str) -> tuple[int, str]:
    if page == "expired-form":
        response = client.post("/report/", data={"csrf_token": "stale"})
    elif page == "method-not-allowed":
        response = client.post("/privacy")
    else:
        response = client.get(page)
    return response.status_code, response.get_data(as_text=True)


@pytest.mark.parametrize("code", TRANSLATED)
@pytest.mark.parametrize("page", REQUIRED_PAGES)
def test_no_english_left_on_translated_pages(translated_client, code, page):
    client = translated_client
    assert client.get(f"/?lang={code}").status_code == 303
    status, html = fetch(client, page)
    assert status in (200, 400, 404, 405), (page, status)
    assert f'<html lang="{code}"' in html
    assert english_left(readable_text(html, code), NAMES, kept_as_is(code) | SAME_WORD.get(code, set())) == [], page


@pytest.mark.parametrize("code", TRANSLATED)
@pytest.mark.parametrize("template", REQUIRED_TEMPLATES)
def test_no_english_left_on_error_pages(app, code, template):
    from flask import g, render_template

    from reporting.i18n import BY_CODE

    with app.test_request_context("/no-such-page"):
        g.reporting_language = BY_CODE[code]
        html = render_template(template, **REQUIRED_TEMPLATES[template])
    assert f'<html lang="{code}"' in html
    assert english_left(readable_text(html, code), NAMES, kept_as_is(code) | SAME_WORD.get(code, set())) == [], template


def test_the_gap_check_finds_english(app, translated_client):
    """The check is not vacuous: an English page has plenty of catalogue English in it."""
    html = translated_client.get("/privacy").get_data(as_text=True)
    assert "Privacy" in english_left(readable_text(html, "en"), NAMES)
    polish = readable_text(html.replace("Privacy", "Prywatność"), "pl")
    assert "Privacy" not in english_left(polish, NAMES)


def test_a_translated_page_says_it_is_being_checked_until_signed_off(make_app, keys):
    app = make_app()
    client = app.test_client()
    client.get("/?lang=pl")
    page = client.get("/privacy").get_data(as_text=True)
    assert "To tłumaczenie jest sprawdzane przez grupy społeczne" in page

    signed = make_app(TRANSLATIONS_SIGNED_OFF="pl,ro").test_client()
    signed.get("/?lang=pl")
    assert "To tłumaczenie jest sprawdzane" not in signed.get("/privacy").get_data(as_text=True)
    signed.get("/?lang=lt")
    assert 'app-translation-note' in signed.get("/privacy").get_data(as_text=True)
    english = app.test_client()
    assert "app-translation-note" not in english.get("/privacy").get_data(as_text=True)
    english.get("/?lang=en-x-easy")
    assert "app-translation-note" not in english.get("/privacy").get_data(as_text=True)
