"""The seam test: every page every demo account can reach, with every kind of data present.

Features built in parallel break where they meet (the administrator's first page was a
500 because the user list knew only two keys). No single feature's tests see that, so
this one loads the demo data exactly as `flask demo` does (every role, an agency user,
a referral, a meeting with its pack and an action, a held case, a file, statistics),
signs in as each demo account through the real sign-in (password, then the TOTP code
from the secret the demo prints), and follows links from where each lands, two deep.
Every page must answer without a server error and show words, never raw codes; every
GET route in the URL map must be reached by someone allowed to use it (or be listed
below with the reason it is not). Public pages are walked in every language too, and
must not keep English.

The demo data grows with each feature, and so does what this test walks.
"""
from __future__ import annotations

import html
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.exceptions import MethodNotAllowed, NotFound

from sqlalchemy import select

from reporting.centres.models import Centre
from reporting.cli import demo_command
from reporting.extensions import db
from reporting.support.models import SupportService
from tests.helpers import CSRF
from tests.i18n.catalogues import TRANSLATED, compile_catalogues, english_left, kept_as_is, readable_text
from tests.i18n.test_catalogues import NAMES, SAME_WORD

# GET routes nobody reaches by following links from a sign-in, and why. Each is
# exercised by its own feature's tests.
NOT_LINKED = {
    "static": "stylesheets and scripts, not pages",
    "public.report_step": "a question of the public journey: reached after pressing Start (a form post)",
    "public.check_answers": "the public journey's last page: reached after answering (form posts)",
    "public.report_files": "the public journey's files page: reached after answering (form posts)",
    "public.report_sent": "shown once, after sending a report (a form post)",
    "assisted.report_step": "a question of assisted reporting: reached after pressing Start (a form post)",
    "assisted.check_answers": "assisted reporting's last page: reached after answering (form posts)",
    "assisted.show_receipt": "the slip, shown once after sending an assisted report (a form post)",
    "cases.phone_step": "a question of phone entry: reached after pressing Start (a form post)",
    "cases.phone_check": "phone entry's last page: reached after answering (form posts)",
    "cases.phone_sent": "shown once after sending a phone report (a form post)",
    "status.show_report": "the reporter's own report: reached with a receipt code (a form post)",
    "status.enter_word": "asked only when a receipt needs the reporter's extra word (a form post)",
    "status.give_feedback": "the reporter's \"How did we do?\", linked from their own report: tests/status/test_feedback.py",
    "auth.passkey_step": "the sign-in's passkey step, for holders who enrolled one: tests/browser/test_passkeys_browser.py",
    "auth.enrol": "TOTP enrolment: the demo accounts are enrolled already",
    "auth.first_password": "shown only to an account with a temporary password",
    "auth.second_factor": "reached in the sign-in itself, after the password (a form post)",
}
# Entry points a person types or is sent to, not linked from a signed-in page.
DIRECT = ["/healthz", "/staff/login", "/exit"]

SNAKE = re.compile(r"(?<![\w./@:-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w@-])")
BOOLEAN = re.compile(r"\b(?:True|False)\b")
ISO_TIME = re.compile(r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
# A date not in the service's words ("06 December 2026 15:52": a leading zero, a 24-hour clock).
OTHER_DATE = re.compile(r"\b0\d [A-Z][a-z]+ \d{4}\b|\b\d{1,2} [A-Z][a-z]+ \d{4},? \d{2}:\d{2}\b")
JSON = re.compile(r"[{\[]\s*\"\w+\"\s*[:,\]]")
PAGE_TYPES = ("text/html",)
# Words that look like codes but are meant to be read as they are.
LITERALS = {
    "crime_reference": "a column heading the police's own file must have (/police/extracts/)",
}
FILES = re.compile(r"\.(?:pdf|csv|xlsx|json|svg)$")
SKIPPED_LINKS = re.compile(r"/staff/logout|/exit$")


@dataclass
class Account:
    email: str
    role: str
    password: str
    totp: str


@dataclass
class Walk:
    reached: dict[str, set[str]] = field(default_factory=dict)  # endpoint -> who reached it
    problems: list[str] = field(default_factory=list)


class Links(HTMLParser):
    """The links on a page a person can follow (not the skip link's #fragment), the pictures
    the browser fetches with it (charts), and which links are the service navigation."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.navigation: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        href = values.get("href") if tag == "a" else values.get("src") if tag == "img" else None
        if href and not href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
            self.hrefs.append(href)
            if "service-navigation__link" in (values.get("class") or ""):
                self.navigation.append(href)


def visible_text(page: str) -> str:
    page = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", page, flags=re.S | re.I)
    page = re.sub(r"<(option)\b[^>]*>", "\n", page)  # option texts are read, their values are not
    return html.unescape(re.sub(r"<[^>]+>", "\n", page))


# A key's id ("k_" and twenty hex digits) names it like a case reference names a case: the
# audit log shows it so an auditor can match it with `flask keys` and the recovery sheet.
KEY_ID = re.compile(r"\bk_[0-9a-f]{20}\b")


def raw_codes(text: str) -> list[str]:
    """Codes a person should never read: snake_case words, True/False, ISO times, JSON."""
    text = KEY_ID.sub(" ", text)
    found = [word for word in SNAKE.findall(text) if word not in LITERALS]
    found += BOOLEAN.findall(text) + ISO_TIME.findall(text) + JSON.findall(text) + OTHER_DATE.findall(text)
    return sorted(set(found))


def load_demo(app: Flask) -> tuple[list[Account], str]:
    result = app.test_cli_runner().invoke(demo_command)
    assert result.exit_code == 0, result.output
    accounts = []
    for line in result.output.splitlines():
        match = re.match(r"\s+(\w+)\s+(\S+@example\.org)\s+password: (.+?)\s{2,}TOTP secret: ([A-Z2-7]+)", line)
        if match:
            accounts.append(Account(match.group(2), match.group(1), match.group(3), match.group(4)))
    return accounts, result.output


def token(client: FlaskClient, url: str) -> str:
    match = CSRF.search(client.get(url).get_data(as_text=True))
    assert match, url
    return match.group(1)


def sign_in(client: FlaskClient, account: Account) -> str:
    """The real sign-in: password, then the code an authenticator shows for the printed secret."""
    response = client.post("/staff/login", data={"csrf_token": token(client, "/staff/login"),
                                                  "email": account.email, "password": account.password})
    assert response.status_code == 302, (account.email, response.status_code)
    second = response.headers["Location"]
    totp = pyotp.TOTP(account.totp)
    for moment in (time.time(), time.time() + totp.interval):
        response = client.post(second, data={"csrf_token": token(client, second), "code": totp.at(moment)})
        if response.status_code == 302:
            return urlsplit(response.headers["Location"]).path
    raise AssertionError(f"{account.email} could not sign in: {response.status_code}")


def endpoint_of(app: Flask, path: str, query: str) -> str | None:
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _args = adapter.match(path, method="GET", query_args=query)
    except (NotFound, MethodNotAllowed):
        return None
    except Exception:  # a redirect rule (strict slashes): the page it leads to is counted there
        return None
    return str(endpoint)


def check_page(who: str, url: str, response: Any, walk: Walk, *, lang: str | None = None,
               names: tuple[str, ...] = (), kept: set[str] = frozenset()) -> str | None:  # type: ignore[assignment]
    """The page's HTML when it is a page, after the checks; None for a file or a redirect."""
    if response.status_code >= 500:
        walk.problems.append(f"{who}: {url} answered {response.status_code}")
        return None
    if response.status_code != 200 or not response.mimetype.startswith(PAGE_TYPES):
        return None
    page = response.get_data(as_text=True)
    found = raw_codes(visible_text(page))
    if found:
        walk.problems.append(f"{who}: {url} shows raw codes {found}")
    if lang is not None:
        shown = re.search(r'<html lang="([^"]+)"', page)
        if not shown or shown.group(1) != lang:
            walk.problems.append(f"{who}: {url} asked in {lang} is shown in {shown.group(1) if shown else '?'}")
        left = english_left(readable_text(page, lang), names, set(kept_as_is(lang)) | kept)
        if left:
            walk.problems.append(f"{who}: {url} in {lang} keeps English {left}")
    return page


def fetch(client: FlaskClient, who: str, url: str, walk: Walk) -> Any:
    """The response, or None when the page raised (a 500 in production; tests propagate it)."""
    try:
        return client.get(url)
    except Exception as error:  # noqa: BLE001 - every crash is a finding, reported with the others
        walk.problems.append(f"{who}: {url} answered 500 ({type(error).__name__}: {error})")
        return None


def follow(app: Flask, client: FlaskClient, who: str, url: str, walk: Walk,
           seen: set[str]) -> tuple[str, Any]:
    """Open ``url`` and any page it sends on to (the staff home sends each role to its own),
    counting each route reached; the last address and response (None if it crashed)."""
    response = fetch(client, who, url, walk)
    for _hop in range(5):
        if response is None:
            break
        parts = urlsplit(url)
        endpoint = endpoint_of(app, parts.path, parts.query)
        if endpoint and response.status_code < 400:
            walk.reached.setdefault(endpoint, set()).add(who)
        location = urlsplit(response.headers.get("Location", ""))
        if response.status_code not in (301, 302, 303) or location.netloc not in ("", "localhost"):
            break
        url = location.path + (f"?{location.query}" if location.query else "")
        seen.add(url)
        response = fetch(client, who, url, walk)
    return url, response


def crawl(app: Flask, client: FlaskClient, who: str, start: str, walk: Walk, *, depth: int = 2,
          lang: str | None = None, inside: tuple[str, ...] = ("/",), names: tuple[str, ...] = (),
          kept: set[str] = frozenset()) -> None:  # type: ignore[assignment]
    """Open ``start`` and the pages linked from it, ``depth`` links deep, each once."""
    seen: set[str] = set()
    frontier = [start]
    # The navigation is on every page: each place it offers is where a person starts from too.
    landed, first = follow(app, client, who, start, walk, seen)
    seen.discard(landed)  # opened again as the first level, for its links
    if first is not None and first.status_code == 200 and first.mimetype == "text/html":
        links = Links()
        links.feed(first.get_data(as_text=True))
        frontier += [urlsplit(urljoin(f"http://localhost{landed}", href)).path for href in links.navigation]
    for level in range(depth + 1):
        following: list[str] = []
        for url in frontier:
            if url in seen:
                continue
            seen.add(url)
            url, response = follow(app, client, who, url, walk, seen)
            if response is None:
                continue
            page = check_page(who, url, response, walk, lang=lang, names=names, kept=kept)
            if page is None:
                continue
            links = Links()
            links.feed(page)
            for href in links.hrefs:
                target = urlsplit(urljoin(f"http://localhost{url}", href))
                if level == depth:  # the last level's pages are not opened; the files they offer are
                    address = target.path + (f"?{target.query}" if target.query else "")
                    if FILES.search(target.path) and target.netloc == "localhost" and address not in seen:
                        seen.add(address)
                        _url, download = follow(app, client, who, address, walk, seen)
                        if download is not None:
                            check_page(who, address, download, walk, lang=lang)
                    continue
                if target.netloc != "localhost" or SKIPPED_LINKS.search(target.path):
                    continue
                if "lang=" in target.query:
                    continue  # the language switch: each language is walked on its own
                if not target.path.startswith(inside):
                    continue
                following.append(target.path + (f"?{target.query}" if target.query else ""))
        frontier = following


@pytest.fixture
def demo(app: Flask) -> Iterator[tuple[Flask, list[Account]]]:
    accounts, _output = load_demo(app)
    yield app, accounts


def test_every_demo_account_reaches_every_page_without_a_crash_or_a_code(demo) -> None:  # type: ignore[no-untyped-def]
    app, accounts = demo
    roles = {a.role for a in accounts}
    assert {"admin", "reviewer", "centre_staff", "police", "analyst", "agency"} <= roles, roles
    walk = Walk()
    # The administrator last: the audit log then holds what everyone else did on the walk.
    for account in sorted(accounts, key=lambda a: a.role == "admin"):
        client = app.test_client()
        landing = sign_in(client, account)
        crawl(app, client, account.email, landing, walk)
    visitor = app.test_client()
    for url in DIRECT:
        response = visitor.get(url)
        check_page("visitor", url, response, walk)
        endpoint = endpoint_of(app, url, "")
        if endpoint and response.status_code < 400:
            walk.reached.setdefault(endpoint, set()).add("visitor")
    crawl(app, visitor, "visitor", "/", walk, depth=3)  # a centre's poster: home, centres, the centre

    assert not walk.problems, "\n".join(walk.problems)
    get_routes = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in (rule.methods or ())}
    missed = sorted(get_routes - set(walk.reached) - set(NOT_LINKED))
    assert not missed, f"GET routes no demo account reached by following links: {missed}"
    stale = sorted(set(NOT_LINKED) & set(walk.reached))
    assert not stale, f"listed as not linked, but reached (take them off NOT_LINKED): {stale}"


def demo_names(app: Flask) -> tuple[str, ...]:
    """Names in the demo data that stay as they are in every language (centres, services)."""
    with app.app_context():
        centres = db.session.scalars(select(Centre.name)).all()
        services = db.session.scalars(select(SupportService.name)).all()
    return tuple(sorted({*centres, *services}, key=len, reverse=True)) + NAMES


@pytest.mark.parametrize("lang", TRANSLATED)
def test_public_pages_in_each_language_keep_no_english(demo, lang: str) -> None:  # type: ignore[no-untyped-def]
    app, _accounts = demo
    compile_catalogues()
    walk = Walk()
    client = app.test_client()
    crawl(app, client, f"visitor ({lang})", f"/?lang={lang}", walk, depth=3, lang=lang,
          names=demo_names(app), kept=SAME_WORD.get(lang, set()))
    assert not walk.problems, "\n".join(walk.problems)


def test_the_checks_catch_what_they_look_for() -> None:
    assert raw_codes("Action: stats.export Kind: victim_support") == ["victim_support"]
    assert raw_codes("Active: True") == ["True"]
    assert raw_codes("added 2026-12-06T15:52:00+00:00") == ["2026-12-06T15:52"]
    assert raw_codes('Filters {"area": "ludlow"}') == ['{"area":']
    assert raw_codes("added 06 December 2026 15:52")
    assert not raw_codes("added 6 December 2026, 3:56pm")
    assert raw_codes("6 December 2026, 3:56pm. Write to support@example.org or see example.org/a_b") == []
