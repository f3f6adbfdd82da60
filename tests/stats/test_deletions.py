"""Kept months notice deleted reports: a retention run or an erasure calls the hook, and a deletion
through the ORM calls it by itself."""
from __future__ import annotations

import sqlalchemy as sa

from reporting.extensions import db
from reporting.reports.models import Report
from reporting.stats import cache
from tests.stats.helpers import column, tables


def _delete_by_sql(app, number: str, *, hook: bool) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        received = db.session.scalar(sa.select(Report.received_at).where(Report.reference == f"HC-00-STAT{number}"))
        report_id = db.session.scalar(sa.select(Report.id).where(Report.reference == f"HC-00-STAT{number}"))
        for table in ("report_strands", "report_incident_types"):
            db.session.execute(sa.text(f"DELETE FROM {table} WHERE report_id = :id"), {"id": report_id})
        db.session.execute(sa.text("DELETE FROM reports WHERE id = :id"), {"id": report_id})
        if hook:
            cache.reports_deleted([received])
        db.session.commit()


def test_a_deletion_path_that_calls_the_hook_is_counted_at_once(app, stats_world, analyst):
    assert column(tables(analyst)["by_financial_year"]) == {"2024/25": 18, "2025/26": 26}
    # Reports 36, 43, 41 and 39 are new: no case events, referrals or links (see the fixture).
    # Without the hook, kept months would go on counting a report that is gone: why the hook exists.
    _delete_by_sql(app, "36", hook=False)
    assert column(tables(analyst)["by_financial_year"]) == {"2024/25": 18, "2025/26": 26}
    _delete_by_sql(app, "43", hook=True)
    after = tables(analyst)
    assert column(after["by_financial_year"]) == {"2024/25": 18, "2025/26": 24}
    assert column(after["by_status"])["new"] == 2  # 36 and 43 were new


def test_deleting_through_the_orm_invalidates_by_itself(app, stats_world, analyst):
    tables(analyst)
    with app.app_context():
        db.session.delete(db.session.scalar(sa.select(Report).where(Report.reference == "HC-00-STAT41")))
        db.session.commit()
    assert column(tables(analyst)["by_financial_year"]) == {"2024/25": 18, "2025/26": 25}
    with app.app_context():
        db.session.execute(sa.delete(Report).where(Report.reference == "HC-00-STAT39"))
        db.session.commit()
    assert column(tables(analyst)["by_financial_year"]) == {"2024/25": 18, "2025/26": 24}
