"""Absolute links printed on posters and slips or sent by email.

With REPORTING_PUBLIC_BASE_URL set they always use the service's own address,
whatever Host header a request arrived with; without it, the request's.
"""
from __future__ import annotations

from typing import Any

from flask import current_app, url_for


def external_url(endpoint: str, **values: Any) -> str:
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base:
        return str(base).rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)
