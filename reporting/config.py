"""Configuration: fail-closed defaults, then instance/config.py, then REPORTING_* environment.

Production is the default. Development (``REPORTING_ENV_NAME=development``, which
``make run`` sets) generates a secret key once into ``instance/`` and allows
cookies over plain HTTP on 127.0.0.1.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

DEFAULTS: dict[str, Any] = {
    "ENV_NAME": "production",
    "SECRET_KEY": None,  # nosec B105 - no secret: None means it must be configured (validate() refuses to start)
    "SERVICE_NAME": "Report Hate Shropshire",
    "EXIT_URL": "https://www.bbc.co.uk/weather",
    # Argon2id parameters for receipt codes (the secret part has >= 53 bits, so
    # moderate cost suffices) and for staff passwords.
    "RECEIPT_KDF": "argon2id:t=2,m=19456,p=1",
    # The key wrap of every key holder: about 0.4 s of CPU and 128 MiB per sign-in on the 2-core development machine.
    "PASSWORD_KDF": "argon2id:t=3,m=131072,p=1",  # nosec B105 - cost parameters, not a password
    "DRAFT_IDLE_MINUTES": 60,
    "SENT_DRAFT_MINUTES": 30,
    # After the confirmation page first shows the receipt code, a reload in the same browser
    # shows it again for this long (the first page may have been cut off), unless the
    # person finishes or leaves first.
    "RECEIPT_SHOWN_MINUTES": 10,
    "RETENTION_YEARS": 6,
    # Retention rules (reporting/retention/rules.py; the reasons are in the README's configuration table and
    # docs/data-protection.md, section 4): days after closure, or after the police outcome.
    "RETENTION_SPAM_DAYS": 30,
    "RETENTION_CLOSED_DAYS": 3 * 365,
    "RETENTION_REFERRED_DAYS": 3 * 365,
    "RETENTION_REVIEW_DAYS": 30,
    # Languages offered (codes of reporting.i18n.LANGUAGES), and the translations the
    # Partnership has signed off (the others say they are being checked).
    "SUPPORTED_LOCALES": ["en", "en-x-easy", "pl", "ro", "lt", "uk", "ar"],
    "TRANSLATIONS_SIGNED_OFF": [],
    # A British Sign Language video or relay service, linked from the home page and contact question.
    "BSL_URL": None,
    "RATELIMIT_STORAGE_URI": "memory://",
    # A rate limit never takes the service down: the shared store (Redis) gets half a second
    # to connect or answer; when it cannot, Flask-Limiter counts in each process's memory
    # (with a warning in the log) and goes back to the store once it answers again.
    "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    # Requests that were asking the store when it died, while another thread made the switch,
    # are let through uncounted (logged), never a 500 (tests/faults/test_redis_down.py).
    "RATELIMIT_SWALLOW_ERRORS": True,
    "RATELIMIT_HEADERS_ENABLED": False,
    "RATELIMIT_STRATEGY": "moving-window",
    # A library's shared connection can send many people through one address:
    # the limits only stop automated floods.
    "RATELIMIT_JOURNEY": "600 per hour;60 per minute",
    "RATELIMIT_SUBMIT": "60 per hour;10 per minute",
    "PROXY_FIX_X_FOR": 0,
    "STAFF_IDLE_MINUTES": 30,
    "RECEIPT_IDLE_MINUTES": 15,
    # Receipt look-ups: per client, and for the whole service (a guessing flood).
    "RATELIMIT_STATUS": "20 per hour;5 per minute",
    "RATELIMIT_STATUS_GLOBAL": "2000 per hour",
    "MAIL_SERVER": None,
    "MAIL_PORT": 25,
    "MAIL_STARTTLS": False,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,  # nosec B105 - no secret: set from the environment when the SMTP server needs one
    "MAIL_FROM": "no-reply@localhost",
    # Where "a referral is waiting" emails go (the force's single point of contact).
    "POLICE_REFERRAL_EMAIL": None,
    "REFERRAL_ACK_WORKING_DAYS": 2,
    # The Group's promise: a new case is looked at within this many working days.
    "REVIEW_WORKING_DAYS": 2,
    # A meeting of the Group is quorate when at least this many invited agencies attend.
    "MEETING_QUORUM": 2,
    # An open action this many days past its due date is escalated to its agency's lead contact.
    "ACTION_ESCALATION_DAYS": 14,
    # A reporting centre's hate crime awareness training is due for a refresher this many months after it.
    "TRAINING_REFRESH_MONTHS": 12,
    # The service's public address, for links in emails sent from the command line.
    "PUBLIC_BASE_URL": None,
    # Entries at the start of the audit log written before the chain was keyed (an older
    # install): `audit verify` accepts that many unkeyed entries, and none after them.
    "AUDIT_UNKEYED_ENTRIES": 0,
    # Sign-in pauses after repeated failures, the same for unknown emails.
    "SIGNIN_LIMIT_PER_ACCOUNT": "5 per 15 minutes",
    "SIGNIN_LIMIT_PER_CLIENT": "50 per 15 minutes",
    "MAX_CONTENT_LENGTH": 1 * 1024 * 1024,
    "MAX_FORM_MEMORY_SIZE": 500 * 1024,
    "SESSION_COOKIE_NAME": "session",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Strict",
    "SESSION_COOKIE_SECURE": True,
    "WTF_CSRF_TIME_LIMIT": None,  # the session bounds the token's life
    # Flask-WTF's HTTPS check wants a Referer, which browsers never send here
    # (Referrer-Policy: no-referrer): behind TLS every form would fail. The token in the
    # SameSite=Strict session still guards every post.
    "WTF_CSRF_SSL_STRICT": False,
    # Errors must not echo statement parameters into logs.
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
}


class ConfigError(RuntimeError):
    """The configuration is unsafe or incomplete; the app refuses to start."""


def load(app: Flask, test_config: dict[str, Any] | None = None) -> None:
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("REPORTING")
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if os.environ.get("RATELIMIT_STORAGE_URI"):
        app.config["RATELIMIT_STORAGE_URI"] = os.environ["RATELIMIT_STORAGE_URI"]
    if test_config:
        app.config.from_mapping(test_config)
    if app.config["ENV_NAME"] == "development":
        _development_defaults(app)
    app.config.setdefault(
        "SQLALCHEMY_DATABASE_URI",
        "sqlite:///" + str(Path(app.instance_path) / "reporting.db"),
    )
    if str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite"):
        # A database file opened in this process has no server to drop the connection: no
        # ping before each request's first statement (PostgreSQL keeps it).
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**app.config["SQLALCHEMY_ENGINE_OPTIONS"], "pool_pre_ping": False}
    validate(app.config)


def _development_defaults(app: Flask) -> None:
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))
    if "REPORTING_SESSION_COOKIE_SECURE" not in os.environ:
        app.config["SESSION_COOKIE_SECURE"] = False


def _instance_secret(instance: Path) -> str:
    """A secret generated once per development install, kept in instance/."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def validate(config: Any) -> None:
    env = config["ENV_NAME"]
    if env not in ("production", "development", "testing"):
        raise ConfigError("REPORTING_ENV_NAME must be production, development or testing")
    secret = config.get("SECRET_KEY")
    if not secret or len(str(secret)) < 32:
        raise ConfigError(
            "REPORTING_SECRET_KEY is missing or shorter than 32 characters; "
            "set it, or set REPORTING_ENV_NAME=development for a local install"
        )
    if env == "production" and not config["SESSION_COOKIE_SECURE"]:
        raise ConfigError("production needs REPORTING_SESSION_COOKIE_SECURE=true (HTTPS)")
    if not config.get("WTF_CSRF_ENABLED", True) or not config.get("WTF_CSRF_CHECK_DEFAULT", True):
        # CSRFProtect's check before every view is the only one: forms keep no token of their own.
        raise ConfigError("the CSRF check cannot be turned off (WTF_CSRF_ENABLED, WTF_CSRF_CHECK_DEFAULT)")
    for name in ("MEETING_QUORUM", "ACTION_ESCALATION_DAYS"):
        # A quorum or escalation of no number, or below zero, would be shown or acted on as if it were one.
        if not str(config.get(name, "")).isdigit():
            raise ConfigError(f"REPORTING_{name} must be a whole number, 0 or more")
    if not str(config.get("TRAINING_REFRESH_MONTHS", "")).isdigit() or not 1 <= int(config["TRAINING_REFRESH_MONTHS"]) <= 120:
        raise ConfigError("REPORTING_TRAINING_REFRESH_MONTHS must be a whole number of months from 1 to 120")
    base = config.get("PUBLIC_BASE_URL")
    if env == "production" and not (isinstance(base, str) and base.startswith("https://") and len(base) > len("https://")):
        # Posters' QR codes, slips and emails would otherwise carry whatever Host a request
        # claimed: a forged Host header would print an attacker's address on a poster.
        raise ConfigError("production needs REPORTING_PUBLIC_BASE_URL, the service's own https:// address")
