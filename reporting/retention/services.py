"""Retention: what is due, destroying a report's content, legal holds, erasure on request.

Every function flushes and writes the audit log; the caller commits, one report per
transaction, so a run killed midway leaves each report whole or destroyed.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select

from reporting import audit, crypto
from reporting.approvals import services as approvals
from reporting.approvals.models import Act, TwoPersonRequest
from reporting.auth.models import User
from reporting.cases.models import CaseEvent, EventKind
from reporting.codes import ErasureReason
from reporting.db import utcnow
from reporting.exceptions import ContentDestroyedError, OnLegalHoldError
from reporting.extensions import db
from reporting.keys.models import KeyPurpose
from reporting.keys.policies import require_reviewer
from reporting.keys.services import current_key
from reporting.referrals.models import Referral
from reporting.reports.holds import LegalHold, held_condition, is_held
from reporting.reports.models import Report, Status
from reporting.retention import destroyers as _builtin  # noqa: F401  (registers the built-in destroyers)
from reporting.retention.models import DeletionRecord
from reporting.retention.registry import destroyers
from reporting.retention.rules import CaseFacts, Due, RetentionSettings, Rule, due

# Why a key holder erases a report early (clear codes: the reason itself names nobody).
ERASURE_REASONS = tuple(reason.value for reason in ErasureReason)


def _facts(rows: list[Any]) -> dict[int, CaseFacts]:
    ids = [row.id for row in rows]
    closed_at: dict[int, datetime] = {}
    outcome: dict[int, tuple[int, int, datetime | None]] = {}  # sent, with outcome, latest outcome
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        for report_id, at in db.session.execute(
            select(CaseEvent.report_id, func.max(CaseEvent.at))
            .where(CaseEvent.report_id.in_(chunk), CaseEvent.kind == EventKind.STATUS.value,
                   CaseEvent.after == Status.CLOSED.value)
            .group_by(CaseEvent.report_id)
        ):
            closed_at[report_id] = at
        for report_id, sent, with_outcome, latest in db.session.execute(
            select(Referral.report_id, func.count(), func.count(Referral.outcome_at), func.max(Referral.outcome_at))
            .where(Referral.report_id.in_(chunk), Referral.sent_at.is_not(None))
            .group_by(Referral.report_id)
        ):
            outcome[report_id] = (sent, with_outcome, latest)
    facts = {}
    for row in rows:
        sent, with_outcome, latest = outcome.get(row.id, (0, 0, None))
        latest_at = _aware(latest) if sent and with_outcome == sent else None
        closed = _aware(closed_at.get(row.id))
        facts[row.id] = CaseFacts(row.status, row.closure_reason, closed, bool(sent), latest_at, row.retain_until)
    return facts


def _aware(value: Any) -> datetime | None:
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Upcoming:
    report_id: int
    reference: str
    due: Due
    held: bool


def schedule(today: date, settings: RetentionSettings, *, within_days: int = 0) -> list[Upcoming]:
    """Reports whose content is due for destruction by ``today + within_days``, earliest first.

    Reads clear fields only. Held cases are included (marked) so the review page shows them.
    """
    horizon = today + timedelta(days=within_days)
    rows = db.session.execute(
        select(Report.id, Report.reference, Report.status, Report.closure_reason, Report.retain_until,
               held_condition().label("held"))
        .where(Report.content_destroyed_at.is_(None),
               or_(Report.status == Status.CLOSED.value, Report.retain_until <= horizon))
        .order_by(Report.id)
    ).all()
    facts = _facts(list(rows))
    upcoming = []
    for row in rows:
        when = due(facts[row.id], settings)
        if when.on <= horizon:
            upcoming.append(Upcoming(row.id, row.reference, when, bool(row.held)))
    return sorted(upcoming, key=lambda u: (u.due.on, u.report_id))


def due_for(report: Report, settings: RetentionSettings) -> Due:
    """When one report's content is due for destruction, and under which rule (clear fields only)."""
    return due(_facts([report])[report.id], settings)


def expired(today: date, settings: RetentionSettings) -> list[Upcoming]:
    """What a run destroys today: due, and not on hold."""
    return [u for u in schedule(today, settings) if not u.held]


def destroy_report(report: Report, rule: Rule, *, actor: User | str, now: datetime | None = None,
                   reason: str | None = None, approval: dict[str, Any] | None = None) -> int:
    """Destroy everything sealed about one report and the report's key wraps; keep the clear fields.

    Returns the count of items destroyed. Refuses a held case; a destroyed one raises
    ContentDestroyedError (the run looks first, so a rerun skips it).
    """
    now = now or utcnow()
    if report.content_destroyed_at is not None:
        raise ContentDestroyedError(report.reference)
    if is_held(report):
        raise OnLegalHoldError(report.reference)
    items = 1  # the report's own content
    for destroy in destroyers().values():
        items += destroy(report)
    # Without its wraps the report's private key is gone: nothing sealed to it opens again,
    # with the group key, the recovery key or the receipt, even from a backup of the keys.
    report.content = b""
    report.key_wrap_group = b""
    report.key_wrap_receipt = b""
    report.receipt_verifier = b""
    report.public_key = b""
    report.content_destroyed_at = now
    report.content_destroyed_rule = rule.value
    actor_id = actor.id if isinstance(actor, User) else None
    db.session.add(CaseEvent(report_id=report.id, actor_id=actor_id, kind=EventKind.RETENTION.value,
                             action="destroyed", after=rule.value, reason=reason or None, at=now))
    actor_name = actor.email if isinstance(actor, User) else actor
    db.session.add(DeletionRecord(reference=report.reference, destroyed_at=now, rule=rule.value, items=items,
                                  actor=actor_name))
    db.session.flush()
    audit.record("retention.destroy", f"report:{report.id}", actor=actor, reference=report.reference,
                 rule=rule.value, items=items, **({"reason": reason} if reason else {}), **(approval or {}))
    # The statistics need no telling: every clear field they count stays, and no report row
    # is deleted (and a deleted one is forgotten by a trigger: migration 0034).
    return items


def ask_to_erase(report: Report, *, actor: User, reason: str, explanation: str = "") -> TwoPersonRequest:
    """A key holder asks to erase a report's content early, for a recorded reason;
    a second key holder approves it (:func:`erase_report` is the act)."""
    require_reviewer(actor, holding_key=True)
    if reason not in ERASURE_REASONS:
        raise ValueError(reason)
    if report.content_destroyed_at is not None:
        raise ContentDestroyedError(report.reference)
    if is_held(report):
        raise OnLegalHoldError(report.reference)
    return approvals.ask(Act.ERASE_REPORT, report, actor=actor, reason=explanation, facts={"reason": reason})


def erase_report(report: Report, *, actor: User, request: TwoPersonRequest | None) -> int:
    """Erase a report's content early: only the act of an approved request, by its approver.

    ``actor`` is the second key holder who approved ``request`` (never the one who asked);
    anything else is PermissionDeniedError. The destruction is audited under the approver's
    name, with the request and who asked.
    """
    require_reviewer(actor, holding_key=True)
    approved = approvals.approved_by_second_person(request, report, Act.ERASE_REPORT, actor)
    reason = str(approved.facts.get("reason", ""))
    if reason not in ERASURE_REASONS:
        raise ValueError(reason)
    return destroy_report(report, Rule.ERASURE, actor=actor, reason=reason,
                          approval={"request": approved.id, "asked_by": approved.requested_by_id})


def _erase_approved(request: TwoPersonRequest, report: Report, approver: User, _context: approvals.ActContext) -> None:
    erase_report(report, actor=approver, request=request)


def _hold_binding(report: Report, hold_id: int) -> crypto.Binding:
    return crypto.Binding("legal_holds", "reason", f"{report.reference}:{hold_id}")


def place_hold(report: Report, *, actor: User, reason: str) -> LegalHold:
    """Stop destruction of a case until lifted; the reason is sealed to the group key."""
    require_reviewer(actor)
    if report.content_destroyed_at is not None:
        raise ContentDestroyedError(report.reference)
    if is_held(report):
        raise OnLegalHoldError(report.reference)
    hold = LegalHold(report_id=report.id, placed_by_id=actor.id, placed_at=utcnow())
    db.session.add(hold)
    db.session.flush()
    key = current_key(KeyPurpose.GROUP)
    hold.reason = crypto.seal(key.algorithm, key.public_key, reason.encode(), _hold_binding(report, hold.id))
    db.session.add(CaseEvent(report_id=report.id, actor_id=actor.id, kind=EventKind.HOLD.value, action="placed",
                             at=hold.placed_at))
    audit.record("retention.hold", f"report:{report.id}", actor=actor, reference=report.reference)
    return hold


def ask_to_lift_hold(report: Report, *, actor: User, reason: str) -> TwoPersonRequest:
    """A key holder asks to lift a case's legal hold; a second key holder approves it
    (:func:`lift_hold` is the act). The reason is sealed to the group key."""
    require_reviewer(actor, holding_key=True)
    if not is_held(report):
        raise OnLegalHoldError(report.reference)
    return approvals.ask(Act.LIFT_HOLD, report, actor=actor, reason=reason)


def lift_hold(report: Report, *, actor: User, request: TwoPersonRequest | None) -> None:
    """Lift the hold: only the act of an approved request, by the second key holder who approved it."""
    require_reviewer(actor, holding_key=True)
    approved = approvals.approved_by_second_person(request, report, Act.LIFT_HOLD, actor)
    hold = db.session.scalar(
        select(LegalHold).where(LegalHold.report_id == report.id, LegalHold.lifted_at.is_(None))
    )
    if hold is None:
        raise OnLegalHoldError(report.reference)
    hold.lifted_at = utcnow()
    hold.lifted_by_id = actor.id
    db.session.add(CaseEvent(report_id=report.id, actor_id=actor.id, kind=EventKind.HOLD.value, action="lifted",
                             at=hold.lifted_at))
    audit.record("retention.lift", f"report:{report.id}", actor=actor, reference=report.reference,
                 request=approved.id, asked_by=approved.requested_by_id)


def _lift_approved(request: TwoPersonRequest, report: Report, approver: User, _context: approvals.ActContext) -> None:
    lift_hold(report, actor=approver, request=request)


approvals.register_act(Act.LIFT_HOLD, _lift_approved)
approvals.register_act(Act.ERASE_REPORT, _erase_approved)


def hold_reason(report: Report, keyring: Any) -> str | None:
    hold = db.session.scalar(
        select(LegalHold).where(LegalHold.report_id == report.id, LegalHold.lifted_at.is_(None))
    )
    if hold is None or hold.reason is None:
        return None
    return str(keyring.open_group_sealed(hold.reason, _hold_binding(report, hold.id)).decode())


__all__ = ["ERASURE_REASONS", "ask_to_erase", "ask_to_lift_hold", "destroy_report", "erase_report", "expired",
           "schedule", "place_hold", "lift_hold", "RetentionSettings"]
