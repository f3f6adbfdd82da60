"""Subject access export: everything held about one report, as a ZIP with a PDF summary.

Built in memory (never a temporary file), for a key holder only; the export is audited and
recorded as a disclosure to the person (their right of access) through the disclosure gate.
A referral package is sealed to the police key, which the Group does not hold: it holds
exactly the answers the Group chose to share, so each referral is given with those
answers in words (rebuilt from the report as ``build_package`` builds them) and the files
shared with it. The messages with the police about each referral are opened as the Group
reads them (``referrals.services.group_thread``).
"""
from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import Any

from sqlalchemy import select

from reporting import audit, casefile, labels
from reporting.cases import services as case_services
from reporting.disclosure import gate
from reporting.evidence import services as evidence_services
from reporting.exceptions import ContentDestroyedError
from reporting.extensions import db
from reporting.keys.keyring import Keyring
from reporting.referrals import services as referral_services
from reporting.referrals.models import Referral, ReferralFile
from reporting.referrals.pdf import new_document
from reporting.reports import questions
from reporting.reports.models import Report
from reporting.status import services as status_services
from reporting.words import gettext as _

# One part of the PDF summary: a heading and its entries (a label and its lines).
Section = tuple[str, list[tuple[str, list[str]]]]


def subject_access_export(report: Report, keyring: Keyring) -> bytes:
    """The ZIP for one report; raises NotAKeyHolderError or ContentDestroyedError."""
    if report.content_destroyed_at is not None:
        raise ContentDestroyedError(report.reference)
    private = case_services.report_private_key(report, keyring)
    content = case_services.open_case(report, keyring, report_private=private)
    sections = questions.summary(content.answers, questions.steps_for_channel(report.channel))
    summary = [(str(row.label), [str(line) for line in row.lines]) for section in sections for row in section.rows]
    thread = [{"at": labels.when(m.message.at), "kind": labels.label("message_kind", m.message.kind), "text": m.text}
              for m in status_services.messages(report, private, holder=keyring.holder)]
    timeline = [{"at": labels.when(e.event.at), "what": casefile.event_text(e.event),
                 "words": e.text} for e in case_services.timeline(report, keyring)]
    files: list[dict[str, str]] = []
    names: dict[int, str] = {}  # evidence id -> its name in the ZIP
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, item in enumerate(evidence_services.list_evidence(report, private), start=1):
            download = evidence_services.open_evidence(report, item.evidence, private, original=True,
                                                       actor=keyring.holder)
            name = f"files/{number}{PurePosixPath(download.filename).suffix}"
            archive.writestr(name, download.data)
            names[item.evidence.id] = name
            files.append({"file": name, "name": download.filename, "type": download.content_type})
        referrals = _referrals(report, keyring, content.answers, names)
        archive.writestr("answers.json", json.dumps(content.answers, ensure_ascii=False, indent=2, default=str))
        archive.writestr("files.json", _json(files))
        archive.writestr("messages.json", _json(thread))
        archive.writestr("timeline.json", _json(timeline))
        archive.writestr("referrals.json", _json(referrals))
        archive.writestr("summary.pdf", _summary_pdf(report, [
            (_("Answers"), summary),
            (_("Files"), [(f["file"], [f["name"]]) for f in files]),
            (_("Messages with the reporter"), [(f"{m['at']}, {m['kind']}", [m["text"]]) for m in thread]),
            (_("Referrals to the police"), list(_referral_lines(referrals))),
            (_("Timeline"), [(f"{e['at']}, {e['what']}", [e["words"]] if e["words"] else []) for e in timeline]),
        ]))
    audit.record("retention.export", f"report:{report.id}", actor=keyring.holder, reference=report.reference)
    gate.record_disclosure(gate.Disclosed.SUBJECT_ACCESS_EXPORT, to=gate.Recipient.data_subject(),
                           rules=gate.Rule.SUBJECT_ACCESS, target=f"report:{report.id}", actor=keyring.holder,
                           files=len(files), referrals=len(referrals))
    return buffer.getvalue()


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


def _referrals(report: Report, keyring: Keyring, answers: dict[str, Any], files: dict[int, str]) -> list[dict[str, Any]]:
    shareable = referral_services.shareable(answers)
    threads = referral_services.group_thread(report, keyring)
    found = []
    for referral in db.session.scalars(select(Referral).where(Referral.report_id == report.id).order_by(Referral.id)):
        chosen = set(referral.shared_fields or [])
        shared_files = db.session.scalars(
            select(ReferralFile.evidence_id).where(ReferralFile.referral_id == referral.id).order_by(ReferralFile.id))
        found.append({
            "kind": labels.label("referral_kind", referral.kind),
            "state": labels.label("referral_state", referral.state),
            "sent": labels.when(referral.sent_at) if referral.sent_at else None,
            "answers": [{"field": item.field, "question": str(item.question), "answer": [str(a) for a in item.answer]}
                        for item in shareable if item.field in chosen],
            "files": [files[e] for e in shared_files if e in files],
            "outcome": labels.label("outcome", referral.outcome) if referral.outcome else None,
            "crime_reference": referral.crime_reference,
            "messages": [{"at": labels.when(m.message.at), "kind": labels.label("referral_message", m.message.direction),
                          "text": m.text} for m in threads.get(referral.id, [])],
        })
    return found


def _referral_lines(referrals: list[dict[str, Any]]) -> Iterable[tuple[str, list[str]]]:
    for number, referral in enumerate(referrals, start=1):
        facts = [referral["kind"], referral["state"]]
        if referral["sent"]:
            facts.append(_("sent %(when)s", when=referral["sent"]))
        if referral["outcome"]:
            facts.append(_("outcome: %(outcome)s", outcome=referral["outcome"]))
        if referral["crime_reference"]:
            facts.append(_("crime reference %(reference)s", reference=referral["crime_reference"]))
        yield _("Referral %(number)d", number=number), ["; ".join(facts)]
        for item in referral["answers"]:
            yield _("Referral %(number)d shared: %(question)s", number=number, question=item["question"]), item["answer"]
        if referral["files"]:
            yield _("Referral %(number)d shared files", number=number), referral["files"]
        for message in referral["messages"]:
            yield f"{message['at']}, {message['kind']}", [message["text"]]


def _summary_pdf(report: Report, sections: list[Section]) -> bytes:
    title = _("Subject access: %(reference)s", reference=report.reference)
    pdf = new_document(title)
    width = pdf.epw
    pdf.set_font("DejaVu", "B", 16)
    pdf.multi_cell(width, 9, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)
    for name, value in ((_("Reference"), report.reference), (_("Received"), labels.when(report.received_at))):
        pdf.multi_cell(width, 6, f"{name}: {value}", new_x="LMARGIN", new_y="NEXT")
    for heading, entries in sections:
        pdf.ln(4)
        pdf.set_font("DejaVu", "B", 13)
        pdf.multi_cell(width, 8, heading, new_x="LMARGIN", new_y="NEXT")
        if not entries:
            pdf.set_font("DejaVu", "", 11)
            pdf.multi_cell(width, 6, _("None."), new_x="LMARGIN", new_y="NEXT")
        for label, lines in entries:
            pdf.set_font("DejaVu", "B", 11)
            pdf.multi_cell(width, 6, label, new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("DejaVu", "", 11)
            if lines:
                pdf.multi_cell(width, 6, "\n".join(str(line) for line in lines), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
    return bytes(pdf.output())
