"""Trust zones: every endpoint declares who may use it; anything undeclared is denied.

A view is marked with ``@public`` or ``@roles("reviewer", ...)``. The
before-request hook finds the policy of the matched endpoint and refuses the
request when there is none, so a forgotten declaration fails closed (and the
access-matrix test names it).
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask, abort, current_app, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])
POLICY_ATTR = "access_policy"


@dataclass(frozen=True)
class Policy:
    """Who may use an endpoint: anyone, or signed-in staff with one of the roles."""

    name: str
    roles: frozenset[str] = frozenset()

    @property
    def is_public(self) -> bool:
        return not self.roles

    def allows(self, user: Any) -> bool:
        if self.is_public:
            return True
        return bool(getattr(user, "is_authenticated", False)) and user.role in self.roles


PUBLIC = Policy("public")


def public(view: F) -> F:
    """Declare a view open to everyone (the public trust zone)."""
    setattr(view, POLICY_ATTR, PUBLIC)
    return view


def roles(*names: str) -> Callable[[F], F]:
    """Declare a view open only to signed-in staff holding one of these roles."""
    policy = Policy("roles:" + ",".join(sorted(names)), frozenset(names))

    def decorate(view: F) -> F:
        setattr(view, POLICY_ATTR, policy)
        return view

    return decorate


def policy_for(app: Flask, endpoint: str) -> Policy | None:
    view = app.view_functions.get(endpoint)
    declared = getattr(view, POLICY_ATTR, None)
    if declared is None:
        declared = app.extensions["reporting.policies"].get(endpoint)
    return declared


def allow_static(app: Flask) -> None:
    app.extensions["reporting.policies"]["static"] = PUBLIC


def _enforce_policy() -> ResponseReturnValue | None:
    endpoint = request.endpoint
    if endpoint is None:  # no route matched: the 404/405 handlers answer
        return None
    policy = policy_for(current_app, endpoint)
    if policy is None:
        log.error("endpoint %s has no access policy; denied", endpoint)
        abort(403)
    if policy.is_public or policy.allows(current_user):
        return None
    if not getattr(current_user, "is_authenticated", False) and "auth.login" in current_app.view_functions:
        return current_app.login_manager.unauthorized()  # type: ignore[attr-defined,no-any-return]
    abort(403)


CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)


def _security_headers(response: Any) -> Any:
    headers = response.headers
    if "Content-Security-Policy" not in headers:  # a view may set a stricter one of its own (chart images)
        headers["Content-Security-Policy"] = CSP
    headers["Referrer-Policy"] = "no-referrer"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Cross-Origin-Resource-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
    if current_app.config["ENV_NAME"] == "production":
        headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    if request.endpoint != "static":
        # Answers, receipts and case content must never sit in a browser or proxy cache.
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"
    return response


def init_security(app: Flask) -> None:
    app.extensions["reporting.policies"] = {}
    if app.config["PROXY_FIX_X_FOR"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=int(app.config["PROXY_FIX_X_FOR"]), x_proto=1)  # type: ignore[method-assign]
    app.before_request(_enforce_policy)
    app.after_request(_security_headers)
