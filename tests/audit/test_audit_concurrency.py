"""Issue 11 item 12: appends are safe under concurrency on both databases, and the chain
is keyed by a key that is not in the database."""
from __future__ import annotations

import hashlib
import json
import threading

from sqlalchemy import select

from reporting import audit
from reporting.audit.models import AuditEvent
from reporting.extensions import db


def test_concurrent_appends_each_get_their_own_place_in_the_chain(app, keys):
    threads_count, per_thread = 6, 5
    errors: list[BaseException] = []
    start = threading.Barrier(threads_count)

    def work(number: int) -> None:
        with app.app_context():
            try:
                start.wait()
                for step in range(per_thread):
                    # As a case view does: read first (outside any write), then append and commit.
                    db.session.execute(select(AuditEvent.id).limit(1)).all()
                    audit.record("case.decrypt", f"report:{number}", actor="test", step=step)
                    db.session.commit()
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with app.app_context():
        appended = list(db.session.scalars(select(AuditEvent.seq).where(AuditEvent.action == "case.decrypt")))
        assert len(appended) == threads_count * per_thread
        assert audit.verify() is None


def test_the_chain_cannot_be_recomputed_from_the_database_alone(app, keys, runner):
    """Someone with the database but not the app's secret rewrites an entry and recomputes every
    hash after it the way an unkeyed chain would allow: verify still names the entry."""
    with app.app_context():
        for n in range(3):
            audit.record("case.note", f"report:{n}", actor="test")
        db.session.commit()
        rows = list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
        previous = rows[1].previous_hash
        for row in rows[1:]:
            if row is rows[1]:
                row.actor = "someone.else@example.org"
            row.previous_hash = previous
            canonical = json.dumps([previous, row.seq, row.at.isoformat(timespec="microseconds"), row.actor_id,
                                    row.actor, row.action, row.target, row.detail],
                                   ensure_ascii=True, separators=(",", ":")).encode()
            row.entry_hash = previous = hashlib.sha256(canonical).hexdigest()
        db.session.commit()
        problem = audit.verify()
        assert problem is not None and problem.seq == rows[1].seq
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code != 0


def test_verify_prints_a_head_to_keep_elsewhere(app, keys, runner):
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0
    with app.app_context():
        seq, entry_hash = audit.head()
    assert f"Head: {seq}:{entry_hash}" in result.output
