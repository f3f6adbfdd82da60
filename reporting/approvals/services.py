"""The two-person rule for acts on a report: one key holder asks, a second approves.

Issuing a new receipt code (it changes who can speak as the reporter), lifting a legal
hold and erasing a report (neither can be undone) are each asked for here by a reviewer
who holds the Group's key, with a reason sealed to the group key, and done only when a
second such reviewer, never the one who asked, approves. Each feature registers what
its act does (:func:`register_act`), so this package imports no feature; approving
runs the act in the approver's transaction, and a refusal by the act leaves nothing
approved. Every step is audited under the person's own name.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from reporting import audit, crypto
from reporting.approvals.models import Act, Decision, TwoPersonRequest
from reporting.auth.models import User
from reporting.db import utcnow
from reporting.exceptions import AlreadyAskedError, ContentDestroyedError, NotAKeyHolderError, PermissionDeniedError
from reporting.extensions import db
from reporting.keys.keyring import Keyring
from reporting.keys.models import KeyPurpose
from reporting.keys.policies import is_active_reviewer, require_reviewer
from reporting.keys.services import current_key, is_holder
from reporting.reports.models import Report
from reporting.settings import Settings


@dataclass(frozen=True)
class ActContext:
    """What an act may need from the approver's request: their keyring (None when their
    key did not open in this session), the settings, and the public /status address."""

    keyring: Keyring | None
    settings: Settings
    status_url: str


Executor = Callable[[TwoPersonRequest, Report, User, ActContext], None]
_EXECUTORS: dict[str, Executor] = {}


def register_act(act: Act, executor: Executor) -> None:
    """A feature says what its act does once approved (replaced by act, so a re-import is harmless)."""
    _EXECUTORS[act.value] = executor


def _reason_binding(report: Report, request_id: int) -> crypto.Binding:
    return crypto.Binding("two_person_requests", "reason", f"{report.reference}:{request_id}")


def may_ask(user: User) -> bool:
    """An active reviewer who holds the Group's key: they can read what they ask about."""
    return is_active_reviewer(user) and is_holder(user, KeyPurpose.GROUP)


def open_request(report: Report, act: Act) -> TwoPersonRequest | None:
    """The request for this act on this report still waiting for a decision, if any."""
    return db.session.scalar(select(TwoPersonRequest).where(
        TwoPersonRequest.report_id == report.id, TwoPersonRequest.act == act.value,
        TwoPersonRequest.decided_at.is_(None)))


def ask(act: Act, report: Report, *, actor: User, reason: str, facts: Mapping[str, str] | None = None) -> TwoPersonRequest:
    """A key holder asks for ``act``; ``reason`` is sealed to the group key, ``facts`` are codes.

    Refused (PermissionDeniedError) to anyone but a reviewer holding the Group's key;
    AlreadyAskedError while the same act on the same report waits for a decision.
    """
    require_reviewer(actor, holding_key=True)
    if report.content_destroyed_at is not None:
        raise ContentDestroyedError(report.reference)
    if open_request(report, act) is not None:
        raise AlreadyAskedError(report.reference)
    request = TwoPersonRequest(act=act.value, report_id=report.id, requested_by_id=actor.id, requested_at=utcnow(),
                               facts=dict(facts or {}))
    db.session.add(request)
    db.session.flush()
    if reason.strip():
        key = current_key(KeyPurpose.GROUP)
        request.reason = crypto.seal(key.algorithm, key.public_key, reason.strip().encode(),
                                     _reason_binding(report, request.id))
    db.session.flush()
    audit.record("approval.asked", f"report:{report.id}", actor=actor, act=act.value, request=request.id,
                 **dict(facts or {}))
    return request


def may_decide(request: TwoPersonRequest, user: User) -> bool:
    """A second key holder: an active reviewer holding the Group's key who did not ask."""
    return (request.decided_at is None and user.id != request.requested_by_id
            and is_active_reviewer(user) and is_holder(user, KeyPurpose.GROUP))


def _decide(request: TwoPersonRequest, actor: User, decision: Decision) -> Report:
    if not may_decide(request, actor):
        raise PermissionDeniedError(actor.email)
    report = db.session.get(Report, request.report_id)
    if report is None:
        raise PermissionDeniedError(actor.email)
    request.decided_by_id = actor.id
    request.decided_at = utcnow()
    request.decision = decision.value
    db.session.flush()
    audit.record(f"approval.{decision.value}", f"report:{report.id}", actor=actor, act=request.act,
                 request=request.id, asked_by=request.requested_by_id)
    return report


def approve(request: TwoPersonRequest, *, actor: User, context: ActContext) -> None:
    """The second key holder approves, and the act is done in the same transaction.

    PermissionDeniedError for the person who asked or anyone who is not a key-holding
    reviewer; the act's own errors (a hold already lifted, an email not sent) come
    through, and the caller rolls back: then nothing is approved and nothing done.
    """
    report = _decide(request, actor, Decision.APPROVED)
    _EXECUTORS[request.act](request, report, actor, context)


def decline(request: TwoPersonRequest, *, actor: User) -> None:
    """A second key holder declines: nothing is done, and a new request may be made."""
    _decide(request, actor, Decision.DECLINED)


def close_for_destroyed(report: Report) -> int:
    """The report's content was destroyed: its requests' reasons go, open ones are withdrawn."""
    count = 0
    for request in db.session.scalars(select(TwoPersonRequest).where(TwoPersonRequest.report_id == report.id)):
        if request.reason is not None:
            request.reason = None
            count += 1
        if request.decided_at is None:
            request.decided_at = utcnow()
            request.decision = Decision.WITHDRAWN.value
    db.session.flush()
    return count


@dataclass(frozen=True)
class Waiting:
    request: TwoPersonRequest
    reference: str
    asked_by: str
    reason: str | None  # None without a key that opens it
    mine: bool  # asked by the person looking: they cannot decide it

    @property
    def asked_at(self) -> datetime:
        return self.request.requested_at


def reason_text(request: TwoPersonRequest, report: Report, keyring: Keyring | None) -> str | None:
    if request.reason is None or keyring is None:
        return None
    try:
        return keyring.open_group_sealed(request.reason, _reason_binding(report, request.id)).decode()
    except (crypto.CryptoError, NotAKeyHolderError):
        return None


def waiting(user: User, keyring: Keyring | None) -> list[Waiting]:
    """Every request still waiting, oldest first: those this person may decide, and their own."""
    rows = db.session.execute(
        select(TwoPersonRequest, Report, User.email)
        .join(Report, Report.id == TwoPersonRequest.report_id)
        .outerjoin(User, User.id == TwoPersonRequest.requested_by_id)
        .where(TwoPersonRequest.decided_at.is_(None))
        .order_by(TwoPersonRequest.requested_at, TwoPersonRequest.id)
    ).all()
    found = []
    for request, report, email in rows:
        mine = request.requested_by_id == user.id
        if mine or may_decide(request, user):
            found.append(Waiting(request, report.reference, email or "", reason_text(request, report, keyring), mine))
    return found


def approved_by_second_person(request: TwoPersonRequest | None, report: Report, act: Act, actor: User) -> TwoPersonRequest:
    """The check each act makes before it runs: an approved request for this act on this
    report, decided by ``actor``, who did not ask. PermissionDeniedError otherwise."""
    if (request is None or request.act != act.value or request.report_id != report.id
            or request.decision != Decision.APPROVED.value or request.decided_by_id != actor.id
            or request.requested_by_id in (None, actor.id)):
        raise PermissionDeniedError(getattr(actor, "email", "unknown"))
    return request
