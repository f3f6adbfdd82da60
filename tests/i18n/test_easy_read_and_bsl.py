"""Easy Read English as its own choice, with pictures that have text alternatives;
the BSL link as configuration."""
from __future__ import annotations

import re

import pytest

from reporting import ROOT
from tests.helpers import post_form, start

BUILT_ICONS = ROOT / "static" / "build" / "icons"
PICTURE = re.compile(r'<img class="app-easy-read__picture" src="/static/build/icons/([a-z0-9-]+)\.svg" alt="([^"]*)"')
EASY_READ_PAGES = ["/", "/staying-safe-online", "/privacy"]


@pytest.mark.parametrize("url", EASY_READ_PAGES)
def test_easy_read_pages_have_pictures_each_with_a_text_alternative(client, url):
    plain = client.get(url).get_data(as_text=True)
    assert "app-easy-read" not in plain and "/static/build/icons/" not in plain

    client.get("/?lang=en-x-easy")
    page = client.get(url).get_data(as_text=True)
    assert '<html lang="en" dir="ltr"' in page  # Easy Read is English
    pictures = PICTURE.findall(page)
    assert len(pictures) >= 4, url
    for icon, alt in pictures:
        assert alt.startswith("Picture: ") and len(alt) > len("Picture: a "), (icon, alt)
        if BUILT_ICONS.exists():
            assert (BUILT_ICONS / f"{icon}.svg").is_file(), f"{icon} was not copied by the build"
    # The switch shows Easy Read as the current choice.
    assert '<span class="app-language-switch__current" aria-current="true" lang="en" dir="ltr">Easy Read</span>' in page


def test_easy_read_has_its_own_shorter_wording(client):
    standard = client.get("/").get_data(as_text=True)
    client.get("/?lang=en-x-easy")
    easy = client.get("/").get_data(as_text=True)
    assert "You do not have to give your name." in easy
    assert "You can report without giving your name." in standard
    assert "You can report without giving your name." not in easy
    # Strings without Easy Read wording yet fall back to the standard English.
    assert "Check your report" in easy and "Find a reporting centre near you" in easy


def test_icons_come_from_an_openly_licensed_npm_package():
    import json

    package = json.loads((ROOT / "package.json").read_text())
    assert "bootstrap-icons" in package["dependencies"]
    installed = ROOT / "node_modules" / "bootstrap-icons" / "package.json"
    if installed.exists():
        assert json.loads(installed.read_text())["license"] == "MIT"  # compatible with AGPL-3.0-or-later
    if BUILT_ICONS.exists():
        assert "MIT License" in (BUILT_ICONS / "LICENSE.txt").read_text()


def test_the_bsl_link_shows_only_when_configured(make_app, keys):
    plain = make_app().test_client()
    assert "British Sign Language (BSL)" not in plain.get("/").get_data(as_text=True)

    client = make_app(BSL_URL="https://bsl.example.org/shropshire").test_client()
    home = client.get("/").get_data(as_text=True)
    assert '<a class="govuk-link" href="https://bsl.example.org/shropshire">' in home
    start(client)
    from tests.helpers import minimal_answers

    for name in ("who", "what", "why", "why-evidence", "when", "where", "description", "offenders", "witnesses",
                 "impact", "police"):
        if f"/report/{name}" and client.get(f"/report/{name}").status_code == 200:
            post_form(client, f"/report/{name}", minimal_answers().get(name, {}))
    contact = client.get("/report/contact").get_data(as_text=True)
    assert 'href="https://bsl.example.org/shropshire"' in contact
    other = client.get("/report/police").get_data(as_text=True)
    assert "bsl.example.org" not in other


def test_the_journey_sent_page_and_status_in_easy_read(client):
    """Short sentences on the questions, their errors, the sent page and /status; pictures with
    text alternatives beside the key sentences of the sent page and /status."""
    import re as _re

    from tests.helpers import answer_all, full_answers

    client.get("/?lang=en-x-easy")
    start(client)
    who = client.get("/report/who").get_data(as_text=True)
    assert "Who is telling us?" in who and "Who is reporting?" not in who
    error = post_form(client, "/report/who", {}).get_data(as_text=True)
    assert "Choose who is telling us" in error and "Select who is reporting" not in error
    answer_all(client, full_answers())
    check = client.get("/report/check").get_data(as_text=True)
    assert "Check your answers" in check and "Send my report" in check
    assert post_form(client, "/report/check", {}).status_code == 302
    sent = client.get("/report/sent").get_data(as_text=True)
    assert "We got your report" in sent and "Your report number" in sent
    assert "Anyone with this code can read your report." in sent
    alts = dict(PICTURE.findall(sent))
    assert alts.get("key-fill") == "Picture: a key" and alts.get("people-fill") == "Picture: a group of people"
    receipt = _re.search(r'id="receipt-code">(.*?)</strong>', sent, _re.S)
    assert receipt
    code = " ".join(_re.sub(r"<[^>]+>", "", receipt.group(1)).split())

    enter = client.get("/status").get_data(as_text=True)
    assert "See your report" in enter and "Your code has 24 numbers." in enter
    wrong = post_form(client, "/status", {"receipt": "1111 1111 1111 1111 1111 1111"}).get_data(as_text=True)
    assert "We cannot find a report with that code." in wrong
    post_form(client, "/status", {"receipt": code})
    status = client.get("/status/report").get_data(as_text=True)
    assert "We got your report. The group will look at it soon." in status
    assert dict(PICTURE.findall(status)).get("people-fill") == "Picture: a group of people"
