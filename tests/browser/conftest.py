"""Real-browser fixtures: one headless Chromium per session, a live server and axe per test
(or per module, for tests that share them: `module_live_server`, `module_axe`).

The browser is the system Chromium (no browser downloads). Without it the
folder is skipped, except with CI=true, where a missing browser (or missing
front-end assets) is an error. Browser tests run on SQLite only: the
PostgreSQL run is covered by the HTTP-level tests.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag

import pytest
from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from reporting import ROOT, create_app
from reporting.extensions import db
from reporting.keys import services as key_services
from tests.conftest import CI, base_config

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Playwright, Route

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BUILT_CSS = ROOT / "static" / "build" / "app.css"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def _unavailable(reason: str) -> None:
    """Skip on a developer machine; fail loudly in CI, where it is a broken setup."""
    if CI:
        pytest.fail(f"browser tests cannot run with CI=true: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        _unavailable(f"no Chromium at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright for Python is not installed")
    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """One Chromium for the whole session; each test gets its own contexts."""
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@contextmanager
def _contexts(browser: Browser) -> Iterator[Callable[..., BrowserContext]]:
    made: list[BrowserContext] = []

    def factory(**options: Any) -> BrowserContext:
        context = browser.new_context(**options)
        context.set_default_timeout(30_000)  # generous: a loaded CI machine is slow
        made.append(context)
        return context

    try:
        yield factory
    finally:
        for context in made:
            context.close()


@pytest.fixture
def new_context(browser: Browser) -> Iterator[Callable[..., BrowserContext]]:
    """A factory of fresh browser contexts (cookies, history), closed after the test."""
    with _contexts(browser) as factory:
        yield factory


@pytest.fixture(scope="module")
def module_new_context(browser: Browser) -> Iterator[Callable[..., BrowserContext]]:
    """The same, closed after the module: for a module whose tests share one context."""
    with _contexts(browser) as factory:
        yield factory


@pytest.fixture
def context(new_context: Callable[..., BrowserContext]) -> BrowserContext:
    return new_context()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


# --- the live server ---------------------------------------------------------


class QuietHandler(WSGIRequestHandler):
    """No access lines: they would only clutter the test output."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


@dataclass
class LiveServer:
    url: str
    app: Flask

    def __call__(self, path: str = "/") -> str:
        return self.url + path


@pytest.fixture
def live_server(tmp_path: Path, sqlite_template: Path) -> Iterator[LiveServer]:
    """The app, with keys, on a migrated SQLite copy, served over HTTP on 127.0.0.1."""
    with _serving(tmp_path, sqlite_template) as live:
        yield live


@pytest.fixture(scope="module")
def module_live_server(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[LiveServer]:
    """The same, one for a whole module: for tests that do not depend on each other's data
    (each makes its own report, say), so they need not set up a server each."""
    with _serving(tmp_path_factory.mktemp("live"), sqlite_template) as live:
        yield live


@contextmanager
def _serving(folder: Path, sqlite_template: Path) -> Iterator[LiveServer]:
    database = folder / "reporting.db"
    shutil.copy(sqlite_template, database)
    app = create_app(base_config(folder, f"sqlite:///{database}"))
    with app.app_context():
        key_services.init_keys()
        db.session.commit()
    server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    live = LiveServer(f"http://127.0.0.1:{server.server_port}", app)
    # Exit this page leaves for a local page: the tests have no other network.
    app.config["EXIT_URL"] = live("/accessibility")
    try:
        yield live
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


# --- axe ---------------------------------------------------------------------


class Axe:
    """Runs axe-core on what a page shows now, and fails on any WCAG 2.2 A/AA violation.

    With JavaScript disabled in the page's context (the journey test), scripts
    cannot run there at all: evaluate() works, but axe.run() needs timers,
    which never fire. So axe runs on a snapshot: the page's current DOM is
    served, at the same URL, to a separate page with JavaScript on and the
    service's own script blocked (the snapshot already holds whatever it did),
    so the stylesheet, and so colours and layout, are the live server's. The
    same path is used for every page, with or without JavaScript. (A
    <noscript> element would render differently there; the templates have none.)
    """

    def __init__(self, new_context: Callable[..., BrowserContext]) -> None:
        self._new_context = new_context
        self._auditor: Page | None = None
        self._snapshot: tuple[str, str] | None = None  # (url, html)
        self._source = AXE_SCRIPT.read_text(encoding="utf-8")
        self.pages_checked: list[str] = []

    def _auditor_page(self, viewport: dict[str, int] | None) -> Page:
        if self._auditor is None:
            # The snapshot is served without the service's CSP (script-src
            # 'self'), and evaluate() is not subject to it; bypass_csp keeps
            # it that way whatever a fulfilled page says.
            context = self._new_context(bypass_csp=True, java_script_enabled=True)
            context.route("**/*", self._serve)
            self._auditor = context.new_page()
        if viewport:
            self._auditor.set_viewport_size(viewport)  # type: ignore[arg-type]
        return self._auditor

    def _serve(self, route: Route) -> None:
        request = route.request
        if self._snapshot and request.is_navigation_request() and urldefrag(request.url).url == self._snapshot[0]:
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=self._snapshot[1])
        elif request.url.endswith("/static/build/app.js"):
            route.abort()
        else:
            route.continue_()

    def check(self, page: Page, what: str = "") -> None:
        page.wait_for_load_state("load")
        url = urldefrag(page.url).url
        label = what or url
        self._snapshot = (url, page.content())
        auditor = self._auditor_page(page.viewport_size)  # type: ignore[arg-type]
        auditor.goto(url, wait_until="load")
        auditor.evaluate(self._source)
        options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}}
        result = auditor.evaluate(
            "(options) => axe.run(document, options).then(r => r.violations.map(v => ({"
            "id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,"
            "nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary}))})))",
            options,
        )
        self._snapshot = None
        self.pages_checked.append(label)
        assert not result, f"axe found WCAG violations on {label}:\n" + describe(result)


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"]:
            lines.append(f"    at {json.dumps(node['target'])}")
            for detail in (node["summary"] or "").splitlines():
                lines.append(f"        {detail}")
    return "\n".join(lines)


@pytest.fixture
def axe(new_context: Callable[..., BrowserContext]) -> Axe:
    if not AXE_SCRIPT.exists() or not BUILT_CSS.exists():
        _unavailable("front-end assets missing: run `make assets` (npm ci and the CSS build)")
    return Axe(new_context)


@pytest.fixture(scope="module")
def module_axe(module_new_context: Callable[..., BrowserContext]) -> Axe:
    """One axe (and its auditing page) for a whole module."""
    if not AXE_SCRIPT.exists() or not BUILT_CSS.exists():
        _unavailable("front-end assets missing: run `make assets` (npm ci and the CSS build)")
    return Axe(module_new_context)


# --- staff accounts on the live server -----------------------------------------

STAFF_PASSWORD = "correct horse battery staple"


@dataclass
class StaffServer:
    """The live server, its recovery key, and the staff accounts a test makes on it.

    Accounts are made in the server's own app (the same object the browser
    talks to); sign-in goes through the browser, enrolment included, and the
    TOTP secret each account was shown is kept to answer later sign-ins.
    """

    live: LiveServer
    recovery_text: str
    totp_secrets: dict[str, str] = field(default_factory=dict)
    _last_step: dict[str, int] = field(default_factory=dict)

    def __call__(self, path: str = "/") -> str:
        return self.live(path)

    @property
    def app(self) -> Flask:
        return self.live.app

    def add_centre(self, slug: str, name: str, town: str = "shrewsbury", **details: Any) -> None:
        from reporting.centres.services import CentreData, save_centre

        with self.app.app_context():
            save_centre(CentreData(slug=slug, name=name, town=town, **details), actor="test")
            db.session.commit()

    def add_user(self, role: str, email: str, *, centre: str | None = None, holder: bool = True,
                 must_change_password: bool = False, password: str = STAFF_PASSWORD) -> str:
        """A staff account (granted its role's keys with the recovery key, if ``holder``)."""
        from sqlalchemy import select

        from reporting.auth.models import Role
        from reporting.admin.accounts import create_user
        from reporting.centres.models import Centre
        from reporting.settings import current_settings

        with self.app.app_context():
            centre_row = db.session.scalar(select(Centre).where(Centre.slug == centre)) if centre else None
            assert centre is None or centre_row is not None, f"no centre {centre}: add_centre() first"
            user = create_user(email=email, role=Role(role), password=password, actor="test", centre=centre_row,
                               settings=current_settings())
            user.must_change_password = must_change_password
            if holder and key_services.purpose_for_role(role):
                key_services.grant_with_recovery(user, self.recovery_text)
            db.session.commit()
        return email

    def totp_code(self, email: str) -> str:
        """The newest code an authenticator app would accept now, never one already used.

        The service takes one step of drift either way but never a step twice,
        so a second sign-in within the same 30 seconds uses the next step.
        """
        import time

        import pyotp

        totp = pyotp.TOTP(self.totp_secrets[email])
        step = max(int(time.time()) // totp.interval, self._last_step.get(email, -1) + 1)
        while step > int(time.time()) // totp.interval + 1:
            time.sleep(1)  # a third sign-in within one step: wait for the next
        self._last_step[email] = step
        return totp.generate_otp(step)

    def sign_in(self, page: Page, email: str, password: str = STAFF_PASSWORD) -> None:
        """Password, then the second step: enrolment (reading the setup key) or the code."""
        page.goto(self("/staff/login"))
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password", exact=True).fill(password)
        with page.expect_navigation(wait_until="load"):
            page.get_by_role("button", name="Continue").click()
        path = urldefrag(page.url).url.removeprefix(self.live.url)
        if path == "/staff/enrol":
            self.totp_secrets[email] = page.locator("#setup-key").inner_text().replace(" ", "")
        else:
            assert path == "/staff/two-factor", page.url
        page.get_by_label("Code from your authenticator app").fill(self.totp_code(email))
        with page.expect_navigation(wait_until="load"):
            page.get_by_role("button", name=re.compile(r"^(Confirm and sign in|Continue|Sign in)$")).click()
        assert not urldefrag(page.url).url.endswith(("/staff/enrol", "/staff/two-factor")), (
            "the code was refused: " + page.locator("main").inner_text()[:500]
        )


@pytest.fixture
def staff_server(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> StaffServer:
    """The live server, with the recovery key its ``init_keys()`` printed (kept to grant keys).

    Ask for it instead of ``live_server`` (or before it): the key is caught as
    the live server is set up, and is never stored anywhere.
    """
    made: list[key_services.InitialisedKeys] = []
    real_init_keys = key_services.init_keys

    def recording_init_keys(*args: Any, **kwargs: Any) -> key_services.InitialisedKeys:
        keys = real_init_keys(*args, **kwargs)
        made.append(keys)
        return keys

    monkeypatch.setattr(key_services, "init_keys", recording_init_keys)
    live = request.getfixturevalue("live_server")
    monkeypatch.setattr(key_services, "init_keys", real_init_keys)
    if not made:
        pytest.fail("staff_server must be set up before live_server: list it first in the test's arguments")
    return StaffServer(live, made[0].recovery_text)
