"""Check your answers puts each question and each chosen option into the page's language every
time, though the words are kept per process (reporting.reports.questions._words): switching
language and back shows each language's own words, never the other's kept ones. Easy Read is
English ("en") in other words (a Babel domain of its own), so it is a language here too."""
from __future__ import annotations

import html
import re

from flask_babel import force_locale

from reporting.reports import questions
from tests.helpers import answer_all, full_answers, start


def _expected(app, code: str) -> list[str]:
    """Labels and chosen fixed options of the answered questions, in ``code``, as the page escapes them."""
    answers = {name: value for step in full_answers().values() for name, value in step.items()}
    words = []
    with app.test_request_context(), force_locale(code):
        for step in questions.STEPS:
            for spec in questions.field_specs(step.form):
                chosen = answers.get(spec.name)
                if spec.list_name or not spec.choices or not isinstance(chosen, str):
                    continue
                words += [str(spec.label), str(dict(spec.choices)[chosen])]
    return [html.escape(w, quote=False) for w in words]


def _back_and_forth(client, first: str, second: str, pairs: list[tuple[str, str]]) -> None:  # type: ignore[no-untyped-def]
    """Check your answers in ``first``, ``second``, ``first``, ``second``: each time every pair's
    words of that language are shown and the other's are not."""
    start(client)
    answer_all(client, full_answers())
    for code in (first, second, first, second):
        assert client.get(f"/report/check?lang={code}").status_code in (200, 303)
        page = client.get("/report/check").get_data(as_text=True)
        # Each label and option is an element's whole text.
        texts = {" ".join(t.split()) for t in re.findall(r">([^<>]+)<", page)}
        for words_first, words_second in pairs:
            shown, hidden = (words_first, words_second) if code == first else (words_second, words_first)
            assert shown in texts, (code, shown)
            assert hidden not in texts, (code, hidden)


def test_switching_language_and_back_shows_each_languages_own_words(app, client):
    english, polish = _expected(app, "en"), _expected(app, "pl")
    # Only the words that differ between the two languages tell them apart.
    pairs = [(e, p) for e, p in zip(english, polish) if e != p and e not in polish and p not in english]
    assert len(pairs) >= 10
    _back_and_forth(client, "en", "pl", pairs)


def test_easy_read_and_english_each_keep_their_own_words(client):
    # The first question's label: "Who is reporting?" in English, "Who is telling us?" in Easy Read.
    _back_and_forth(client, "en", "en-x-easy", [("Who is reporting?", "Who is telling us?")])
