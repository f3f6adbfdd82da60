"""Evidence files: accepted, sealed to the report's key, listed and opened.

Each file is kept twice, both sealed to the report's own key: the original exactly
as uploaded (its SHA-256 recorded at upload), and a copy without metadata, which is
what reviewers open by default. Opening either is audited; the original separately.
Services flush and audit; callers commit.
"""
from __future__ import annotations

import hashlib
import json
import logging
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import defer

from reporting import audit, crypto
from reporting.auth.models import User
from reporting.evidence import files
from reporting.evidence.uploads import SealingUpload
from reporting.exceptions import AlreadySentError, DraftChangedError, EvidenceRefusedError
from reporting.extensions import db, read
from reporting.reports.models import DraftFile, Report
from reporting.reports.services import DraftState
from reporting.evidence.models import Evidence
from reporting.keys.policies import require_reviewer

log = logging.getLogger(__name__)

# What a download may be served as; anything else (never expected) goes as bytes.
SAFE_TYPES = {
    "image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf", "text/plain; charset=utf-8",
}
_NAME_MAX = 120


def evidence_binding(report: Report, evidence_id: int, column: str) -> crypto.Binding:
    return crypto.Binding("evidence", column, f"{report.reference}:{evidence_id}")


def safe_name(name: str | None) -> str:
    """The file's own name for display: no folders, no control characters, not too long."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    return cleaned[:_NAME_MAX] or "file"


def evidence_bytes(report: Report) -> int:
    """What a report's files take, as uploaded (the limit counts these)."""
    return int(db.session.scalar(select(func.coalesce(func.sum(Evidence.size), 0)).where(Evidence.report_id == report.id)) or 0)


def storage_used() -> tuple[int, int]:
    """(number of files, bytes stored sealed) over every report: what the admin sees."""
    count, stored = db.session.execute(
        select(func.count(Evidence.id),
               func.coalesce(func.sum(func.length(Evidence.original) + func.length(Evidence.cleaned)), 0))
    ).one()
    return int(count or 0), int(stored or 0)


def _seal_copy(inspected: files.Inspected, seal: Any) -> bytes:
    """The copy without metadata, sealed; nothing when it is the original itself (text files),
    so a text file is stored once and opening the copy opens the original."""
    return b"" if inspected.cleaned_is_original else bytes(seal(inspected.cleaned))


def evidence_count(report: Report) -> int:
    return int(db.session.scalar(select(func.count()).select_from(Evidence).where(Evidence.report_id == report.id)) or 0)


def check_upload(upload: SealingUpload | None) -> SealingUpload:
    """The upload if there is one with something in it; EvidenceRefusedError otherwise."""
    if upload is None:
        raise EvidenceRefusedError("missing")
    if upload.too_large:
        raise EvidenceRefusedError("too_large")
    if upload.size == 0:
        raise EvidenceRefusedError("empty")
    return upload


def accept(upload: SealingUpload, name: str) -> files.Inspected:
    """Check the type from the content and make the copy without metadata."""
    return files.inspect(upload.plaintext, name)


def add_evidence(report: Report, upload: SealingUpload | None, name: str | None, *, added_by: Any = "reporter") -> Evidence:
    """Attach an uploaded file to a report; EvidenceRefusedError with a reason if it is not taken.

    Refusals store nothing. ``added_by`` is "reporter" or the staff member.
    """
    upload = check_upload(upload)
    # Lock the report's row (PostgreSQL) so two uploads at once cannot both take the last place.
    db.session.execute(select(Report.id).where(Report.id == report.id).with_for_update())
    if evidence_count(report) >= files.MAX_FILES_PER_REPORT:
        raise EvidenceRefusedError("too_many")
    if evidence_bytes(report) + upload.size > files.MAX_BYTES_PER_REPORT:
        raise EvidenceRefusedError("report_full")
    display_name = safe_name(name)
    inspected = accept(upload, display_name)
    assert upload.sealer is not None
    evidence = Evidence(
        report_id=report.id, kind=inspected.type.kind, size=upload.size, sha256=upload.sha256,
        original=b"", cleaned=b"", details=b"",
    )
    db.session.add(evidence)
    db.session.flush()
    algorithm, public = report.key_algorithm, report.public_key
    evidence.original = upload.sealer.seal_to(algorithm, public, evidence_binding(report, evidence.id, "original"))
    evidence.cleaned = _seal_copy(inspected, lambda data: crypto.seal_stream(
        algorithm, public, data, evidence_binding(report, evidence.id, "cleaned")))
    evidence.details = crypto.seal(algorithm, public, _details(display_name, inspected), evidence_binding(report, evidence.id, "details"))
    upload.discard()
    report.new_information = True
    db.session.flush()
    audit.record("evidence.add", f"report:{report.id}", actor=added_by, evidence=evidence.id)
    log.info("evidence %s added to report %s", evidence.id, report.id)
    return evidence


def _details(name: str, inspected: files.Inspected) -> bytes:
    return json.dumps(
        {
            "name": name,
            "content_type": inspected.type.content_type,
            "extension": inspected.type.extension,
            "cleaned_type": inspected.cleaned_type.content_type,
            "cleaned_extension": inspected.cleaned_type.extension,
            "cleaned_is_original": inspected.cleaned_is_original,
        },
        ensure_ascii=False,
    ).encode()


@dataclass(frozen=True)
class EvidenceFile:
    """An evidence row with its sealed details opened (name and types, never the contents)."""

    evidence: Evidence
    name: str
    content_type: str
    extension: str
    cleaned_type: str
    cleaned_extension: str
    cleaned_is_original: bool


def _open_details(report: Report, evidence: Evidence, private: bytes | crypto.PrivateKey) -> EvidenceFile:
    data: dict[str, Any] = json.loads(
        crypto.open_sealed(report.key_algorithm, private, evidence.details, evidence_binding(report, evidence.id, "details"))
    )
    return EvidenceFile(
        evidence, str(data["name"]), str(data["content_type"]), str(data["extension"]),
        str(data["cleaned_type"]), str(data["cleaned_extension"]), bool(data["cleaned_is_original"]),
    )


# The files themselves (up to 25 MB a report) stay in the database: a list needs only their
# details. Built once: every case page a key holder opens asks.
_EVIDENCE_OF_REPORT = (
    select(Evidence).options(defer(Evidence.original), defer(Evidence.cleaned))
    .where(Evidence.report_id == bindparam("report_id")).order_by(Evidence.id)
)


def list_evidence(report: Report, private: bytes | crypto.PrivateKey) -> list[EvidenceFile]:
    """A report's files, oldest first, with their names (opened with the report's key)."""
    rows = db.session.scalars(_EVIDENCE_OF_REPORT, {"report_id": report.id})
    return [_open_details(report, row, private) for row in rows]


def evidence_of(report: Report, evidence_id: int) -> Evidence | None:
    return db.session.scalar(select(Evidence).where(Evidence.id == evidence_id, Evidence.report_id == report.id))


@dataclass(frozen=True)
class Download:
    data: bytes
    content_type: str
    filename: str


def open_evidence(report: Report, evidence: Evidence, private: bytes, *, original: bool, actor: User) -> Download:
    """Decrypt a file for a reviewer: the copy without metadata, or (``original``) the file as uploaded.

    Both are audited, as ``evidence.open`` and ``evidence.open_original``. The original is
    checked against the SHA-256 recorded at upload; a mismatch raises DecryptionError.
    """
    require_reviewer(actor)
    details = _open_details(report, evidence, private)
    # A text file's copy is the original, stored once. The sealed details say so, not the
    # empty column: emptying an image's copy in the database must not hand out its original.
    from_original = original or (details.cleaned_is_original and not evidence.cleaned)
    column = "original" if from_original else "cleaned"
    blob = evidence.original if from_original else evidence.cleaned
    data = crypto.open_stream(report.key_algorithm, private, blob, evidence_binding(report, evidence.id, column))
    if original and hashlib.sha256(data).hexdigest() != evidence.sha256:
        raise crypto.DecryptionError()
    content_type = details.content_type if original else details.cleaned_type
    extension = details.extension if original else details.cleaned_extension
    audit.record(
        "evidence.open_original" if original else "evidence.open", f"report:{report.id}",
        actor=actor, evidence=evidence.id,
    )
    suffix = "-original" if original else ""
    return Download(
        data,
        content_type if content_type in SAFE_TYPES else "application/octet-stream",
        f"evidence-{evidence.id}{suffix}.{extension if extension.isalnum() else 'bin'}",
    )


# Files attached during the journey ----------------------------------------------------

def _draft_file_binding(draft_id: str, file_id: int, column: str) -> crypto.Binding:
    return crypto.Binding("draft_files", column, f"{draft_id}:{file_id}")


@dataclass(frozen=True)
class DraftFileInfo:
    """A draft's file with its details opened under the draft key (never its contents)."""

    id: int
    name: str
    kind: str
    size: int
    sha256: str
    details: dict[str, Any]


def add_draft_file(state: DraftState, upload: SealingUpload | None, name: str | None) -> DraftFile:
    """Attach a file to a draft, encrypted under the draft's key; EvidenceRefusedError if not taken."""
    if state.draft.report_id is not None or state.draft.receipt is not None:
        raise AlreadySentError(state.draft.id)
    upload = check_upload(upload)
    already = list_draft_files(state)
    if len(already) >= files.MAX_FILES_PER_REPORT:
        raise EvidenceRefusedError("too_many")
    if sum(info.size for info in already) + upload.size > files.MAX_BYTES_PER_REPORT:
        raise EvidenceRefusedError("report_full")
    display_name = safe_name(name)
    inspected = accept(upload, display_name)
    assert upload.sealer is not None
    row = DraftFile(draft_id=state.draft.id, original=b"", cleaned=b"", details=b"")
    db.session.add(row)
    db.session.flush()
    state.draft.has_files = True
    details = json.loads(_details(display_name, inspected)) | {
        "kind": inspected.type.kind, "size": upload.size, "sha256": upload.sha256,
    }
    row.original = upload.sealer.seal_under(state.key, _draft_file_binding(state.draft.id, row.id, "original"))
    def seal_under_draft(data: bytes) -> bytes:
        cleaner = crypto.StreamSealer()
        cleaner.write(data)
        return cleaner.seal_under(state.key, _draft_file_binding(state.draft.id, row.id, "cleaned"))

    row.cleaned = _seal_copy(inspected, seal_under_draft)
    row.details = crypto.encrypt(
        state.key, json.dumps(details, ensure_ascii=False).encode(), _draft_file_binding(state.draft.id, row.id, "details")
    )
    upload.discard()
    db.session.flush()
    log.info("file %s added to a draft", row.id)
    return row


# Built once (every send asks it, most often to find no file): each use binds and runs it.
# Only the id and sealed details, never the files themselves: they are read only to move them.
_DRAFT_FILES = (
    select(DraftFile.id, DraftFile.details).where(DraftFile.draft_id == bindparam("draft_id")).order_by(DraftFile.id)
)


def list_draft_files(state: DraftState) -> list[DraftFileInfo]:
    if not state.draft.has_files:
        return []
    rows = read(_DRAFT_FILES, {"draft_id": state.draft.id})
    opened = []
    for row in rows:
        data: dict[str, Any] = json.loads(
            crypto.decrypt(state.key, row.details, _draft_file_binding(state.draft.id, row.id, "details"))
        )
        opened.append(DraftFileInfo(row.id, str(data["name"]), str(data["kind"]), int(data["size"]), str(data["sha256"]), data))
    return opened


def remove_draft_file(state: DraftState, file_id: int) -> bool:
    """Take a file off a draft that is not sent; False if the draft has no such file."""
    if state.draft.report_id is not None or state.draft.receipt is not None:
        raise AlreadySentError(state.draft.id)
    row = db.session.scalar(select(DraftFile).where(DraftFile.id == file_id, DraftFile.draft_id == state.draft.id))
    if row is None:
        return False
    db.session.delete(row)
    db.session.flush()
    return True


def move_draft_files(
    state: DraftState, report: Report, listed: Sequence[DraftFileInfo] | None = None
) -> list[Evidence]:
    """On sending: the draft's files become the report's evidence, in the caller's transaction.

    Only each file's key is re-sealed, from the draft key to the report's key and cell;
    the encrypted chunks are checked and kept. The draft's copies are deleted. ``listed``
    is :func:`list_draft_files` read before the report was written (the draft's version,
    checked when it is marked sent, refuses a file added or removed since).
    """
    moved = []
    for info in list_draft_files(state) if listed is None else listed:
        row = db.session.get(DraftFile, info.id)
        if row is None:  # taken off by another request since it was listed
            raise DraftChangedError(state.draft.id)
        evidence = Evidence(
            report_id=report.id, kind=info.kind, size=info.size, sha256=info.sha256,
            original=b"", cleaned=b"", details=b"",
        )
        db.session.add(evidence)
        db.session.flush()
        for column in ("original", "cleaned"):
            if not getattr(row, column):
                continue  # a text file's copy: stored once, as the original
            setattr(evidence, column, crypto.reseal_stream(
                state.key, getattr(row, column), _draft_file_binding(state.draft.id, row.id, column),
                algorithm=report.key_algorithm, public=report.public_key,
                new_binding=evidence_binding(report, evidence.id, column),
            ))
        details = {key: info.details[key] for key in (
            "name", "content_type", "extension", "cleaned_type", "cleaned_extension", "cleaned_is_original",
        )}
        evidence.details = crypto.seal(
            report.key_algorithm, report.public_key, json.dumps(details, ensure_ascii=False).encode(),
            evidence_binding(report, evidence.id, "details"),
        )
        db.session.delete(row)
        db.session.flush()
        audit.record("evidence.add", f"report:{report.id}", actor="reporter", evidence=evidence.id)
        moved.append(evidence)
    return moved
