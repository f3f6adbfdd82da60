"""Easy Read pictures on every page of the journey: each question, "tell us more", the
files page and check answers have a picture beside the key sentence, with a text
alternative, served by the app; in English (and so in assisted and phone entry, which
render the same templates) no picture appears.

Each step's picture is data, defined once with the question (``Step.picture``)."""
from __future__ import annotations

import html
import re

import pytest
from flask.testing import FlaskClient

from reporting import ROOT
from reporting.reports import questions
from tests.helpers import full_answers, post_form, start

PICTURE = re.compile(r'<img class="app-easy-read__picture" src="(/static/build/icons/([a-z0-9-]+)\.svg)" alt="([^"]*)"')
ICONS = ROOT / "node_modules" / "bootstrap-icons" / "icons"
BUILT_ICONS = ROOT / "static" / "build" / "icons"


@pytest.fixture
def backend() -> str:
    """SQLite only: pictures are a matter of the page, not of the database."""
    return "sqlite"


def every_page(client: FlaskClient) -> dict[str, str]:
    """Walk the whole journey, every optional question included, and keep each page as shown.

    The answers make every step apply: a witness (the person targeted), online abuse (where
    online) and "pass it on with my details" given no details yet (how the police can contact you).
    """
    answers = full_answers()
    answers["who"] = {"reporter_type": "witness"}
    answers["police-details"] = {"police_details": "without"}
    answers["person-targeted"] = {"target_knows": "yes", "target_contact": "ask_first"}
    answers["evidence-files"] = {"has_files": "no"}
    pages = {}
    start(client)
    url = "/report/who"
    while not url.endswith(("/check", "/more")):
        name = url.rsplit("/", 1)[1]
        pages[name] = client.get(url).get_data(as_text=True)
        data = dict(answers[name]) | ({"next": "more"} if name == "police-details" else {})
        response = post_form(client, url, data)
        assert response.status_code == 302, name
        url = response.headers["Location"]
        url = url[url.index("/report/"):]
    pages["more"] = client.get("/report/more").get_data(as_text=True)
    for step in questions.STEPS:
        if step.optional:
            response = client.get(f"/report/{step.name}")
            assert response.status_code == 200, step.name  # every optional step applies to these answers
            pages[step.name] = response.get_data(as_text=True)
            assert post_form(client, f"/report/{step.name}", answers[step.name]).status_code == 302, step.name
    pages["files"] = client.get("/report/files").get_data(as_text=True)
    pages["check"] = client.get("/report/check").get_data(as_text=True)
    return pages


def test_every_journey_page_in_easy_read_has_a_picture_served_with_a_text_alternative(app, client):
    client.get("/?lang=en-x-easy")
    pages = every_page(client)
    assert set(pages) == {step.name for step in questions.STEPS} | {"more", "files", "check"}
    served: dict[str, int] = {}
    for name, page in pages.items():
        assert '<html lang="en"' in page, name
        pictures = PICTURE.findall(page)
        assert pictures, f"no picture on the {name} page in Easy Read"
        for url, _icon, alt in pictures:
            assert alt.startswith("Picture: ") and len(alt) > len("Picture: a "), (name, alt)
            if url not in served:
                with client.get(url) as response:  # a file response: closed after
                    served[url] = response.status_code
    assert {url: status for url, status in served.items() if status != 200} == {}, "run `npm run build`"
    # The picture is the one given with the question: a person for who, a calendar for when...
    assert dict((icon, alt) for _url, icon, alt in PICTURE.findall(pages["who"])) == {"person-fill": "Picture: a person"}
    assert "calendar-event-fill" in pages["when"] and "geo-alt-fill" in pages["where"]
    assert "list-check" in pages["check"] and "pencil-fill" in pages["description"]


def test_no_picture_in_english(client):
    client.get("/?lang=en")
    for name, page in every_page(client).items():
        assert "app-easy-read" not in page and "/static/build/icons/" not in page, name


def test_a_picture_beside_a_question_keeps_the_question_its_heading(client):
    """The picture sits beside the question, not inside it: the heading (the legend, or the
    label) and the error summary read as they do in every language."""
    client.get("/?lang=en-x-easy")
    start(client)
    page = html.unescape(post_form(client, "/report/who", {}).get_data(as_text=True))
    block = re.search(r'<div class="app-easy-read app-easy-read--block"><img [^>]*>'
                      r'<div class="app-easy-read__text">\s*<div class="govuk-form-group govuk-form-group--error">', page)
    assert block, "the question is beside its picture"
    legend = re.search(r"<legend[^>]*>(.*?)</legend>", page, re.S)
    assert legend and "<img" not in legend.group(1) and "Who is telling us?" in legend.group(1)


@pytest.mark.parametrize("steps", [questions.STEPS, questions.ASSISTED_STEPS, questions.PHONE_STEPS],
                         ids=["public", "assisted", "phone"])
def test_every_step_has_a_picture_from_the_icon_set(steps):
    for step in steps:
        assert step.picture is not None, step.name
        assert str(step.picture.alt).startswith("Picture: "), step.name
        if ICONS.exists():
            assert (ICONS / f"{step.picture.icon}.svg").is_file(), f"{step.picture.icon} is not in bootstrap-icons"
        if BUILT_ICONS.exists():
            assert (BUILT_ICONS / f"{step.picture.icon}.svg").is_file(), f"{step.picture.icon} was not copied by the build"
    for picture in (questions.MORE_PICTURE, questions.FILES_PICTURE, questions.CHECK_PICTURE):
        if BUILT_ICONS.exists():
            assert (BUILT_ICONS / f"{picture.icon}.svg").is_file(), picture.icon
