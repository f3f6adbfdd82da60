"""The append-only, hash-chained audit log: record() and verify(). No blueprint."""
from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import insert, select, text

from reporting.audit.models import AuditEvent
from reporting.db import utcnow
from reporting.extensions import db

GENESIS = "0" * 64


def _chain_key() -> bytes:
    """HMAC key of the chain, derived from the app's secret key: never in the database, so
    someone who can write to the database cannot rewrite the log and recompute the chain."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    key = app.extensions.get("reporting.audit_key")
    if key is None:
        from reporting import crypto

        key = crypto.derive_subkey(str(app.config["SECRET_KEY"]).encode(), "audit chain")
        app.extensions["reporting.audit_key"] = key
    return bytes(key)


def _canonical(
    previous: str, seq: int, at: datetime, actor_id: int | None, actor: str, action: str, target: str, detail: str
) -> bytes:
    return json.dumps(
        [previous, seq, at.isoformat(timespec="microseconds"), actor_id, actor, action, target, detail],
        ensure_ascii=True,
        separators=(",", ":"),
    ).encode()


def _entry_hash(
    previous: str, seq: int, at: datetime, actor_id: int | None, actor: str, action: str, target: str, detail: str
) -> str:
    canonical = _canonical(previous, seq, at, actor_id, actor, action, target, detail)
    return hmac.new(_chain_key(), canonical, hashlib.sha256).hexdigest()


def _legacy_hash(*fields: Any) -> str:
    """Entries written before the chain was keyed: plain SHA-256 (accepted only as a prefix)."""
    return hashlib.sha256(_canonical(*fields)).hexdigest()


# Built once: the case page of a key holder writes an entry on every view.
_LOCKS = {
    "postgresql": text("SELECT pg_advisory_xact_lock(724101)"),
    "sqlite": text("UPDATE audit_events SET seq = seq WHERE seq = (SELECT MAX(seq) FROM audit_events)"),
}
_LAST = select(AuditEvent.seq, AuditEvent.entry_hash).order_by(AuditEvent.seq.desc()).limit(1)
_INSERT = insert(AuditEvent)


def _lock_chain() -> None:
    """Serialise writers so two entries never claim the same place in the chain.

    PostgreSQL: a transaction-scoped advisory lock. SQLite: a write that changes nothing
    but starts the write transaction now, so the last entry read next is the newest (the
    sqlite3 driver otherwise reads outside a transaction until the first write, and two
    requests both took the same ``seq``); another writer waits on busy_timeout.
    """
    lock = _LOCKS.get(db.session.get_bind().dialect.name)
    if lock is not None:
        db.session.execute(lock)


def record(action: str, target: str, *, actor: Any = None, **detail: Any) -> None:
    """Append an entry in the caller's transaction. ``detail`` holds ids and codes only.

    Written with a plain INSERT (no object in the session): the entry is never changed after.
    """
    _lock_chain()
    last = db.session.execute(_LAST).first()
    seq, previous = (last[0] + 1, last[1]) if last else (1, GENESIS)
    at = utcnow()
    actor_id = getattr(actor, "id", None)
    label = getattr(actor, "email", None) or (actor if isinstance(actor, str) else "system")
    detail_json = json.dumps(detail, sort_keys=True, default=str, separators=(",", ":"))
    db.session.connection().execute(_INSERT, {
        "seq": seq, "at": at, "actor_id": actor_id, "actor": label, "action": action, "target": target,
        "detail": detail_json, "previous_hash": previous,
        "entry_hash": _entry_hash(previous, seq, at, actor_id, label, action, target, detail_json),
    })


@dataclass(frozen=True)
class Problem:
    seq: int
    reason: str


Head = tuple[int, str]  # an entry's number and hash, as published outside the database


def unkeyed_entries_allowed() -> int:
    """How many entries at the start of the chain may be unkeyed (an install older than the
    keyed chain): REPORTING_AUDIT_UNKEYED_ENTRIES, 0 unless the operator set it. Kept in the
    configuration, where someone who can only write to the database cannot raise it."""
    return int(current_app.config.get("AUDIT_UNKEYED_ENTRIES") or 0)


def verify(heads: Sequence[Head] = (), *, unkeyed_allowed: int | None = None) -> Problem | None:
    """Walk the chain; return the first entry that was changed, deleted, reordered or forged.

    Every entry after the first ``unkeyed_allowed`` (from the configuration by default) must
    be keyed with the chain's secret key: otherwise anyone who can write to the database
    could rewrite the whole log with plain hashes. ``heads`` are heads published earlier
    (in the admins' weekly email, on a meeting pack): each must still be in the chain, at
    its place, with its hash, so a log rewritten or cut back past them fails too.
    """
    allowed = unkeyed_entries_allowed() if unkeyed_allowed is None else unkeyed_allowed
    expected_heads: dict[int, list[str]] = {}
    for seq, digest in heads:
        expected_heads.setdefault(seq, []).append(digest)
    previous = GENESIS
    expected_seq = 1
    keyed_seen = False
    for event in db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).yield_per(1000):
        if event.seq != expected_seq:
            return Problem(expected_seq, "missing: deleted, or the log was cut")
        if event.previous_hash != previous:
            return Problem(event.seq, "does not follow the entry before it: reordered or inserted")
        fields = (previous, event.seq, event.at, event.actor_id, event.actor, event.action, event.target, event.detail)
        if hmac.compare_digest(_entry_hash(*fields), event.entry_hash):
            keyed_seen = True
        elif not hmac.compare_digest(_legacy_hash(*fields), event.entry_hash):
            return Problem(event.seq, "changed after it was written")
        elif keyed_seen or event.seq > allowed:
            # An unkeyed entry is accepted only in an older install's first entries, before any keyed one.
            return Problem(event.seq, "not keyed with this install's secret key: rewritten without it")
        published = expected_heads.pop(event.seq, None)
        if published is not None and not all(hmac.compare_digest(digest, event.entry_hash) for digest in published):
            return Problem(event.seq, "not the entry published as the head here: the log was rewritten")
        previous = event.entry_hash
        expected_seq += 1
    if expected_heads:
        return Problem(min(expected_heads), "a published head is no longer in the log: it was cut back")
    return None


def parse_heads(text: str) -> list[Head]:
    """Every SEQ:HASH in a text (a line typed, a saved email, a file of heads); ValueError if none."""
    found = [(int(seq), digest.lower()) for seq, digest in _HEAD.findall(text)]
    if not found:
        raise ValueError("no head")
    return found


_HEAD = re.compile(r"\b(\d{1,12}):([0-9a-fA-F]{64})\b")


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
