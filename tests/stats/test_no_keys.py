"""The statistics read clear columns only: no sealed column in any statement they run, no
key needed or touched, and nothing of a report's sealed content in any page or export."""
from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from sqlalchemy import LargeBinary

from reporting.db import Base
from reporting.extensions import db
from tests.stats.conftest import RANGE
from tests.stats.fixture import CANARY

# Sign-in itself reads the staff member's own rows; everything else is the statistics' business.
SIGN_IN_TABLES = {"users", "staff_sessions"}
KEY_TABLES = ("service_keys", "key_grants")


def sealed_columns(exclude: set[str]) -> list[str]:
    """Every binary column (sealed content, key wraps, verifiers) as "table.column"."""
    return [f"{table.name}.{column.name}" for table in Base.metadata.sorted_tables if table.name not in exclude
            for column in table.columns if isinstance(column.type, LargeBinary)]


@contextmanager
def statements(app) -> Iterator[list[str]]:  # type: ignore[no-untyped-def]
    seen: list[str] = []

    def listen(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", listen)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", listen)


@pytest.fixture
def no_keys(app, monkeypatch):  # type: ignore[no-untyped-def]
    """Every private key out of reach: grants deleted, recovery wraps cleared, and opening anything sealed fails."""
    with app.app_context():
        db.session.execute(sa.text("DELETE FROM key_grants"))
        db.session.execute(sa.text("UPDATE service_keys SET recovery_wrap = NULL"))
        db.session.commit()

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the statistics tried to open something sealed")

    from reporting import crypto
    from reporting.crypto import sealing, streaming, symmetric

    for module, name in ((crypto, "open_sealed"), (sealing, "open_sealed"), (crypto, "unwrap_private_key"),
                         (symmetric, "unwrap_private_key"), (crypto, "open_stream"), (streaming, "open_stream")):
        monkeypatch.setattr(module, name, refuse)


PAGES = [
    "/stats/", "/stats/open-data", "/stats/export.csv", "/stats/export.json", "/stats/export.xlsx",
    "/stats/export.csv?open=1", "/stats/export.json?open=1", "/stats/charts/trend.svg", "/stats/charts/strand.svg", "/stats/charts/area.svg",
]


def test_pages_and_exports_touch_no_sealed_column_and_need_no_key(app, stats_world, analyst, no_keys):
    forbidden = sealed_columns(SIGN_IN_TABLES)
    assert "reports.content" in forbidden and "case_events.sealed" in forbidden and "referrals.package" in forbidden
    for page in PAGES:
        with statements(app) as seen:
            open_data = "open" in page  # open data takes no dates
            response = analyst.get(page) if "?" in page or open_data else analyst.get(page, query_string=RANGE)
        assert response.status_code == 200, page
        assert CANARY.encode() not in response.data, page
        assert seen, "the listener saw nothing: it would prove nothing"
        touched = sorted({c for s in seen for c in forbidden if c in s})
        assert touched == [], f"{page} read sealed columns: {touched}"
        assert not [s for s in seen if any(t in s for t in KEY_TABLES)], page


def test_the_command_line_export_reads_no_binary_column_of_any_table(app, stats_world, no_keys, tmp_path):
    forbidden = sealed_columns(set())  # no sign-in here: nothing binary at all
    runner = app.test_cli_runner()
    for fmt in ("csv", "json", "xlsx"):
        out = tmp_path / f"stats.{fmt}"
        with statements(app) as seen:
            result = runner.invoke(args=["stats", "export", "--from", "2024-04", "--to", "2026-03", "--format", fmt,
                                         "--output", str(out)])
        assert result.exit_code == 0, result.output
        assert seen
        assert sorted({c for s in seen for c in forbidden if c in s}) == []
        assert CANARY.encode() not in out.read_bytes()
    document = json.loads((tmp_path / "stats.json").read_text())
    assert document["schema"] == "hcr-stats/1"
    assert {t["id"]: t for t in document["tables"]}["by_financial_year"]["rows"][0]["values"][0] == 18


def test_the_listener_does_catch_a_sealed_column(app, stats_world):
    # The check above is not a formality: reading a report as an ORM row names its sealed content.
    from reporting.reports.models import Report

    with statements(app) as seen, app.app_context():
        db.session.scalars(sa.select(Report).limit(1)).all()
    assert any("reports.content" in s for s in seen)
