"""The statistics' kept months and marks, and the indexes they group by (the police quarterly
extract and the force's matches are in reporting/referrals/models.py)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from reporting.cases.models import CaseEvent
from reporting.referrals.models import Referral
from reporting.reports.models import Report
from reporting.db import Base, UTCDateTime, utcnow


class StatsMonth(Base):
    """The grouped rows of one month for one set of filters: derived, clear aggregates only.

    Statistics read months from here and compute only months never computed or changed
    since (see reporting/stats/cache.py), so a page over years of reports costs a few
    months of grouping at most.
    """

    __tablename__ = "stats_months"

    filter_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True, index=True)
    payload: Mapped[str] = mapped_column(Text)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StatsMark(Base):
    """How far the statistics have looked for changes: the last id seen of each table."""

    __tablename__ = "stats_marks"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


# Indexes the statistics group by, declared here beside the statistics on the tables they read:
# a case's status history in order, and by date, without reading the sealed notes (first review,
# cases heard); referrals by when they were acknowledged and when an outcome came; and reports by
# month with the clear fields grouped (so a month is read from the index, never the sealed rows).
Index("ix_case_events_kind_report_at", CaseEvent.kind, CaseEvent.report_id, CaseEvent.at, CaseEvent.action,
      CaseEvent.after)
Index("ix_case_events_kind_at", CaseEvent.kind, CaseEvent.at, CaseEvent.report_id, CaseEvent.action, CaseEvent.after)
Index("ix_referrals_acknowledged_at", Referral.acknowledged_at)
Index("ix_referrals_outcome_at", Referral.outcome_at)
Index("ix_reports_stats_where", Report.received_at, Report.area, Report.channel, Report.centre_id)
Index("ix_reports_stats_who", Report.received_at, Report.reporter_type, Report.police_consent, Report.support_wanted,
      Report.status, Report.closure_reason)
Index("ix_reports_stats_groups", Report.received_at, Report.strategy_groups)
# Repeat victimisation (the reporter's answer) and repeat locations (area and kind of place), by month.
Index("ix_reports_stats_repeats", Report.received_at, Report.area, Report.place_kind, Report.happened_before)
