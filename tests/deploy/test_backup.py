"""Backups: pg_dump, then restore into a new database, reproduces every report (issue 12).

Each restored report still opens with its receipt (the reporter's way back) and for a
key holder (on the case page, after signing in), with the same content as before.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa

from reporting import create_app
from reporting.extensions import db
from reporting.reports.models import Report
from reporting.reports.services import open_report_content
from reporting.settings import current_settings
from reporting.status import services as status_services
from tests.conftest import CI, TEST_DATABASE_URL, base_config
from tests.helpers import full_answers, minimal_answers, read_report, report, sign_in


def table_counts(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table: int(connection.execute(sa.text(f'SELECT count(*) FROM "{table}"')).scalar_one())
            for table in sa.inspect(connection).get_table_names()
        }


@pytest.mark.postgres
@pytest.mark.skipif(not (TEST_DATABASE_URL or CI), reason="needs TEST_DATABASE_URL (PostgreSQL)")
@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_restored_dump_opens_every_report_with_its_receipt_and_for_key_holders(
    backend, app, client, keys, make_user, postgres_url, tmp_path: Path,
):
    sent = [report(app.test_client(), full_answers("backup-canary")),
            report(app.test_client(), minimal_answers()),
            report(app.test_client(), full_answers())]
    reviewer = make_user("reviewer", email="holder@example.org")
    with app.app_context():
        before = {reference: read_report(reference, keys.recovery_text) for reference, _ in sent}
        counts = table_counts(db.engine)
        db.session.remove()
    assert counts["reports"] == 3

    source = sa.engine.make_url(postgres_url)
    restored_name = f"{source.database}_restored"
    libpq = source.set(drivername="postgresql").render_as_string(hide_password=False)
    dump = tmp_path / "backup.dump"
    subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", libpq], check=True, timeout=120)
    admin = sa.create_engine(source, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{restored_name}"'))
        connection.execute(sa.text(f'CREATE DATABASE "{restored_name}"'))
    restored_url = source.set(database=restored_name)
    try:
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "--dbname",
                        restored_url.set(drivername="postgresql").render_as_string(hide_password=False), str(dump)],
                       check=True, timeout=120)
        restored = create_app(base_config(tmp_path / "restored", restored_url.render_as_string(hide_password=False)))
        with restored.app_context():
            assert table_counts(db.engine) == counts, "every row of every table came back"
            for reference, receipt in sent:
                found, private = status_services.open_with_receipt(receipt, current_settings())
                assert found.reference == reference
                assert open_report_content(found, private) == before[reference]
                assert read_report(reference, keys.recovery_text) == before[reference]
            db.session.rollback()
        # A key holder reads each one on the restored service, as on the old one.
        staff = restored.test_client()
        sign_in(staff, restored, reviewer.email)
        case = staff.get(f"/review/cases/{sent[0][0]}")
        assert case.status_code == 200
        assert "backup-canary" in case.get_data(as_text=True)
        with restored.app_context():
            db.engine.dispose()
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{restored_name}" WITH (FORCE)'))
        admin.dispose()

