"""Configuration fails closed: production refuses to start unsafely."""
from __future__ import annotations

import os
import stat

import pytest

from reporting import create_app
from reporting.config import ConfigError


def test_production_refuses_to_start_without_a_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("REPORTING_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app({"INSTANCE_PATH": str(tmp_path), "ENV_NAME": "production", "SECRET_KEY": None})


def test_production_refuses_a_short_secret_key(tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app({"INSTANCE_PATH": str(tmp_path), "ENV_NAME": "production", "SECRET_KEY": "short"})


def test_production_refuses_cookies_without_https(tmp_path):
    with pytest.raises(ConfigError, match="COOKIE_SECURE"):
        create_app({
            "INSTANCE_PATH": str(tmp_path), "ENV_NAME": "production",
            "SECRET_KEY": "x" * 48, "SESSION_COOKIE_SECURE": False,
        })


def test_production_is_the_default(tmp_path, monkeypatch):
    for name in ("REPORTING_ENV_NAME", "REPORTING_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ConfigError):
        create_app({"INSTANCE_PATH": str(tmp_path)})


def test_development_generates_a_secret_once_and_keeps_it_private(tmp_path, monkeypatch):
    monkeypatch.delenv("REPORTING_SECRET_KEY", raising=False)
    first = create_app({"INSTANCE_PATH": str(tmp_path), "ENV_NAME": "development"})
    second = create_app({"INSTANCE_PATH": str(tmp_path), "ENV_NAME": "development"})
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) >= 32
    mode = stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode)
    assert mode == 0o600
    assert first.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'reporting.db'}"


def test_environment_variables_configure_the_app(tmp_path, monkeypatch):
    monkeypatch.setenv("REPORTING_SECRET_KEY", "e" * 40)
    monkeypatch.setenv("REPORTING_ENV_NAME", "production")
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://reporting@db.internal/reporting")
    monkeypatch.setenv("REPORTING_PUBLIC_BASE_URL", "https://report.example.org")
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SECRET_KEY"] == "e" * 40
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Strict"


def test_production_refuses_to_start_without_its_public_address(tmp_path, monkeypatch):
    """Issue 11 item 11: links on posters and in emails never come from a request's Host."""
    monkeypatch.delenv("REPORTING_PUBLIC_BASE_URL", raising=False)
    settings = {"INSTANCE_PATH": str(tmp_path), "ENV_NAME": "production", "SECRET_KEY": "x" * 48}
    with pytest.raises(ConfigError, match="PUBLIC_BASE_URL"):
        create_app(settings)
    with pytest.raises(ConfigError, match="PUBLIC_BASE_URL"):
        create_app(settings | {"PUBLIC_BASE_URL": "http://report.example.org"})
    app = create_app(settings | {"PUBLIC_BASE_URL": "https://report.example.org"})
    with app.test_request_context("/", base_url="https://evil.example.net"):
        from reporting.urls import external_url

        assert external_url("status.enter_receipt").startswith("https://report.example.org/")


def test_flask_demo_refuses_production(tmp_path):
    """Issue 11 item 14: the demo's published passwords never reach a live service."""
    app = create_app({"INSTANCE_PATH": str(tmp_path), "ENV_NAME": "production", "SECRET_KEY": "x" * 48,
                      "PUBLIC_BASE_URL": "https://report.example.org",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'untouched.db'}"})
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code != 0
    assert "never runs in production" in result.output
    assert not (tmp_path / "untouched.db").exists() or (tmp_path / "untouched.db").stat().st_size == 0


def test_forms_work_over_https_without_a_referer(app, keys):
    # Browsers send no Referer here (Referrer-Policy: no-referrer), so Flask-WTF's strict
    # HTTPS referer check would refuse every form behind TLS: the token alone guards posts.
    from tests.helpers import CSRF

    client = app.test_client()
    page = client.get("/report/", base_url="https://localhost")
    token = CSRF.search(page.get_data(as_text=True))
    assert token
    response = client.post("/report/", data={"csrf_token": token.group(1)}, base_url="https://localhost")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    forged = app.test_client().post("/report/", data={}, base_url="https://localhost")
    assert forged.status_code == 400


@pytest.mark.parametrize("setting", ["WTF_CSRF_ENABLED", "WTF_CSRF_CHECK_DEFAULT"])
@pytest.mark.parametrize("env", ["production", "development", "testing"])
def test_the_csrf_check_cannot_be_turned_off(tmp_path, setting, env):
    """Every form relies on the one check CSRFProtect makes before any view."""
    with pytest.raises(ConfigError, match="CSRF"):
        create_app({
            "INSTANCE_PATH": str(tmp_path), "ENV_NAME": env, "SECRET_KEY": "x" * 48,
            "PUBLIC_BASE_URL": "https://report.example.org", setting: False,
        })


@pytest.mark.parametrize(("env", "proxies", "warned"), [
    ("production", 0, True), ("production", 1, False), ("development", 0, False), ("testing", 0, False),
])
def test_production_warns_at_start_when_no_proxy_is_configured(tmp_path, captured_logs, env, proxies, warned):
    """Issue 27 item 7: docs/operating.md says nginx is required; the app says so too."""
    create_app({"INSTANCE_PATH": str(tmp_path), "ENV_NAME": env, "SECRET_KEY": "x" * 48,
                "PUBLIC_BASE_URL": "https://report.example.org", "PROXY_FIX_X_FOR": proxies,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'unused.db'}"})
    said = [line for line in captured_logs if "no reverse proxy configured" in line]
    assert bool(said) == warned, captured_logs
