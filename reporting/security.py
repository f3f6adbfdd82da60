"""Trust zones: every endpoint declares who may use it; anything undeclared is denied.

A view is marked with ``@public`` or ``@roles("reviewer", ...)``. The
before-request hook finds the policy of the matched endpoint and refuses the
request when there is none, so a forgotten declaration fails closed (and the
access-matrix test names it).
"""
from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask, abort, current_app, request
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.routing import IntegerConverter

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


# C0 and C1 control characters (NUL included) and DEL. PostgreSQL refuses NUL in
# text, so one in a slug would reach the database as a 500; none belongs in a URL.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Posted fields that name a record and are looked up as they come (a centre's slug).
IDENTIFIER_FIELDS = ("via",)


def refuse_control_characters() -> None:
    """Refuse control characters in the path, any query parameter or a posted identifier.

    Runs before every other request hook, so before any query: a bad path is a 404
    (no such page), a bad parameter a 400 (the clear "problem with that request" page).
    Answers typed into forms are left to their fields, which say what to change.
    """
    if _CONTROL.search(request.path):
        abort(404)
    for key, value in request.args.items(multi=True):
        if _CONTROL.search(key) or _CONTROL.search(value):
            abort(400)
    # Either encoding a form can come in (the CSRF check parses the body anyway).
    if request.method == "POST" and request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for name in IDENTIFIER_FIELDS:
            if any(_CONTROL.search(value) for value in request.form.getlist(name)):
                abort(400)


# Ids in paths are the database's integers (4 bytes on PostgreSQL): a larger number names
# nothing, and would reach PostgreSQL as "integer out of range".
LARGEST_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:...>`` in every route: a number an id column can hold, else no such page (404)."""

    def __init__(self, map: Any, fixed_digits: int = 0, min: int | None = None, max: int | None = LARGEST_ID,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


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
    app.url_map.converters["int"] = IdConverter  # before any blueprint adds its routes
    if not app.config["PROXY_FIX_X_FOR"] and app.config["ENV_NAME"] == "production":
        # Served straight from gunicorn, slow clients hold its threads (nginx reads whole bodies
        # first and cuts slow ones off) and every client shares the proxy's rate limits or none.
        log.warning("no reverse proxy configured (REPORTING_PROXY_FIX_X_FOR=0): in production the service must "
                    "be served behind nginx (deploy/nginx/reporting.conf), with REPORTING_PROXY_FIX_X_FOR=1")
    if app.config["PROXY_FIX_X_FOR"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=int(app.config["PROXY_FIX_X_FOR"]), x_proto=1)  # type: ignore[method-assign]
    # First of all the before-request hooks (the rate limiter's and the locale's included).
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_control_characters)
    app.before_request(_enforce_policy)
    app.after_request(_security_headers)
