"""Extensions, created unbound and bound in the factory."""
from __future__ import annotations

from flask import Flask, current_app, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import event
from sqlalchemy.engine import Engine

from reporting import crypto
from reporting.db import Base


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


def init_extensions(app: Flask) -> None:
    app.extensions["reporting.ratelimit_key"] = crypto.derive_subkey(
        str(app.config["SECRET_KEY"]).encode(), "rate-limit client tag"
    )
    db.init_app(app)
    from reporting import ROOT

    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: object, connection_record: object) -> None:
    """WAL and enforced foreign keys on SQLite; PostgreSQL needs neither."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()
