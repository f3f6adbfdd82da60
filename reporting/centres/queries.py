"""Reads of centres for the directory, posters and journeys."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import bindparam, exists, func, or_, select

from reporting.centres.models import Centre, CentreTraining, CentreVisit
from reporting.centres.services import add_months
from reporting.db import utcnow
from reporting.extensions import db
from reporting.periods import london_month, month_start, next_month, parse_month, quarter
from reporting.reports.models import Choice, Report


def open_on(day: date) -> Any:
    """The condition "the centre was open on ``day``" (an unknown opening date counts as open)."""
    return (or_(Centre.opened_on.is_(None), Centre.opened_on <= day)
            & or_(Centre.closed_on.is_(None), Centre.closed_on > day))


def _listed() -> Any:
    """In the public directory (and its poster link): shown by the admin, and open today."""
    return Centre.active.is_(True) & open_on(utcnow().date())


def active_centre(slug: str | None) -> Centre | None:
    if not slug or len(slug) > 64:
        return None
    return db.session.scalar(select(Centre).where(Centre.slug == slug, _listed()))


def active_centres(*, town: str | None = None, offers: list[str] | None = None) -> list[Centre]:
    """Active centres, optionally in one town and offering everything asked for."""
    query = select(Centre).where(_listed()).order_by(Centre.name)
    if town:
        query = query.where(Centre.town == town)
    centres = list(db.session.scalars(query))
    wanted = set(offers or [])
    return [centre for centre in centres if wanted <= set(centre.offers or [])]


def towns_with_active_centres() -> list[tuple[str, str]]:
    """(area code, label) of every area with an active centre, in the areas list's order."""
    towns = select(Centre.town).where(_listed()).distinct()
    rows = db.session.execute(
        select(Choice.code, Choice.label)
        .where(Choice.list_name == "area", Choice.code.in_(towns))
        .order_by(Choice.position, Choice.label)
    ).all()
    return [(code, label) for code, label in rows]


def area_labels() -> dict[str, str]:
    """Every area's label by code, retired areas included (a centre may still name one)."""
    rows = db.session.execute(select(Choice.code, Choice.label).where(Choice.list_name == "area")).all()
    return {code: label for code, label in rows}


# The Group's view of each centre's life (issue 31 items 6-7): clear columns only, a report's
# centre and the time it was received; never anything a reporter wrote.

QUIET_MONTHS = 6  # an open centre with no report for this long is flagged to the Group


def six_months_before(today: date) -> date:
    return add_months(today, -QUIET_MONTHS)


@dataclass(frozen=True)
class CentreRow:
    """One centre as the Group's list shows it."""

    centre: Centre
    is_open: bool
    last_report: datetime | None
    quiet: bool  # open for six months or more and no report in the last six months
    trained: int  # people whose training is current
    lapsed: bool  # had trained people, none current
    last_visit: date | None


def _last_reports() -> dict[int, datetime]:
    """Each centre's latest report received (centres with none are absent)."""
    query = select(Report.centre_id, func.max(Report.received_at)).where(Report.centre_id.is_not(None))
    rows = db.session.execute(query.group_by(Report.centre_id)).all()
    return {int(centre_id): when for centre_id, when in rows if centre_id is not None}


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:  # SQLite's aggregate comes back naive (UTC)
        return value.replace(tzinfo=UTC)
    return value


def centre_rows(today: date) -> list[CentreRow]:
    """Every centre, open ones first, with its last report, its flags and its training."""
    centres = list(db.session.scalars(select(Centre).order_by(Centre.name)))
    last = _last_reports()
    quiet_since = datetime.combine(six_months_before(today), time.min, tzinfo=UTC)
    current = Counter(db.session.scalars(
        select(CentreTraining.centre_id).where(CentreTraining.refresher_due > today)))
    ever = set(db.session.scalars(select(CentreTraining.centre_id).distinct()))
    visits = dict(db.session.execute(
        select(CentreVisit.centre_id, func.max(CentreVisit.visited_on)).group_by(CentreVisit.centre_id)).all())
    rows = []
    for centre in centres:
        is_open = centre.is_open(today)
        when = _aware(last.get(centre.id))
        settled = centre.opened_on is None or centre.opened_on <= six_months_before(today)
        rows.append(CentreRow(
            centre=centre, is_open=is_open, last_report=when,
            quiet=is_open and settled and (when is None or when < quiet_since),
            trained=current.get(centre.id, 0),
            lapsed=is_open and centre.id in ever and not current.get(centre.id),
            last_visit=visits.get(centre.id),
        ))
    return sorted(rows, key=lambda row: not row.is_open)


def centre_row(centre: Centre, today: date) -> CentreRow:
    return next(row for row in centre_rows(today) if row.centre.id == centre.id)


def reports_per_quarter(centre_id: int) -> list[tuple[str, int]]:
    """(financial-year quarter, reports received through the centre), newest first."""
    counts: Counter[str] = Counter(
        quarter(london_month(when))
        for when in db.session.scalars(select(Report.received_at).where(Report.centre_id == centre_id))
    )
    return sorted(counts.items(), reverse=True)


def visits(centre_id: int) -> list[tuple[CentreVisit, str | None]]:
    """The centre's visits, newest first, with the visitor's email (None: account gone)."""
    from reporting.auth.models import User

    return [(visit, email) for visit, email in db.session.execute(
        select(CentreVisit, User.email).outerjoin(User, User.id == CentreVisit.visitor_id)
        .where(CentreVisit.centre_id == centre_id)
        .order_by(CentreVisit.visited_on.desc(), CentreVisit.id.desc())
    ).all()]


def training(centre_id: int) -> list[CentreTraining]:
    """The people trained at the centre, the soonest refresher first."""
    return list(db.session.scalars(
        select(CentreTraining).where(CentreTraining.centre_id == centre_id)
        .order_by(CentreTraining.refresher_due, CentreTraining.person_name)))


@dataclass(frozen=True)
class QuarterCentres:
    """The statistics' centre counts for one quarter (or the part of it inside the dates chosen)."""

    label: str
    open: int  # open on at least one day of the quarter
    active: int  # open, and at least one report came through it in the quarter
    trained: int  # open on the quarter's last day with at least one person's training current that day


def centres_by_quarter(months: list[str]) -> list[QuarterCentres]:
    """Per financial-year quarter of ``months`` ("YYYY-MM", Europe/London): centres open, active
    and with trained staff. From the centres' dates, the reports' centre and received time only."""
    quarters: dict[str, list[str]] = {}
    for month in months:
        quarters.setdefault(quarter(month), []).append(month)
    spans = [(label, parse_month(inside[0]), next_month(parse_month(inside[-1]))) for label, inside in quarters.items()]
    # Each centre with, per quarter, whether a report came through it then: one statement, each
    # answer a probe of the (centre, received) index, not the quarter's reports read and made distinct.
    found = db.session.execute(
        select(Centre, *(exists().where(Report.centre_id == Centre.id, Report.received_at >= bindparam(f"from_{n}"),
                                        Report.received_at < bindparam(f"to_{n}")).label(f"q{n}")
                         for n in range(len(spans)))),
        {**{f"from_{n}": month_start(first) for n, (_label, first, _after) in enumerate(spans)},
         **{f"to_{n}": month_start(after) for n, (_label, _first, after) in enumerate(spans)}},
    ).all()
    centres = [row[0] for row in found]
    trainings = list(db.session.execute(
        select(CentreTraining.centre_id, CentreTraining.trained_on, CentreTraining.refresher_due)).all())
    result = []
    for n, (label, first, after) in enumerate(spans):
        last = date.fromordinal(after.toordinal() - 1)
        open_ids = {c.id for c in centres
                    if (c.opened_on is None or c.opened_on <= last) and (c.closed_on is None or c.closed_on > first)}
        reported = {row[0].id for row in found if row[n + 1]}
        open_at_end = {c.id for c in centres if c.id in open_ids and c.is_open(last)}
        trained = {centre_id for centre_id, on, due in trainings
                   if centre_id in open_at_end and on <= last < due}
        result.append(QuarterCentres(label, len(open_ids), len(reported & open_ids), len(trained)))
    return result
