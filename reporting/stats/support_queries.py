"""The grouped statements of support and "How did we do?" (issue 30 item 8), by month, from clear
columns only: kept month by month with the other statements (reporting/stats/cache.py STATEMENTS),
read by reporting/stats/support.py.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, bindparam, func, select

from reporting.extensions import db
from reporting.periods import next_month
from reporting.stats import queries
from reporting.status.models import ReporterFeedback
from reporting.support.models import CaseSupport

SUPPORT = CaseSupport.__table__.c
FEEDBACK = ReporterFeedback.__table__.c


def _run(statement: Any, f: queries.Filters, **extra: Any) -> Sequence[Any]:
    params = {"start": f.start, "end": f.end, "area": f.area, "strand": f.strand, "channel": f.channel,
              "centre_id": f.centre_id, **extra}
    return db.session.execute(statement, {k: v for k, v in params.items() if v is not None}).all()


def support_by_month(f: queries.Filters) -> Sequence[Any]:
    """(month received, support wanted, offered, accepted, completed, reports)."""
    scope = queries.Scope(f)
    month = queries.month_of(queries.reports.received_at)
    columns = (queries.reports.support_wanted, SUPPORT.offered, SUPPORT.accepted, SUPPORT.completed)
    statement = (
        select(month, *columns, func.count())
        .select_from(queries.REPORTS.outerjoin(CaseSupport.__table__, SUPPORT.report_id == queries.reports.id))
        .where(queries.reports.received_at >= scope.start, queries.reports.received_at < scope.end,
               *queries._report_scope(scope))
        .group_by(month, *columns)
    )
    return _run(statement, f)


def _month_of_day(column: Any) -> Any:
    if db.session.get_bind().dialect.name == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.substr(column, 1, 7)


def feedback_by_month(f: queries.Filters) -> Sequence[Any]:
    """(month answered, score, answers): the clear score only."""
    scope = queries.Scope(f)
    month = _month_of_day(FEEDBACK.answered_on)
    statement = (
        select(month, FEEDBACK.score, func.count())
        .select_from(ReporterFeedback.__table__.join(queries.REPORTS, FEEDBACK.report_id == queries.reports.id))
        .where(and_(FEEDBACK.answered_on >= bindparam("first_day"), FEEDBACK.answered_on < bindparam("after_day"),
                    *queries._report_scope(scope)))
        .group_by(month, FEEDBACK.score)
    )
    return _run(statement, f, first_day=f.first_month, after_day=next_month(f.last_month), start=None, end=None)
