"""The append-only, hash-chained audit log: record() and verify(). No blueprint."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, text

from reporting.audit.models import AuditEvent
from reporting.db import utcnow
from reporting.extensions import db

GENESIS = "0" * 64


def _entry_hash(
    previous: str, seq: int, at: datetime, actor_id: int | None, actor: str, action: str, target: str, detail: str
) -> str:
    canonical = json.dumps(
        [previous, seq, at.isoformat(timespec="microseconds"), actor_id, actor, action, target, detail],
        ensure_ascii=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _lock_chain() -> None:
    """Serialise writers so two entries never claim the same place in the chain."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(724101)"))


def record(action: str, target: str, *, actor: Any = None, **detail: Any) -> AuditEvent:
    """Append an entry in the caller's transaction. ``detail`` holds ids and codes only."""
    _lock_chain()
    last = db.session.execute(
        select(AuditEvent.seq, AuditEvent.entry_hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    seq, previous = (last[0] + 1, last[1]) if last else (1, GENESIS)
    at = utcnow()
    label = getattr(actor, "email", None) or (actor if isinstance(actor, str) else "system")
    detail_json = json.dumps(detail, sort_keys=True, default=str, separators=(",", ":"))
    event = AuditEvent(
        seq=seq,
        at=at,
        actor_id=getattr(actor, "id", None),
        actor=label,
        action=action,
        target=target,
        detail=detail_json,
        previous_hash=previous,
        entry_hash=_entry_hash(previous, seq, at, getattr(actor, "id", None), label, action, target, detail_json),
    )
    db.session.add(event)
    db.session.flush()
    return event


@dataclass(frozen=True)
class Problem:
    seq: int
    reason: str


def verify() -> Problem | None:
    """Walk the chain; return the first entry that was changed, deleted or reordered."""
    previous = GENESIS
    expected_seq = 1
    for event in db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).yield_per(1000):
        if event.seq != expected_seq:
            return Problem(expected_seq, "missing: deleted, or the log was cut")
        if event.previous_hash != previous:
            return Problem(event.seq, "does not follow the entry before it: reordered or inserted")
        recomputed = _entry_hash(
            previous, event.seq, event.at, event.actor_id, event.actor, event.action, event.target, event.detail
        )
        if recomputed != event.entry_hash:
            return Problem(event.seq, "changed after it was written")
        previous = event.entry_hash
        expected_seq += 1
    return None


def head() -> tuple[int, str]:
    """The newest entry's number and hash: record it elsewhere to detect a cut-off tail later."""
    last = db.session.execute(
        select(AuditEvent.seq, AuditEvent.entry_hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    return (int(last[0]), str(last[1])) if last else (0, GENESIS)


def head_present(seq: int, entry_hash: str) -> bool:
    """Whether an earlier head is still in the chain (entries after it may follow)."""
    if seq == 0:
        return True
    found = db.session.scalar(select(AuditEvent.entry_hash).where(AuditEvent.seq == seq))
    return found == entry_hash


def count() -> int:
    from sqlalchemy import func

    return int(db.session.scalar(select(func.count(AuditEvent.id))) or 0)


def recent(action: str, since: datetime) -> list[AuditEvent]:
    """Entries of one action since a time, newest first (for alerts on the admin pages)."""
    return list(db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == action, AuditEvent.at >= since).order_by(AuditEvent.seq.desc())
    ))
