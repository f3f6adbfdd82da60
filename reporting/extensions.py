"""Extensions, created unbound and bound in the factory."""
from __future__ import annotations

import logging
from typing import Any

from flask import Flask, current_app, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import event
from sqlalchemy.engine import Connection, CursorResult, Engine

from reporting import crypto
from reporting.db import Base


log = logging.getLogger(__name__)


def client_key() -> str:
    """Rate-limit key: a keyed hash of the client address, never the address."""
    key = current_app.extensions["reporting.ratelimit_key"]
    return crypto.keyed_tag(key, request.remote_addr or "unknown")


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
babel = Babel()
login_manager = LoginManager()
limiter = Limiter(key_func=client_key, default_limits=[])


def read(statement: Any, params: dict[str, Any] | None = None) -> CursorResult[Any]:
    """Run a statement of plain columns on the session's connection, without the ORM's work
    for each statement (about a sixth of a millisecond each). Only for reads no pending change
    of this request could alter: nothing is flushed first."""
    return db.session.connection().execute(statement, params or {})


def init_extensions(app: Flask) -> None:
    app.extensions["reporting.ratelimit_key"] = crypto.derive_subkey(
        str(app.config["SECRET_KEY"]).encode(), "rate-limit client tag"
    )
    db.init_app(app)
    # Registered after Flask-SQLAlchemy's, so it runs first and leaves that one nothing to do.
    app.teardown_appcontext(remove_session_safely)
    from reporting import ROOT

    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)


def _session_connection() -> Connection | None:
    """The connection the request's session holds, if it holds one."""
    if not db.session.registry.has():
        return None
    session = db.session.registry()
    if not session.in_transaction():
        return None
    try:
        return session.connection()
    except Exception:
        return None


def _discard(connection: Connection | None, error: BaseException) -> None:
    """A failed rollback or close: invalidate the connection (no rollback) so the pool replaces it."""
    log.warning("database connection lost at the end of a request: %s", type(error).__name__)
    if connection is not None:
        try:
            connection.invalidate()
        except Exception as closing:  # the driver may refuse even to close
            log.warning("database connection not closed cleanly: %s", type(closing).__name__)
    db.session.registry.clear()


def rollback_safely() -> None:
    """Roll back the request's session; a lost connection is discarded, never raised."""
    connection = _session_connection()
    try:
        db.session.rollback()
    except Exception as error:
        _discard(connection, error)


def remove_session_safely(exc: BaseException | None) -> None:
    """End the request's session without ever turning a rendered response into a 500.

    Closing rolls back whatever is open; if the connection was lost after the page
    rendered (or after a committed send), that rollback raises outside Flask's error
    handlers and the server answers a bare 500. Nothing uncommitted survives a lost
    connection anyway, so the connection is discarded and the error logged.
    """
    connection = _session_connection()
    try:
        db.session.remove()
    except Exception as error:
        _discard(connection, error)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: object, connection_record: object) -> None:
    """WAL, enforced foreign keys and a 32 MiB page cache on SQLite; PostgreSQL needs none of them."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    # SQLite's default cache is 2 MB a connection, smaller than one month of the statistics' index
    # at 1,000,000 reports, so each look read those pages again from the OS (10 to 40% slower
    # grouping). A ceiling, not an allocation: a connection grows its cache only as it reads.
    cursor.execute("PRAGMA cache_size=-32768")
    cursor.close()
