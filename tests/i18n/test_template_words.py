"""A page's words follow the request's language as it changes within the request.

Templates, lazy strings and ``gettext`` find the request's catalogue through reporting.words,
which asks Flask-Babel once per request and again whenever the words in force change. These
tests change the language mid-request the ways the code does (``in_english`` for what the
police read, ``in_locale`` for an email in the reporter's language, Easy Read's domain) and
read the words a template says after each change, and the same words asked of Flask-Babel
directly. The expected words come from the shipped catalogues, not from the code under test.
No module of the service takes its words, or another language, from Flask-Babel directly:
that would bypass the one place that knows when the words in force change.
"""
from __future__ import annotations

import ast

import flask_babel
from flask import render_template_string

from reporting import i18n
from reporting.words import gettext, lazy_gettext
from tests.test_layers import PACKAGE
from tests.i18n.catalogues import EASY_READ_PO, TRANSLATIONS, read_catalogue

PAGE = "{{ _(words) }}|{{ ngettext('%(num)d day', '%(num)d days', 3) }}|{% trans %}Continue{% endtrans %}"


def translated(path, msgid: str) -> str:
    entry = read_catalogue(path).get(msgid)
    assert entry is not None and entry.string, f"{msgid!r} is not translated in {path}"
    return entry.string if isinstance(entry.string, str) else entry.string[1]  # the plural form for 3 in Polish


def easy_read_entry() -> tuple[str, str]:
    """One message Easy Read words differently from the standard English."""
    for message in read_catalogue(EASY_READ_PO):
        if message.id and isinstance(message.id, str) and isinstance(message.string, str) \
                and message.string and message.string != message.id and "%" not in message.id:
            return message.id, message.string
    raise AssertionError("no Easy Read wording to test with")


def say(words: str) -> list[str]:
    """What a template says, and the same words said in Python (a lazy string, gettext)."""
    said = render_template_string(PAGE, words=words).split("|")
    assert str(lazy_gettext(words)) == gettext(words) == flask_babel.gettext(words) == said[0]
    assert said[1] == flask_babel.ngettext("%(num)d day", "%(num)d days", 3)
    return said


def test_a_template_follows_the_language_through_a_request(app):
    polish = TRANSLATIONS / "pl" / "LC_MESSAGES" / "messages.po"
    words = "Privacy"
    with app.test_request_context("/", headers={"Accept-Language": "pl"}):
        app.preprocess_request()
        in_polish = [translated(polish, words), translated(polish, "%(num)d day").replace("%(num)d", "3"),
                     translated(polish, "Continue")]
        assert in_polish[0] != words
        assert say(words) == in_polish
        with i18n.in_english():
            assert say(words) == [words, "3 days", "Continue"]
        assert say(words) == in_polish
        with i18n.in_locale("en"):
            assert say(words) == [words, "3 days", "Continue"]
        assert say(words) == in_polish
        with i18n.in_english(), i18n.in_locale("pl"):  # one block inside another, and out of both
            assert say(words) == in_polish
            with i18n.in_english():
                assert say(words) == [words, "3 days", "Continue"]
            assert say(words) == in_polish
        assert say(words) == in_polish


def test_a_template_follows_easy_read_and_back(app):
    msgid, easy = easy_read_entry()
    with app.test_request_context("/"):
        app.preprocess_request()
        assert say(msgid)[0] == msgid
    with app.test_request_context("/"):
        from flask import session

        session[i18n.PUBLIC_KEY] = i18n.EASY_READ
        app.preprocess_request()
        assert say(msgid)[0] == easy
        # The police package's English inside an Easy Read request: standard wording.
        with i18n.in_english():
            assert say(msgid)[0] == msgid
        assert say(msgid)[0] == easy


def test_a_templates_words_take_any_variable_name_and_escape_it(app):
    """As Jinja's own newstyle gettext: variables named like the callables' own parameters are
    only variables, and what they hold is escaped into the words."""
    with app.test_request_context("/"):
        app.preprocess_request()
        said = render_template_string(
            "{{ _('%(string)s, %(context)s', string=a, context=b) }}|"
            "{{ ngettext('%(num)d of %(plural)s', '%(num)d of %(plural)s', 2, plural=a, singular=b) }}",
            a="<i>", b="&")
    assert said == "&lt;i&gt;, &amp;|2 of &lt;i&gt;"


# What only reporting.words and reporting.i18n may take from Flask-Babel.
WORDS_AND_LANGUAGE = {"gettext", "ngettext", "pgettext", "npgettext", "lazy_gettext", "lazy_ngettext",
                      "lazy_pgettext", "force_locale", "refresh"}


def test_every_module_takes_its_words_from_reporting_words():
    found = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "words.py" or path.parent.name == "i18n":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("flask_babel"):
                found += [f"{path.relative_to(PACKAGE)}: {alias.name}" for alias in node.names
                          if alias.name in WORDS_AND_LANGUAGE]
            elif isinstance(node, ast.Attribute) and node.attr in WORDS_AND_LANGUAGE \
                    and isinstance(node.value, ast.Name) and node.value.id == "flask_babel":
                found.append(f"{path.relative_to(PACKAGE)}: flask_babel.{node.attr}")
    assert found == []
