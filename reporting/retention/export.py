"""Subject access export: everything held about one report, as a ZIP with a PDF summary.

Built in memory (never a temporary file), for a key holder only; the export is audited.
Referral packages hold the answers the Group chose to share, so they are given as the
referral's record and the names of the answers shared, whose words are in answers.json.
"""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import PurePosixPath
from typing import Any

from sqlalchemy import select

from reporting import audit, labels
from reporting.cases import services as case_services
from reporting.evidence import services as evidence_services
from reporting.exceptions import ContentDestroyedError
from reporting.extensions import db
from reporting.keys.keyring import Keyring
from reporting.referrals.models import Referral
from reporting.referrals.pdf import package_pdf
from reporting.reports import questions
from reporting.reports.models import Report
from reporting.status import services as status_services


def subject_access_export(report: Report, keyring: Keyring) -> bytes:
    """The ZIP for one report; raises NotAKeyHolderError or ContentDestroyedError."""
    if report.content_destroyed_at is not None:
        raise ContentDestroyedError(report.reference)
    private = case_services.report_private_key(report, keyring)
    content = case_services.open_case(report, keyring, report_private=private)
    sections = questions.summary(content.answers, questions.steps_for_channel(report.channel))
    summary = [
        {"question": str(row.label), "answer": [str(line) for line in row.lines]}
        for section in sections for row in section.rows
    ]
    thread = status_services.messages(report, private)
    timeline = case_services.timeline(report, keyring)
    referrals = db.session.scalars(select(Referral).where(Referral.report_id == report.id).order_by(Referral.id))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("answers.json", json.dumps(content.answers, ensure_ascii=False, indent=2, default=str))
        archive.writestr("messages.json", json.dumps(
            [{"at": labels.when(m.message.at), "kind": labels.label("message_kind", m.message.kind), "text": m.text}
             for m in thread], ensure_ascii=False, indent=2))
        archive.writestr("timeline.json", json.dumps(
            [{"at": labels.when(e.event.at), "what": labels.event_text(e.event.kind, e.event.summary), "words": e.text}
             for e in timeline], ensure_ascii=False, indent=2))
        archive.writestr("referrals.json", json.dumps([_referral(r) for r in referrals], ensure_ascii=False, indent=2))
        for number, item in enumerate(evidence_services.list_evidence(report, private), start=1):
            download = evidence_services.open_evidence(report, item.evidence, private, original=True,
                                                       actor=keyring.holder)
            archive.writestr(f"files/{number}{PurePosixPath(download.filename).suffix}", download.data)
        facts = [("Reference", report.reference),
                 ("Received", labels.when(report.received_at))]
        archive.writestr("summary.pdf", package_pdf({"answers": summary}, title=f"Subject access: {report.reference}",
                                                    facts=facts))
    audit.record("retention.export", f"report:{report.id}", actor=keyring.holder, reference=report.reference)
    return buffer.getvalue()


def _referral(referral: Referral) -> dict[str, Any]:
    return {
        "kind": labels.label("referral_kind", referral.kind),
        "state": labels.label("referral_state", referral.state),
        "sent": labels.when(referral.sent_at) if referral.sent_at else None,
        "answers_shared": list(referral.shared_fields or []),
        "outcome": labels.label("outcome", referral.outcome) if referral.outcome else None,
        "crime_reference": referral.crime_reference,
    }
