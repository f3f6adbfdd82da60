"""Issue 28 item 12: what a newcomer needs to sign in to the demo, and `make run` on another port."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import pyotp
import pytest

from tests.helpers import post_form

ROOT = Path(__file__).resolve().parents[2]
OTPAUTH = re.compile(r"^\s+(otpauth://totp/\S+)$", re.M)


def test_demo_prints_an_otpauth_link_for_every_account_that_signs_in(app, runner):
    output = runner.invoke(args=["demo"]).output
    accounts = re.findall(r"^\s+\w+\s+(\S+@example\.org)\s+password: (.+?)\s+TOTP secret", output, re.M)
    links = OTPAUTH.findall(output)
    assert len(links) == len(accounts) == 7
    by_email = {}
    for link in links:
        parsed = urlparse(link)
        assert parsed.scheme == "otpauth" and parsed.netloc == "totp"
        by_email[unquote(parsed.path).rsplit(":", 1)[-1]] = parse_qs(parsed.query)["secret"][0]
    assert set(by_email) == {email for email, _ in accounts}
    email, password = next(row for row in accounts if row[0] == "analyst@example.org")
    client = app.test_client()
    post_form(client, "/staff/login", {"email": email, "password": password})
    response = post_form(client, "/staff/two-factor", {"code": pyotp.TOTP(by_email[email]).now()})
    assert response.status_code == 302 and not response.headers["Location"].endswith("/staff/two-factor")
    assert client.get("/stats/").status_code == 200


def test_demo_prints_the_sign_in_address_of_the_port_or_the_public_base_url(make_app):
    app = make_app()
    output = app.test_cli_runner().invoke(args=["demo", "--port", "5100"]).output
    assert "Demo staff sign-ins at http://127.0.0.1:5100/staff/login " in output
    configured = make_app(PUBLIC_BASE_URL="https://report.example.org/")
    output = configured.test_cli_runner().invoke(args=["demo"]).output
    assert "Demo staff sign-ins at https://report.example.org/staff/login " in output
    assert "127.0.0.1" not in output


def test_demo_code_shows_the_current_code_in_development_only(make_app):
    app = make_app(ENV_NAME="development")
    runner = app.test_cli_runner()
    output = runner.invoke(args=["demo"]).output
    secret = re.search(r"reviewer@example\.org\s+password: .+?TOTP secret: ([A-Z2-7]+)", output).group(1)
    shown = runner.invoke(args=["demo-code", "Reviewer@Example.org"])
    assert shown.exit_code == 0, shown.output
    assert pyotp.TOTP(secret).verify(shown.output.strip(), valid_window=1)
    unknown = runner.invoke(args=["demo-code", "someone@example.net"])
    assert unknown.exit_code != 0 and "not a demo account" in unknown.output


def test_demo_code_is_refused_outside_development(app, runner):
    runner.invoke(args=["demo"])
    refused = runner.invoke(args=["demo-code", "reviewer@example.org"])
    assert refused.exit_code != 0
    assert "REPORTING_ENV_NAME=development" in refused.output
    assert not re.search(r"\b\d{6}\b", refused.output)


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_run_takes_a_port_and_5000_by_default():
    def dry_run(*args: str) -> str:
        # -n prints the recipes without running any of them.
        return subprocess.run(["make", "-n", "run", *args], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout

    assert "flask run --host 127.0.0.1 --port 5100" in dry_run("PORT=5100")
    assert "flask demo --port 5100" in dry_run("PORT=5100")
    assert "flask run --host 127.0.0.1 --port 5000" in dry_run()
    assert "make run PORT=5100" in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_compiling_a_catalogue_is_silent(tmp_path: Path):
    source = ROOT / "reporting/i18n/translations/pl/LC_MESSAGES/messages.po"
    shutil.copy(source, tmp_path / "messages.po")
    made = subprocess.run(["make", "-s", str(tmp_path / "messages.mo")], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    assert (tmp_path / "messages.mo").stat().st_size > 0
    assert made.stdout == "" and made.stderr == ""
