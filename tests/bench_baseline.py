"""The benchmark's baseline: a bare Flask + Flask-SQLAlchemy app.

Served by gunicorn beside the real app (``tests.bench_baseline:create_app()``),
on the same backend as the app in that run: SQLite in WAL mode with the app's pragmas, or PostgreSQL. No sessions, CSRF or crypto: only what any
Flask + SQLAlchemy request costs.

- ``POST /insert`` parses a small form (as the app's submit does), inserts one
  row with a ~2 KB random blob, commits and answers 302, like the app's final submit.
- ``GET /list[?page=N]`` selects 50 whole rows (blob included) ordered by id
  descending and renders them as a plain HTML table with Jinja (the template is
  compiled once), the counterpart of the app's 50-row queue page.
  ``fill_rows`` puts any number of rows in the table beforehand.

Environment: ``BENCH_BASELINE_DATABASE_URL`` (required),
``BENCH_BASELINE_BLOB_BYTES`` (default 2048).
"""
from __future__ import annotations

import os
import random
import sqlite3
from datetime import UTC, datetime, timedelta

from flask import Flask, Response, redirect, request
from flask.typing import ResponseReturnValue
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, Integer, LargeBinary, String, event, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

DEFAULT_BLOB_BYTES = 2048
LIST_PAGE_SIZE = 50
LIST_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Rows</title></head>
<body>
<h1>Rows</h1>
<table>
  <thead><tr><th scope="col">Id</th><th scope="col">Created</th><th scope="col">Label</th><th scope="col">Bytes</th></tr></thead>
  <tbody>
  {%- for row in rows %}
    <tr><td>{{ row.id }}</td><td>{{ row.created_at.strftime("%d %b %Y %H:%M") }}</td><td>{{ row.label }}</td><td>{{ row.payload | length }}</td></tr>
  {%- endfor %}
  </tbody>
</table>
<p>Page {{ page }}</p>
</body>
</html>
"""


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

    list_page = app.jinja_env.from_string(LIST_PAGE)

    @app.get("/list")
    def list_rows() -> ResponseReturnValue:
        page = max(1, min(request.args.get("page", 1, type=int) or 1, 100000))
        rows = db.session.scalars(
            select(Row).order_by(Row.id.desc()).limit(LIST_PAGE_SIZE).offset((page - 1) * LIST_PAGE_SIZE)
        ).all()
        return list_page.render(rows=rows, page=page)

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


def fill_rows(url: str, count: int, blob_bytes: int = DEFAULT_BLOB_BYTES, *, seed: int = 7) -> None:
    """Put ``count`` rows in the table directly (the database at SQLAlchemy ``url``, SQLite or
    PostgreSQL): labels, times over three years in id order, random blobs (made by SQLite itself,
    or sent with COPY to PostgreSQL). For the list page's measurement only."""
    rng = random.Random(seed)
    now = datetime.now(UTC).replace(tzinfo=None)
    start = now - timedelta(days=3 * 365)
    span = (now - start).total_seconds()
    stamps = sorted(rng.random() * span for _ in range(count))
    if url.startswith("postgresql"):
        import psycopg

        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1)) as pg:
            pg.execute("SET TIME ZONE 'UTC'")
            with pg.cursor().copy("COPY rows (created_at, label, payload) FROM STDIN") as copy:
                for i, t in enumerate(stamps):
                    copy.write_row(((start + timedelta(seconds=t)).strftime("%Y-%m-%d %H:%M:%S.%f"), f"row-{i:07d}",
                                    os.urandom(blob_bytes)))
            pg.commit()
        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1), autocommit=True) as pg:
            pg.execute("VACUUM ANALYZE rows")
        return
    path = url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA synchronous=OFF")
        conn.executemany(
            "INSERT INTO rows (created_at, label, payload) VALUES (?, ?, randomblob(?))",
            (
                ((start + timedelta(seconds=t)).strftime("%Y-%m-%d %H:%M:%S.%f"), f"row-{i:07d}", blob_bytes)
                for i, t in enumerate(stamps)
            ),
        )
        conn.commit()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
