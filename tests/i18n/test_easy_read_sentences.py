"""Issue 28 item 7: Easy Read is whole on the journey. Every page of the journey in Easy Read
(each question, "tell us more", files, check answers, sent) says no standard sentence that
has no Easy Read wording: the police page's sentence about sharing without consent included."""
from __future__ import annotations

import re
from functools import lru_cache

import pytest

from tests.helpers import post_form
from tests.i18n.catalogues import EASY_READ_PO, english_messages, read_catalogue, readable_text
from tests.i18n.test_easy_read_journey import every_page


@pytest.fixture
def backend() -> str:
    return "sqlite"


def is_sentence(message: str) -> bool:
    """A standard sentence (or more): words ending in a full stop, long enough to need plainer words.
    Labels, buttons and short answers ("Yes", "Not sure") read the same in Easy Read."""
    return message.rstrip().endswith(".") and len(message.split()) >= 8


@lru_cache(maxsize=1)
def without_easy_words() -> tuple[str, ...]:
    easy = read_catalogue(EASY_READ_PO)
    missing = []
    for message in english_messages():
        entry = easy.get(message)
        if is_sentence(message) and "%(" not in message and (entry is None or not entry.string):
            missing.append(message)
    return tuple(missing)


def standard_sentences(html: str) -> list[str]:
    text = readable_text(html, "en")
    return [message for message in without_easy_words() if message in text]


def test_every_journey_page_in_easy_read_has_easy_read_sentences(client):
    client.get("/?lang=en-x-easy")
    pages = every_page(client)
    response = post_form(client, "/report/check", {})
    assert response.status_code == 302
    pages["sent"] = client.get("/report/sent").get_data(as_text=True)
    left = {name: found for name, page in pages.items() if (found := standard_sentences(page))}
    assert left == {}, "\n".join(f"{name}: {found}" for name, found in left.items())


def test_the_police_page_in_easy_read_says_sharing_without_consent_plainly(client):
    client.get("/?lang=en-x-easy")
    page = every_page(client)["police"]
    assert "without your consent" not in page
    assert re.search(r"we may have to tell the police", page)


def test_the_check_sees_a_standard_sentence():
    """Not vacuous: a sentence with no Easy Read words is found."""
    sentence = next(message for message in english_messages() if is_sentence(message))
    assert is_sentence(sentence)
