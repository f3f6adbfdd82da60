"""Every transition of the case workflow, allowed and refused, from a table written out here.

The table is the Group's workflow as agreed, not a copy of reporting/cases/policies.py:
if the code drifts from it, this test names the pair.
"""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from reporting.auth.models import User
from reporting.cases import services
from reporting.cases.models import CaseEvent
from reporting.exceptions import InvalidTransitionError
from reporting.extensions import db
from reporting.reports.models import ClosureReason, Report, Status
from tests.helpers import send_directly

N, T, A, U, R, V, C = ("new", "in_triage", "awaiting_information", "under_review", "referred", "resolved", "closed")
ALLOWED = {
    N: {T, A, U, R, C},
    T: {A, U, R, V, C},
    A: {T, U, R, C},
    U: {A, R, V, C},
    R: {U, V, C},
    V: {U, C},
    C: {U},
}
STATUSES = [s.value for s in Status]
PAIRS = [(current, target) for current in STATUSES for target in STATUSES]


def test_the_table_covers_every_status():
    assert set(ALLOWED) == set(STATUSES)


@pytest.fixture
def case(app, keys, make_user):  # type: ignore[no-untyped-def]
    # What happens after a report arrives: sent through the services, not the journey's pages.
    reference = send_directly(app)
    reviewer = make_user("reviewer")
    return reference, reviewer.id


@pytest.mark.parametrize(("current", "target"), PAIRS, ids=[f"{a}>{b}" for a, b in PAIRS])
def test_every_transition(app, case, current, target):  # type: ignore[no-untyped-def]
    reference, reviewer_id = case
    with app.test_request_context():
        stored = db.session.scalar(select(Report).where(Report.reference == reference))
        actor = db.session.get(User, reviewer_id)
        stored.status = current
        db.session.flush()
        events = db.session.scalar(select(func.count(CaseEvent.id)))
        closure = ClosureReason.RESOLVED if target == C else None
        # "referred" is reached by sending a referral, which passes by_referral.
        attempt = {"closure": closure, "by_referral": target == R}
        if target in ALLOWED[current]:
            services.change_status(stored, Status(target), actor=actor, reason="why", **attempt)
            assert stored.status == target
            assert db.session.scalar(select(func.count(CaseEvent.id))) == events + 1
        else:
            with pytest.raises(InvalidTransitionError):
                services.change_status(stored, Status(target), actor=actor, reason="why", **attempt)
            assert stored.status == current, "a refused change changes nothing"
            assert db.session.scalar(select(func.count(CaseEvent.id))) == events
        db.session.rollback()


@pytest.mark.parametrize("current", [s for s in STATUSES if R in ALLOWED[s]])
def test_referred_only_by_sending_a_referral(app, case, current):  # type: ignore[no-untyped-def]
    reference, reviewer_id = case
    with app.test_request_context():
        stored = db.session.scalar(select(Report).where(Report.reference == reference))
        stored.status = current
        with pytest.raises(InvalidTransitionError):
            services.change_status(stored, Status.REFERRED, actor=db.session.get(User, reviewer_id), reason="x")
        assert stored.status == current
        db.session.rollback()


def test_closing_needs_a_closure_reason(app, case):  # type: ignore[no-untyped-def]
    reference, reviewer_id = case
    with app.test_request_context():
        stored = db.session.scalar(select(Report).where(Report.reference == reference))
        with pytest.raises(InvalidTransitionError):
            services.change_status(stored, Status.CLOSED, actor=db.session.get(User, reviewer_id), reason="x")
        assert stored.status == N
        db.session.rollback()
