"""Fixtures: a fresh database built by the migrations for every test.

SQLite always (a migrated template file copied per test); PostgreSQL too when
TEST_DATABASE_URL is set (migrated once, emptied between tests). With CI=true a
missing PostgreSQL is an error, not a skip. One app per worker and database URL serves
the tests that take ``app`` (put back as it was after each); one set of keys per worker
is copied into each test's database that takes ``keys``.
"""
from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from reporting import create_app, crypto
from reporting.extensions import db, limiter
from reporting.keys import services as key_services
from reporting.settings import current_settings

CI = os.environ.get("CI", "").lower() == "true"
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
SECRET = "test-secret-key-that-is-long-enough-0123456789"
KEEP_TABLES = {"alembic_version", "choices", "choice_lists_version"}


def base_config(tmp_path: Path, database_url: str) -> dict[str, object]:
    return {
        "ENV_NAME": "testing",
        "TESTING": True,
        "SECRET_KEY": SECRET,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "RECEIPT_KDF": crypto.KDF_TEST.encode(),
        "PASSWORD_KDF": crypto.KDF_TEST.encode(),
        "SESSION_COOKIE_SECURE": False,
        "RATELIMIT_ENABLED": False,
    }


def migrate(app: Flask) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()


def backends() -> list[str]:
    if TEST_DATABASE_URL:
        return ["sqlite", "postgresql"]
    if CI:
        return ["sqlite", "postgresql"]  # the fixture fails loudly without a URL
    return ["sqlite"]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("template")
    path = folder / "template.db"
    app = create_app(base_config(folder, f"sqlite:///{path}"))
    migrate(app)
    with app.app_context():
        db.engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A database of this run's own beside TEST_DATABASE_URL's, so runs never share state."""
    if not TEST_DATABASE_URL:
        pytest.fail("CI=true needs TEST_DATABASE_URL for the PostgreSQL run")
    base = sa.engine.make_url(TEST_DATABASE_URL)
    name = f"{base.database or 'test'}_run_{os.getpid()}_{os.urandom(3).hex()}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        _postgres_engines.pop(name, None)
        for engine in list(_postgres_engines.values()):
            engine.dispose()
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


_postgres_migrated = False  # tests/test_migrations.py sets it back after dropping the schema
_seeded_choices: list[dict[str, object]] = []
_emptied_tables: list[str] = []
_postgres_engines: dict[str, sa.Engine] = {}


def empty_postgres(url: str, tmp_path: Path) -> None:
    """Reset to the migrated state: every table emptied, the seeded choices as the migration left them.

    One engine per run (not an app per test) does it: the tables a test wrote to emptied, the
    sequences it moved set back, then the seeded choices back. The migrations run once, again only after a test dropped the schema.
    """
    global _postgres_migrated
    engine = _postgres_engines.get(url)
    if engine is None:
        engine = _postgres_engines[url] = sa.create_engine(url, poolclass=sa.pool.NullPool)
    if not _postgres_migrated:
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
        app = create_app(base_config(tmp_path, url))
        migrate(app)
        with app.app_context():
            db.engine.dispose()
        with engine.connect() as connection:
            _seeded_choices[:] = [dict(row._mapping) for row in connection.execute(sa.text("SELECT * FROM choices"))]
        _emptied_tables[:] = [t for t in sa.inspect(engine).get_table_names() if t not in KEEP_TABLES]
        _postgres_migrated = True
    with engine.begin() as connection:
        # Only the tables a test wrote to are emptied, by DELETE: a TRUNCATE of all 45 took about
        # 0.4 s a test (new files for every table and its indexes), a third of the suite's time on
        # PostgreSQL. Replica mode switches off triggers, foreign keys among them, for this
        # transaction alone: rows go in any order, and no trigger of the service fires on them.
        written = connection.execute(sa.text(" UNION ALL ".join(
            f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM \"{name}\")" for name in _emptied_tables  # nosec B608 - the schema's own names
        ))).scalars().all()
        connection.execute(sa.text("SET LOCAL session_replication_role = replica"))
        for name in written:
            connection.execute(sa.text(f'DELETE FROM "{name}"'))  # nosec B608 - the schema's own names
        # As RESTART IDENTITY did: the sequences of the emptied tables that a test moved start again.
        connection.execute(sa.text(
            "SELECT setval(d.objid::regclass, 1, false) FROM pg_depend d"
            " JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'"
            " JOIN pg_sequences q ON q.schemaname = 'public' AND q.sequencename = s.relname"
            " WHERE d.refobjid = ANY(CAST(:tables AS regclass[])) AND d.deptype IN ('a', 'i')"
            " AND q.last_value IS NOT NULL"
        ), {"tables": [f'"{name}"' for name in _emptied_tables]})
        # A test may have switched a choice off or added one: put the seeded list back, with the
        # triggers on, so the answer lists' version moves and nothing kept of the old lists is used.
        connection.execute(sa.text("SET LOCAL session_replication_role = origin"))
        connection.execute(sa.text("DELETE FROM choices"))
        choices = sa.table("choices", *(sa.column(name) for name in _seeded_choices[0]))
        connection.execute(choices.insert(), _seeded_choices)


@pytest.fixture(params=backends())
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def worker_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This worker's folder: its SQLite database (fresh for each test) and the shared apps' instance."""
    return tmp_path_factory.mktemp("worker")


def _shared_app_idle() -> None:
    """No connection of a shared app may outlive a test: the next test's database replaces this one."""
    for shared in _shared_apps.values():
        with shared.app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def database_url(backend: str, tmp_path: Path, worker_folder: Path, request: pytest.FixtureRequest) -> str:
    """A fresh migrated database for this test, at the same URL for every test of a worker
    (so one app per worker can serve the tests that change nothing of it, see ``app``)."""
    if backend == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        _shared_app_idle()
        path = worker_folder / "reporting.db"
        for old in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            old.unlink(missing_ok=True)  # a new file, not the old one overwritten under an open handle
        shutil.copy(template, path)
        return f"sqlite:///{path}"
    url = str(request.getfixturevalue("postgres_url"))
    _shared_app_idle()
    empty_postgres(url, tmp_path)
    return url


@pytest.fixture
def make_app(tmp_path: Path, database_url: str, backend: str) -> Iterator[object]:
    """A factory of apps on this test's database, with extra configuration."""
    made: list[Flask] = []

    def factory(**overrides: object) -> Flask:
        app = create_app(base_config(tmp_path, database_url) | overrides)
        made.append(app)
        return app

    yield factory
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


class SharedApp:
    """One app of a worker on one database URL, put back after each test as it was made:
    its configuration, its extensions' entries (the sign-in throttle's counts, say).

    The rate limiter is one object for every app, bound (its storage, its settings) by the
    last app built: once a test builds an app with limits on (``make_app(RATELIMIT_ENABLED=True)``),
    the shared apps are built again rather than served under its limits."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.config = dict(app.config)
        self.extensions = dict(app.extensions)

    @staticmethod
    def current() -> bool:
        """Whether the limiter is as a shared app left it: off (RATELIMIT_ENABLED is False in
        ``base_config``), and an app built since with limits on has not switched it on."""
        return not limiter.enabled

    def reset(self) -> None:
        app = self.app
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        app.config.clear()
        app.config.update(self.config)
        app.extensions.clear()
        app.extensions.update(self.extensions)


_shared_apps: dict[str, SharedApp] = {}


@pytest.fixture
def app(database_url: str, worker_folder: Path) -> Iterator[Flask]:
    """The app on this test's fresh database. Building an app costs more than many a test
    (hundreds of routes to compile), so a worker builds one per database URL and puts its
    configuration back after each test; ``make_app`` makes a new one with other settings."""
    shared = _shared_apps.get(database_url)
    if shared is None or not shared.current():
        shared = _shared_apps[database_url] = SharedApp(create_app(base_config(worker_folder, database_url)))
    try:
        yield shared.app
    finally:
        shared.reset()


# The rows `keys init` writes (the keys, the recovery-sealed private halves, the audit entry),
# made once per worker on a scratch database: every test's ``keys`` copies the same rows.
_KEY_TABLES = ("service_keys", "audit_events")
_made_keys: list[tuple[key_services.InitialisedKeys, dict[str, list[dict[str, object]]]]] = []


def _keys_once(sqlite_template: Path, folder: Path) -> tuple[key_services.InitialisedKeys, dict[str, list[dict[str, object]]]]:
    if not _made_keys:
        from reporting.db import Base

        path = folder / "keys.db"
        shutil.copy(sqlite_template, path)
        scratch = create_app(base_config(folder, f"sqlite:///{path}"))
        with scratch.app_context():
            made = key_services.init_keys()
            db.session.commit()
            tables = [t for t in Base.metadata.sorted_tables if t.name not in KEEP_TABLES]
            rows = {t.name: [dict(r._mapping) for r in db.session.execute(sa.select(t))] for t in tables}
            db.session.remove()
            db.engine.dispose()
        written = {name: found for name, found in rows.items() if found}
        assert set(written) <= set(_KEY_TABLES), f"keys init wrote rows the copy does not expect: {sorted(written)}"
        _made_keys.append((made, written))
    return _made_keys[0]


@pytest.fixture
def keys(app: Flask, backend: str, sqlite_template: Path, worker_folder: Path) -> key_services.InitialisedKeys:
    """The service's keys, as `keys init` makes them. On a database that has none and no
    audit entry yet (the common case) the worker's one set of rows is copied in; otherwise
    (a fixture wrote before) they are made here as before."""
    from reporting.db import Base

    made, rows = _keys_once(sqlite_template, worker_folder)
    with app.app_context():
        empty = all(db.session.scalar(sa.select(sa.func.count()).select_from(Base.metadata.tables[name])) == 0
                    for name in _KEY_TABLES)
        if not empty:
            fresh = key_services.init_keys()
            db.session.commit()
            return fresh
        for name, found in rows.items():
            db.session.execute(Base.metadata.tables[name].insert(), found)
        if backend == "postgresql":  # the ids were given: the sequences go on after them
            for name in rows:
                db.session.execute(sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))"  # nosec B608 - fixed names
                ))
        db.session.commit()
    return made


@pytest.fixture
def client(app: Flask, keys: key_services.InitialisedKeys) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_cli_runner()


@pytest.fixture
def captured_logs() -> Iterator[list[str]]:
    """Every log line written during the test, at every level."""
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    handler = Collect(level=logging.DEBUG)
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield lines
    root.removeHandler(handler)
    root.setLevel(previous)


PASSWORD = "correct horse battery staple"


@pytest.fixture
def make_user(app: Flask, keys: key_services.InitialisedKeys):  # type: ignore[no-untyped-def]
    """Factory: a staff account, granted its role's keys unless ``holder=False``."""
    from reporting.admin import accounts
    from reporting.auth.models import Role
    from reporting.centres.models import Centre

    def factory(role: str = "reviewer", *, email: str | None = None, holder: bool = True,
                centre: str | None = None, password: str = PASSWORD,
                agency: str | None = None):  # type: ignore[no-untyped-def]
        with app.app_context():
            agency_id = None
            if role == "agency":  # tied to one partner agency (made here if missing)
                from reporting.meetings.models import Agency

                name = agency or "Example housing association"
                agency_row = db.session.scalar(sa.select(Agency).where(Agency.name == name))
                if agency_row is None:
                    agency_row = Agency(name=name, kind="housing", contact_email="housing@example.org", active=True)
                    db.session.add(agency_row)
                    db.session.flush()
                agency_id = agency_row.id
            centre_row = None
            if centre:
                centre_row = db.session.scalar(sa.select(Centre).where(Centre.slug == centre))
                if centre_row is None:
                    centre_row = Centre(slug=centre, name=f"Example centre {centre}")
                    db.session.add(centre_row)
                    db.session.flush()
            user = accounts.create_user(
                email=email or f"{role}-{os.urandom(3).hex()}@example.org",
                role=Role(role),
                password=password,
                actor="test",
                centre=centre_row,
                agency_id=agency_id,
                settings=current_settings(),
            )
            user.must_change_password = False
            if holder and key_services.purpose_for_role(role):
                key_services.grant_with_recovery(user, keys.recovery_text)
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
            return user

    return factory


@pytest.fixture
def smtp_server():  # type: ignore[no-untyped-def]
    """A real local SMTP server (aiosmtpd); yields (host, port, received messages)."""
    import socket
    from email import message_from_bytes

    from aiosmtpd.controller import Controller

    received: list[object] = []

    class Collect:
        async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
            received.append(message_from_bytes(envelope.content))
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Collect(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield "127.0.0.1", port, received
    finally:
        controller.stop()
