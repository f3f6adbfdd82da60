"""A page's words follow the request's language as it changes within the request.

Templates and lazy strings find the request's catalogue through Flask-Babel; these
tests change the language mid-request the ways the code does (``in_english`` for what the
police read, ``force_locale``, Easy Read's domain) and read the words a template says after
each change. The expected words come from the shipped catalogues, not from the code under test.
"""
from __future__ import annotations

from flask import render_template_string
from flask_babel import force_locale, gettext, lazy_gettext

from reporting import i18n
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
    assert str(lazy_gettext(words)) == gettext(words) == said[0]
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
        with force_locale("en"):
            assert say(words) == [words, "3 days", "Continue"]
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
