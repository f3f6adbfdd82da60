"""Months are Europe/London months: the SQL that groups by month agrees with the zone database."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from reporting.extensions import db
from reporting.reports.models import Report
from reporting.periods import london_month
from reporting.stats.queries import month_of
from tests.stats.helpers import column, tables


def test_the_sql_month_is_the_london_month_around_every_change_of_month(app):
    # The last and first two hours of every month from 2019 to 2031, and the hours around each clock change.
    moments = []
    for year in range(2019, 2032):
        for month in range(1, 13):
            start = datetime(year, month, 1, tzinfo=UTC)
            moments += [start + timedelta(minutes=m) for m in range(-150, 150, 10)]
        for month in (3, 10):
            last_sunday = max(datetime(year, month, d, tzinfo=UTC) for d in range(25, 32)
                              if datetime(year, month, d).weekday() == 6)
            moments += [last_sunday + timedelta(minutes=m) for m in range(-60, 180, 10)]
    with app.app_context():
        stored = sa.table("t", sa.column("at", Report.__table__.c.received_at.type))
        db.session.execute(sa.text("CREATE TEMPORARY TABLE t (at TIMESTAMP WITH TIME ZONE)"))
        db.session.execute(stored.insert(), [{"at": m} for m in moments])
        rows = db.session.execute(sa.select(stored.c.at, month_of(stored.c.at))).all()
        db.session.rollback()
    assert len(rows) == len(moments)
    wrong = [(at, got) for at, got in rows if got != london_month(at)]
    assert wrong == []
    # The rule is not a formality: 23:30 UTC on 31 March is already April in London.
    assert london_month(datetime(2025, 3, 31, 23, 30, tzinfo=UTC)) == "2025-04"
    assert london_month(datetime(2025, 10, 31, 23, 30, tzinfo=UTC)) == "2025-10"


def test_a_report_at_half_past_midnight_on_1_april_summer_time_counts_in_april(app, stats_world, analyst):
    before = tables(analyst)
    with app.app_context():
        template = db.session.execute(sa.select(Report.__table__).where(Report.reference == "HC-00-STAT36")).mappings().one()
        row = dict(template) | {"reference": "HC-00-STAT98", "submission_key": "stats-98", "receipt_lookup": "99009998",
                                # 00:30 on 1 April 2025 in London (BST) is 23:30 on 31 March in UTC.
                                "received_at": datetime(2025, 3, 31, 23, 30, tzinfo=UTC)}
        row.pop("id")
        db.session.execute(sa.insert(Report.__table__).values(**row))
        db.session.commit()
    after = tables(analyst)
    assert column(after["by_month"])["2025-04"] == column(before["by_month"])["2025-04"] + 1
    assert column(after["by_month"])["2025-03"] == column(before["by_month"])["2025-03"]
    assert column(after["by_financial_year"]) == {"2024/25": 18, "2025/26": 27}
