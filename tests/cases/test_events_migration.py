"""Migration 0033: timeline entries kept as summaries to parse ("new>closed:duplicate",
"heard:7") become structured columns, and the downgrade writes the same summaries back."""
from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from reporting.extensions import db
from tests.helpers import full_answers, report

OLD = [  # (kind, summary) as written before 0033, and the columns each becomes
    ("status", "new>in_triage", dict(action="changed", before="new", after="in_triage", reason=None, ref=None)),
    ("status", "under_review>closed:duplicate",
     dict(action="changed", before="under_review", after="closed", reason="duplicate", ref=None)),
    ("note", "", dict(action="", before=None, after=None, reason=None, ref=None)),
    ("note", "handover", dict(action="handover", before=None, after=None, reason=None, ref=None)),
    ("note", "new_code_sent", dict(action="new_code_sent", before=None, after=None, reason=None, ref=None)),
    ("assignment", "12", dict(action="assigned", before=None, after=None, reason=None, ref="12")),
    ("assignment", "", dict(action="unassigned", before=None, after=None, reason=None, ref=None)),
    ("priority", "urgent", dict(action="set", before=None, after="urgent", reason=None, ref=None)),
    ("flags", "", dict(action="changed", before=None, after=None, reason=None, ref=None)),
    ("link", "duplicate:HC-ABC", dict(action="duplicate", before=None, after=None, reason=None, ref="HC-ABC")),
    ("unlink", "HC-ABC", dict(action="removed", before=None, after=None, reason=None, ref="HC-ABC")),
    ("referral", "sent:full", dict(action="sent", before=None, after="full", reason=None, ref=None)),
    ("referral", "override_requested:risk_to_life",
     dict(action="override_requested", before=None, after=None, reason="risk_to_life", ref=None)),
    ("referral", "outcome:crime_recorded:WM/123:4",
     dict(action="outcome", before=None, after="crime_recorded", reason=None, ref="WM/123:4")),
    ("referral", "outcome:no_further_action", dict(action="outcome", before=None, after="no_further_action",
                                                    reason=None, ref=None)),
    ("referral", "answer_to_police", dict(action="answer_to_police", before=None, after=None, reason=None, ref=None)),
    ("meeting", "heard:7", dict(action="heard", before=None, after=None, reason=None, ref="7")),
    ("meeting", "flagged", dict(action="flagged", before=None, after=None, reason=None, ref=None)),
    ("meeting", "action_done:3", dict(action="action_done", before=None, after=None, reason=None, ref="3")),
    ("hold", "placed", dict(action="placed", before=None, after=None, reason=None, ref=None)),
    ("retention", "destroyed:spam", dict(action="destroyed", before=None, after="spam", reason=None, ref=None)),
    ("retention", "destroyed:erasure:court_order",
     dict(action="destroyed", before=None, after="erasure", reason="court_order", ref=None)),
]


def test_old_summaries_become_columns_and_come_back_on_downgrade(app, client):  # type: ignore[no-untyped-def]
    report(client, full_answers())
    with app.app_context():
        report_id = db.session.scalar(sa.text("SELECT min(id) FROM reports"))
        db.session.remove()
        downgrade(revision="0032")
        for kind, summary, _columns in OLD:
            db.session.execute(sa.text(
                "INSERT INTO case_events (report_id, at, kind, summary) VALUES (:report_id, :at, :kind, :summary)"
            ), {"report_id": report_id, "at": "2026-01-01 09:00:00", "kind": kind, "summary": summary})
        db.session.commit()
        db.session.remove()

        upgrade()
        rows = db.session.execute(sa.text(
            'SELECT kind, action, "before", "after", reason, ref FROM case_events ORDER BY id')).all()
        assert [(kind, dict(zip(("action", "before", "after", "reason", "ref"), rest, strict=True)))
                for kind, *rest in rows] == [(kind, columns) for kind, _summary, columns in OLD]
        db.session.remove()

        downgrade(revision="0032")
        back = db.session.execute(sa.text("SELECT kind, summary FROM case_events ORDER BY id")).all()
        assert [tuple(row) for row in back] == [(kind, summary) for kind, summary, _columns in OLD]
        db.session.remove()
        upgrade()
