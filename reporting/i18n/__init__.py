"""Locale selection. Every string goes through Flask-Babel."""
from __future__ import annotations

from typing import Any

from flask import Flask, current_app, request, session
from flask_babel import get_locale

from reporting.extensions import babel
from reporting.urls import external_url


def select_locale() -> str | None:
    supported = current_app.config["SUPPORTED_LOCALES"]
    chosen = session.get("locale")
    if chosen in supported:
        return str(chosen)
    return request.accept_languages.best_match(supported) or supported[0]


def _template_globals() -> dict[str, Any]:
    return {
        "current_locale": str(get_locale() or "en"),
        "service_name": current_app.config["SERVICE_NAME"],
        "external_url": external_url,
    }


def init_i18n(app: Flask) -> None:
    from reporting import ROOT

    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(ROOT / "reporting" / "i18n" / "translations"),
    )
    app.context_processor(_template_globals)
