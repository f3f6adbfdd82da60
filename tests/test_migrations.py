"""Migrations: up from empty, down to base and up again; the head matches the models."""
from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from reporting import create_app
from reporting.db import Base
from reporting.extensions import db
from tests.conftest import base_config


def fresh_app(tmp_path, backend, request):
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'fresh.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    app = create_app(base_config(tmp_path, url))
    if backend == "postgresql":
        with app.app_context(), db.engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
    return app


def table_names(app) -> set[str]:
    with app.app_context():
        names = set(sa.inspect(db.engine).get_table_names())
        db.engine.dispose()
    return names


def test_upgrade_downgrade_upgrade(tmp_path, backend, request):
    app = fresh_app(tmp_path, backend, request)
    with app.app_context():
        upgrade()
    assert {"reports", "drafts", "choices", "service_keys"} <= table_names(app)
    with app.app_context():
        assert db.session.scalar(sa.text("SELECT count(*) FROM choices WHERE list_name = 'area'")) == 27
        db.session.remove()
        downgrade(revision="base")
    assert table_names(app) <= {"alembic_version"}
    with app.app_context():
        upgrade()
    assert "reports" in table_names(app)
    if backend == "postgresql":
        import tests.conftest as fixtures

        fixtures._postgres_migrated = False  # later tests rebuild from scratch


def test_head_matches_the_models(tmp_path, backend, request):
    app = fresh_app(tmp_path, backend, request)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
        db.engine.dispose()
    assert differences == []
    if backend == "postgresql":
        import tests.conftest as fixtures

        fixtures._postgres_migrated = False


def test_a_downgrade_keeps_the_rows_of_tables_it_rebuilds(app, client, backend):  # type: ignore[no-untyped-def]
    """On SQLite a batch migration rebuilds a table (copy, drop, rename). With foreign keys on,
    dropping ``reports`` would delete every report's strands, incident types and events with it:
    migrations run with them off, and checked after."""
    from tests.helpers import full_answers, report

    report(client, full_answers())
    counted = ("reports", "report_strands", "report_incident_types", "drafts")
    with app.app_context():
        before = {name: db.session.scalar(sa.text(f"SELECT count(*) FROM {name}")) for name in counted}  # nosec B608 - fixed names
        assert before["report_strands"] == 3 and before["report_incident_types"] == 3
        db.session.remove()
        downgrade(revision="0019")  # 0023, 0022 and 0020 each rebuild or alter reports on the way down
        upgrade()
        after = {name: db.session.scalar(sa.text(f"SELECT count(*) FROM {name}")) for name in counted}  # nosec B608 - fixed names
        assert after == before
        if backend == "sqlite":
            assert db.session.scalar(sa.text("PRAGMA foreign_keys")) == 1  # on again for the app's own work
