"""The police quarterly extract (sealed to the police key) and the force's matches back."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from reporting.cases.models import CaseEvent
from reporting.referrals.models import Referral
from reporting.reports.models import Report
from reporting.db import Base, UTCDateTime, utcnow


class PoliceExtract(Base):
    """One quarter's reconciliation extract for the force, sealed to the police key.

    Clear columns say only which quarter and when; the rows (references, months, areas,
    strands, incident types, referred or not, crime references) are in ``sealed``.
    """

    __tablename__ = "police_extracts"

    id: Mapped[int] = mapped_column(primary_key=True)
    first_month: Mapped[date] = mapped_column(Date, index=True)  # the quarter's first month
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    rows: Mapped[int] = mapped_column(Integer)
    police_key_id: Mapped[int] = mapped_column(ForeignKey("service_keys.id"))
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    # The reports not listed (police consent "no"), as suppressed counts by month and area; sealed
    # to the same key. None for extracts prepared before these were kept.
    withheld_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)


class PoliceMatch(Base):
    """The force matched one of our reports to a crime it recorded (from their CSV import)."""

    __tablename__ = "police_matches"
    __table_args__ = (UniqueConstraint("report_id", name="report"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    crime_reference: Mapped[str] = mapped_column(String(40))
    matched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    matched_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


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
