"""Months of grouped figures, kept so a page over years of reports groups only what changed.

Every statistics statement groups by month, so one month's rows never depend on another's.
Each month's rows for a set of filters are kept in ``stats_months`` (clear aggregates only).
Before reading, the statistics look at what is new since they last looked (reports, case
events, links, by id: cheap index ranges) and drop the months those touch: the month a report
was received, and the month an event happened. The force's matches drop their months when
imported (reporting/stats/services.py). Nothing else changes a clear field the statistics read
without writing a case event; a future job that deletes reports must call ``forget_all()``.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from reporting.cases.models import CaseEvent, CaseLink
from reporting.db import utcnow
from reporting.extensions import db
from reporting.reports.models import Report
from reporting.stats import queries
from reporting.stats.models import PoliceMatch, StatsMark, StatsMonth
from reporting.stats.periods import london_month, month_key, months_between, parse_month

log = logging.getLogger(__name__)

STATEMENTS: dict[str, Callable[[queries.Filters], Sequence[Any]]] = {
    "where_and_how": queries.where_and_how,
    "who_and_what_next": queries.who_and_what_next,
    "strands": queries.strands_by_month,
    "types": queries.types_by_month,
    "heard": queries.cases_heard_by_month,
    "first_review": queries.first_review_histogram,
    "referred": queries.referrals_by_month,
    "acknowledged": queries.acknowledged_histogram,
    "outcomes": queries.outcomes_by_month,
    "matches": queries.matches_by_month,
    "linked": queries.linked_by_month,
}
reports = Report.__table__.c
events = CaseEvent.__table__.c
links = CaseLink.__table__.c
MARKS = ("reports", "case_events", "case_links")
MANY = 5000  # more new rows than this since the last look: forget every kept month


def filter_key(f: queries.Filters) -> str:
    return f"area={f.area or ''}|strand={f.strand or ''}|channel={f.channel or ''}|centre={f.centre_id or ''}"


def _month(value: Any) -> str:
    return london_month(value)


def forget(months: Iterable[str]) -> None:
    """Drop the kept rows of these months, for every set of filters."""
    wanted = sorted(set(months))
    for i in range(0, len(wanted), 500):
        db.session.execute(delete(StatsMonth).where(StatsMonth.month.in_(wanted[i:i + 500])))


def forget_all() -> None:
    db.session.execute(delete(StatsMonth))


def _changed_months() -> set[str]:
    """Months touched by what is new since the last look; moves the marks on."""
    marks = {m.name: m for m in db.session.scalars(select(StatsMark))}
    for name in MARKS:
        if name not in marks:
            marks[name] = StatsMark(name=name, value=0)
            db.session.add(marks[name])
    months: set[str] = set()
    last_report = marks["reports"].value
    newest_report = db.session.scalar(select(func.max(reports.id))) or 0
    if newest_report > last_report:
        months |= {_month(v) for v in db.session.scalars(
            select(func.min(reports.received_at)).where(reports.id > last_report))}
        months |= {_month(v) for v in db.session.scalars(
            select(func.max(reports.received_at)).where(reports.id > last_report))}
        first, last = min(months), max(months)
        months |= set(months_between(parse_month(first), parse_month(last)))
    last_event = marks["case_events"].value
    newest_event = db.session.scalar(select(func.max(events.id))) or 0
    if newest_event - last_event > MANY or newest_report - last_report > MANY:
        # The first look, or a great deal at once (an import): cheaper to group everything again.
        forget_all()
        marks["reports"].value, marks["case_events"].value = newest_report, newest_event
        marks["case_links"].value = db.session.scalar(select(func.max(links.id))) or 0
        return set()
    if newest_event > last_event:
        touched = db.session.execute(
            select(events.at, reports.received_at, reports.id)
            .join(Report.__table__, reports.id == events.report_id)
            .where(events.id > last_event)
        ).all()
        months |= {_month(at) for at, _r, _i in touched} | {_month(r) for _a, r, _i in touched}
        ids = sorted({i for _a, _r, i in touched})
        for i in range(0, len(ids), 500):  # a crime reference by referral changes when a match counts
            months |= {_month(v) for v in db.session.scalars(
                select(PoliceMatch.matched_at).where(PoliceMatch.report_id.in_(ids[i:i + 500])))}
    last_link = marks["case_links"].value
    newest_link = db.session.scalar(select(func.max(links.id))) or 0
    if newest_link > last_link:
        for column in (links.report_id, links.other_id):
            months |= {_month(v) for v in db.session.scalars(
                select(reports.received_at).join(CaseLink.__table__, reports.id == column).where(links.id > last_link))}
    marks["reports"].value, marks["case_events"].value, marks["case_links"].value = newest_report, newest_event, newest_link
    return months


def monthly_rows(f: queries.Filters) -> dict[str, list[tuple[Any, ...]]]:
    """Every statement's rows for the filters' months: kept months read back, the rest grouped now."""
    changed = _changed_months()
    if changed:
        forget(changed)
    db.session.flush()
    key = filter_key(f)
    months = months_between(f.first_month, f.last_month)
    kept = {m.month: json.loads(m.payload) for m in db.session.scalars(
        select(StatsMonth).where(StatsMonth.filter_key == key, StatsMonth.month.in_(months)))}
    missing = [m for m in months if m not in kept]
    for first, last in _runs(missing):
        grouped = _group(queries.Filters(parse_month(first), parse_month(last), f.area, f.strand, f.channel, f.centre_id))
        for month in months_between(parse_month(first), parse_month(last)):
            payload = {name: grouped[name].get(month, []) for name in STATEMENTS}
            kept[month] = payload
            db.session.add(StatsMonth(filter_key=key, month=month, payload=json.dumps(payload), computed_at=utcnow()))
    try:
        db.session.commit()
    except IntegrityError:  # another request kept the same months first: theirs are as good
        db.session.rollback()
    return {name: [tuple(row) for m in months for row in kept[m][name]] for name in STATEMENTS}


def _group(f: queries.Filters) -> dict[str, dict[str, list[list[Any]]]]:
    out: dict[str, dict[str, list[list[Any]]]] = {}
    for name, statement in STATEMENTS.items():
        by_month: dict[str, list[list[Any]]] = {}
        for row in statement(f):
            by_month.setdefault(row[0], []).append([_plain(v) for v in row])
        out[name] = by_month
    return out


def _plain(value: Any) -> Any:
    return value if value is None or isinstance(value, int | float | str) else str(value)


def _runs(months: list[str]) -> list[tuple[str, str]]:
    """Consecutive months as (first, last) runs."""
    runs: list[tuple[str, str]] = []
    for month in months:
        if runs and _next(runs[-1][1]) == month:
            runs[-1] = (runs[-1][0], month)
        else:
            runs.append((month, month))
    return runs


def _next(month: str) -> str:
    day: date = parse_month(month)
    return month_key(date(day.year + (day.month == 12), day.month % 12 + 1, 1))
