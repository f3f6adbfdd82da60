"""The referral service: consent rules, the sealed package, the police's answers.

The reporter's police choice decides what is possible, here on the server:
"with my details" allows a full referral; "without my details" allows
intelligence only, never an identifying answer; "do not pass" allows nothing
unless a safeguarding override is recorded and a second reviewer approves it.
Services flush, write the timeline and the audit log; callers commit.

Package format ``hcr-referral/1`` (JSON, sealed to the police liaison key)::

    {"schema": "hcr-referral/1", "reference": "HC-26-4F7K9Q", "referral_id": 7,
     "kind": "full" | "intelligence", "consent": "with_details" | "without_details" | "no",
     "override_reason": null | "risk_to_life" | "child_at_risk" | "serious_crime" | "repeat_offender",
     "received_at": ISO 8601, "sent_at": ISO 8601, "area": "Shrewsbury",
     "answers": [{"field": "description", "question": "...", "answer": ["line", ...]}, ...]}

Only the answers the reviewer chose are in ``answers``; nothing else of the report is.
The package is always in English (questions, choices, dates, and the words of the PDF
and the JSON's ``display``), whatever language the reviewer's session or the
reporter's journey used: the police read it as one record. The reporter's own words
stay as they wrote them.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from reporting import audit, crypto
from reporting.auth.models import Role, User
from reporting.cases import services as case_services
from reporting.cases.models import CaseEvent, EventKind
from reporting.cases.policies import working_day_cutoff
from reporting.codes import MessageDirection
from reporting.disclosure import consent, gate
from reporting.disclosure.marking import JSON_FIELD, MARKING
from reporting.exceptions import ConsentError, ContentDestroyedError, PermissionDeniedError
from reporting.extensions import db
from reporting.i18n import in_english
from reporting.keys.keyring import Keyring
from reporting.keys.models import KeyPurpose, ServiceKey
from reporting.keys.policies import require_reviewer
from reporting.keys.services import current_key, holder_private_key
from reporting.referrals import queries
from reporting.referrals.models import (
    OverrideReason,
    Outcome,
    Referral,
    ReferralKind,
    ReferralFile,
    ReferralMessage,
    ReferralState,
)
from reporting.reports import questions
from reporting.reports.models import Report, Status
from reporting.settings import Settings

SCHEMA = "hcr-referral/1"
# Never in an intelligence-only referral: who the person is and how to reach them.
IDENTIFYING = frozenset({
    "name", "email", "phone", "safe_times", "leave_message", "contact_ok", "consent_contact",
    "preferred_contact", "contact_language", "interpreter", "target_contact", "crime_reference",
    "age_group", "sex", "trans", "ethnicity", "religion", "disability", "sexual_orientation",
})
# Ticked at first: the incident itself.
INCIDENT = ("incident_types", "incident_other", "motivations", "incident_date", "area", "description")
# Ticked at first too when the reporter said "with my details" and gave them.
CONTACT = ("name", "email", "phone", "safe_times", "leave_message", "preferred_contact", "contact_language", "interpreter")
OUTCOME_STATE = {
    Outcome.CRIME_RECORDED: ReferralState.CRIME_RECORDED,
    Outcome.INVESTIGATION_ONGOING: ReferralState.CRIME_RECORDED,
    Outcome.CHARGED_OR_SUMMONSED: ReferralState.CLOSED,
    Outcome.OUT_OF_COURT_DISPOSAL: ReferralState.CLOSED,
    Outcome.NON_CRIME_HATE_INCIDENT: ReferralState.CLOSED,
    Outcome.NO_FURTHER_ACTION: ReferralState.CLOSED,
    Outcome.OTHER: ReferralState.CLOSED,
}


@dataclass(frozen=True)
class Shareable:
    field: str
    question: str
    answer: list[str]
    identifying: bool


def shareable(answers: dict[str, Any]) -> list[Shareable]:
    """Every answered question of a report, in question order, that could be shared.

    Assisted reports have the most questions; unanswered ones are left out, so the
    same list serves every channel.
    """
    items = []
    for section in questions.summary(answers, questions.ASSISTED_STEPS):
        if section.step.staff_only:
            continue
        for row in section.rows:
            if row.lines:
                items.append(Shareable(row.key, row.label, row.lines, row.key in IDENTIFYING))
    return items


def kind_for(report: Report) -> ReferralKind | None:
    """What the reporter's choice allows without an override."""
    share = consent.police_share(report.police_consent)  # the one definition, shared with the police extract
    return ReferralKind(share) if share is not None else None


def _require(actor: User, role: Role) -> None:
    if role == Role.REVIEWER:
        require_reviewer(actor)
    elif actor.role != role or not actor.active:
        raise PermissionDeniedError(actor.email)


# The referral form ------------------------------------------------------------------

@dataclass(frozen=True)
class ReferralChoices:
    """What a reviewer may share from one report, and what is ticked at first."""

    kind: ReferralKind | None  # None: the reporter said not to pass it on (override only)
    answers: dict[str, Any]
    available: list[tuple[str, str]]  # (field, question) that may be ticked
    default_fields: list[str]
    files: list[tuple[str, str]]  # (evidence id, name)
    report_private: bytes


def referral_choices(report: Report, keyring: Keyring) -> ReferralChoices:
    """Open the report once (audited; the caller commits) and say what may be shared.

    Identifying answers are offered only for a full referral; with "without my details",
    or under a safeguarding override, they cannot be ticked at all.
    """
    from reporting.evidence import services as evidence_services

    if report.content_destroyed_at is not None:
        raise ContentDestroyedError(report.reference)
    report_private = case_services.report_private_key(report, keyring)
    answers = case_services.open_case(report, keyring, report_private=report_private).answers
    kind = kind_for(report)
    items = shareable(answers)
    available = [(item.field, item.question) for item in items if kind == ReferralKind.FULL or not item.identifying]
    offered = {name for name, _question in available}
    ticked = INCIDENT + (CONTACT if kind == ReferralKind.FULL else ())
    evidence = evidence_services.list_evidence(report, report_private)
    return ReferralChoices(
        kind=kind,
        answers=answers,
        available=available,
        default_fields=[name for name in ticked if name in offered],
        files=[(str(f.evidence.id), f.name) for f in evidence],
        report_private=report_private,
    )


def _kind_allowed(report: Report, override: OverrideReason | None, explanation: str | None) -> ReferralKind:
    """The one consent rule: what the reporter's choice allows, with or without an override."""
    kind = kind_for(report)
    if kind is None:
        if override is None or not explanation:
            raise ConsentError("the reporter said do not pass to the police: a safeguarding override is needed")
        return ReferralKind.INTELLIGENCE
    if override is not None:
        raise ConsentError("an override is only for reports the reporter said not to pass on")
    return kind


def preview_referral(
    report: Report, choices: ReferralChoices, *, fields: list[str], file_ids: list[str],
    override: OverrideReason | None, explanation: str | None,
) -> dict[str, Any]:
    """The package exactly as it would be sent, without sending or storing anything."""
    kind = _kind_allowed(report, override, explanation)
    check_fields(report, kind, fields, choices.answers)
    names = dict(choices.files)
    if any(i not in names for i in file_ids):
        raise ConsentError("unknown file")
    package = build_package(report, choices.answers, fields, kind, referral_id=None, override=override, sent_at=None)
    package["files"] = [{"name": names[i]} for i in file_ids]
    return package


# Emails: a referral is waiting (and reminders), never a word of the report ----------

def police_notice(reference: str, link: str) -> tuple[str, str]:
    """Subject and body of "a referral is waiting": the reference and a link, nothing of the report."""
    return (
        f"A hate crime referral is waiting: {reference}",
        f"A referral from the Hate Crime Reporting Group is waiting for you.\n\nReference: {reference}\n"
        f"Open it here (sign-in needed): {link}\n",
    )


def reminder_notice(link: str) -> tuple[str, str]:
    return (
        "Reminder: a hate crime referral is waiting",
        "A referral from the Hate Crime Reporting Group has not been acknowledged yet.\n\n"
        f"Open it here (sign-in needed): {link}\n",
    )


def reminder_due(referral: Referral, now: datetime) -> bool:
    """At most one reminder a day for an overdue referral."""
    return referral.reminded_at is None or (now - referral.reminded_at).days >= 1


def mark_reminded(referral: Referral, now: datetime) -> None:
    referral.reminded_at = now


def _package_binding(report: Report, referral_id: int) -> crypto.Binding:
    return crypto.Binding("referrals", "package", f"{report.reference}:{referral_id}")


def _explanation_binding(report: Report, referral_id: int) -> crypto.Binding:
    return crypto.Binding("referrals", "override_explanation", f"{report.reference}:{referral_id}")


def _message_binding(referral: Referral, message_id: int) -> crypto.Binding:
    return crypto.Binding("referral_messages", "sealed", f"{referral.id}:{message_id}")


def build_package(
    report: Report, answers: dict[str, Any], fields: list[str], kind: ReferralKind,
    *, referral_id: int | None, override: OverrideReason | None, sent_at: datetime | None,
) -> dict[str, Any]:
    """The package exactly as the police will see it (also used for the preview), in English."""
    chosen = set(fields)
    with in_english():
        return _package(report, answers, chosen, kind, referral_id=referral_id, override=override, sent_at=sent_at)


def _package(
    report: Report, answers: dict[str, Any], chosen: set[str], kind: ReferralKind,
    *, referral_id: int | None, override: OverrideReason | None, sent_at: datetime | None,
) -> dict[str, Any]:
    area_labels = dict(questions.choice_options("area"))
    return {
        "schema": SCHEMA,
        "reference": report.reference,
        "referral_id": referral_id,
        "kind": kind.value,
        "consent": report.police_consent,
        "override_reason": override.value if override else None,
        "received_at": report.received_at.isoformat(),
        "sent_at": sent_at.isoformat() if sent_at else None,
        "area": str(area_labels.get(report.area, report.area)),
        "answers": [
            {"field": item.field, "question": item.question, "answer": item.answer}
            for item in shareable(answers)
            if item.field in chosen
        ],
    }


def package_facts(package: dict[str, Any]) -> list[tuple[str, str]]:
    """The package's coded facts in words, for the page, the PDF and the JSON's ``display``."""
    from reporting.words import gettext as _

    from reporting import labels

    facts = [
        (_("Reference"), str(package.get("reference") or "")),
        (_("Kind"), labels.label("referral_kind", package.get("kind"))),
        (_("Reporter's choice"), labels.label("consent", package.get("consent"))),
        (_("Safeguarding override"), labels.label("override", package.get("override_reason"))),
        (_("Area"), str(package.get("area") or "")),
        (_("Received"), labels.when(package.get("received_at"))),
        (_("Sent"), labels.when(package.get("sent_at"))),
    ]
    return [(name, value) for name, value in facts if value]


def package_json(package: dict[str, Any]) -> str:
    """The package as the police download it: coded fields stay codes for the force's
    systems; ``display`` says them in English words."""
    with in_english():
        display = {name: value for name, value in package_facts(package)}
    marked = {JSON_FIELD: MARKING} | package | {"display": display}
    return json.dumps(marked, ensure_ascii=False, indent=2)


def check_fields(report: Report, kind: ReferralKind, fields: list[str], answers: dict[str, Any]) -> None:
    """Refuse fields that do not exist or that the reporter's choice does not allow."""
    available = {item.field for item in shareable(answers)}
    unknown = [name for name in fields if name not in available]
    if unknown:
        raise ConsentError("unknown fields: " + ", ".join(sorted(unknown)))
    if kind == ReferralKind.INTELLIGENCE:
        identifying = sorted(set(fields) & IDENTIFYING)
        if identifying:
            raise ConsentError("identifying fields in an intelligence-only referral: " + ", ".join(identifying))
    if not fields:
        raise ConsentError("choose at least one answer to share")


def start_referral(
    report: Report,
    *,
    actor: User,
    answers: dict[str, Any],
    fields: list[str],
    override: OverrideReason | None = None,
    explanation: str | None = None,
    now: datetime,
    evidence_ids: list[int] | None = None,
    report_private: bytes | None = None,
) -> Referral:
    """Seal the chosen answers (and files, as copies without metadata) to the police key;
    send now, or wait for override approval."""
    _require(actor, Role.REVIEWER)
    kind = _kind_allowed(report, override, explanation)
    check_fields(report, kind, fields, answers)
    _check_files(report, evidence_ids or [], report_private)
    # Everything is checked before anything is added: a refusal leaves nothing to roll back.
    police_key = current_key(KeyPurpose.POLICE)
    referral = Referral(
        report_id=report.id,
        created_at=now,
        created_by_id=actor.id,
        state=ReferralState.AWAITING_APPROVAL.value if override else ReferralState.SENT.value,
        kind=kind.value,
        shared_fields=list(fields),
        override_reason=override.value if override else None,
        police_key_id=police_key.id,
        package=b"",
    )
    db.session.add(referral)
    db.session.flush()
    sent_at = None if override else now
    shared_files = _share_files(referral, report, police_key, evidence_ids or [], report_private, actor)
    package = build_package(report, answers, fields, kind, referral_id=referral.id, override=override, sent_at=sent_at)
    package["files"] = shared_files
    referral.package = crypto.seal(
        police_key.algorithm, police_key.public_key, json.dumps(package, ensure_ascii=False).encode(),
        _package_binding(report, referral.id),
    )
    audit.record("referral.start", f"report:{report.id}", actor=actor, referral=referral.id, kind=kind.value,
                 fields=len(fields))
    if override:
        group = current_key(KeyPurpose.GROUP)
        referral.override_explanation = crypto.seal(
            group.algorithm, group.public_key, (explanation or "").encode(), _explanation_binding(report, referral.id)
        )
        case_services.record_event(report, actor, EventKind.REFERRAL, "override_requested", explanation,
                                   reason=override.value)
        audit.record("referral.override", f"report:{report.id}", actor=actor, referral=referral.id, reason=override.value)
    else:
        _send(referral, report, actor, now)
    db.session.flush()
    return referral


def _check_files(report: Report, evidence_ids: list[int], report_private: bytes | None) -> None:
    from reporting.evidence import services as evidence_services

    for evidence_id in evidence_ids:
        if report_private is None or evidence_services.evidence_of(report, evidence_id) is None:
            raise ConsentError("unknown file")


def _file_binding(referral: Referral, file_id: int) -> crypto.Binding:
    return crypto.Binding("referral_files", "sealed", f"{referral.id}:{file_id}")


def _share_files(
    referral: Referral, report: Report, police_key: ServiceKey, evidence_ids: list[int],
    report_private: bytes | None, actor: User,
) -> list[dict[str, Any]]:
    """Seal the chosen files' copies without metadata to the police key; never an original."""
    from reporting.evidence import services as evidence_services

    shared = []
    for evidence_id in dict.fromkeys(evidence_ids):
        evidence = evidence_services.evidence_of(report, evidence_id)
        if evidence is None or report_private is None:
            raise ConsentError("unknown file")
        download = evidence_services.open_evidence(report, evidence, report_private, original=False, actor=actor)
        row = ReferralFile(referral_id=referral.id, evidence_id=evidence.id, content_type=download.content_type,
                           extension=download.filename.rsplit(".", 1)[-1][:8], sealed=b"")
        db.session.add(row)
        db.session.flush()
        row.sealed = crypto.seal(police_key.algorithm, police_key.public_key, download.data, _file_binding(referral, row.id))
        shared.append({"file_id": row.id, "content_type": row.content_type, "size": len(download.data),
                       "name": f"referral-{referral.id}-file-{row.id}.{row.extension}"})
    return shared


def open_file(referral: Referral, file_id: int, *, actor: User, personal_private: bytes) -> tuple[ReferralFile, bytes]:
    """A shared file for the police liaison, audited."""
    _require(actor, Role.POLICE)
    row = db.session.scalar(select(ReferralFile).where(ReferralFile.id == file_id, ReferralFile.referral_id == referral.id))
    if row is None or referral.state == ReferralState.AWAITING_APPROVAL.value:
        raise PermissionDeniedError("no such file")
    key = db.session.get(ServiceKey, referral.police_key_id)
    assert key is not None
    data = crypto.open_sealed(key.algorithm, police_private_key(actor, personal_private, referral), row.sealed,
                              _file_binding(referral, row.id))
    audit.record("referral.file_open", f"referral:{referral.id}", actor=actor, file=row.id)
    return row, data


def _send(referral: Referral, report: Report, actor: User, now: datetime) -> None:
    referral.state = ReferralState.SENT.value
    referral.sent_at = now
    if report.status != Status.REFERRED.value:
        case_services.change_status(
            report, Status.REFERRED, actor=actor, reason="Referred to West Mercia Police", by_referral=True
        )
    case_services.record_event(report, actor, EventKind.REFERRAL, "sent", after=referral.kind)
    audit.record("referral.send", f"report:{report.id}", actor=actor, referral=referral.id)
    gate.record_disclosure(gate.Disclosed.POLICE_REFERRAL, to=gate.Recipient.police(),
                           rules=[referral_rule(referral), gate.Rule.MARKED], target=f"report:{report.id}",
                           actor=actor, referral=referral.id)


def referral_rule(referral: Referral) -> gate.Rule:
    """The rule a referral leaves under: the person's consent, or an approved safeguarding override."""
    if referral.override_reason:
        return gate.Rule.SAFEGUARDING
    if referral.kind == ReferralKind.FULL.value:
        return gate.Rule.CONSENT_WITH_DETAILS
    return gate.Rule.CONSENT_INTELLIGENCE_ONLY


def approve_override(referral: Referral, *, actor: User, now: datetime) -> None:
    """A second reviewer, who holds the group key, approves a safeguarding override; the referral goes."""
    require_reviewer(actor, holding_key=True)
    if referral.state != ReferralState.AWAITING_APPROVAL.value:
        raise ConsentError("this referral is not waiting for approval")
    if referral.created_by_id == actor.id:
        raise ConsentError("a second reviewer must approve an override")
    report = db.session.get(Report, referral.report_id)
    assert report is not None
    if report.content_destroyed_at is not None:
        raise ContentDestroyedError(report.reference)
    referral.approved_by_id = actor.id
    referral.approved_at = now
    case_services.record_event(report, actor, EventKind.REFERRAL, "override_approved")
    audit.record("referral.approve", f"report:{report.id}", actor=actor, referral=referral.id)
    # The package was sealed when it was asked for; it carries the time it is sent in the clear column.
    _send(referral, report, actor, now)


def override_explanation(referral: Referral, keyring: Keyring) -> str | None:
    if referral.override_explanation is None:
        return None
    report = db.session.get(Report, referral.report_id)
    assert report is not None
    return keyring.open_group_sealed(referral.override_explanation, _explanation_binding(report, referral.id)).decode()


# The police side ---------------------------------------------------------------------

def police_private_key(actor: User, personal_private: bytes, referral: Referral) -> bytes:
    key = db.session.get(ServiceKey, referral.police_key_id)
    assert key is not None
    return holder_private_key(actor, personal_private, key)


def open_package(referral: Referral, *, actor: User, personal_private: bytes, now: datetime) -> dict[str, Any]:
    """Decrypt a sent referral for the police liaison, and audit it. The first opening (``now``)
    is kept: the referral is no longer "new" in the force's inbox."""
    _require(actor, Role.POLICE)
    if referral.state == ReferralState.AWAITING_APPROVAL.value:
        raise PermissionDeniedError("not sent")
    report = db.session.get(Report, referral.report_id)
    assert report is not None
    if report.content_destroyed_at is not None:
        # Retention destroyed the package with the rest of the report; the dates stay.
        raise ContentDestroyedError(report.reference)
    key = db.session.get(ServiceKey, referral.police_key_id)
    assert key is not None
    data: dict[str, Any] = json.loads(
        crypto.open_sealed(key.algorithm, police_private_key(actor, personal_private, referral), referral.package,
                           _package_binding(report, referral.id))
    )
    data["sent_at"] = referral.sent_at.isoformat() if referral.sent_at else None
    if referral.opened_at is None:
        referral.opened_at = now
    audit.record("referral.open", f"referral:{referral.id}", actor=actor)
    return data


def acknowledge(referral: Referral, *, actor: User, now: datetime) -> None:
    _require(actor, Role.POLICE)
    if referral.state != ReferralState.SENT.value:
        raise ConsentError("only a new referral can be acknowledged")
    referral.state = ReferralState.ACKNOWLEDGED.value
    referral.acknowledged_at = now
    referral.acknowledged_by_id = actor.id
    referral.opened_at = referral.opened_at or now  # acknowledged is seen: no longer "new"
    report = db.session.get(Report, referral.report_id)
    assert report is not None
    case_services.record_event(report, actor, EventKind.REFERRAL, "acknowledged")
    audit.record("referral.acknowledge", f"referral:{referral.id}", actor=actor)


def record_outcome(referral: Referral, *, actor: User, crime_reference: str, outcome: Outcome, now: datetime) -> None:
    _require(actor, Role.POLICE)
    if referral.state == ReferralState.AWAITING_APPROVAL.value:
        raise ConsentError("not sent")
    if referral.acknowledged_at is None:
        referral.acknowledged_at = now
        referral.acknowledged_by_id = actor.id
    referral.opened_at = referral.opened_at or now
    referral.crime_reference = crime_reference or None
    referral.outcome = outcome.value
    referral.outcome_at = now
    referral.state = OUTCOME_STATE[outcome].value
    report = db.session.get(Report, referral.report_id)
    assert report is not None
    case_services.record_event(report, actor, EventKind.REFERRAL, "outcome", after=outcome.value,
                               ref=crime_reference or None)
    audit.record("referral.outcome", f"referral:{referral.id}", actor=actor, outcome=outcome.value)


def ask_group(referral: Referral, *, actor: User, text: str) -> ReferralMessage:
    """The police liaison asks the Group a question (sealed to the group key)."""
    _require(actor, Role.POLICE)
    message = ReferralMessage(referral_id=referral.id, author_id=actor.id, direction=MessageDirection.TO_GROUP, sealed=b"")
    db.session.add(message)
    db.session.flush()
    group = current_key(KeyPurpose.GROUP)
    message.sealed = crypto.seal(group.algorithm, group.public_key, text.encode(), _message_binding(referral, message.id))
    report = db.session.get(Report, referral.report_id)
    assert report is not None
    case_services.record_event(report, actor, EventKind.REFERRAL, "question_from_police", text)
    audit.record("referral.question", f"referral:{referral.id}", actor=actor, message=message.id)
    return message


def answer_police(referral: Referral, *, actor: User, text: str) -> ReferralMessage:
    """A reviewer answers: sealed to the police key; the Group keeps a sealed copy on its timeline."""
    _require(actor, Role.REVIEWER)
    message = ReferralMessage(referral_id=referral.id, author_id=actor.id, direction=MessageDirection.TO_POLICE, sealed=b"")
    db.session.add(message)
    db.session.flush()
    key = db.session.get(ServiceKey, referral.police_key_id)
    assert key is not None
    message.sealed = crypto.seal(key.algorithm, key.public_key, text.encode(), _message_binding(referral, message.id))
    report = db.session.get(Report, referral.report_id)
    assert report is not None
    case_services.record_event(report, actor, EventKind.REFERRAL, "answer_to_police", text)
    audit.record("referral.answer", f"referral:{referral.id}", actor=actor, message=message.id)
    return message


@dataclass(frozen=True)
class OpenedReferralMessage:
    message: ReferralMessage
    text: str


def police_thread(referral: Referral, *, actor: User, personal_private: bytes) -> list[OpenedReferralMessage]:
    """Questions and answers as the police see them (their own questions are sealed to the
    group, so they see their text from the form only; answers open with the police key)."""
    private = police_private_key(actor, personal_private, referral)
    key = db.session.get(ServiceKey, referral.police_key_id)
    assert key is not None
    opened = []
    for message in db.session.scalars(
        select(ReferralMessage).where(ReferralMessage.referral_id == referral.id).order_by(ReferralMessage.at)
    ):
        if message.direction == MessageDirection.TO_POLICE:
            text = crypto.open_sealed(key.algorithm, private, message.sealed, _message_binding(referral, message.id)).decode()
            opened.append(OpenedReferralMessage(message, text))
    return opened


def group_thread(report: Report, keyring: Keyring) -> dict[int, list[OpenedReferralMessage]]:
    """Every message about the report's referrals as the Group reads them, per referral, oldest first.

    Questions from the police are sealed to the group key and open with it. Answers are
    sealed to the police key, which the Group does not hold, so their words come from the
    copy the Group keeps on the case timeline: an answer and its copy are written in one
    transaction (``answer_police``), so the n-th answer is the n-th "answer_to_police" entry.
    """
    messages = list(db.session.scalars(
        select(ReferralMessage).join(Referral, Referral.id == ReferralMessage.referral_id)
        .where(Referral.report_id == report.id).order_by(ReferralMessage.id)
    ))
    copies = list(db.session.scalars(
        select(CaseEvent).where(CaseEvent.report_id == report.id, CaseEvent.kind == EventKind.REFERRAL.value,
                                CaseEvent.action == "answer_to_police").order_by(CaseEvent.id)
    ))
    answers = [m for m in messages if m.direction == MessageDirection.TO_POLICE]
    if len(copies) != len(answers):
        raise crypto.DecryptionError()  # the Group's copies no longer match its answers: never guess
    words = {answer.id: case_services.event_text(report, copy, keyring) or "" for answer, copy in zip(answers, copies)}
    threads: dict[int, list[OpenedReferralMessage]] = {}
    for message in messages:
        if message.direction == MessageDirection.TO_GROUP:
            referral = db.session.get(Referral, message.referral_id)
            assert referral is not None
            text = keyring.open_group_sealed(message.sealed, _message_binding(referral, message.id)).decode()
        else:
            text = words[message.id]
        threads.setdefault(message.referral_id, []).append(OpenedReferralMessage(message, text))
    return threads


# Reminders ---------------------------------------------------------------------------

def overdue_cutoff(today: date, working_days: int) -> date:
    """The latest day a referral may have been sent and be overdue today."""
    return working_day_cutoff(today, working_days)


def overdue_before(now: datetime, settings: Settings) -> datetime:
    """Referrals sent before this moment and still unacknowledged are overdue (the police inbox's
    "late": one definition for both)."""
    return queries.late_before(now, settings.referral_ack_working_days)


def _overdue_query(now: datetime, settings: Settings) -> Any:
    return select(Referral).where(Referral.state == ReferralState.SENT.value,
                                  Referral.sent_at < overdue_before(now, settings))


def overdue(now: datetime, settings: Settings) -> list[Referral]:
    """Sent referrals not acknowledged within the configured working days (one indexed query)."""
    return list(db.session.scalars(_overdue_query(now, settings).order_by(Referral.sent_at)))


def overdue_report_ids(now: datetime, settings: Settings) -> set[int]:
    """Reports with an overdue referral (the queue asks the same of its page's cases with its
    lines: reporting/referrals/casefile.py)."""
    return set(db.session.scalars(_overdue_query(now, settings).with_only_columns(Referral.report_id)))
