"""Locale selection. Every string goes through Flask-Babel.

A person chooses a language with ``?lang=CODE`` on any page (the header links
do exactly that, so it works without JavaScript). The choice is kept only in
the session cookie: never in the database, never in a log line, and the
address is cleaned of ``?lang`` by a redirect so it stays out of history too.
Public pages take ``Accept-Language`` as a first guess; staff pages stay
English unless a staff member chooses a language on a staff page.

Easy Read English (``en-x-easy``, a BCP 47 private-use tag) is English
(``lang="en"``) with its own wording: a second Flask-Babel domain, ``easy``,
in ``translations/en/LC_MESSAGES/easy.po``. Untranslated entries fall back to
the standard English.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from flask import Flask, current_app, g, has_app_context, redirect, request, session
from flask.typing import ResponseReturnValue
from flask_babel import Domain, force_locale, get_domain, get_locale

from reporting import words
from reporting.extensions import babel
from reporting.urls import external_url

PUBLIC_KEY = "language"  # the session key for public pages
STAFF_KEY = "staff_language"  # the session key for staff pages
EASY_READ = "en-x-easy"


@dataclass(frozen=True)
class Language:
    """One language a person can choose: its code, its name in itself, how Babel carries it."""

    code: str
    name: str
    locale: str
    direction: str = "ltr"
    domain: str = "messages"

    @property
    def is_translation(self) -> bool:
        """A translation of the English (not English or Easy Read English)."""
        return self.locale != "en"


# The order of the links in the header. Names are each language's own name for itself.
LANGUAGES: tuple[Language, ...] = (
    Language("en", "English", "en"),
    Language(EASY_READ, "Easy Read", "en", domain="easy"),
    Language("pl", "Polski", "pl"),
    Language("ro", "Română", "ro"),
    Language("lt", "Lietuvių", "lt"),
    Language("uk", "Українська", "uk"),
    Language("ar", "العربية", "ar", direction="rtl"),
)
BY_CODE = {language.code: language for language in LANGUAGES}
ENGLISH = BY_CODE["en"]
TRANSLATION_NOTE = "This translation is being checked by community groups"


def supported() -> list[Language]:
    codes = code_list(current_app.config["SUPPORTED_LOCALES"])
    return [language for language in LANGUAGES if language.code in codes] or [ENGLISH]


def _normalise(code: str) -> str:
    return code.strip().lower().replace("_", "-")


def _on_public_page() -> bool:
    """Error pages (no endpoint) are public; staff endpoints are those with roles."""
    from reporting.security import policy_for

    endpoint = request.endpoint
    if endpoint is None:
        return True
    policy = policy_for(current_app, endpoint)
    return policy is None or policy.is_public


def current_language() -> Language:
    """The language of this request: the session's choice, else a guess (public pages only)."""
    cached = g.get("reporting_language")
    if isinstance(cached, Language):
        return cached
    offered = supported()
    by_code = {language.code: language for language in offered}
    public = _on_public_page()
    chosen = by_code.get(str(session.get(PUBLIC_KEY if public else STAFF_KEY, "")))
    if chosen is None and public:
        # Easy Read is a choice a person makes, never guessed from a browser.
        guesses = [language.code for language in offered if language.code != EASY_READ]
        best = request.accept_languages.best_match(guesses) if guesses else None
        chosen = by_code.get(best or "")
    language = chosen or (ENGLISH if "en" in by_code else offered[0])
    g.reporting_language = language
    return language


def select_locale() -> str:
    return current_language().locale


def _choose_language() -> ResponseReturnValue | None:
    """Take ``?lang=CODE`` into the session, then send GETs back to the address without it."""
    if request.endpoint == "static":
        return None
    raw = request.args.get("lang")
    if raw is not None:
        language = {lang.code: lang for lang in supported()}.get(_normalise(raw))
        if language is not None:
            session[PUBLIC_KEY if _on_public_page() else STAFF_KEY] = language.code
            g.pop("reporting_language", None)
            words.changed()
        # An unknown code is ignored: the page shows in the language already chosen.
        if request.method in ("GET", "HEAD") and request.endpoint is not None:
            args = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"]
            target = request.script_root + request.path + (("?" + urlencode(args)) if args else "")
            return redirect(target, code=303)
    if current_language().domain != "messages":
        _domains[current_language().domain].as_default()
        words.changed()
    return None


_domains: dict[str, Domain] = {}


@contextmanager
def in_english() -> Iterator[None]:
    """Standard English inside the block, whatever language this request chose.

    For what must read the same to everyone whoever made it: the police referral
    package. ``force_locale`` alone would keep Easy Read's wording (a domain, not a
    locale), so the standard domain is put in place for the block too.
    """
    if not has_app_context():
        yield  # no request, no choice: Babel answers in English already
        return
    domain = get_domain()
    babel.domain_instance.as_default()
    words.changed()
    try:
        with force_locale("en"):
            yield
    finally:
        domain.as_default()
        words.changed()


@contextmanager
def in_locale(locale: str) -> Iterator[None]:
    """Words in ``locale`` inside the block (an email in the reporter's language): Flask-Babel's
    ``force_locale``, with the words in force looked up again as the block starts and ends."""
    words.changed()
    try:
        with force_locale(locale):
            yield
    finally:
        words.changed()


def locale_code() -> str:
    """The request's locale as Babel names it ("en", "pl"); "en" outside a request."""
    if not has_app_context():
        return "en"
    try:
        return str(get_locale() or "en")
    except RuntimeError:  # an application context without a request (the CLI): English
        return "en"


def code_list(setting: object) -> set[str]:
    """A setting of language codes, as ``pl,ro`` or a JSON list ``["pl", "ro"]``."""
    items = setting.split(",") if isinstance(setting, str) else list(setting or [])  # type: ignore[call-overload]
    return {_normalise(str(item)) for item in items if str(item).strip()}


def switch_url(code: str) -> str:
    """This page's address choosing another language (a plain link: no JavaScript needed)."""
    args = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"]
    args.append(("lang", code))
    return request.script_root + request.path + "?" + urlencode(args)


def _template_globals() -> dict[str, Any]:
    language = current_language()
    signed_off = code_list(current_app.config["TRANSLATIONS_SIGNED_OFF"])
    return {
        "current_locale": str(get_locale() or "en"),
        "current_language": language,
        "text_direction": language.direction,
        "easy_read": language.code == EASY_READ,
        "languages": supported(),
        # The links are for the public pages; staff choose with ?lang= on a staff page (and a
        # staff error page must not echo its address, which can name a case).
        "language_links": _on_public_page(),
        "switch_url": switch_url,
        "translation_unchecked": language.is_translation and language.code not in signed_off,
        "bsl_url": current_app.config.get("BSL_URL") or None,
        "service_name": current_app.config["SERVICE_NAME"],
        "external_url": external_url,
    }


_LANG_PARAMETER = re.compile(r"([?&])lang=[^&\s\"]*")


class DropLanguageChoice(logging.Filter):
    """Keeps a language choice (``?lang=uk``) out of the development server's access lines.

    A language can hint at someone's nationality, so it is kept in the session only.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "lang=" in message:
            record.msg = _LANG_PARAMETER.sub(r"\1lang=-", message)
            record.args = None
        return True


def init_i18n(app: Flask) -> None:
    from reporting import ROOT

    directory = str(ROOT / "reporting" / "i18n" / "translations")
    babel.init_app(app, locale_selector=select_locale, default_translation_directories=directory)
    # Templates' ``_()`` through reporting.words, which asks Flask-Babel for the request's
    # catalogue once, not once per string (Jinja's public API; the same catalogue).
    app.jinja_env.install_gettext_callables(
        gettext=words.template_gettext, ngettext=words.template_ngettext, newstyle=True,
        pgettext=words.template_pgettext, npgettext=words.template_npgettext,
    )
    for language in LANGUAGES:
        if language.domain != "messages" and language.domain not in _domains:
            _domains[language.domain] = Domain(translation_directories=directory, domain=language.domain)
    # First of all before-request hooks, so pages they answer with (an expired form) are in the chosen language.
    app.before_request_funcs.setdefault(None, []).insert(0, _choose_language)
    app.context_processor(_template_globals)
    werkzeug_logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, DropLanguageChoice) for f in werkzeug_logger.filters):
        werkzeug_logger.addFilter(DropLanguageChoice())
