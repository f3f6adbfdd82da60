"""Who may do what to a case, and which status changes are allowed."""
from __future__ import annotations

from datetime import date, timedelta

from reporting.auth.models import Role
from reporting.reports.models import Status

S = Status
# From each status, where a case may go next. Closing needs a closure reason;
# reopening a resolved or closed case goes back to review.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    S.NEW: frozenset({S.IN_TRIAGE, S.UNDER_REVIEW, S.AWAITING_INFORMATION, S.REFERRED, S.CLOSED}),
    S.IN_TRIAGE: frozenset({S.UNDER_REVIEW, S.AWAITING_INFORMATION, S.REFERRED, S.RESOLVED, S.CLOSED}),
    S.AWAITING_INFORMATION: frozenset({S.IN_TRIAGE, S.UNDER_REVIEW, S.REFERRED, S.CLOSED}),
    S.UNDER_REVIEW: frozenset({S.AWAITING_INFORMATION, S.REFERRED, S.RESOLVED, S.CLOSED}),
    S.REFERRED: frozenset({S.UNDER_REVIEW, S.RESOLVED, S.CLOSED}),
    S.RESOLVED: frozenset({S.UNDER_REVIEW, S.CLOSED}),
    S.CLOSED: frozenset({S.UNDER_REVIEW}),
}

REVIEWER = Role.REVIEWER


def allowed_next(status: str) -> list[Status]:
    """The statuses a case may move to, in workflow order."""
    targets = TRANSITIONS[Status(status)]
    return [s for s in Status if s in targets]


def may_move(current: str, target: str) -> bool:
    try:
        return Status(target) in TRANSITIONS[Status(current)]
    except ValueError:
        return False


def working_day_cutoff(today: date, working_days: int) -> date:
    """The latest day something may have arrived and be overdue today, counting only
    Monday to Friday: with 2 working days, on a Wednesday, Monday or before."""
    day, counted = today, 0
    while counted < working_days:
        if day.weekday() < 5:
            counted += 1
        day -= timedelta(days=1)
    return day
