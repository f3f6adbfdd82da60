"""The benchmark's baseline: a bare Flask + Flask-SQLAlchemy app doing one plain INSERT.

Served by gunicorn beside the real app (``tests.bench_baseline:create_app()``),
on SQLite in WAL mode like the app. ``POST /insert`` parses a small form (as the
app's submit does), inserts one row with a ~2 KB random blob, commits and
answers 302, like the app's final submit. No sessions, CSRF, templates or
crypto: only what any Flask + SQLAlchemy write costs.

Environment: ``BENCH_BASELINE_DATABASE_URL`` (required),
``BENCH_BASELINE_BLOB_BYTES`` (default 2048).
"""
from __future__ import annotations

import os
from datetime import UTC, datetime

from flask import Flask, Response, redirect, request
from flask.typing import ResponseReturnValue
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, Integer, LargeBinary, String, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

DEFAULT_BLOB_BYTES = 2048


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Row(Base):
    __tablename__ = "rows"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    label: Mapped[str] = mapped_column(String(64))
    payload: Mapped[bytes] = mapped_column(LargeBinary)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: object, connection_record: object) -> None:
    """The same pragmas as the app's SQLite connections."""
    if not type(dbapi_connection).__module__.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def create_app(database_url: str | None = None) -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url or os.environ["BENCH_BASELINE_DATABASE_URL"]
    blob_bytes = int(os.environ.get("BENCH_BASELINE_BLOB_BYTES", DEFAULT_BLOB_BYTES))
    db.init_app(app)

    @app.post("/insert")
    def insert() -> ResponseReturnValue:
        label = str(request.form.get("label", ""))[:64]
        db.session.add(Row(created_at=datetime.now(UTC), label=label, payload=os.urandom(blob_bytes)))
        db.session.commit()
        return redirect("/sent")

    @app.get("/healthz")
    def healthz() -> ResponseReturnValue:
        db.session.execute(text("SELECT 1"))
        return Response("ok\n", mimetype="text/plain")

    return app


def init_db(database_url: str) -> None:
    """Create the table once, before gunicorn's workers start."""
    app = create_app(database_url)
    with app.app_context():
        db.create_all()
        db.engine.dispose()
