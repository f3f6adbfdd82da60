"""Issue 26, item 7 in Chromium: a key holder adds a passkey, signs out, signs in with the
password, a code and the passkey, and opens a case's sealed content.

The authenticator is Chromium's own virtual one, through the DevTools protocol
(WebAuthn.addVirtualAuthenticator: CTAP2, internal transport, resident keys, user
verification, and the PRF extension, hasPrf). WebAuthn needs a domain, not an address,
so the pages are opened at http://localhost (a secure context, like 127.0.0.1).
"""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.browser.pages import heading, path_of, press, success_banner
from tests.helpers import full_answers, report

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, CDPSession, Page

    from tests.browser.conftest import Axe, StaffServer

pytestmark = pytest.mark.browser
CANARY = "otter-lantern-5821"
# Screenshots for a person to look at, when asked for (REPORTING_SCREENSHOTS=folder).
SHOTS = os.environ.get("REPORTING_SCREENSHOTS")


def _virtual_authenticator(page: Page) -> tuple[CDPSession, str]:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    made = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True, "hasUserVerification": True,
        "isUserVerified": True, "hasPrf": True, "automaticPresenceSimulation": True,
    }})
    return cdp, made["authenticatorId"]


def _shots(page: Page, name: str) -> None:
    if not SHOTS:
        return
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(Path(SHOTS) / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_key_holder_adds_a_passkey_and_signs_in_with_it_to_open_a_case(
    staff_server: StaffServer, new_context: Callable[..., BrowserContext], axe: Axe
) -> None:
    server = staff_server
    server.live.url = server.live.url.replace("127.0.0.1", "localhost")
    server.app.config["PUBLIC_BASE_URL"] = server.live.url  # the passkeys' origin and RP ID
    reviewer = server.add_user("reviewer", "holder@example.org")
    reference, _receipt = report(server.app.test_client(), full_answers(CANARY))

    page = new_context().new_page()
    cdp, authenticator = _virtual_authenticator(page)
    server.sign_in(page, reviewer)
    page.goto(server("/staff/password"))
    offered = page.locator("#suggested-passphrase").inner_text()
    assert len(offered.split()) == 6
    axe.check(page, "change password, a passphrase offered")
    _shots(page, "change-password")
    page.get_by_role("link", name="Passkeys").click()
    page.wait_for_load_state("load")
    assert heading(page) == "Passkeys"
    axe.check(page, "passkeys, none yet")
    _shots(page, "passkeys-enrol")

    page.get_by_label("Your password").fill("correct horse battery staple")
    page.get_by_label("A name for this passkey (optional)").fill("Test laptop")
    press(page, "Add a passkey")
    assert path_of(page) == server("/staff/passkeys"), page.locator("main").inner_text()[:800]
    assert "Passkey added" in success_banner(page)
    assert "Test laptop" in page.locator("main").inner_text()
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]
    assert len(credentials) == 1
    axe.check(page, "passkeys, one added")
    _shots(page, "passkeys-added")

    press(page, "Sign out")
    server.sign_in(page, reviewer)
    assert path_of(page) == server("/staff/passkey")
    assert heading(page) == "Use your passkey"
    axe.check(page, "sign-in, passkey step")
    _shots(page, "passkey-sign-in")
    press(page, "Use your passkey")
    assert path_of(page) == server("/review/"), page.locator("main").inner_text()[:800]
    page.goto(server(f"/review/cases/{reference}"))
    assert CANARY in page.locator("main").inner_text()
    assert cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"][0]["signCount"] >= 2


def test_without_the_passkey_the_sign_in_stops_at_the_passkey_step(
    staff_server: StaffServer, new_context: Callable[..., BrowserContext]
) -> None:
    server = staff_server
    server.live.url = server.live.url.replace("127.0.0.1", "localhost")
    server.app.config["PUBLIC_BASE_URL"] = server.live.url
    reviewer = server.add_user("reviewer", "holder@example.org")
    page = new_context().new_page()
    cdp, authenticator = _virtual_authenticator(page)
    server.sign_in(page, reviewer)
    page.goto(server("/staff/passkeys"))
    page.get_by_label("Your password").fill("correct horse battery staple")
    press(page, "Add a passkey")
    assert "Passkey added" in success_banner(page)

    # Another browser, with the password and the code but with an authenticator that never held the passkey.
    elsewhere = new_context().new_page()
    _virtual_authenticator(elsewhere)
    server.sign_in(elsewhere, reviewer)
    assert path_of(elsewhere) == server("/staff/passkey")
    elsewhere.get_by_role("button", name="Use your passkey").click()
    status = elsewhere.locator(".app-passkey__status")
    status.wait_for(state="visible")
    assert "Your passkey was not used" in status.inner_text()
    elsewhere.goto(server("/review/"))
    assert path_of(elsewhere).startswith(server("/staff/login"))
