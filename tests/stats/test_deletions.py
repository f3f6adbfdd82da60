"""Kept months notice deleted reports by themselves: a trigger on ``reports`` (migration 0034)
forgets the months a deleted report counts in, whatever deletes it (plain SQL, the ORM, a bulk
statement), so no deletion path has to remember anything, and the other kept months stay."""
from __future__ import annotations

import sqlalchemy as sa

from reporting.extensions import db
from reporting.reports.models import Report
from reporting.stats.models import StatsMonth
from reporting.periods import london_month
from tests.stats.helpers import column, tables


def _delete_by_sql(app, number: str) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        report_id = db.session.scalar(sa.select(Report.id).where(Report.reference == f"HC-00-STAT{number}"))
        for table in ("report_strands", "report_incident_types"):
            db.session.execute(sa.text(f"DELETE FROM {table} WHERE report_id = :id"), {"id": report_id})
        db.session.execute(sa.text("DELETE FROM reports WHERE id = :id"), {"id": report_id})
        db.session.commit()


def _kept_months(app) -> set[str]:  # type: ignore[no-untyped-def]
    with app.app_context():
        return set(db.session.scalars(sa.select(StatsMonth.month).distinct()))


def test_a_deletion_by_plain_sql_shows_at_once(app, stats_world, analyst):
    assert column(tables(analyst)["by_financial_year"]) == {"2024/25": 18, "2025/26": 26}
    # Reports 36, 43, 41 and 39 are new: no case events, referrals or links (see the fixture).
    _delete_by_sql(app, "36")
    assert column(tables(analyst)["by_financial_year"]) == {"2024/25": 18, "2025/26": 25}
    _delete_by_sql(app, "43")
    after = tables(analyst)
    assert column(after["by_financial_year"]) == {"2024/25": 18, "2025/26": 24}
    assert column(after["by_status"])["new"] == 2


def test_deleting_through_the_orm_shows_at_once(app, stats_world, analyst):
    tables(analyst)
    with app.app_context():
        db.session.delete(db.session.scalar(sa.select(Report).where(Report.reference == "HC-00-STAT41")))
        db.session.commit()
    assert column(tables(analyst)["by_financial_year"]) == {"2024/25": 18, "2025/26": 25}
    with app.app_context():
        db.session.execute(sa.delete(Report).where(Report.reference == "HC-00-STAT39"))
        db.session.commit()
    assert column(tables(analyst)["by_financial_year"]) == {"2024/25": 18, "2025/26": 24}


def test_a_deletion_forgets_only_the_months_the_report_counts_in(app, stats_world, analyst):
    tables(analyst)
    kept = _kept_months(app)
    with app.app_context():
        received = db.session.scalar(sa.select(Report.received_at).where(Report.reference == "HC-00-STAT36"))
    month = london_month(received)
    assert month in kept and len(kept) > 3
    _delete_by_sql(app, "36")
    gone = kept - _kept_months(app)
    assert month in gone
    assert len(gone) <= 2  # its month (and on SQLite perhaps the next: see the migration)


def test_deleting_a_report_with_its_history_through_the_orm_shows_at_once(app, stats_world, analyst):
    """The ORM deletes a report's case events before the report: their own trigger forgets their months."""
    before = tables(analyst)
    with app.app_context():
        report = db.session.scalar(
            sa.select(Report).where(Report.status != "new", Report.reference.like("HC-00-STAT%")).order_by(Report.id))
        status = report.status
        db.session.delete(report)
        db.session.commit()
    after = tables(analyst)
    assert sum(column(after["by_financial_year"]).values()) == sum(column(before["by_financial_year"]).values()) - 1
    assert column(after["by_status"]).get(status, 0) == column(before["by_status"])[status] - 1
