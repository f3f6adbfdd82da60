"""Fixtures: an app per test on a database built by the migrations.

SQLite always (a migrated template file copied per test); PostgreSQL too when
TEST_DATABASE_URL is set (migrated once, emptied between tests). With CI=true a
missing PostgreSQL is an error, not a skip.
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
from reporting.extensions import db
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
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


_postgres_migrated = False
_seeded_choices: list[dict[str, object]] = []


def empty_postgres(app: Flask) -> None:
    """Reset to the migrated state: every table emptied, the seeded choices as the migration left them."""
    global _postgres_migrated
    with app.app_context():
        if not _postgres_migrated:
            with db.engine.begin() as connection:
                connection.execute(sa.text("DROP SCHEMA public CASCADE"))
                connection.execute(sa.text("CREATE SCHEMA public"))
            migrate(app)
            with db.engine.connect() as connection:
                _seeded_choices[:] = [dict(row._mapping) for row in connection.execute(sa.text("SELECT * FROM choices"))]
            _postgres_migrated = True
        tables = [t for t in sa.inspect(db.engine).get_table_names() if t not in KEEP_TABLES]
        with db.engine.begin() as connection:
            connection.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            # A test may have switched a choice off or added one: put the seeded list back.
            connection.execute(sa.text("DELETE FROM choices"))
            choices = sa.table("choices", *(sa.column(name) for name in _seeded_choices[0]))
            connection.execute(choices.insert(), _seeded_choices)
        db.engine.dispose()


@pytest.fixture(params=backends())
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if backend == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "reporting.db"
        shutil.copy(template, path)
        return f"sqlite:///{path}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def make_app(tmp_path: Path, database_url: str, backend: str) -> Iterator[object]:
    """A factory of apps on this test's database, with extra configuration."""
    made: list[Flask] = []

    def factory(**overrides: object) -> Flask:
        app = create_app(base_config(tmp_path, database_url) | overrides)
        if backend == "postgresql" and not made:
            empty_postgres(app)
        made.append(app)
        return app

    yield factory
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app: object) -> Flask:
    application: Flask = make_app()  # type: ignore[operator]
    return application


@pytest.fixture
def keys(app: Flask) -> key_services.InitialisedKeys:
    with app.app_context():
        made = key_services.init_keys()
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
