"""Migration 0040: a referral's first opening is found in the audit log (or, acknowledged
without one, its acknowledgement), so referrals already read do not come back as "new"; and the
statistics' delete trigger on referrals (0034) survives both ways on SQLite."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from reporting.audit.models import AuditEvent
from reporting.db import utcnow
from reporting.extensions import db
from reporting.referrals.models import Referral
from tests.referrals.test_inbox import add_referrals


def triggers_on_referrals(backend: str) -> set[str]:
    if backend == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'referrals'"
    else:
        query = ("SELECT tgname FROM pg_trigger WHERE tgrelid = 'referrals'::regclass AND NOT tgisinternal")
    return set(db.session.scalars(sa.text(query)))


def test_the_first_opening_comes_from_the_audit_log(app, backend, keys) -> None:  # type: ignore[no-untyped-def]
    now = utcnow().replace(microsecond=0)
    opened, acknowledged, unread = add_referrals(app, [
        {"sent_at": now - timedelta(days=9)},
        {"sent_at": now - timedelta(days=8), "state": "acknowledged", "acknowledged_at": now - timedelta(days=7)},
        {"sent_at": now - timedelta(days=6)},
    ])
    with app.app_context():
        triggers = triggers_on_referrals(backend)
        assert triggers, "0034 puts a trigger on referrals"
        db.session.remove()
        downgrade(revision="0039")
        seq = db.session.scalar(sa.select(sa.func.max(AuditEvent.seq))) or 0
        for number, (target, days) in enumerate(((opened, 5), (opened, 8), (unread + 1000, 1))):
            db.session.execute(sa.insert(AuditEvent).values(
                seq=seq + 1 + number, at=now - timedelta(days=days), actor="police", action="referral.open",
                target=f"referral:{target}", detail="{}", previous_hash="0" * 64, entry_hash=f"{number}" * 64))
        db.session.commit()
        db.session.remove()

        upgrade()
        found = {row.id: row.opened_at for row in db.session.execute(sa.select(Referral.id, Referral.opened_at))}
        assert found == {opened: now - timedelta(days=8), acknowledged: now - timedelta(days=7), unread: None}
        assert triggers_on_referrals(backend) == triggers
        db.session.remove()

        downgrade(revision="0039")
        assert "opened_at" not in {column["name"] for column in sa.inspect(db.engine).get_columns("referrals")}
        assert triggers_on_referrals(backend) == triggers
        db.session.remove()
        upgrade()
