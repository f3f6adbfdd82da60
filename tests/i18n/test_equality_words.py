"""Issue 28 item 2: the equality page ("About you") has no English left in any language,
its age bands included, and Easy Read has its own words for them."""
from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.helpers import minimal_answers, post_form, start
from tests.i18n.catalogues import TRANSLATED, english_left, kept_as_is, readable_text
from tests.i18n.test_catalogues import NAMES, SAME_WORD

AGE_BANDS = ("18 to 24", "25 to 34", "35 to 49", "50 to 64")


@pytest.fixture
def backend() -> str:
    return "sqlite"


def equality_page(client: FlaskClient, language: str) -> str:
    assert client.get(f"/?lang={language}").status_code == 303
    start(client)
    for name, data in minimal_answers().items():
        assert post_form(client, f"/report/{name}", data).status_code == 302, name
    page = client.get("/report/equality")
    assert page.status_code == 200
    return page.get_data(as_text=True)


@pytest.mark.parametrize("code", TRANSLATED)
def test_the_equality_page_has_no_english_left(client, code):
    html = equality_page(client, code)
    text = readable_text(html, code)
    assert [band for band in AGE_BANDS if band in text] == []
    assert english_left(text, NAMES, kept_as_is(code) | SAME_WORD.get(code, set())) == []


def test_the_equality_page_in_easy_read_says_years_old(client):
    text = readable_text(equality_page(client, "en-x-easy"), "en")
    for band in AGE_BANDS:
        assert f"{band} years old" in text
