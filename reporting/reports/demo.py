"""Demo data written through the same services as real reports."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from reporting import crypto
from reporting.db import utcnow
from reporting.extensions import db
from reporting.reports import questions, services
from reporting.reports.models import Channel, Report

DEMO_PREFIX = "demo-"

SAMPLES: list[dict[str, Any]] = [
    {
        "reporter_type": "victim", "incident_types": ["verbal_abuse", "threats"], "motivations": ["race"],
        "evidence": ["words"], "evidence_detail": "(Example) Shouted slurs about my nationality.",
        "incident_date": {"day": None, "month": 10, "year": 2026}, "ongoing": "yes", "frequency": "weekly",
        "area": "shrewsbury", "place_description": "(Example) Bus station, evening.",
        "place_kind": "transport", "happened_before": "several",
        "description": "(Example) A group of young men followed me through the bus station shouting abuse.",
        "offender_count": "two_to_three", "support": "yes", "police_consent": "with_details",
        "contact_ok": "yes", "email": "example.reporter@example.org", "leave_message": "no",
    },
    {
        "reporter_type": "witness", "incident_types": ["graffiti", "damage"], "motivations": ["religion"],
        "evidence": ["symbols"], "incident_date": {"day": 3, "month": 11, "year": 2026},
        "area": "oswestry", "description": "(Example) Offensive graffiti painted on a place of worship overnight.",
        "police_consent": "without_details", "contact_ok": "no",
    },
    {
        "reporter_type": "on_behalf", "incident_types": ["online_abuse", "harassment"], "motivations": ["transgender"],
        "incident_date": {"day": 12, "month": 9, "year": 2026}, "ongoing": "yes", "frequency": "daily",
        "area": "online", "platform": "(Example) A social network", "links": "https://example.org/post/1",
        "description": "(Example) My friend receives daily messages mocking her for being trans.",
        "police_consent": "no", "contact_ok": "no", "support": "yes", "happened_before": "ongoing",
    },
    {
        "reporter_type": "victim", "incident_types": ["physical_assault"], "motivations": ["disability"],
        "incident_date": {"day": 20, "month": 11, "year": 2026}, "area": "ludlow",
        "description": "(Example) Pushed off my mobility scooter outside a shop while being called names.",
        "police_consent": "with_details", "contact_ok": "yes", "phone": "07700 900982", "leave_message": "yes",
        "sexual_orientation": "prefer_not", "place_kind": "street", "happened_before": "no",
    },
]


def send_answers(answers: dict[str, Any], *, now: datetime, receipt_kdf: crypto.KdfParams, retention_years: int,
                 draft_id: str | None = None, received_at: datetime | None = None) -> tuple[Report, crypto.Receipt]:
    """Send stored answers as an online report through the services the journey calls, without
    its pages: a draft, each applicable step saved, the submit (the demo data, and tests of what
    happens to a report after it arrives). ``received_at`` backdates the report; the caller commits."""
    draft_id, key = services.start_draft(now=now, idle_minutes=5, draft_id=draft_id)
    state = services.open_draft(draft_id, key, now=now)
    for step in questions.applicable_steps(answers):
        services.save_step(state, step.name, questions.step_answers(step, answers), now=now, idle_minutes=5)
    return services.submit_report(state, channel=Channel.ONLINE, now=received_at or now, receipt_kdf=receipt_kdf,
                                  retention_years=retention_years, sent_minutes=0)


def load_demo_reports(receipt_kdf: crypto.KdfParams, retention_years: int) -> list[tuple[str, str]]:
    """Send the sample reports once. Returns (reference, receipt) for those made now."""
    made_before = db.session.scalar(
        select(func.count(Report.id)).where(Report.submission_key == services.submission_digest(f"{DEMO_PREFIX}1"))
    )
    if made_before:
        return []
    sent = []
    now = utcnow()
    for number, answers in enumerate(SAMPLES, start=1):
        report, receipt = send_answers(answers, now=now, receipt_kdf=receipt_kdf, retention_years=retention_years,
                                       draft_id=f"{DEMO_PREFIX}{number}",
                                       received_at=now - timedelta(days=len(SAMPLES) - number))
        sent.append((report.reference, receipt.formatted()))
    return sent
