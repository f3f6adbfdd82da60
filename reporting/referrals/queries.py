"""Reads of referrals: the case page's list and the police inbox. Clear columns only, never a
sealed package."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any, NamedTuple

from sqlalchemy import Select, and_, bindparam, case, func, select

from reporting.cases.policies import working_day_cutoff
from reporting.codes import InboxFilter
from reporting.extensions import read
from reporting.referrals.models import Referral, ReferralState
from reporting.reports.models import Report


class CaseReferral(NamedTuple):
    """What the case page shows of a referral: clear columns, never the sealed package."""

    id: int
    created_at: datetime
    state: str
    kind: str
    override_reason: str | None
    crime_reference: str | None
    outcome: str | None
    created_by_id: int | None


_FOR_REPORT = (
    select(Referral.id, Referral.created_at, Referral.state, Referral.kind, Referral.override_reason,
           Referral.crime_reference, Referral.outcome, Referral.created_by_id)
    .where(Referral.report_id == bindparam("report_id"))
    .order_by(Referral.created_at)
)


def referrals_for(report: Report) -> list[CaseReferral]:
    return [CaseReferral(*row) for row in read(_FOR_REPORT, {"report_id": report.id})]


# The police inbox ("/police/") ---------------------------------------------------------

INBOX_PAGE_SIZE = 50
# What the inbox opens on: what waits for the force, oldest first.
INBOX_DEFAULT = InboxFilter.NOT_ACKNOWLEDGED
# The filters (reporting.codes.InboxFilter) by what they hold. "Late" and "new" are both kinds of
# "not yet acknowledged"; "late" is measured against a moment (``late_before``), bound per request.
_SENT = ReferralState.SENT.value
_INBOX_CONDITIONS: dict[InboxFilter, Any] = {
    # Everything sent: a referral has its sent_at from the moment it is sent (one waiting for a
    # second reviewer has none), and "all, newest first" reads the sent_at index alone.
    InboxFilter.ALL: Referral.sent_at.is_not(None),
    InboxFilter.NEW: and_(Referral.state == _SENT, Referral.opened_at.is_(None)),
    InboxFilter.NOT_ACKNOWLEDGED: Referral.state == _SENT,
    InboxFilter.LATE: and_(Referral.state == _SENT, Referral.sent_at < bindparam("late_before")),
    InboxFilter.ACKNOWLEDGED: Referral.state == ReferralState.ACKNOWLEDGED.value,
    # Recording the outcome (services.record_outcome, the one way) sets its time, and its state.
    InboxFilter.OUTCOME: Referral.outcome_at.is_not(None),
}
# What waits for the force is oldest first (the longest waiting at the top); everything sent, newest
# first; outcomes, the latest first. Ties break on the id, so no line moves between pages as they
# are read. Each order is an index's (sent_at's, outcome_at's, or the inbox's own after its state).
_OLDEST_FIRST = (Referral.sent_at.asc(), Referral.id.asc())
_INBOX_ORDER: dict[InboxFilter, tuple[Any, ...]] = {
    InboxFilter.ALL: (Referral.sent_at.desc(), Referral.id.desc()),
    InboxFilter.OUTCOME: (Referral.outcome_at.desc(), Referral.id.desc()),
}

# Every filter's count in one statement, over the inbox's index alone (state, sent_at, opened_at,
# outcome_at: reporting/referrals/models.py).
_INBOX_COUNTS = select(*(
    func.count(case((condition, 1))).label(name.value) for name, condition in _INBOX_CONDITIONS.items()
)).select_from(Referral).where(_INBOX_CONDITIONS[InboxFilter.ALL])


@dataclass(frozen=True)
class InboxRow:
    """One line of the police inbox: clear columns only, never the sealed package."""

    id: int
    reference: str
    sent_at: datetime
    kind: str
    state: str
    opened_at: datetime | None
    acknowledged_at: datetime | None
    crime_reference: str | None
    outcome: str | None
    outcome_at: datetime | None
    late: bool


@dataclass(frozen=True)
class InboxPage:
    shown: InboxFilter
    counts: dict[InboxFilter, int]
    rows: list[InboxRow]
    page: int
    pages: int

    @property
    def total(self) -> int:
        return self.counts[self.shown]


def _inbox_page_statement(shown: InboxFilter) -> Select[Any]:
    """A page of one filter in one statement: the ids ordered and cut from an index, then only
    the columns a line shows, with the report's reference."""
    order = _INBOX_ORDER.get(shown, _OLDEST_FIRST)
    ids = (select(Referral.id).where(_INBOX_CONDITIONS[shown]).order_by(*order)
           .limit(bindparam("limit")).offset(bindparam("offset")))
    return (
        select(Referral.id, Report.reference, Referral.sent_at, Referral.kind, Referral.state, Referral.opened_at,
               Referral.acknowledged_at, Referral.crime_reference, Referral.outcome, Referral.outcome_at)
        .join(Report, Report.id == Referral.report_id)
        .where(Referral.id.in_(ids.scalar_subquery()))
        .order_by(*order)
    )


# Built once, one for each filter: each page only binds its values.
_INBOX_PAGES = {shown: _inbox_page_statement(shown) for shown in InboxFilter}


def late_before(now: datetime, working_days: int) -> datetime:
    """Referrals sent before this moment and still not acknowledged are late: sent on or before
    the day ``working_days`` working days (Monday to Friday; bank holidays are not known) ago."""
    cutoff = working_day_cutoff(now.date(), working_days)
    return datetime.combine(cutoff + timedelta(days=1), time.min, tzinfo=now.tzinfo)


def working_days_since(sent_at: datetime, now: datetime) -> int:
    """Working days (Monday to Friday) from the day something was sent to today: 0 the same day,
    1 on Monday for something sent on Friday. Late once this reaches the working days allowed."""
    start, today = sent_at.astimezone(now.tzinfo).date(), now.date()
    if today <= start:
        return 0
    whole_weeks, rest = divmod((today - start).days, 7)
    return whole_weeks * 5 + sum(1 for n in range(1, rest + 1) if (start + timedelta(days=n)).weekday() < 5)


def police_inbox(shown: InboxFilter, page: int, *, now: datetime, late_working_days: int) -> InboxPage:
    """The counts of every filter (one statement) and one page of ``shown`` (another). A page past
    the last is the last."""
    params = {"late_before": late_before(now, late_working_days)}
    row = read(_INBOX_COUNTS, params).one()
    counts = {name: int(row[index]) for index, name in enumerate(_INBOX_CONDITIONS)}
    pages = max(1, -(-counts[shown] // INBOX_PAGE_SIZE))
    page = min(max(page, 1), pages)
    found = read(_INBOX_PAGES[shown],
                 params | {"limit": INBOX_PAGE_SIZE, "offset": (page - 1) * INBOX_PAGE_SIZE})
    rows = [InboxRow(*line, late=line.state == _SENT and line.sent_at < params["late_before"]) for line in found]
    return InboxPage(shown, counts, rows, page, pages)
