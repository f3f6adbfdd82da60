"""The settings services use, typed and read once from the configuration in create_app.

Services take a ``Settings`` argument instead of reading ``current_app.config``:
views fetch it once with ``current_settings()`` and CLI commands the same, so a
service called from a test, a command or a page gets the same values.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask import Flask, current_app

from reporting import crypto

_EXTENSION = "reporting.settings"


@dataclass(frozen=True)
class Settings:
    env_name: str
    service_name: str
    password_kdf: crypto.KdfParams
    receipt_kdf: crypto.KdfParams
    staff_idle: timedelta
    receipt_idle: timedelta
    retention_years: int
    sent_draft_minutes: int  # how long a sent draft keeps its confirmation (a reload, a second click)
    review_working_days: int
    referral_ack_working_days: int
    meeting_quorum: int  # agencies attending for a meeting to be quorate
    action_escalation_days: int  # days past due before an open action goes to the agency's lead contact
    training_refresh_months: int  # a centre's training is due for a refresher this many months after it
    # Derived from SECRET_KEY: never shown in a repr (tracebacks, logs).
    totp_key: bytes = field(repr=False)
    # Joins a slip's word to its code: never in the database, so a stolen database cannot
    # test guesses of the word.
    receipt_word_key: bytes = field(repr=False)
    held_code_key: bytes = field(repr=False)  # a code kept in the cookie while the word is asked

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Settings:
        return cls(
            env_name=str(config["ENV_NAME"]),
            service_name=str(config.get("SERVICE_NAME", "")),
            password_kdf=crypto.KdfParams.decode(config["PASSWORD_KDF"]),
            receipt_kdf=crypto.KdfParams.decode(config["RECEIPT_KDF"]),
            staff_idle=timedelta(minutes=int(config["STAFF_IDLE_MINUTES"])),
            receipt_idle=timedelta(minutes=int(config["RECEIPT_IDLE_MINUTES"])),
            retention_years=int(config["RETENTION_YEARS"]),
            sent_draft_minutes=int(config["SENT_DRAFT_MINUTES"]),
            review_working_days=int(config["REVIEW_WORKING_DAYS"]),
            referral_ack_working_days=int(config["REFERRAL_ACK_WORKING_DAYS"]),
            meeting_quorum=int(config["MEETING_QUORUM"]),
            action_escalation_days=int(config["ACTION_ESCALATION_DAYS"]),
            training_refresh_months=int(config["TRAINING_REFRESH_MONTHS"]),
            totp_key=crypto.derive_subkey(str(config["SECRET_KEY"]).encode(), "totp secrets"),
            receipt_word_key=crypto.derive_subkey(str(config["SECRET_KEY"]).encode(), "receipt word"),
            held_code_key=crypto.derive_subkey(str(config["SECRET_KEY"]).encode(), "held receipt code"),
        )


def init_settings(app: Flask) -> Settings:
    """Build the settings from the loaded configuration and keep them on the app."""
    settings = Settings.from_config(app.config)
    app.extensions[_EXTENSION] = settings
    return settings


def current_settings() -> Settings:
    """The settings of the running app (for views and CLI commands, which pass them on)."""
    settings: Settings = current_app.extensions[_EXTENSION]
    return settings
