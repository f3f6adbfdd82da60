"""Meetings, agencies and actions: changes. Each flushes, writes the timeline and the
audit log; the caller commits.

Sealing: what an agency reads (the summaries of a meeting it was invited to, its
actions, its updates) is sealed to that agency's own key, so one agency's grant opens
nothing of another's; the Group keeps its own copy sealed to the group key (so a
reviewer edits and reads it back without any agency's key). Minutes and decisions
are sealed to the group key only. Every ciphertext is bound to its table, column and row.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select

from reporting import audit, crypto
from reporting.auth.models import Role, StaffSession, User
from reporting.cases import services as case_services
from reporting.cases.models import EventKind
from reporting.db import utcnow
from reporting.disclosure import gate, identifying
from reporting.disclosure.identifying import Match, MatchKind
from reporting.exceptions import ContentDestroyedError, KeysNotInitialisedError, PermissionDeniedError
from reporting.extensions import db
from reporting.keys.keyring import Keyring
from reporting.keys.models import KeyPurpose
from reporting.keys.policies import require_reviewer
from reporting.keys import services as key_services
from reporting.keys.models import ServiceKey
from reporting.keys.services import agency_key, agency_sealing_key, sealing_key
from reporting.meetings.models import (
    ActionStatus,
    Action,
    ActionUpdate,
    Agency,
    AgencyKind,
    Attendance,
    Meeting,
    MeetingAgency,
    MeetingFlag,
    MeetingItem,
    MeetingItemCopy,
    MeetingPerson,
)
from reporting.meetings.policies import require_admin, require_agency_user
from reporting.reports.models import Report
from reporting.settings import Settings

if TYPE_CHECKING:
    from reporting.meetings.queries import MeetingAttendance


class MeetingError(Exception):
    """A meeting change that cannot be made as asked (the message is a code, not words)."""


class DecisionTextError(gate.IdentifyingTextError):
    """The identifying check stopped the decision given with an action (not the action's own words)."""


# Sealing -------------------------------------------------------------------------------

def _seal(purpose: KeyPurpose, text: str, binding: crypto.Binding) -> bytes:
    key = sealing_key(purpose)
    return crypto.seal(key.algorithm, key.public_key, text.encode(), binding)


def _seal_for_agency(agency_id: int, text: str, binding: crypto.Binding) -> bytes:
    """Sealed to one agency's own key (made first if the agency has none yet)."""
    key = agency_sealing_key(agency_id)
    return crypto.seal(key.algorithm, key.public_key, text.encode(), binding)


def copy_binding(item: MeetingItem, agency_id: int) -> crypto.Binding:
    return crypto.Binding("meeting_item_copies", "sealed", f"{item.meeting_id}:{item.id}:{item.report_id}:{agency_id}")


def summary_binding(item: MeetingItem, column: str) -> crypto.Binding:
    return crypto.Binding("meeting_items", column, f"{item.meeting_id}:{item.id}:{item.report_id}")


def decision_binding(item: MeetingItem) -> crypto.Binding:
    return crypto.Binding("meeting_items", "decision", f"{item.meeting_id}:{item.id}:{item.report_id}")


def minutes_binding(meeting: Meeting) -> crypto.Binding:
    return crypto.Binding("meetings", "minutes", str(meeting.id))


def action_binding(action: Action, column: str) -> crypto.Binding:
    return crypto.Binding("actions", column, f"{action.id}:{action.report_id}:{action.agency_id}")


def action_decision_binding(action: Action, column: str) -> crypto.Binding:
    return crypto.Binding("actions", column, f"{action.id}:{action.report_id}:{action.agency_id}")


def update_binding(update: ActionUpdate) -> crypto.Binding:
    return crypto.Binding("action_updates", "sealed", f"{update.action_id}:{update.id}")


def open_text(keyring: Keyring, blob: bytes | None, binding: crypto.Binding) -> str:
    """A sealed text opened with whichever granted key it names ("" for none, or destroyed)."""
    if not blob:  # None, or b"": an action's words blanked by retention (destroy_meeting_words)
        return ""
    return keyring.open_group_sealed(blob, binding).decode()


def _refuse_destroyed(report: Report | None) -> None:
    """No new words about a case whose content was destroyed: they would outlive the rest."""
    if report is not None and report.content_destroyed_at is not None:
        raise ContentDestroyedError(report.reference)


def destroyed_report_ids(report_ids: list[int]) -> set[int]:
    """Which of these cases had their content destroyed (clear columns only)."""
    if not report_ids:
        return set()
    return set(db.session.scalars(
        select(Report.id).where(Report.id.in_(report_ids), Report.content_destroyed_at.is_not(None))
    ))


# Agencies ------------------------------------------------------------------------------

@dataclass(frozen=True)
class AgencyData:
    name: str
    kind: AgencyKind
    contact_email: str
    active: bool = True
    lead_contact_email: str = ""  # escalations of overdue actions; the contact address when empty


def save_agency(data: AgencyData, *, actor: User | str, agency: Agency | None = None) -> Agency:
    """Add or change a partner agency (administrators, or the command line).

    Making an agency inactive ends every session of its people at once; while it stays
    inactive they cannot sign in (``policies.agency_open`` is asked on every request).
    """
    if isinstance(actor, User):
        require_admin(actor)
    clash = db.session.scalar(select(Agency.id).where(Agency.name == data.name))
    if clash is not None and (agency is None or clash != agency.id):
        raise MeetingError("name_taken")
    if agency is None:
        agency = Agency(name=data.name, kind=data.kind.value, contact_email=data.contact_email, active=data.active)
        db.session.add(agency)
    else:
        agency.name, agency.kind = data.name, data.kind.value
        agency.contact_email, agency.active = data.contact_email, data.active
    agency.lead_contact_email = data.lead_contact_email or None
    db.session.flush()
    ended = 0
    if not agency.active:
        people = select(User.id).where(User.agency_id == agency.id)
        ended = db.session.execute(delete(StaffSession).where(StaffSession.user_id.in_(people))).rowcount  # type: ignore[attr-defined]
    audit.record("agency.save", f"agency:{agency.id}", actor=actor, kind=agency.kind, active=agency.active,
                 sessions_ended=ended)
    return agency


def add_agency_user(agency: Agency, *, email: str, password: str, actor: User | str, settings: Settings) -> User:
    """A person at a partner agency: a staff account tied to it, password and TOTP like all staff.

    Their grant of their agency's own key follows the two-person rule, like the police key:
    the first person is granted it with the recovery key, the rest on the web.
    """
    from reporting.auth import services as auth_services

    if isinstance(actor, User):
        require_admin(actor)
    if not agency.active:
        raise MeetingError("agency_inactive")
    try:
        agency_key(agency.id, actor=actor)  # its own key, so the first grant can be made at once
    except KeysNotInitialisedError:
        pass  # before `keys init`: made when first needed
    return auth_services.create_account(email=email, role=Role.AGENCY, password=password, actor=actor,
                                        agency_id=agency.id, settings=settings)


# The "for the next meeting" flag -------------------------------------------------------

def set_meeting_flag(report: Report, flagged: bool, *, actor: User) -> None:
    require_reviewer(actor)
    existing = db.session.get(MeetingFlag, report.id)
    if flagged and existing is None:
        db.session.add(MeetingFlag(report_id=report.id, flagged_by_id=actor.id, flagged_at=utcnow()))
        case_services.record_event(report, actor, EventKind.MEETING, "flagged")
    elif not flagged and existing is not None:
        db.session.delete(existing)
        case_services.record_event(report, actor, EventKind.MEETING, "unflagged")
    else:
        return
    db.session.flush()
    audit.record("meeting.flag", f"report:{report.id}", actor=actor, flagged=flagged)


# Meetings ------------------------------------------------------------------------------

def create_meeting(
    *, actor: User, held_on: date, place: str, agency_ids: list[int], report_ids: list[int],
) -> Meeting:
    """A meeting with its invited agencies and agenda; the cases put on it lose their flag."""
    require_reviewer(actor)
    agencies = list(db.session.scalars(select(Agency).where(Agency.id.in_(agency_ids), Agency.active.is_(True))))
    if len(agencies) != len(set(agency_ids)):
        raise MeetingError("unknown_agency")
    reports = list(db.session.scalars(select(Report).where(Report.id.in_(report_ids))))
    if len(reports) != len(set(report_ids)):
        raise MeetingError("unknown_case")
    meeting = Meeting(held_on=held_on, place=place, created_by_id=actor.id, created_at=utcnow())
    db.session.add(meeting)
    db.session.flush()
    for agency in agencies:
        db.session.add(MeetingAgency(meeting_id=meeting.id, agency_id=agency.id, attended=False))
    order = {report_id: position for position, report_id in enumerate(dict.fromkeys(report_ids))}
    for report in sorted(reports, key=lambda r: order[r.id]):
        db.session.add(MeetingItem(meeting_id=meeting.id, report_id=report.id, position=order[report.id]))
        case_services.record_event(report, actor, EventKind.MEETING, "agenda", ref=str(meeting.id))
    db.session.execute(delete(MeetingFlag).where(MeetingFlag.report_id.in_(report_ids)))
    db.session.flush()
    audit.record("meeting.create", f"meeting:{meeting.id}", actor=actor, cases=len(reports), agencies=len(agencies))
    return meeting


def set_attendance(meeting: Meeting, attended_ids: Iterable[int], *, actor: User,
                   apologies_ids: Iterable[int] = (), people: Mapping[int, Attendance] | None = None) -> None:
    """Which invited agencies attended and which sent apologies (never both); with ``people``,
    who was there and who sent apologies (the Group's staff and people at invited agencies),
    replacing what was recorded. Anyone else raises MeetingError."""
    require_reviewer(actor)
    attended, apologies = set(attended_ids), set(apologies_ids)
    if attended & apologies:
        raise MeetingError("attended_and_apologies")
    rows = list(db.session.scalars(select(MeetingAgency).where(MeetingAgency.meeting_id == meeting.id)))
    if (attended | apologies) - {row.agency_id for row in rows}:
        raise MeetingError("unknown_agency")
    for row in rows:
        row.attended, row.apologies = row.agency_id in attended, row.agency_id in apologies
    if people is not None:
        from reporting.meetings import queries

        allowed = {user.id for user in queries.people_who_may_attend(meeting)}
        if set(people) - allowed:
            raise MeetingError("unknown_person")
        db.session.execute(delete(MeetingPerson).where(MeetingPerson.meeting_id == meeting.id))
        for user_id, attendance in sorted(people.items()):
            db.session.add(MeetingPerson(meeting_id=meeting.id, user_id=user_id, attendance=attendance.value))
    db.session.flush()
    audit.record("meeting.attendance", f"meeting:{meeting.id}", actor=actor, attended=len(attended),
                 apologies=len(apologies), people=len(people or {}))


def write_summary(item: MeetingItem, text: str, *, actor: User) -> None:
    """The summary each invited agency reads (sealed to its own key), and the Group's copy (group key).

    Changing a summary after the pack was shared takes the pack back, so the check
    runs again before agencies read the new words.
    """
    require_reviewer(actor)
    _refuse_destroyed(db.session.get(Report, item.report_id))
    meeting = db.session.get(Meeting, item.meeting_id)
    if meeting is not None and meeting.shared_at is not None:
        meeting.shared_at = None
    seal_copies(item, text)
    item.summary_group = _seal(KeyPurpose.GROUP, text, summary_binding(item, "summary_group"))
    db.session.flush()
    audit.record("meeting.summary", f"meeting:{item.meeting_id}", actor=actor, item=item.id)


def seal_copies(item: MeetingItem, text: str) -> int:
    """The summary sealed to the key of each agency invited to its meeting (replacing older
    copies, and any copy under the old shared partners' key); how many copies."""
    db.session.execute(delete(MeetingItemCopy).where(MeetingItemCopy.item_id == item.id))
    item.summary_partners = None
    invited = list(db.session.scalars(select(MeetingAgency.agency_id).where(MeetingAgency.meeting_id == item.meeting_id)))
    for agency_id in invited:
        db.session.add(MeetingItemCopy(item_id=item.id, agency_id=agency_id,
                                       sealed=_seal_for_agency(agency_id, text, copy_binding(item, agency_id))))
    return len(invited)


def record_decision(item: MeetingItem, text: str, *, actor: User, now: datetime | None = None) -> None:
    """The Group's decision on a case heard at the meeting (group key); the case counts as heard."""
    require_reviewer(actor)
    report = db.session.get(Report, item.report_id)
    assert report is not None
    _refuse_destroyed(report)
    item.decision = _seal(KeyPurpose.GROUP, text, decision_binding(item))
    if item.heard_at is None:
        item.heard_at = now or utcnow()
        case_services.record_event(report, actor, EventKind.MEETING, "heard", ref=str(item.meeting_id))
    case_services.record_event(report, actor, EventKind.MEETING, "decision", text, ref=str(item.meeting_id))
    db.session.flush()
    audit.record("meeting.decision", f"report:{report.id}", actor=actor, meeting=item.meeting_id)


def save_minutes(meeting: Meeting, text: str, *, actor: User) -> None:
    require_reviewer(actor)
    meeting.minutes = _seal(KeyPurpose.GROUP, text, minutes_binding(meeting))
    db.session.flush()
    audit.record("meeting.minutes", f"meeting:{meeting.id}", actor=actor)


# The check before words reach an agency (the disclosure gate) -----------------------------

def _common_words() -> list[str]:
    """The names of the areas: the pack shows each case's area, so they identify no one."""
    from reporting.reports import questions

    return [part for code, words in questions.choice_options("area") for part in (str(code), str(words))]


def report_terms(report: Report, keyring: Keyring) -> dict[str, MatchKind]:
    """Every name and place the report holds, read from its sealed answers by the key holder
    sharing (an audited opening). Only the folded words are kept, in memory, for the check."""
    if report.content_destroyed_at is not None:
        return {}
    answers = case_services.open_case(report, keyring).answers
    terms = identifying.report_terms(answers, common=_common_words())
    del answers
    return terms


@dataclass(frozen=True)
class Warning_:
    """What the check found in one text of the pack: a case's summary, or the meeting's place."""

    item_id: int | None
    reference: str
    matches: list[Match]

    @property
    def kinds(self) -> list[MatchKind]:
        return identifying.kinds(self.matches)


def redaction_warnings(meeting: Meeting, keyring: Keyring) -> list[Warning_]:
    """For each text of the pack, what may identify someone (the report's answers are opened,
    audited, by the key holder sharing). The meeting's place is checked too."""
    warnings = []
    rows = db.session.execute(
        select(MeetingItem, Report).join(Report, Report.id == MeetingItem.report_id)
        .where(MeetingItem.meeting_id == meeting.id).order_by(MeetingItem.position)
    ).all()
    every_case: dict[str, MatchKind] = {}
    for item, report in rows:
        terms = report_terms(report, keyring)
        every_case |= terms
        summary = open_text(keyring, item.summary_group, summary_binding(item, "summary_group"))
        found = identifying.find_identifying(summary, terms) if summary else []
        if found:
            warnings.append(Warning_(item.id, report.reference, found))
    # The place is about no one case: it is checked against every case on the agenda.
    place = identifying.find_identifying(meeting.place, every_case)
    if place:
        warnings.insert(0, Warning_(None, "", place))
    return warnings


def share_pack(meeting: Meeting, *, actor: User, keyring: Keyring, override_reason: str = "",
               now: datetime | None = None) -> list[Warning_]:
    """Share the pack with the invited agencies, unless the check finds something and the key
    holder gave no reason to share anyway.

    Returns what the check found; the pack is shared when it found nothing, or with
    ``override_reason`` (recorded with the disclosure to each agency).
    """
    require_reviewer(actor, holding_key=True)
    # A case whose content was destroyed has no summary any more, and needs none.
    missing = db.session.scalar(
        select(MeetingItem.id).join(Report, Report.id == MeetingItem.report_id)
        .where(MeetingItem.meeting_id == meeting.id, MeetingItem.summary_group.is_(None),
               Report.content_destroyed_at.is_(None)).limit(1)
    )
    if missing is not None:
        raise MeetingError("summary_missing")
    warnings = redaction_warnings(meeting, keyring)
    if warnings and not override_reason.strip():
        audit.record("meeting.pack_warned", f"meeting:{meeting.id}", actor=actor, warnings=len(warnings))
        return warnings
    meeting.shared_at = now or utcnow()
    db.session.flush()
    audit.record("meeting.pack_shared", f"meeting:{meeting.id}", actor=actor, warnings=len(warnings))
    matches = [match for warning in warnings for match in warning.matches]
    for _row, agency in _invited(meeting):
        gate.record_disclosure(
            gate.Disclosed.MEETING_PACK, to=gate.Recipient.agency(agency.name, agency.id),
            rules=[gate.Rule.INVITED_AGENCY, gate.check_rule(matches), gate.Rule.MARKED],
            target=f"meeting:{meeting.id}", actor=actor, matched=identifying.kinds(matches),
            override_reason=override_reason if matches else "",
        )
    return warnings


def _invited(meeting: Meeting) -> list[tuple[MeetingAgency, Agency]]:
    from reporting.meetings import queries

    return queries.invited(meeting)


# Actions ---------------------------------------------------------------------------------

def open_action(
    report: Report, agency: Agency, text: str, due_on: date, *, actor: User, keyring: Keyring,
    meeting: Meeting | None = None, override_reason: str = "", decision: str = "", today: date | None = None,
) -> Action:
    """Ask an agency to do something about a case (from a meeting or the case page).

    The words reach the agency at once, so they pass the identifying check first, against
    the report's own names and places read by the key holder giving the action: a match
    raises ``gate.IdentifyingTextError`` unless ``override_reason`` says why they must go.
    A due date before ``today`` raises MeetingError("due_in_past"). ``decision`` is the
    Group's decision as this agency may read it (see ``share_decision``).
    """
    require_reviewer(actor, holding_key=True)
    _refuse_destroyed(report)
    if not agency.active:
        raise MeetingError("agency_inactive")
    if due_on < (today or utcnow().date()):
        raise MeetingError("due_in_past")
    terms = report_terms(report, keyring)
    matches = gate.check_agency_text(text, terms, override_reason=override_reason)
    if decision.strip():  # checked before anything is written, so a stopped decision stops the action too
        try:
            gate.check_agency_text(decision, terms, override_reason=override_reason)
        except gate.IdentifyingTextError as error:
            raise DecisionTextError(error.matches) from None
    action = Action(agency_id=agency.id, report_id=report.id, meeting_id=meeting.id if meeting else None,
                    created_by_id=actor.id, created_at=utcnow(), due_on=due_on, status=ActionStatus.OPEN.value,
                    text_partners=b"", text_group=b"")
    db.session.add(action)
    db.session.flush()
    action.text_partners = _seal_for_agency(agency.id, text, action_binding(action, "text_partners"))
    action.text_group = _seal(KeyPurpose.GROUP, text, action_binding(action, "text_group"))
    case_services.record_event(report, actor, EventKind.MEETING, "action_opened", text, ref=str(agency.id))
    audit.record("action.open", f"report:{report.id}", actor=actor, action_id=action.id, agency=agency.id)
    gate.record_disclosure(
        gate.Disclosed.AGENCY_ACTION, to=gate.Recipient.agency(agency.name, agency.id),
        rules=[gate.Rule.OWN_AGENCY, gate.check_rule(matches)], target=f"report:{report.id}", actor=actor,
        matched=identifying.kinds(matches), override_reason=override_reason if matches else "", action_id=action.id,
    )
    if decision.strip():
        share_decision(action, decision, actor=actor, keyring=keyring, override_reason=override_reason,
                       terms=terms)
    return action


def share_decision(action: Action, text: str, *, actor: User, keyring: Keyring, override_reason: str = "",
                   terms: dict[str, MatchKind] | None = None) -> None:
    """The Group's decision behind an action, as its agency may read it: written for the agency
    (never the minutes, never the Group's own decision), checked by the disclosure gate like
    every word an agency reads, sealed to the agency's own key with the Group's copy."""
    require_reviewer(actor, holding_key=True)
    report = db.session.get(Report, action.report_id)
    agency = db.session.get(Agency, action.agency_id)
    assert report is not None and agency is not None
    _refuse_destroyed(report)
    if not agency.active:
        raise MeetingError("agency_inactive")
    if terms is None:
        terms = report_terms(report, keyring)
    matches = gate.check_agency_text(text, terms, override_reason=override_reason)
    action.decision_partners = _seal_for_agency(agency.id, text, action_decision_binding(action, "decision_partners"))
    action.decision_group = _seal(KeyPurpose.GROUP, text, action_decision_binding(action, "decision_group"))
    db.session.flush()
    case_services.record_event(report, actor, EventKind.MEETING, "decision_shared", text, ref=str(agency.id))
    audit.record("action.decision", f"report:{report.id}", actor=actor, action_id=action.id, agency=agency.id)
    gate.record_disclosure(
        gate.Disclosed.AGENCY_DECISION, to=gate.Recipient.agency(agency.name, agency.id),
        rules=[gate.Rule.OWN_AGENCY, gate.check_rule(matches)], target=f"report:{report.id}", actor=actor,
        matched=identifying.kinds(matches), override_reason=override_reason if matches else "", action_id=action.id,
    )


def update_action(action: Action, status: ActionStatus, text: str, *, actor: User,
                  now: datetime | None = None) -> ActionUpdate:
    """A person at the action's agency reports progress; the Group sees it on the case timeline."""
    agency_id = require_agency_user(actor)
    if action.agency_id != agency_id:
        raise PermissionDeniedError(actor.email)
    if text:
        _refuse_destroyed(db.session.get(Report, action.report_id))
    now = now or utcnow()
    update = ActionUpdate(action_id=action.id, author_id=actor.id, at=now, status=status.value)
    db.session.add(update)
    db.session.flush()
    if text:
        update.sealed = _seal_for_agency(action.agency_id, text, update_binding(update))
    action.status = status.value
    action.closed_at = now if status != ActionStatus.OPEN else None
    report = db.session.get(Report, action.report_id)
    assert report is not None
    what = {"open": "action_updated", "done": "action_done", "cannot_do": "action_cannot_do"}[status.value]
    case_services.record_event(report, actor, EventKind.MEETING, what, text or None, ref=str(action.agency_id))
    audit.record("action.update", f"report:{report.id}", actor=actor, action_id=action.id, status=status.value)
    return update


# Reminders -------------------------------------------------------------------------------

def reminder_notice(count: int, link: str) -> tuple[str, str]:
    """Subject and body of a reminder: how many actions are due and a link, nothing of a case."""
    if count == 1:
        subject = "Hate Crime Reporting Group: 1 action is due"
    else:
        subject = f"Hate Crime Reporting Group: {count} actions are due"
    body = (f"{subject[len('Hate Crime Reporting Group: '):].capitalize()} for your agency.\n\n"
            f"Open them here (sign-in needed): {link}\n")
    return subject, body


def escalation_notice(count: int, days: int, link: str) -> tuple[str, str]:
    """Subject and body of an escalation to an agency's lead contact: how many of its actions are
    long overdue and a link, nothing of a case (no reference, no words)."""
    what = "1 action" if count == 1 else f"{count} actions"
    subject = f"Hate Crime Reporting Group: {what} overdue by {days} days"
    body = (f"{what.capitalize()} the Group gave your agency {'is' if count == 1 else 'are'} overdue by {days} "
            "days or more. You are receiving this as your agency's lead contact for the Group.\n\n"
            f"Open them here (sign-in needed): {link}\n")
    return subject, body


def mark_escalated(actions: list[Action], *, actor: User | str = "cli", now: datetime | None = None) -> None:
    """Record that these actions (one agency's) were escalated, so they are never escalated twice."""
    now = now or utcnow()
    for action in actions:
        action.escalated_at = now
    db.session.flush()
    if actions:
        audit.record("action.escalated", f"agency:{actions[0].agency_id}", actor=actor, actions=len(actions))


# The pack ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PackAction:
    action: Action
    agency: str
    reference: str
    text: str
    updates: list[tuple[ActionUpdate, str]]
    destroyed: bool = False  # the case's content, and so these words, were destroyed (retention)
    # The Group's decision as the agency may read it ("" when none was shared)
    decision: str = ""
    overdue: bool = False  # open and past its due date (on the day it was read)


@dataclass(frozen=True)
class PackItem:
    item: MeetingItem
    reference: str
    area: str
    summary: str
    destroyed_on: datetime | None = None  # when retention destroyed the case's content


@dataclass(frozen=True)
class PreviousDecision:
    """The Group's decision on a case of this agenda at an earlier meeting (the Group's pack only)."""

    reference: str
    meeting: Meeting
    text: str


@dataclass(frozen=True)
class Pack:
    meeting: Meeting
    agencies: list[tuple[str, bool]]
    items: list[PackItem]
    actions: list[PackAction]
    # The audit log's head when the pack was made (its own opening included): printed on the
    # pack, it is a copy of the head the database cannot take back (`audit verify --head`).
    audit_head: audit.Head = (0, audit.GENESIS)
    attendance: MeetingAttendance | None = None
    carried: list[PackAction] = field(default_factory=list)  # open actions from before this meeting
    previous: list[PreviousDecision] = field(default_factory=list)
    for_agency: bool = False  # an agency's pack: its own actions, no decision of the Group's

    @property
    def overdue(self) -> int:
        return sum(1 for entry in [*self.actions, *self.carried] if entry.overdue)


def _actions_read(keyring: Keyring, rows: list[tuple[Action, Agency, str]], *, partners: bool,
                  today: date | None = None) -> list[PackAction]:
    from reporting.meetings import queries

    today = today or utcnow().date()
    read = []
    destroyed = destroyed_report_ids([action.report_id for action, _agency, _reference in rows])
    for action, agency, reference in rows:
        column = "text_partners" if partners else "text_group"
        text = open_text(keyring, getattr(action, column), action_binding(action, column))
        column = "decision_partners" if partners else "decision_group"
        decision = open_text(keyring, getattr(action, column), action_decision_binding(action, column))
        updates = []
        if partners:
            for update in db.session.scalars(
                select(ActionUpdate).where(ActionUpdate.action_id == action.id).order_by(ActionUpdate.at)
            ):
                updates.append((update, open_text(keyring, update.sealed, update_binding(update))))
        read.append(PackAction(action, agency.name, reference, text, updates, action.report_id in destroyed,
                               decision, queries.is_overdue(action, today)))
    return read


def build_pack(meeting: Meeting, keyring: Keyring, *, actor: User, download: bool = False,
               settings: Settings | None = None) -> Pack:
    """The pack as its reader may see it: the Group's copy for reviewers (every action, and the
    decisions on these cases at earlier meetings); for a person at an agency, their agency's copy
    of a shared pack of a meeting it was invited to, with only its own agency's open actions and
    the decisions written for it. Both show attendance and apologies, the quorum, and the open
    actions carried forward from earlier meetings. Audited (a download as such)."""
    from reporting.meetings import queries
    from reporting.reports import questions

    partners = actor.role == Role.AGENCY.value
    agency_id: int | None = None
    if partners:
        agency_id = require_agency_user(actor)
        if meeting.shared_at is None or not queries.agency_invited(meeting, agency_id):
            raise PermissionDeniedError(actor.email)
    else:
        require_reviewer(actor)
    areas = dict(questions.choice_options("area"))
    items = []
    copies = queries.copies(meeting, agency_id) if agency_id is not None else {}
    for item, report in queries.items(meeting):
        if agency_id is None:
            summary = open_text(keyring, item.summary_group, summary_binding(item, "summary_group"))
        elif item.id in copies:
            summary = open_text(keyring, copies[item.id], copy_binding(item, agency_id))
        else:  # written before each agency had its own key, and not yet re-sealed
            summary = open_text(keyring, item.summary_partners, summary_binding(item, "summary_partners"))
        items.append(PackItem(item, report.reference, str(areas.get(report.area, report.area)), summary,
                              report.content_destroyed_at))
    rows = queries.actions(meeting_id=meeting.id, agency_id=agency_id, open_only=True)
    invited = [(agency.name, row.attended) for row, agency in queries.invited(meeting)]
    actions = _actions_read(keyring, rows, partners=partners)
    carried = _actions_read(keyring, queries.carried_forward(meeting, agency_id=agency_id), partners=partners)
    previous = []
    if not partners:
        destroyed = destroyed_report_ids([item.report_id for item, _m, _r in queries.previous_decisions(meeting)])
        previous = [PreviousDecision(reference, earlier, open_text(keyring, item.decision, decision_binding(item)))
                    for item, earlier, reference in queries.previous_decisions(meeting)
                    if item.report_id not in destroyed]
    quorum = settings.meeting_quorum if settings is not None else 0
    attendance = queries.attendance(meeting, quorum)
    audit.record("meeting.pack_download" if download else "meeting.pack_open", f"meeting:{meeting.id}", actor=actor)
    if partners and agency_id is not None:
        agency = db.session.get(Agency, agency_id)
        assert agency is not None
        gate.record_disclosure(gate.Disclosed.MEETING_PACK, to=gate.Recipient.agency(agency.name, agency.id),
                               rules=[gate.Rule.INVITED_AGENCY, gate.Rule.MARKED], target=f"meeting:{meeting.id}",
                               actor=actor, download=download)
    return Pack(meeting, invited, items, actions, audit.head(), attendance, carried, previous, partners)


def agency_actions(keyring: Keyring, *, actor: User) -> list[PackAction]:
    """Every action given to the person's agency, with the updates, read with their agency's key."""
    from reporting.meetings import queries

    agency_id = require_agency_user(actor)
    rows = queries.actions(agency_id=agency_id)
    audit.record("action.read", f"agency:{agency_id}", actor=actor, actions=len(rows))
    agency = db.session.get(Agency, agency_id)
    assert agency is not None
    gate.record_disclosure(gate.Disclosed.AGENCY_PAGE, to=gate.Recipient.agency(agency.name, agency.id),
                           rules=[gate.Rule.OWN_AGENCY], target=f"agency:{agency.id}",
                           actor=actor, actions=len(rows))
    return _actions_read(keyring, rows, partners=True)


def group_actions(keyring: Keyring | None, rows: list[tuple[Action, Agency, str]]) -> list[PackAction]:
    """Actions as the Group reads them (no words without the group key)."""
    if keyring is None:
        from reporting.meetings import queries

        today = utcnow().date()
        destroyed = destroyed_report_ids([action.report_id for action, _agency, _reference in rows])
        return [PackAction(action, agency.name, reference, "", [], action.report_id in destroyed,
                           overdue=queries.is_overdue(action, today))
                for action, agency, reference in rows]
    return _actions_read(keyring, rows, partners=False)


def item_for_review(item: MeetingItem, keyring: Keyring) -> tuple[str, str, list[Any]]:
    """For the summary page: the Group's summary, decision and the report's answers that
    do not identify anyone (to write from, beside the summary). The report's opening is audited."""
    from reporting.referrals.services import shareable

    report = db.session.get(Report, item.report_id)
    assert report is not None
    if report.content_destroyed_at is not None:
        return "", "", []  # nothing left to open: the page says the content was destroyed
    answers = case_services.open_case(report, keyring).answers
    beside = [row for row in shareable(answers) if not row.identifying and row.field not in _EXACT_PLACE]
    return (open_text(keyring, item.summary_group, summary_binding(item, "summary_group")),
            open_text(keyring, item.decision, decision_binding(item)), beside)


# Never shown beside the summary, so nothing exact is copied in: the precise place and people named.
_EXACT_PLACE = frozenset({"place_description", "witnesses", "offender_description", "offender_distinctive",
                          "links", "platform", "crime_reference"})


def minutes_text(meeting: Meeting, keyring: Keyring) -> str:
    return open_text(keyring, meeting.minutes, minutes_binding(meeting))


# The old shared partners' key, split into each agency's own --------------------------------

@dataclass(frozen=True)
class Split:
    keys: int  # generations of the old partners' key the recovery key opened
    actions: int
    updates: int
    summaries: int
    granted: int


def split_partners_key(recovery_text: str, *, actor: str = "cli") -> Split:
    """Re-seal every word sealed to the old shared partners' key to the own key of the agency
    it belongs to (an action's and its updates' to the action's agency; a summary to each
    agency invited to its meeting); give its genuine holders their own agency's key; remove
    the old key's grants. Needs the offline recovery key, which opens the old key; raises
    DecryptionError if it opens none. Safe to run again (nothing left is nothing done).
    """
    opened = key_services.opened_partners_keys(recovery_text)
    if not opened and db.session.scalar(select(ServiceKey.id).where(ServiceKey.purpose == KeyPurpose.PARTNERS.value)):
        raise crypto.DecryptionError()
    privates = {key.kid: (key.algorithm, private) for key, private in opened}

    def reopen(blob: bytes | None, binding: crypto.Binding) -> str | None:
        if not blob or crypto.sealed_key_id(blob) not in privates:
            return None
        algorithm, private = privates[crypto.sealed_key_id(blob)]
        return crypto.open_sealed(algorithm, private, blob, binding).decode()

    actions = updates = summaries = 0
    for action in db.session.scalars(select(Action).order_by(Action.id)):
        text = reopen(action.text_partners, action_binding(action, "text_partners"))
        if text is not None:
            action.text_partners = _seal_for_agency(action.agency_id, text, action_binding(action, "text_partners"))
            actions += 1
        for update in db.session.scalars(select(ActionUpdate).where(ActionUpdate.action_id == action.id)):
            text = reopen(update.sealed, update_binding(update))
            if text is not None:
                update.sealed = _seal_for_agency(action.agency_id, text, update_binding(update))
                updates += 1
    for item in db.session.scalars(select(MeetingItem).where(MeetingItem.summary_partners.is_not(None))):
        text = reopen(item.summary_partners, summary_binding(item, "summary_partners"))
        if text is not None:
            seal_copies(item, text)
            summaries += 1
    db.session.flush()
    granted = key_services.move_partners_grants(opened, recovery_text, actor=actor)
    audit.record("keys.split_partners", "keys", actor=actor, keys=len(opened), actions=actions, updates=updates,
                 summaries=summaries, granted=granted)
    return Split(len(opened), actions, updates, summaries, granted)
