"""The reporter's side: opening a report with a receipt, messages, additions.

Services flush and audit; callers commit. The report's private key reaches these
functions only from a receipt (the reporter) or through the group key (a holder).
"""
from __future__ import annotations

import base64
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select, update

from reporting import audit, crypto, sessions
from reporting.auth.models import User
from reporting.exceptions import (
    ContentDestroyedError,
    ReceiptLockedError,
    ReceiptWordNeededError,
    WrongReceiptError,
)
from reporting.extensions import db
from reporting.reports.models import PendingReceipt, Report, Status
from reporting.keys.policies import require_reviewer
from reporting.reports.services import issue_receipt, receipt_wrap_binding
from reporting.settings import Settings
from reporting.status.models import Message, MessageKind, ReceiptSession

log = logging.getLogger(__name__)

# A salt no report has: a wrong lookup part costs the same Argon2id work as a right one.
_DUMMY_SALT = b"\x01" * 16
# Wrong tries of a code someone else saw (code and word together) before only a new
# code from the Group opens the report: a slip cannot be worked through word by word.
WORD_TRIES = 10
# How long the word page keeps the code typed on the page before it.
HELD_CODE_MINUTES = 10
_HELD_CODE_BINDING = crypto.Binding("session", "held_receipt", "v1")


def open_with_receipt(text: str, settings: Settings, word: str | None = None) -> tuple[Report, bytes]:
    """The report and its private key for a receipt code, or WrongReceiptError.

    Every failure does one Argon2id derivation, so a guess whose lookup part
    matches no report takes as long as one whose secret part is wrong.

    A code someone else saw (``receipt_needs_word``: a centre's slip, a code read
    out on the phone) opens only with the person's ``word``. Without one this raises
    ReceiptWordNeededError before any derivation: code and word are checked together
    in one derivation, so a wrong code and a wrong word take the same work and get
    the same answer. Each wrong try is counted; after WORD_TRIES, ReceiptLockedError.
    """
    try:
        receipt = crypto.parse_receipt(text)
    except crypto.InvalidReceiptError:
        crypto.derive_keys(b"0" * 16, _DUMMY_SALT, settings.receipt_kdf)
        raise WrongReceiptError("malformed") from None
    report = db.session.scalar(select(Report).where(Report.receipt_lookup == receipt.lookup))
    if report is None:
        pending = db.session.scalar(select(PendingReceipt).where(PendingReceipt.lookup == receipt.lookup))
        if pending is not None:
            return _open_pending(pending, receipt)
        crypto.derive_keys(receipt.secret.encode(), _DUMMY_SALT, settings.receipt_kdf)
        raise WrongReceiptError("no match")
    if report.receipt_needs_word:
        if report.receipt_word_failures >= WORD_TRIES:
            raise ReceiptLockedError()
        if word is None:
            raise ReceiptWordNeededError()
        secret = crypto.receipt_kdf_input(receipt, word, word_key=settings.receipt_word_key)
    else:
        secret = crypto.receipt_kdf_input(receipt)
    verifier, wrap_key = crypto.derive_keys(secret, report.receipt_salt, crypto.KdfParams.decode(report.receipt_kdf))
    if not crypto.verifier_matches(report.receipt_verifier, verifier):
        if report.receipt_needs_word:
            _count_wrong_word(report)
        raise WrongReceiptError("no match")
    private = crypto.unwrap_private_key(wrap_key, report.key_wrap_receipt, receipt_wrap_binding(report.reference))
    audit.record("status.open", f"report:{report.id}", actor="reporter")
    return report, private


def _open_pending(pending: PendingReceipt, receipt: crypto.Receipt) -> tuple[Report, bytes]:
    """The first use of a new code a second key holder approved: it becomes the report's
    code, so the old one stops only now (one Argon2id derivation, as for any code)."""
    verifier, wrap_key = crypto.derive_keys(crypto.receipt_kdf_input(receipt), pending.salt,
                                            crypto.KdfParams.decode(pending.kdf))
    if not crypto.verifier_matches(pending.verifier, verifier):
        raise WrongReceiptError("no match")
    report = db.session.get(Report, pending.report_id)
    if report is None or report.content_destroyed_at is not None:
        raise WrongReceiptError("no match")
    private = crypto.unwrap_private_key(wrap_key, pending.key_wrap, receipt_wrap_binding(report.reference))
    report.receipt_lookup, report.receipt_salt, report.receipt_kdf = pending.lookup, pending.salt, pending.kdf
    report.receipt_verifier, report.key_wrap_receipt = pending.verifier, pending.key_wrap
    report.receipt_needs_word = False
    report.receipt_word_failures = 0
    # It went by email, where copies stay: this first use gives the reporter one shown only on screen.
    report.receipt_reissued = False
    db.session.delete(pending)
    db.session.flush()
    audit.record("status.new_code_used", f"report:{report.id}", actor="reporter")
    audit.record("status.open", f"report:{report.id}", actor="reporter")
    return report, private


def _count_wrong_word(report: Report) -> None:
    """One more wrong try of a code someone else saw (counted in the database, so
    concurrent tries all count); the try that reaches WORD_TRIES is audited."""
    db.session.execute(
        update(Report).where(Report.id == report.id)
        .values(receipt_word_failures=Report.receipt_word_failures + 1)
        .execution_options(synchronize_session=False)
    )
    failures = db.session.scalar(select(Report.receipt_word_failures).where(Report.id == report.id)) or 0
    if failures == WORD_TRIES:
        audit.record("status.receipt_locked", f"report:{report.id}", actor="reporter")


def hold_code(text: str, *, now: datetime, settings: Settings) -> str:
    """The code typed on /status, kept while the word page asks for the word.

    A token for the person's session cookie: the code encrypted under a key derived
    from the secret key (so neither the cookie nor the database holds it readably),
    lapsing after HELD_CODE_MINUTES.
    """
    receipt = crypto.parse_receipt(text)
    until = (now + timedelta(minutes=HELD_CODE_MINUTES)).timestamp()
    payload = json.dumps({"code": receipt.lookup + receipt.secret, "until": until}).encode()
    return base64.urlsafe_b64encode(crypto.encrypt(settings.held_code_key, payload, _HELD_CODE_BINDING)).decode()


def held_code(token: object, *, now: datetime, settings: Settings) -> str | None:
    """The code :func:`hold_code` kept, or None if the token is missing, altered or lapsed."""
    if not isinstance(token, str):
        return None
    try:
        data = json.loads(crypto.decrypt(settings.held_code_key, base64.urlsafe_b64decode(token), _HELD_CODE_BINDING))
    except (ValueError, crypto.CryptoError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("until"), float) or data["until"] <= now.timestamp():
        return None
    return str(data.get("code", ""))


def needs_new_receipt(report: Report) -> bool:
    """Someone else (centre staff, a reviewer on the phone or issuing a lost code) saw the code:
    ``receipt_reissued`` is true only while the reporter holds a code nobody else has seen."""
    return not report.receipt_reissued


def reissue_receipt(report: Report, private: bytes, settings: Settings, *, actor: Any = "reporter") -> crypto.Receipt:
    """Give the reporter a code of their own; the old one stops working."""
    receipt = issue_receipt(report, private, settings.receipt_kdf)
    report.receipt_reissued = True
    db.session.flush()
    audit.record("status.receipt_reissued", f"report:{report.id}", actor=actor)
    return receipt


# Receipt sessions (kept by reporting.sessions) ----------------------------------

ReceiptTicket = sessions.Ticket


def start_receipt_session(report: Report, private: bytes, *, now: datetime, settings: Settings) -> ReceiptTicket:
    return sessions.create(ReceiptSession, private, now=now, lasts=settings.receipt_idle, report_id=report.id)


def resume(ticket: ReceiptTicket, *, now: datetime, settings: Settings) -> tuple[Report, bytes] | None:
    """The report and its key for a live receipt session (15 minutes idle at most)."""
    opened = sessions.load(ReceiptSession, ticket, now=now)
    if opened is None:
        return None
    found, private = opened
    sessions.touch(found, now=now, idle=settings.receipt_idle)
    report = db.session.get(Report, found.report_id)
    return (report, private) if report else None


def end_receipt_session(session_id: str) -> None:
    sessions.end(ReceiptSession, session_id)


def purge_expired_receipt_sessions(now: datetime) -> int:
    return sessions.purge_expired(ReceiptSession, now)


# Messages --------------------------------------------------------------------------

def _message_binding(report: Report, message_id: int, kind: str | None = None) -> crypto.Binding:
    """The cell a message is sealed to, with who wrote it (``kind``): a message from the
    Group relabelled in the database as the reporter's own (or the reverse) fails to open.
    Without ``kind``: the binding of messages sealed before the kind joined it."""
    if kind is None:
        return crypto.Binding("messages", "sealed", f"{report.reference}:{message_id}")
    return crypto.Binding("messages", "sealed", f"{report.reference}:{message_id}:{kind}")


def _kind_fits_author(message: Message) -> bool:
    """A message from the Group has its author; the reporter's own have none."""
    return (message.kind == MessageKind.TO_REPORTER.value) == (message.author_id is not None)


def _open_message(report: Report, private: bytes | crypto.PrivateKey, message: Message,
                  holder: User | None) -> bytes | None:
    """The message's words, or None when it does not open where it is kept (its ``kind``
    or its place was changed in the database): a clear note on the page, never a 500.

    A message sealed before ``kind`` joined the binding opens without it, and a key
    holder opening it (``holder``) seals it again with its kind, audited under their
    name; the reporter's opening changes nothing. Only a message whose kind fits its
    author (the Group's have one, the reporter's none) is sealed again, so a relabelled
    old message is not made to look genuine.
    """
    try:
        return crypto.open_sealed(report.key_algorithm, private, message.sealed,
                                  _message_binding(report, message.id, message.kind))
    except crypto.DecryptionError:
        pass
    try:
        plain = crypto.open_sealed(report.key_algorithm, private, message.sealed, _message_binding(report, message.id))
    except crypto.DecryptionError:
        log.warning("message %s of report %s does not open where it is kept", message.id, report.id)
        return None
    if holder is not None and _kind_fits_author(message):
        message.sealed = crypto.seal(report.key_algorithm, report.public_key, plain,
                                     _message_binding(report, message.id, message.kind))
        audit.record("message.resealed", f"report:{report.id}", actor=holder, message=message.id)
        log.info("message %s of report %s sealed again with its kind", message.id, report.id)
    return plain


def _add_message(report: Report, kind: MessageKind, text: str, author: User | None) -> Message:
    message = Message(report_id=report.id, kind=kind.value, author_id=author.id if author else None, sealed=b"")
    db.session.add(message)
    db.session.flush()
    payload = json.dumps({"text": text}, ensure_ascii=False).encode()
    message.sealed = crypto.seal(report.key_algorithm, report.public_key, payload,
                                 _message_binding(report, message.id, message.kind))
    db.session.flush()
    return message


def send_to_reporter(report: Report, text: str, *, actor: User) -> Message:
    """A reviewer who holds the group key writes to the reporter: sealed to the report's key."""
    require_reviewer(actor, holding_key=True)
    if report.content_destroyed_at is not None:
        raise ContentDestroyedError(report.reference)
    message = _add_message(report, MessageKind.TO_REPORTER, text, actor)
    audit.record("message.to_reporter", f"report:{report.id}", actor=actor, message=message.id)
    return message


def reply(report: Report, text: str) -> Message:
    message = _add_message(report, MessageKind.FROM_REPORTER, text, None)
    report.new_information = True
    audit.record("message.from_reporter", f"report:{report.id}", actor="reporter", message=message.id)
    return message


def add_information(report: Report, text: str) -> Message:
    message = _add_message(report, MessageKind.ADDITION, text, None)
    report.new_information = True
    audit.record("report.addition", f"report:{report.id}", actor="reporter", message=message.id)
    return message


@dataclass(frozen=True)
class OpenedMessage:
    message: Message
    text: str | None  # None: it did not open (see _open_message); the page says so

    @property
    def opened(self) -> bool:
        return self.text is not None


# Built once: every case page a key holder opens, and the reporter's status page, ask.
_MESSAGES_OF_REPORT = (
    select(Message).where(Message.report_id == bindparam("report_id")).order_by(Message.at, Message.id)
)


def messages(report: Report, private: bytes | crypto.PrivateKey, *, holder: User | None = None) -> list[OpenedMessage]:
    """Every message and addition of a report, oldest first, opened with its key.

    ``holder``: the key holder reading (None for the reporter); old messages they open
    are sealed again with their kind (the caller commits).
    """
    rows = db.session.scalars(_MESSAGES_OF_REPORT, {"report_id": report.id})
    opened = []
    for message in rows:
        plain = _open_message(report, private, message, holder)
        text = str(json.loads(plain)["text"]) if plain is not None else None
        opened.append(OpenedMessage(message, text))
    return opened


def mark_read_by_reporter(report: Report, *, now: datetime) -> None:
    for message in db.session.scalars(
        select(Message).where(
            Message.report_id == report.id,
            Message.kind == MessageKind.TO_REPORTER.value,
            Message.read_by_reporter_at.is_(None),
        )
    ):
        message.read_by_reporter_at = now


PLAIN_STATUS = {
    Status.NEW.value: "received",
    Status.IN_TRIAGE.value: "being_looked_at",
    Status.AWAITING_INFORMATION.value: "waiting_for_you",
    Status.UNDER_REVIEW.value: "being_looked_at",
    Status.REFERRED.value: "passed_to_police",
    Status.RESOLVED.value: "closed",
    Status.CLOSED.value: "closed",
}


def notification_address(answers: dict[str, Any]) -> str | None:
    """The reporter's email, if they gave one and agreed to messages."""
    if answers.get("contact_ok") == "yes" and answers.get("leave_message") == "yes" and answers.get("email"):
        return str(answers["email"])
    return None


def notify_reporter(address: str, status_url: str, language: str | None = None) -> bool:
    """Tell the reporter there is news; never what it is. In the language they reported in
    (``language`` from the report's sealed meta; Easy Read and unknown codes: English)."""
    from reporting.i18n import in_locale
    from reporting.notify import send_email
    from reporting.words import gettext

    locale = language if language in ("pl", "ro", "lt", "uk", "ar") else "en"
    with in_locale(locale):
        subject = gettext("News about your report")
        body = "\n\n".join((
            gettext("There is news about the report you made."),
            gettext("To read it, go to %(url)s and enter your receipt code.", url=status_url),
            gettext("For your safety we never put any details in emails."),
        )) + "\n"
    return send_email(address, subject, body)
