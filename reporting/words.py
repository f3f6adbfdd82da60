"""Putting strings into words: Flask-Babel's ``gettext`` and friends, asked for the catalogue
once per request.

Flask-Babel finds the catalogue anew for every string it translates (the request's locale, the
domain in force, its cache of catalogues: about 8 microseconds), and a staff page puts a hundred
to two hundred strings into words. Here the catalogue Flask-Babel gives (its public
``get_translations``) is kept on ``g`` for the rest of the request, and each string costs one
look-up in it. The words in force change in three places only, each of which calls
:func:`changed`: a language chosen or the Easy Read domain put in place
(``reporting.i18n._choose_language``), and a block in another language (``reporting.i18n.in_english``
and ``in_locale``, which wrap Flask-Babel's ``force_locale``). ``tests/i18n/test_words.py`` holds
every module to these functions (no module takes ``gettext`` or ``force_locale`` from Flask-Babel)
and the words to what Flask-Babel itself says in each case.

Outside an application (an import-time declaration put into words early, a script) the answer
is Flask-Babel's own: the source English.

This module imports only Flask and Flask-Babel: every module of the package may import it.
"""
from __future__ import annotations

from typing import Any

from flask import g
from flask_babel import LazyString, get_translations

__all__ = ["LazyString", "changed", "gettext", "lazy_gettext", "lazy_ngettext", "ngettext"]

_KEPT = "reporting_catalogue"


def _catalogue() -> Any:
    """The request's catalogue for the words in force now (Flask-Babel's ``get_translations``)."""
    try:
        found = g.get(_KEPT)
    except RuntimeError:  # no application context: Flask-Babel answers with the source words
        return get_translations()
    if found is None:
        found = get_translations()
        setattr(g, _KEPT, found)
    return found


def changed() -> None:
    """The words in force changed (another language or domain): look the catalogue up again."""
    try:
        g.pop(_KEPT, None)
    except RuntimeError:  # no application context: nothing kept
        pass


def gettext(string: str, **variables: Any) -> str:
    """``string`` in the words in force, with ``%(name)s`` filled from ``variables``."""
    words: str = _catalogue().ugettext(string)
    return words % variables if variables else words


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    """The singular or plural form for ``num`` (``%(num)d`` is filled in too)."""
    variables.setdefault("num", num)
    words: str = _catalogue().ungettext(singular, plural, num)
    return words % variables


def lazy_gettext(string: str, **variables: Any) -> LazyString:
    """:func:`gettext` when the string is used: for words declared before any request."""
    return LazyString(gettext, string, **variables)


def lazy_ngettext(singular: str, plural: str, num: int, **variables: Any) -> LazyString:
    return LazyString(ngettext, singular, plural, num, **variables)


# What templates call (``{{ _("...") }}``): Jinja's i18n extension fills in the variables itself.

def template_gettext(string: str) -> str:
    words: str = _catalogue().ugettext(string)
    return words


def template_ngettext(singular: str, plural: str, num: int) -> str:
    words: str = _catalogue().ungettext(singular, plural, num)
    return words


def template_pgettext(context: str, string: str) -> str:
    words: str = _catalogue().upgettext(context, string)
    return words


def template_npgettext(context: str, singular: str, plural: str, num: int) -> str:
    words: str = _catalogue().unpgettext(context, singular, plural, num)
    return words
