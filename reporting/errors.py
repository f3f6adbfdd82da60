"""App-wide error pages in the service's design; a 500 rolls back first."""
from __future__ import annotations

import logging

from flask import Flask, render_template
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from reporting.extensions import db

log = logging.getLogger(__name__)

PAGES = (400, 403, 404, 405, 413, 429, 500, 503)


def _render(code: int) -> ResponseReturnValue:
    return render_template(f"errors/{code}.html"), code


def http_error(error: HTTPException) -> ResponseReturnValue:
    code = error.code or 500
    if code not in PAGES:
        code = 400 if code < 500 else 500
    return _render(code)


def csrf_error(error: CSRFError) -> ResponseReturnValue:
    # Usually an expired or missing session: nothing was changed.
    return render_template("errors/csrf.html"), 400


def server_error(error: Exception) -> ResponseReturnValue:
    db.session.rollback()
    original = getattr(error, "original_exception", error)
    log.error("unhandled error: %s", type(original).__name__)
    return _render(500)


def database_unavailable(error: OperationalError) -> ResponseReturnValue:
    db.session.rollback()
    log.error("database unavailable")
    return _render(503)


def init_errors(app: Flask) -> None:
    app.register_error_handler(CSRFError, csrf_error)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(InternalServerError, server_error)
    app.register_error_handler(OperationalError, database_unavailable)
