"""App-wide error pages in the service's design; a 500 rolls back first."""
from __future__ import annotations

import logging

from flask import Flask, render_template
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import (
    DataError, DisconnectionError, InterfaceError, InternalError, OperationalError, PendingRollbackError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException, InternalServerError

from reporting.extensions import rollback_safely

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
    rollback_safely()  # a lost connection must not hide the page
    original = getattr(error, "original_exception", error)
    log.error("unhandled error: %s", type(original).__name__)
    return _render(500)


# An outage: the database cannot be reached or cannot take writes now. Lost or refused
# connections (OperationalError, InterfaceError, or any error the driver marked as a lost
# connection), a read-only replica after a failover (InternalError), a full pool, a
# session left unusable by one of these. Each gets the 503 page, which tells a reporter
# their answers are kept. Bad data (DataError: a NUL, a number out of range) is a 400,
# and anything else (a programming error: IntegrityError, ProgrammingError...) stays a
# 500 whose traceback is in the log (no handler: Flask logs it, then shows the 500 page).
OUTAGES: tuple[type[Exception], ...] = (
    OperationalError, InterfaceError, InternalError, DisconnectionError, PendingRollbackError, PoolTimeoutError,
)


def database_unavailable(error: Exception) -> ResponseReturnValue:
    rollback_safely()
    log.error("database unavailable: %s", type(error).__name__)
    return _render(503)


def bad_data(error: DataError) -> ResponseReturnValue:
    """A value the database refused (a NUL, a number out of range): the request's fault, and nothing was kept."""
    rollback_safely()
    log.warning("request refused by the database: %s", type(error.orig).__name__)
    return _render(400)


def init_errors(app: Flask) -> None:
    app.register_error_handler(CSRFError, csrf_error)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(InternalServerError, server_error)
    for failure in OUTAGES:
        app.register_error_handler(failure, database_unavailable)
    app.register_error_handler(DataError, bad_data)
