"""Changes to cases. Each flushes, writes the timeline and the audit log; the caller commits.

Staff-only words (notes, reasons) are sealed to the current group key, never to
the report's own key, so a reporter's receipt cannot open them.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, delete, select

from reporting import audit, crypto
from reporting.casefile import Holdings, Keys, Panel, TimelineItem
from reporting.auth.models import Role, User
from reporting.cases.models import CaseEvent, CaseLink, EventKind, LinkKind
from reporting.cases.policies import may_move
from reporting.codes import RiskFlag
from reporting.db import utcnow
from reporting.exceptions import InvalidTransitionError, NotAKeyHolderError, PermissionDeniedError
from reporting.extensions import db
from reporting.keys.models import KeyPurpose
from reporting.keys.keyring import Keyring
from reporting.keys.policies import is_active_reviewer, require_reviewer
from reporting.keys.services import sealing_key
from reporting.reports.models import ClosureReason, Priority, Report, Status
from reporting.reports.services import group_wrap_binding, open_report_content

FLAGS = tuple(flag.value for flag in RiskFlag)

if TYPE_CHECKING:  # for the type only; open_case_file reads the queries where it uses them
    from reporting.cases.queries import OtherCase


def _seal_for_group(plaintext: bytes, binding: crypto.Binding) -> bytes:
    key = sealing_key(KeyPurpose.GROUP)
    return crypto.seal(key.algorithm, key.public_key, plaintext, binding)


def _event_binding(report: Report, event_id: int) -> crypto.Binding:
    return crypto.Binding("case_events", "sealed", f"{report.reference}:{event_id}")


def _flags_binding(report: Report) -> crypto.Binding:
    return crypto.Binding("reports", "staff_flags", report.reference)


def _require_reviewer(actor: User) -> None:
    require_reviewer(actor)


def record_event(report: Report, actor: User, kind: EventKind, action: str = "", text: str | None = None, *,
                 before: str | None = None, after: str | None = None, reason: str | None = None,
                 ref: str | None = None) -> CaseEvent:
    """Put an entry on the case timeline, as codes (see CaseEvent); any words go sealed to the group key."""
    event = CaseEvent(report_id=report.id, actor_id=actor.id, kind=kind.value, action=action, before=before,
                      after=after, reason=reason, ref=ref, at=utcnow())
    db.session.add(event)
    db.session.flush()  # the id binds the sealed text to this event
    if text:
        event.sealed = _seal_for_group(text.encode(), _event_binding(report, event.id))
    return event


# Reading -------------------------------------------------------------------------

@dataclass(frozen=True)
class CaseContent:
    answers: dict[str, Any]
    meta: dict[str, Any]
    channel: str


def report_private_key(report: Report, keyring: Keyring) -> bytes:
    """The report's own private key, opened through the group key a holder was granted."""
    group_key, loaded = keyring.loaded_by_id(report.group_key_id)
    return crypto.open_sealed(group_key.algorithm, loaded, report.key_wrap_group, group_wrap_binding(report.reference))


def open_case(report: Report, keyring: Keyring, *, report_private: bytes | crypto.PrivateKey | None = None) -> CaseContent:
    """Decrypt a report for a key holder, and say so in the audit log.

    Pass ``report_private`` when the caller opened the report's key already, so it is
    decapsulated once per request.
    """
    if report_private is None:
        report_private = report_private_key(report, keyring)
    content = open_report_content(report, report_private)
    audit.record("case.decrypt", f"report:{report.id}", actor=keyring.holder, reference=report.reference)
    return CaseContent(content["answers"], content.get("meta", {}), content.get("channel", report.channel))


@dataclass(frozen=True)
class TimelineEntry:
    event: CaseEvent
    actor: str
    text: str | None

    @property
    def at(self) -> datetime:
        return self.event.at


def with_panel_entries(entries: list[TimelineEntry], panels: list[Panel]) -> list[TimelineEntry | TimelineItem]:
    """The case's timeline with what the panels add to it (the messages with the reporter) in time order."""
    combined: list[TimelineEntry | TimelineItem] = list(entries)
    for panel in panels:
        combined += panel.timeline
    if len(combined) == len(entries):
        return combined
    return sorted(combined, key=lambda entry: entry.at)


# Built once: every case page asks.
_TIMELINE = (
    select(CaseEvent, User.email)
    .outerjoin(User, User.id == CaseEvent.actor_id)
    .where(CaseEvent.report_id == bindparam("report_id"))
    .order_by(CaseEvent.at, CaseEvent.id)
)


def timeline(report: Report, keyring: Keyring | None) -> list[TimelineEntry]:
    """Everything done to the case, oldest first; sealed words opened when a keyring is given."""
    rows = db.session.execute(_TIMELINE, {"report_id": report.id}).all()
    entries = []
    for event, email in rows:
        text = event_text(report, event, keyring) if keyring is not None else None
        entries.append(TimelineEntry(event, email or "system", text))
    return entries


def event_text(report: Report, event: CaseEvent, keyring: Keyring) -> str | None:
    """The words sealed on a timeline entry (a note, a reason, the Group's copy of a message), if any."""
    if event.sealed is None:
        return None
    return keyring.open_group_sealed(event.sealed, _event_binding(report, event.id)).decode()


def staff_flags(report: Report, keyring: Keyring) -> list[str]:
    if report.staff_flags is None:
        return []
    flags: list[str] = json.loads(keyring.open_group_sealed(report.staff_flags, _flags_binding(report)))
    return flags


# Changing ------------------------------------------------------------------------

def change_status(
    report: Report, target: Status, *, actor: User, reason: str, closure: ClosureReason | None = None,
    by_referral: bool = False,
) -> None:
    """Move a case along the workflow, with a reason; closing needs a closure reason.

    Only sending a referral moves a case to "referred".
    """
    _require_reviewer(actor)
    if target == Status.REFERRED and not by_referral:
        raise InvalidTransitionError("a case is referred by sending a referral")
    if not may_move(report.status, target.value):
        raise InvalidTransitionError(f"{report.status}>{target.value}")
    if target == Status.CLOSED and closure is None:
        raise InvalidTransitionError("closing needs a closure reason")
    previous = report.status
    report.status = target.value
    report.closure_reason = closure.value if target == Status.CLOSED and closure else None
    closed_as = closure.value if target == Status.CLOSED and closure else None
    record_event(report, actor, EventKind.STATUS, "changed", reason, before=previous, after=target.value, reason=closed_as)
    audit.record("case.status", f"report:{report.id}", actor=actor,
                 change=f"{previous}>{target.value}" + (f":{closed_as}" if closed_as else ""))


def mark_information_seen(report: Report, *, actor: User) -> None:
    """A reviewer has read the case with what the reporter added."""
    if report.new_information:
        report.new_information = False
        audit.record("case.new_information_seen", f"report:{report.id}", actor=actor)


def add_note(report: Report, *, actor: User, text: str) -> CaseEvent:
    _require_reviewer(actor)
    event = record_event(report, actor, EventKind.NOTE, "", text)
    audit.record("case.note", f"report:{report.id}", actor=actor, event=event.id)
    return event


def assign(report: Report, assignee: User | None, *, actor: User) -> None:
    _require_reviewer(actor)
    if assignee is not None and not is_active_reviewer(assignee):
        raise PermissionDeniedError("cases are assigned to active reviewers")
    report.assignee_id = assignee.id if assignee else None
    if assignee is None:
        record_event(report, actor, EventKind.ASSIGNMENT, "unassigned")
    else:
        record_event(report, actor, EventKind.ASSIGNMENT, "assigned", ref=str(assignee.id))
    audit.record("case.assign", f"report:{report.id}", actor=actor, assignee=assignee.id if assignee else None)


def set_priority(report: Report, priority: Priority, *, actor: User) -> None:
    _require_reviewer(actor)
    report.priority = priority.value
    record_event(report, actor, EventKind.PRIORITY, "set", after=priority.value)
    audit.record("case.priority", f"report:{report.id}", actor=actor, priority=priority.value)


def set_flags(report: Report, flags: list[str], *, actor: User) -> None:
    _require_reviewer(actor)
    chosen = [flag for flag in FLAGS if flag in flags]
    report.staff_flags = _seal_for_group(json.dumps(chosen).encode(), _flags_binding(report))
    record_event(report, actor, EventKind.FLAGS, "changed")
    audit.record("case.flags", f"report:{report.id}", actor=actor)


def link(report: Report, other: Report, kind: LinkKind, *, actor: User) -> None:
    """Link two cases both ways; marking a duplicate says ``report`` duplicates ``other``."""
    _require_reviewer(actor)
    if other.id == report.id:
        raise InvalidTransitionError("a case cannot be linked to itself")
    for source, target in ((report, other), (other, report)):
        existing = db.session.scalar(
            select(CaseLink).where(CaseLink.report_id == source.id, CaseLink.other_id == target.id)
        )
        if existing is None:
            db.session.add(CaseLink(report_id=source.id, other_id=target.id, kind=kind.value, created_at=utcnow()))
        else:
            existing.kind = kind.value
    record_event(report, actor, EventKind.LINK, kind.value, ref=other.reference)
    record_event(other, actor, EventKind.LINK, kind.value, ref=report.reference)
    audit.record("case.link", f"report:{report.id}", actor=actor, other=other.id, kind=kind.value)


def unlink(report: Report, other: Report, *, actor: User) -> None:
    _require_reviewer(actor)
    db.session.execute(
        delete(CaseLink).where(
            ((CaseLink.report_id == report.id) & (CaseLink.other_id == other.id))
            | ((CaseLink.report_id == other.id) & (CaseLink.other_id == report.id))
        )
    )
    record_event(report, actor, EventKind.UNLINK, "removed", ref=other.reference)
    record_event(other, actor, EventKind.UNLINK, "removed", ref=report.reference)
    audit.record("case.unlink", f"report:{report.id}", actor=actor, other=other.id)


def add_handover_note(report: Report, *, actor: User, text: str) -> CaseEvent | None:
    """Centre staff's note to the Group at submission, sealed to the group key."""
    if actor.role != Role.CENTRE_STAFF or actor.centre_id is None or actor.centre_id != report.centre_id:
        raise PermissionDeniedError(actor.email)
    if not text:
        return None
    event = record_event(report, actor, EventKind.NOTE, "handover", text)
    audit.record("case.handover_note", f"report:{report.id}", actor=actor, event=event.id)
    return event


# The case page ---------------------------------------------------------------------

@dataclass(frozen=True)
class CaseFile:
    """Everything the case page shows, opened with the report's key once.

    ``readable`` is False for a reviewer not yet granted the group key: they see the
    clear fields and the timeline without its sealed words.
    """

    report: Report
    readable: bool
    sections: list[Any]
    flags: list[str]
    timeline: list[TimelineEntry]
    evidence: list[Any] | None
    linked: list[tuple[CaseLink, OtherCase]]
    duplicates: list[OtherCase]
    reviewers: list[tuple[str, str]]
    # The viewer's keyring and the report's key, opened once, for the panels (reporting/casefile.py);
    # None when the report cannot be read.
    keys: Keys | None = None
    # The journey's language (from the sealed meta), when the report was made in another language.
    language: str | None = None


def open_case_file(report: Report, *, actor: User, keyring: Keyring | None,
                   held: Holdings | None = None) -> CaseFile:
    """Open a case for the case page: decrypt (audited), mark new information read. ``held``
    says what the case holds (reporting/casefile.py): no links or files, no statement for them.

    Flushes; the caller commits (the decryption's audit entry must be kept).
    """
    from reporting.cases import queries
    from reporting.evidence import services as evidence_services
    from reporting.reports import questions

    _require_reviewer(actor)
    held = held if held is not None else Holdings()
    sections: list[Any] = []
    flags: list[str] = []
    evidence = None
    keys = None
    language = None
    # Destroyed content (reporting/retention) has no key left to open: clear fields only.
    readable = keyring is not None and report.content_destroyed_at is None
    entries: list[TimelineEntry]
    if readable and keyring is not None:
        try:
            # Loaded once for the content, the messages and the evidence sealed to it.
            report_private = crypto.load_private_key(report.key_algorithm, report_private_key(report, keyring))
            content = open_case(report, keyring, report_private=report_private)
            sections = questions.summary(content.answers, questions.steps_for_channel(report.channel))
            language = content.meta.get("language") if content.meta.get("language") not in (None, "en") else None
            flags = staff_flags(report, keyring)
            entries = timeline(report, keyring)
            evidence = evidence_services.list_evidence(report, report_private) if held.holds("evidence") else []
            mark_information_seen(report, actor=actor)
            keys = Keys(keyring, report_private)
        except NotAKeyHolderError:
            readable = False
            sections, flags, evidence = [], [], None
    if not readable:
        entries = list(timeline(report, None))
    return CaseFile(
        report=report,
        readable=readable,
        sections=sections,
        flags=flags,
        timeline=entries,
        evidence=evidence,
        linked=queries.linked_cases(report) if held.holds("links") else [],
        duplicates=queries.possible_duplicates(report),
        reviewers=queries.reviewers(),
        keys=keys,
        language=language,
    )
