"""The demo's casework: what the Group has done with the sample reports.

So that `make run` (and the seam test, which signs in as every demo account) meets
every kind of data a real service holds: a case triaged, assigned, noted and
flagged; a file from the reporter; a referral the police acknowledged; a meeting
with summaries, a decision, minutes and a shared pack; an action for a partner
agency; a legal hold; a message to a reporter; a case flagged for the next meeting.

Everything goes through the same services as the pages. Demo only: `flask demo`
refuses production.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from reporting.auth.demo import DEMO_PASSWORD
from reporting.auth.models import User
from reporting.auth.services import sign_in_with_password
from reporting.cases import services as case_services
from reporting.codes import Outcome
from reporting.evidence import services as evidence_services
from reporting.evidence.models import Evidence
from reporting.evidence.uploads import SealingUpload
from reporting.extensions import db
from reporting.db import utcnow
from reporting.keys.keyring import Keyring
from reporting.keys.models import KeyPurpose
from reporting.keys.services import is_holder
from reporting.meetings import services as meeting_services
from reporting.meetings.demo import load_demo_meeting_history
from reporting.meetings.models import Agency, Meeting, MeetingItem
from reporting.referrals import services as referral_services
from reporting.reports.models import Priority, Report, Status
from reporting.retention import services as retention_services
from reporting.settings import Settings
from reporting.referrals import extract as police_extract
from reporting.status import services as status_services

REVIEWER = "reviewer@example.org"
POLICE = "police@example.org"


DEMO_OVERRIDE = "(Example) Demo data: \"Example\" marks made-up text here, it names no one."


def _user(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        raise LookupError(f"load the demo staff first ({email})")
    return user


def _keyring(user: User, settings: Settings) -> Keyring | None:
    """The demo holder's keyring (their published demo password opens it); None if not a holder."""
    if not is_holder(user, KeyPurpose.GROUP):
        return None
    _user_again, personal = sign_in_with_password(user.email, DEMO_PASSWORD, client="demo", settings=settings)
    return Keyring(user, personal)


def _add_file(report: Report, name: str, text: str) -> None:
    upload = SealingUpload()
    upload.write(text.encode())
    upload.seek(0)
    evidence_services.add_evidence(report, upload, name)


def load_demo_activity(references: list[str], samples: list[dict[str, Any]], settings: Settings) -> bool:
    """Work the freshly sent demo reports (``references`` in the order of ``samples``).

    Runs once: nothing happens when a demo meeting already exists. Returns True when done.
    """
    if db.session.scalar(select(Meeting.id).limit(1)) is not None or len(references) < 4:
        return False
    reports = [db.session.scalar(select(Report).where(Report.reference == ref)) for ref in references]
    if any(report is None for report in reports):
        return False
    first, second, third, fourth = (r for r in reports if r is not None)
    reviewer, police = _user(REVIEWER), _user(POLICE)
    keyring = _keyring(reviewer, settings)
    now = utcnow()

    # A case worked on: triage, an owner, priority, flags, a note, a file from the reporter.
    _add_file(first, "(Example) what they shouted.txt", "(Example) Words written down the same evening.")
    case_services.change_status(first, Status.IN_TRIAGE, actor=reviewer, reason="(Example) Looking at it today.")
    case_services.assign(first, reviewer, actor=reviewer)
    case_services.set_priority(first, Priority.HIGH, actor=reviewer)
    case_services.set_flags(first, ["repeat_victim", "ongoing_threat"], actor=reviewer)
    case_services.add_note(first, actor=reviewer, text="(Example) Second report from the same bus station.")

    # Referred to the police with the reporter's details (they chose that), file included.
    answers = samples[0]  # the answers just sent and sealed: the same words a reviewer would open
    # What a reviewer ticks at first: the incident, and the contact details the reporter gave.
    fields = [name for name in (*referral_services.INCIDENT, *referral_services.CONTACT) if answers.get(name)]
    evidence_ids: list[int] = []
    report_private = None
    if keyring is not None:  # sharing a file opens it, which needs the report's key
        report_private = case_services.report_private_key(first, keyring)
        evidence_ids = list(db.session.scalars(select(Evidence.id).where(Evidence.report_id == first.id)))
    referral = referral_services.start_referral(
        first, actor=reviewer, answers=answers, fields=fields, now=now,
        evidence_ids=evidence_ids, report_private=report_private,
    )
    referral_services.acknowledge(referral, actor=police, now=now)

    # A second referral whose outcome has come back (the statistics' table of each quarter's reports
    # followed to their outcomes shows one passed to the police, acknowledged, recorded and charged).
    fields = [name for name in (*referral_services.INCIDENT, *referral_services.CONTACT) if samples[3].get(name)]
    charged = referral_services.start_referral(fourth, actor=reviewer, answers=samples[3], fields=fields, now=now)
    referral_services.record_outcome(charged, actor=police, crime_reference="22/99999/26",
                                     outcome=Outcome.CHARGED_OR_SUMMONSED, now=now)

    # The police's quarterly extract of the quarter the sample reports arrived in.
    today = now.date()
    police_extract.prepare_extract(today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1), actor=police,
                                   area_labels=police_extract.area_labels())
    # The referral's crime reference, and the force's match back naming another: a disagreement for
    # the police to settle (/police/extracts/mismatches), counted once as a crime recorded.
    referral_services.record_outcome(referral, actor=police, crime_reference="22/10109/26",
                                     outcome=Outcome.CRIME_RECORDED, now=now)
    police_extract.import_matches(f"reference,crime_reference\n{first.reference},22/77777/26\n".encode(),
                                  actor=police, now=now)

    # A message to a reporter who can be contacted.
    if keyring is not None:  # messaging a reporter needs a key holder
        status_services.send_to_reporter(fourth, "(Example) Thank you. Would you like a call from Victim Support?",
                                         actor=reviewer)

    # A legal hold.
    retention_services.place_hold(second, actor=reviewer, reason="(Example) Asked to keep it for a court case.")

    # A meeting of the Group with two partner agencies, its pack shared, an action given.
    agencies = list(db.session.scalars(select(Agency).where(Agency.active.is_(True)).order_by(Agency.id)))[:2]
    meeting = meeting_services.create_meeting(
        actor=reviewer, held_on=(now + timedelta(days=7)).date(), place="(Example) Council offices, room 2",
        agency_ids=[a.id for a in agencies], report_ids=[first.id, second.id],
    )
    items = list(db.session.scalars(
        select(MeetingItem).where(MeetingItem.meeting_id == meeting.id).order_by(MeetingItem.position)))
    for item, text in zip(items, ("(Example) Repeated abuse at the bus station in the evening.",
                                  "(Example) Graffiti on a place of worship, cleaned the next day.")):
        meeting_services.write_summary(item, text, actor=reviewer)
    if items:
        meeting_services.record_decision(items[0], "(Example) Ask the housing provider about CCTV.", actor=reviewer,
                                         now=now)
    meeting_services.set_attendance(meeting, [a.id for a in agencies], actor=reviewer)
    meeting_services.save_minutes(meeting, "(Example) Two cases heard. Next meeting in a month.", actor=reviewer)
    if keyring is not None and items:
        # The demo's people are all called "Example", so the identifying check stops every demo text
        # that says "(Example)": shared with a recorded reason, as a key holder would (audited).
        meeting_services.share_pack(meeting, actor=reviewer, keyring=keyring, override_reason=DEMO_OVERRIDE, now=now)
    if agencies and keyring is not None:
        meeting_services.open_action(first, agencies[0], "(Example) Check the CCTV near the bus station.",
                                     (now + timedelta(days=14)).date(), actor=reviewer, keyring=keyring,
                                     meeting=meeting, override_reason=DEMO_OVERRIDE)
    # Issue 31: an earlier meeting, attendance and apologies, an overdue action carried forward.
    load_demo_meeting_history(meeting, reviewer, keyring, override=DEMO_OVERRIDE)

    # A case waiting for the next meeting.
    meeting_services.set_meeting_flag(third, True, actor=reviewer)
    db.session.flush()
    return True
