"""Changes to drafts and reports. Services flush, never commit: the caller owns the transaction."""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, exists, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import configure_mappers, make_transient_to_detached

from reporting import crypto
from reporting.db import utcnow
from reporting.exceptions import (
    AlreadySentError,
    DraftChangedError,
    DraftNotFoundError,
    IncompleteReportError,
    ReceiptWordSetError,
)
from reporting.extensions import db, read
from reporting.keys.services import SealingKey, current_key_id, sealing_key
from reporting.keys.models import KeyPurpose, ServiceKey
from reporting.reports import questions
from reporting.reports.models import (
    Channel,
    ChoiceListsVersion,
    Draft,
    DraftFile,
    HappenedBefore,
    PendingReceipt,
    PlaceKind,
    Report,
    ReportIncidentType,
    ReportStrand,
    Priority,
    Status,
    StrategyGroup,
    strand_set,
)

log = logging.getLogger(__name__)

# Crockford-like alphabet without look-alikes (no 0/O, 1/I/L, U).
_REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CONTENT_VERSION = 1


def _draft_binding(draft_id: str, column: str) -> crypto.Binding:
    return crypto.Binding("drafts", column, draft_id)


def content_binding(reference: str) -> crypto.Binding:
    return crypto.Binding("reports", "content", reference)


def group_wrap_binding(reference: str) -> crypto.Binding:
    return crypto.Binding("reports", "key_wrap_group", reference)


def receipt_wrap_binding(reference: str) -> crypto.Binding:
    return crypto.Binding("reports", "key_wrap_receipt", reference)


# Drafts ---------------------------------------------------------------------------
# Read and written with plain statements, never the ORM's unit of work: every page of the
# journey reads its draft and every answer writes it. Each write names the version it was
# read at, so a change made from a stale copy (another tab saved or sent the draft since)
# changes nothing and raises DraftChangedError.

@dataclass
class DraftRow:
    """A draft's row as read; this module's writes keep it up to date."""

    id: str
    expires_at: datetime
    answers: bytes
    receipt: bytes | None
    report_id: int | None
    version: int
    # Whether any file was attached when the draft was read (a send with none lists none).
    has_files: bool


@dataclass
class DraftState:
    """A draft opened with its key: the answers so far and the steps seen."""

    draft: DraftRow
    key: bytes
    answers: dict[str, Any]
    visited: set[str]
    meta: dict[str, Any]
    # The group key a send seals to, read with the draft (``open_draft(..., to_send=True)``);
    # None when not asked for or when the keys were never made (the send then asks, and says so).
    group_key: SealingKey | None = None


_INSERT_DRAFT = insert(Draft)
_READ_DRAFT = (
    select(Draft.id, Draft.expires_at, Draft.answers, Draft.receipt, Draft.report_id, Draft.version,
           exists().where(DraftFile.draft_id == Draft.id).label("has_files"),
           # Every journey page checks or shows answers against the lists: their version comes
           # with the draft, so the lists are read only when they changed (questions._choice_cache).
           select(ChoiceListsVersion.version).where(ChoiceListsVersion.id == 1).scalar_subquery()
           .label("lists_version"))
    .where(Draft.id == bindparam("draft_id"))
)
# A draft about to be sent, with the group key it will be sealed to: one statement, not two.
_READ_DRAFT_TO_SEND = (
    _READ_DRAFT.add_columns(ServiceKey.id.label("group_key_id"), ServiceKey.algorithm.label("group_key_algorithm"),
                            ServiceKey.public_key.label("group_public_key"))
    .outerjoin(ServiceKey, ServiceKey.id == current_key_id(KeyPurpose.GROUP))
)
_SEEN = (Draft.id == bindparam("draft_id")) & (Draft.version == bindparam("seen_version"))
_SAVE_ANSWERS = update(Draft).where(_SEEN).values(
    answers=bindparam("answers"), expires_at=bindparam("expires_at"), version=bindparam("new_version")
)
_SAVE_RECEIPT = update(Draft).where(_SEEN).values(receipt=bindparam("receipt"), version=bindparam("new_version"))
_MARK_SENT = update(Draft).where(_SEEN).values(
    answers=bindparam("answers"), receipt=bindparam("receipt"), report_id=bindparam("report_id"),
    expires_at=bindparam("expires_at"), version=bindparam("new_version"),
)


def _update_draft(statement: Any, draft: DraftRow, **values: Any) -> None:
    """Write ``values`` to the draft if it is still at the version read; else DraftChangedError."""
    changed = db.session.connection().execute(
        statement, {"draft_id": draft.id, "seen_version": draft.version, "new_version": draft.version + 1} | values
    )
    if changed.rowcount != 1:
        raise DraftChangedError(draft.id)
    draft.version += 1
    for name, value in values.items():
        setattr(draft, name, value)


def start_draft(
    *, now: datetime, idle_minutes: int, meta: Mapping[str, Any] | None = None, draft_id: str | None = None
) -> tuple[str, bytes]:
    """Create an empty draft; return its id and the key only the reporter's cookie will hold."""
    draft_id = draft_id or secrets.token_urlsafe(24)
    key = crypto.random_key()
    db.session.connection().execute(_INSERT_DRAFT, {
        "id": draft_id, "created_at": now, "expires_at": now + timedelta(minutes=idle_minutes),
        "answers": _sealed_answers(draft_id, key, {}, set(), dict(meta or {})), "version": 1,
    })
    return draft_id, key


def _sealed_answers(draft_id: str, key: bytes, answers: Mapping[str, Any], visited: set[str],
                    meta: Mapping[str, Any]) -> bytes:
    payload = json.dumps({"answers": answers, "visited": sorted(visited), "meta": meta}).encode()
    return crypto.encrypt(key, payload, _draft_binding(draft_id, "answers"))


def open_draft(draft_id: str, key: bytes, *, now: datetime, to_send: bool = False) -> DraftState:
    """Load and decrypt a live draft, or raise DraftNotFoundError. ``to_send``: with the group
    key a send seals to (``DraftState.group_key``), in the same statement."""
    row = read(_READ_DRAFT_TO_SEND if to_send else _READ_DRAFT, {"draft_id": draft_id}).first()
    if row is None or row.expires_at <= now:
        raise DraftNotFoundError(draft_id)
    questions.note_lists_version(row.lists_version)
    draft = DraftRow(row.id, row.expires_at, row.answers, row.receipt, row.report_id, row.version, bool(row.has_files))
    if not draft.answers:  # sent: only the receipt is left
        return DraftState(draft, key, {}, set(), {})
    try:
        payload = json.loads(crypto.decrypt(key, draft.answers, _draft_binding(draft.id, "answers")))
    except crypto.CryptoError:
        raise DraftNotFoundError(draft_id) from None
    group_key = (SealingKey(row.group_key_id, row.group_key_algorithm, row.group_public_key)
                 if to_send and row.group_key_id is not None else None)
    return DraftState(draft, key, payload["answers"], set(payload["visited"]), payload.get("meta", {}), group_key)


def save_step(state: DraftState, step_name: str, step_answers: Mapping[str, Any], *, now: datetime, idle_minutes: int) -> None:
    """Store one step's answers (replacing that step's earlier ones) and extend the draft's life.

    Raises AlreadySentError if this copy shows the draft sent, and DraftChangedError if
    another request changed or sent it since this copy was read (nothing is written).
    """
    if state.draft.report_id is not None or state.draft.receipt is not None:
        raise AlreadySentError(state.draft.id)
    if state.answers.get("receipt_word") and "receipt_word" in step_answers:
        # The person's word is set once, by them: a second post (from the centre's side,
        # after the person has gone) would let whoever posts it open the slip's code.
        raise ReceiptWordSetError(state.draft.id)
    state.answers.update(step_answers)
    state.visited.add(step_name)
    _update_draft(_SAVE_ANSWERS, state.draft,
                  answers=_sealed_answers(state.draft.id, state.key, state.answers, state.visited, state.meta),
                  expires_at=now + timedelta(minutes=idle_minutes))


def discard_draft(draft_id: str) -> None:
    db.session.execute(delete(Draft).where(Draft.id == draft_id))


def purge_expired_drafts(now: datetime) -> int:
    """Delete drafts past their expiry, sent or not. Returns how many went."""
    result = db.session.execute(delete(Draft).where(Draft.expires_at <= now))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class KeptReceipt:
    """What a sent draft keeps for its confirmation page (sealed under the draft key)."""

    reference: str
    code: str | None  # None once forgotten
    # Set when the page first shows the code: until then a reload shows it again, in case
    # the page carrying it never arrived (a connection cut off in transit).
    shown_until: datetime | None


def sent_receipt(state: DraftState) -> KeptReceipt:
    """The reference and formatted receipt code kept for the confirmation page.

    The code is None once it was forgotten (:func:`forget_receipt_code`).
    """
    if state.draft.receipt is None:
        raise DraftNotFoundError(state.draft.id)
    data = json.loads(crypto.decrypt(state.key, state.draft.receipt, _draft_binding(state.draft.id, "receipt")))
    until = data.get("shown_until")
    return KeptReceipt(str(data["reference"]), data.get("receipt"),
                       datetime.fromisoformat(until) if isinstance(until, str) else None)


def _save_receipt(state: DraftState, reference: str, code: str | None, shown_until: datetime | None) -> None:
    data: dict[str, Any] = {"reference": reference, "receipt": code}
    if shown_until is not None:
        data["shown_until"] = shown_until.isoformat()
    _update_draft(_SAVE_RECEIPT, state.draft, receipt=crypto.encrypt(
        state.key, json.dumps(data).encode(), _draft_binding(state.draft.id, "receipt"),
    ))


def show_receipt_code(state: DraftState, *, until: datetime) -> None:
    """The confirmation page shows the code for the first time: this browser (its cookie
    holds the only key) may see it again until ``until``, then it is forgotten.

    Raises DraftChangedError if another load of the page did the same meanwhile.
    """
    kept = sent_receipt(state)
    _save_receipt(state, kept.reference, kept.code, until)


def forget_receipt_code(state: DraftState) -> None:
    """Keep only the reference, so the same browser cannot show the code again (to
    someone else at the same device later)."""
    kept = sent_receipt(state)
    _save_receipt(state, kept.reference, None, kept.shown_until)


def check_page_copy(state: DraftState, page: Mapping[str, Any]) -> str:
    """What the check page shows, sealed under the draft's key for the page's own form.

    If the database is unreachable when the reporter presses send, the page can be
    shown again from this copy (the key is in their cookie), with their answers and
    "Try sending again", although the draft itself cannot be read.
    """
    data = json.dumps(page, ensure_ascii=False).encode()
    sealed = crypto.encrypt(state.key, data, _draft_binding(state.draft.id, "check_page"))
    return base64.urlsafe_b64encode(sealed).decode()


def open_check_page_copy(draft_id: str, key: bytes, copy: str) -> dict[str, Any]:
    """Open :func:`check_page_copy`'s text; DraftNotFoundError if it is not this draft's."""
    try:
        data = crypto.decrypt(key, base64.urlsafe_b64decode(copy.encode()), _draft_binding(draft_id, "check_page"))
        page = json.loads(data)
    except (crypto.CryptoError, binascii.Error, ValueError):
        raise DraftNotFoundError(draft_id) from None
    if not isinstance(page, dict):
        raise DraftNotFoundError(draft_id)
    return page


def submission_digest(draft_id: str) -> str:
    """What ``reports.submission_key`` holds: a SHA-256 of the draft id, never the id itself
    (the id is in the reporter's cookie, so the database must not pair it with the report)."""
    return hashlib.sha256(b"reporting/submission/v1:" + draft_id.encode()).hexdigest()


# Reports --------------------------------------------------------------------------

@dataclass(frozen=True)
class ClearFields:
    """What stays readable without a key: only what the queue and statistics need."""

    reporter_type: str
    incident_types: list[str]
    strands: list[str]
    incident_date: date | None
    incident_date_approximate: bool
    area: str
    police_consent: str
    support_wanted: bool
    strategy_groups: list[str]
    happened_before: str | None = None
    place_kind: str | None = None


# The reasons (motivation codes) and strands that name one of the strategy's least-likely groups.
# Only the fact that a report names a group is kept in clear, never which reason was chosen.
_GROUP_OF_MOTIVATION = {"gypsy_roma_traveller": StrategyGroup.GYPSY_ROMA_TRAVELLER, "migrant": StrategyGroup.MIGRANT}
_GROUP_OF_STRAND = {"transgender": StrategyGroup.TRANSGENDER, "disability": StrategyGroup.DISABILITY}


def clear_fields(answers: Mapping[str, Any]) -> ClearFields:
    strand_of = questions.choice_groups("motivation")
    motivations = answers.get("motivations") or []
    strands = sorted({strand_of.get(code) or "other" for code in motivations})
    groups = {_GROUP_OF_MOTIVATION[code] for code in motivations if code in _GROUP_OF_MOTIVATION}
    groups |= {_GROUP_OF_STRAND[code] for code in strands if code in _GROUP_OF_STRAND}
    when = answers.get("incident_date") or {}
    incident_date = date(when["year"], when["month"], when.get("day") or 1) if when else None
    return ClearFields(
        reporter_type=answers["reporter_type"],
        incident_types=sorted(set(answers.get("incident_types") or [])),
        strands=strands,
        incident_date=incident_date,
        incident_date_approximate=bool(when) and not when.get("day"),
        area=answers["area"],
        police_consent=answers["police_consent"],
        support_wanted=answers.get("support") == "yes",
        strategy_groups=sorted(group.value for group in groups),
        # Coded bands only ("prefer not to say" and no answer are both NULL); see docs/security.md.
        happened_before=_code_of(HappenedBefore, answers.get("happened_before")),
        place_kind=_code_of(PlaceKind, answers.get("place_kind")),
    )


def _code_of(codes: type[HappenedBefore] | type[PlaceKind], value: Any) -> str | None:
    """An answer as its code for a clear column, or None for no answer or one not in the codes."""
    return value if isinstance(value, str) and value in codes.words() else None


# Built once: each use only binds and runs them.
_LOOKUP_TAKEN = select(exists().where(Report.receipt_lookup == bindparam("lookup")))


def _new_reference(now: datetime) -> str:
    """A new report's reference; the insert refuses one already used (then another is drawn)."""
    return f"HC-{now:%y}-{''.join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(6))}"


def _new_receipt() -> crypto.Receipt:
    while True:
        receipt = crypto.new_receipt()
        if not db.session.scalar(_LOOKUP_TAKEN, {"lookup": receipt.lookup}):
            return receipt


def issue_receipt(
    report: Report, report_private: bytes, receipt_kdf: crypto.KdfParams, *,
    word: str | None = None, word_key: bytes | None = None,
) -> crypto.Receipt:
    """Give a report a new receipt code: the one way a code is made, with :func:`_receipt_columns`
    (a report being sent gets its first code there).

    The report's private key is wrapped under a key derived from the code's secret
    part (Argon2id, a new per-report salt); any earlier code stops working. With the
    person's ``word`` (a code someone else will see), the word is joined to the code
    before Argon2id (keyed by ``word_key``), so the code alone opens nothing.
    """
    receipt = _new_receipt()
    columns = _receipt_columns(report.reference, report_private, receipt_kdf, receipt, word, word_key)
    for name, value in columns.items():
        setattr(report, name, value)
    return receipt


def new_pending_receipt(report: Report, private: bytes, kdf: crypto.KdfParams) -> crypto.Receipt:
    """A code waiting beside the report's own until first used (reporting.status opens it):
    an unused earlier one goes. Made only when a second key holder approved it."""
    db.session.execute(delete(PendingReceipt).where(PendingReceipt.report_id == report.id))
    while True:
        receipt = crypto.new_receipt()
        taken = db.session.scalar(select(exists().where(Report.receipt_lookup == receipt.lookup))) or \
            db.session.scalar(select(exists().where(PendingReceipt.lookup == receipt.lookup)))
        if not taken:
            break
    columns = _receipt_columns(report.reference, private, kdf, receipt, None, None)
    db.session.add(PendingReceipt(report_id=report.id, lookup=columns["receipt_lookup"], salt=columns["receipt_salt"],
                                  kdf=columns["receipt_kdf"], verifier=columns["receipt_verifier"],
                                  key_wrap=columns["key_wrap_receipt"], created_at=utcnow()))
    db.session.flush()
    return receipt


def pending_code(report: Report) -> PendingReceipt | None:
    """A new code sent and not yet used, if any (its time only is shown)."""
    return db.session.scalar(select(PendingReceipt).where(PendingReceipt.report_id == report.id))


def _receipt_columns(
    reference: str, report_private: bytes, receipt_kdf: crypto.KdfParams, receipt: crypto.Receipt,
    word: str | None, word_key: bytes | None,
) -> dict[str, Any]:
    """The columns a receipt code sets on its report (see :func:`issue_receipt`)."""
    salt = crypto.new_salt()
    secret = crypto.receipt_kdf_input(receipt, word, word_key=word_key)
    verifier, wrap_key = crypto.derive_keys(secret, salt, receipt_kdf)
    return {
        "receipt_needs_word": word is not None,
        "receipt_word_failures": 0,
        "receipt_lookup": receipt.lookup,
        "receipt_salt": salt,
        "receipt_kdf": receipt_kdf.encode(),
        "receipt_verifier": crypto.verifier_digest(verifier),
        "key_wrap_receipt": crypto.wrap_private_key(wrap_key, report_private, receipt_wrap_binding(reference)),
    }


def support_wanted(report_id: int) -> bool:
    """Whether the reporter asked to be put in touch with support (a clear field)."""
    return bool(db.session.scalar(select(Report.support_wanted).where(Report.id == report_id)))


# The send writes with plain statements, not the ORM's unit of work: it is the one write every
# reporter waits on, and a flush sorting four objects cost more than the statements themselves.
# The report's insert does nothing where a unique column is taken: a reference or receipt lookup
# drawn twice (vanishingly rare: another is drawn), or this draft's submission key (sent already).
_INSERT_REPORT = {
    "postgresql": postgresql.insert(Report).on_conflict_do_nothing().returning(Report.id),
    "sqlite": sqlite.insert(Report).on_conflict_do_nothing().returning(Report.id),
}
_SUBMISSION_TAKEN = select(exists().where(Report.submission_key == bindparam("submission_key")))
_INSERT_STRANDS = insert(ReportStrand)
_INSERT_INCIDENT_TYPES = insert(ReportIncidentType)
_REPORT_COLUMNS = frozenset(column.key for column in Report.__table__.columns if column.key != "id")


def _insert_report(columns: dict[str, Any], clear: ClearFields, draft_id: str) -> int | None:
    """Insert a new report with its strands and incident types; its id, or None if its reference
    or receipt lookup is taken. AlreadySentError if the draft's submission key is (another click
    sent it first)."""
    if columns.keys() != _REPORT_COLUMNS:  # every column but the id is given: none forgotten, none unknown
        raise KeyError(sorted(_REPORT_COLUMNS ^ columns.keys()))
    connection = db.session.connection()
    report_id: int | None = connection.execute(_INSERT_REPORT[connection.dialect.name], columns).scalar()
    if report_id is None:
        if connection.execute(_SUBMISSION_TAKEN, {"submission_key": columns["submission_key"]}).scalar():
            raise AlreadySentError(draft_id)
        return None
    if clear.strands:
        connection.execute(_INSERT_STRANDS, [{"report_id": report_id, "strand": code} for code in clear.strands])
    if clear.incident_types:
        connection.execute(_INSERT_INCIDENT_TYPES,
                           [{"report_id": report_id, "incident_type": code} for code in clear.incident_types])
    return report_id


def _as_loaded(columns: dict[str, Any]) -> Report:
    """The report just inserted, in the session as if loaded: made the way a query's rows are
    (values straight into the instance, no change events), so hooks that run after the send
    (``after_submit``, the evidence move) use and change it as any loaded report."""
    configure_mappers()  # what the constructor's first use does (nothing once configured)
    report: Report = Report.__mapper__.class_manager.new_instance()
    report.__dict__.update(columns)
    make_transient_to_detached(report)
    db.session.add(report)
    return report


def submit_report(
    state: DraftState,
    *,
    channel: Channel,
    now: datetime,
    receipt_kdf: crypto.KdfParams,
    retention_years: int,
    sent_minutes: int,
    centre_id: int | None = None,
    steps: Sequence[questions.Step] = questions.STEPS,
    receipt_word_key: bytes | None = None,
) -> tuple[Report, crypto.Receipt]:
    """Seal a complete draft into a report, in the caller's transaction.

    Where ``steps`` ask the person for a word (assisted and phone reports, whose code
    staff see), the receipt opens only with code and word together (``receipt_word_key``
    keys the word). Raises IncompleteReportError naming the first step still to answer,
    AlreadySentError if this draft became a report before, and DraftChangedError if
    another request changed the draft since ``state`` was read (then nothing may be kept:
    the caller rolls back).
    """
    if state.draft.report_id is not None or state.draft.receipt is not None:
        raise AlreadySentError(state.draft.id)
    missing = questions.first_unanswered(state.answers, state.visited, steps)
    if missing is not None:
        raise IncompleteReportError(missing.name)
    group_key = state.group_key if state.group_key is not None else sealing_key(KeyPurpose.GROUP)
    answers = {
        key: value
        for step in questions.applicable_steps(state.answers, steps)
        if not (step.staff_only or step.secret)
        for key, value in questions.kept_answers(step, state.answers).items()
    }
    clear = clear_fields(answers)
    report_keys = crypto.generate_keypair(group_key.algorithm)
    content = json.dumps(
        {"v": CONTENT_VERSION, "channel": channel.value, "answers": answers, "meta": state.meta},
        ensure_ascii=False,
    ).encode()
    values: dict[str, Any] = {
        "received_at": now,
        "channel": channel.value,
        "centre_id": centre_id,
        "reporter_type": clear.reporter_type,
        "incident_date": clear.incident_date,
        "incident_date_approximate": clear.incident_date_approximate,
        "area": clear.area,
        "police_consent": clear.police_consent,
        "support_wanted": clear.support_wanted,
        "strategy_groups": ",".join(clear.strategy_groups),
        "happened_before": clear.happened_before,
        "place_kind": clear.place_kind,
        "strand_set": strand_set(clear.strands),
        "status": Status.NEW.value,
        "priority": Priority.NORMAL.value,
        "new_information": False,
        "assignee_id": None,
        "closure_reason": None,
        "staff_flags": None,
        "content_destroyed_at": None,
        "content_destroyed_rule": None,
        "retain_until": date(now.year + retention_years, now.month, min(now.day, 28)),
        "submission_key": submission_digest(state.draft.id),
        # Online, only the reporter saw the code; at a centre or on the phone staff did too.
        "receipt_reissued": channel == Channel.ONLINE,
        "key_algorithm": report_keys.algorithm,
        "public_key": report_keys.public,
        "group_key_id": group_key.id,
    }
    word = questions.receipt_word(state.answers, steps)
    while True:
        # A reference or receipt lookup already used is refused by the insert: another is drawn.
        reference = _new_reference(now)
        receipt = crypto.new_receipt()
        columns = values | {
            "reference": reference,
            "key_wrap_group": crypto.seal(group_key.algorithm, group_key.public_key, report_keys.private,
                                          group_wrap_binding(reference)),
            "content": crypto.seal(report_keys.algorithm, report_keys.public, content, content_binding(reference)),
        } | _receipt_columns(reference, report_keys.private, receipt_kdf, receipt, word, receipt_word_key)
        report_id = _insert_report(columns, clear, state.draft.id)
        if report_id is not None:
            break
    report = _as_loaded(columns | {"id": report_id})
    sent_copy = crypto.encrypt(
        state.key,
        json.dumps({"reference": reference, "receipt": receipt.formatted()}).encode(),
        _draft_binding(state.draft.id, "receipt"),
    )
    # The answers now live only in the sealed report; the draft keeps the receipt
    # briefly so a reload or a second click shows the same confirmation.
    # A stale copy (another tab saved an answer since this one was read) sends nothing: the
    # caller rolls back the report inserted above.
    _update_draft(_MARK_SENT, state.draft, answers=b"", receipt=sent_copy, report_id=report.id,
                  expires_at=now + timedelta(minutes=sent_minutes))
    log.info("report %s received via %s", report.id, channel.value)
    return report, receipt


def open_report_content(report: Report, report_private_key: bytes | crypto.PrivateKey) -> dict[str, Any]:
    """Decrypt a report's content with its own private key."""
    data = crypto.open_sealed(report.key_algorithm, report_private_key, report.content, content_binding(report.reference))
    result: dict[str, Any] = json.loads(data)
    return result
