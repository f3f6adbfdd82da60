"""The deployment docs/operating.md describes, walked over HTTPS (issue 12).

nginx with the shipped site file and a certificate made here; two gunicorn hosts in
production mode sharing PostgreSQL and Redis. A reporter's journey, a staff sign-in
and a rate limit go through it, and what each user would notice is checked.
"""
from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from flask import Flask

from reporting import create_app
from reporting.extensions import db
from tests.conftest import PASSWORD, SECRET, base_config, migrate
from tests.deploy.stack import AppHost, Nginx, app_environment, free_port, make_certificates, parse_forms, walk_journey
from tests.helpers import totp_now

pytestmark = pytest.mark.deploy


@dataclass
class Stack:
    nginx: Nginx
    hosts: list[AppHost]
    ca: Path
    app: Flask  # in-process, on the same database, for what only the database can tell
    staff_email: str


@pytest.fixture(scope="module")
def stack(deploy_folder: Path, own_database: str) -> Iterator[Stack]:
    from reporting.admin import accounts
    from reporting.auth.models import Role
    from reporting.keys import services as key_services
    from reporting.settings import current_settings

    app = create_app(base_config(deploy_folder, own_database))
    migrate(app)
    email = "reviewer@example.org"
    with app.app_context():
        made = key_services.init_keys()
        user = accounts.create_user(email=email, role=Role.REVIEWER, password=PASSWORD, actor="test", centre=None,
                                                  settings=current_settings())
        user.must_change_password = False
        key_services.grant_with_recovery(user, made.recovery_text)
        db.session.commit()
    ca, cert, key = make_certificates(deploy_folder / "tls")
    env = app_environment(own_database, deploy_folder / "instance", SECRET, REPORTING_RATELIMIT_STATUS="3 per minute")
    hosts: list[AppHost] = []
    nginx: Nginx | None = None
    try:
        hosts = [AppHost(free_port(), env, deploy_folder / f"host{number}.log") for number in (1, 2)]
        for host in hosts:
            host.launch()
        for host in hosts:
            host.wait()
        nginx = Nginx(deploy_folder / "nginx", [h.port for h in hosts], cert, key).start()
        yield Stack(nginx, hosts, ca, app, email)
    finally:
        if nginx:
            nginx.stop()
        for host in hosts:
            host.stop()
        with app.app_context():
            db.engine.dispose()


def browser(stack: Stack) -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # REQUESTS_CA_BUNDLE would replace the test CA
    session.verify = str(stack.ca)
    return session


def direct(stack: Stack, host: AppHost, session: requests.Session) -> requests.Session:
    """A request straight to one app host, as nginx would pass it on (one proxy, over HTTPS)."""
    raw = requests.Session()
    raw.trust_env = False
    raw.headers.update({
        "Cookie": "; ".join(f"{c.name}={c.value}" for c in session.cookies),
        "X-Forwarded-For": "127.0.0.1",
        "X-Forwarded-Proto": "https",
        "Host": f"localhost:{stack.nginx.https_port}",
    })
    return raw


def test_plain_http_is_redirected_to_https(stack):
    response = requests.get(f"http://127.0.0.1:{stack.nginx.http_port}/report/?lang=en", allow_redirects=False, timeout=5)
    assert response.status_code == 301
    assert response.headers["Location"] == f"https://127.0.0.1:{stack.nginx.https_port}/report/?lang=en"


def test_a_report_sent_through_the_proxy_opens_with_its_receipt_and_cookies_are_secure(stack):
    session = browser(stack)
    sent = walk_journey(session, stack.nginx.base)
    assert sent.reference.startswith("HC-")
    assert session.cookies, "the journey keeps its draft key in a cookie"
    for cookie in session.cookies:
        assert cookie.secure, f"{cookie.name} would travel over plain HTTP"
        assert cookie.has_nonstandard_attr("HttpOnly")
    page = session.get(stack.nginx.base + "/report/sent", timeout=10)
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    assert sent.reference in page.text

    from reporting.settings import current_settings
    from reporting.status import services as status_services

    with stack.app.app_context():
        report, _private = status_services.open_with_receipt(sent.receipt, current_settings())
        assert report.reference == sent.reference
        db.session.rollback()


def test_pages_and_assets_are_compressed(stack):
    session = browser(stack)
    page = session.get(stack.nginx.base + "/privacy", headers={"Accept-Encoding": "gzip"}, timeout=10, stream=True)
    assert page.headers["Content-Encoding"] == "gzip"
    assert b"<html" in gzip.decompress(page.raw.read())
    css = session.get(stack.nginx.base + "/static/build/app.css", headers={"Accept-Encoding": "gzip"}, timeout=10)
    assert css.headers.get("Content-Encoding") == "gzip"


def test_a_staff_session_started_on_one_host_works_on_the_other(stack):
    session = browser(stack)
    login = session.get(stack.nginx.base + "/staff/login", timeout=10)
    form = parse_forms(login.text)[0]
    token = next(f["value"] for f in form.inputs if f["name"] == "csrf_token")
    response = session.post(stack.nginx.base + "/staff/login", timeout=10,
                            data={"csrf_token": token, "email": stack.staff_email, "password": PASSWORD})
    form = next(f for f in parse_forms(response.text) if f.method == "post")
    token = next(f["value"] for f in form.inputs if f["name"] == "csrf_token")
    code = totp_now(stack.app, stack.staff_email)
    response = session.post(response.url, data={"csrf_token": token, "code": code}, timeout=10)
    assert response.status_code == 200 and "/staff/" not in response.url, response.url
    for host in stack.hosts:
        queue = direct(stack, host, session).get(f"http://127.0.0.1:{host.port}/review/", allow_redirects=False, timeout=10)
        assert queue.status_code == 200, (host.port, queue.status_code, queue.headers.get("Location"))
        assert "Sign out" in queue.text


def test_a_rate_limit_reached_through_one_host_holds_on_the_other_and_forged_addresses_do_not_help(stack):
    session = browser(stack)
    page = session.get(stack.nginx.base + "/status", timeout=10)
    token = next(f["value"] for f in parse_forms(page.text)[0].inputs if f["name"] == "csrf_token")
    guess = {"csrf_token": token, "receipt": "1234 5678 1234 5678 1234 5678"}
    first, second = stack.hosts
    on_first = direct(stack, first, session)
    answers = [on_first.post(f"http://127.0.0.1:{first.port}/status", data=guess, timeout=10).status_code for _ in range(3)]
    assert 429 not in answers, answers
    on_second = direct(stack, second, session)
    assert on_second.post(f"http://127.0.0.1:{second.port}/status", data=guess, timeout=10).status_code == 429
    # Through the proxy, a client claiming to be someone else is still the same client.
    for forged in ("203.0.113.7", "198.51.100.1, 203.0.113.8"):
        response = session.post(stack.nginx.base + "/status", data=guess, headers={"X-Forwarded-For": forged}, timeout=10)
        assert response.status_code == 429
        assert "Too many" in response.text or "too many" in response.text


def test_no_client_address_is_logged(stack):
    # After the other tests: every request so far came from 127.0.0.1 or claimed 203.0.113.x.
    requests.get(stack.nginx.base + "/?lang=en", verify=str(stack.ca), timeout=10,
                 headers={"X-Forwarded-For": "203.0.113.9"})
    access = (stack.nginx.logs / "reporting-access.log").read_text()
    assert access.count("\n") >= 5, "the proxy keeps an access log"
    logs = [p.read_text(errors="replace") for p in stack.nginx.logs.glob("*.log")]
    logs += [host.log.read_text(errors="replace") for host in stack.hosts]
    for text in logs:
        # "127.0.0.1:PORT" is a listening or upstream address, not a client's.
        assert not re.search(r"127\.0\.0\.1(?!:\d)", text)
        assert "203.0.113" not in text
