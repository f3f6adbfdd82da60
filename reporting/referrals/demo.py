"""Demo referrals enough to page the police inbox: `make run` and the seam test meet more than
one page, with some new, some opened and waiting, some late, some acknowledged and some with an
outcome. Made-up reports ("(Example)") sent through the same services as real ones. Demo only:
`flask demo` refuses production.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from reporting.auth.demo import DEMO_PASSWORD
from reporting.auth.models import User
from reporting.auth.services import sign_in_with_password
from reporting.cases import services as case_services
from reporting.db import utcnow
from reporting.evidence import services as evidence_services
from reporting.evidence.uploads import SealingUpload
from reporting.extensions import db
from reporting.keys.keyring import Keyring
from reporting.keys.models import KeyPurpose
from reporting.keys.services import is_holder
from reporting.referrals import services
from reporting.referrals.models import Outcome
from reporting.reports import services as report_services
from reporting.reports.demo import send_answers
from reporting.reports.models import Report
from reporting.settings import Settings

DEMO_INBOX_PREFIX = "demo-inbox-"
REFERRALS = 56  # with the demo's other referral, more than a page of fifty
REVIEWER = "reviewer@example.org"
POLICE = "police@example.org"
# One sent every day and a half or so, newest first, back about three months.
EVERY = timedelta(hours=33)

_WHAT: list[dict[str, Any]] = [
    {"incident_types": ["verbal_abuse"], "motivations": ["race"], "area": "shrewsbury",
     "description": "(Example) Shouted at in the queue at the bus station."},
    {"incident_types": ["graffiti", "damage"], "motivations": ["religion"], "area": "oswestry",
     "description": "(Example) Words painted on the wall of a place of worship."},
    {"incident_types": ["harassment", "threats"], "motivations": ["transgender"], "area": "ludlow",
     "description": "(Example) Followed home from work and threatened, twice this week."},
    {"incident_types": ["physical_assault"], "motivations": ["disability"], "area": "shrewsbury",
     "description": "(Example) Pushed over outside a shop while being called names."},
    {"incident_types": ["verbal_abuse", "threats"], "motivations": ["race", "religion"], "area": "ludlow",
     "description": "(Example) A neighbour shouts threats over the fence most evenings."},
]
_OUTCOMES = (Outcome.CRIME_RECORDED, Outcome.NON_CRIME_HATE_INCIDENT, Outcome.INVESTIGATION_ONGOING,
             Outcome.NO_FURTHER_ACTION, Outcome.CHARGED_OR_SUMMONSED)


def _answers(number: int, received: datetime) -> dict[str, Any]:
    what = _WHAT[number % len(_WHAT)]
    return {
        "reporter_type": "victim" if number % 3 else "witness", **what,
        "incident_date": {"day": None, "month": received.month, "year": received.year},
        # Ofcom's numbers for drama (07700 900000 to 900999): no one's.
        **({"police_consent": "with_details", "contact_ok": "yes", "phone": f"07700 900{number:03d}",
            "leave_message": "no"} if number % 2 else {"police_consent": "without_details", "contact_ok": "no"}),
    }


def _user(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        raise LookupError(f"load the demo staff first ({email})")
    return user


def load_demo_inbox(settings: Settings) -> int:
    """Send the demo referrals once (nothing when they exist). Returns how many were sent now.

    By age, newest first: a few new (nobody has opened them), a few opened and waiting, then
    mostly answered (an outcome, or acknowledged), with a late one not opened now and then:
    the ones the inbox must not bury."""
    digest = report_services.submission_digest(f"{DEMO_INBOX_PREFIX}0")
    if db.session.scalar(select(func.count(Report.id)).where(Report.submission_key == digest)):
        return 0
    reviewer, police = _user(REVIEWER), _user(POLICE)
    if not (is_holder(reviewer, KeyPurpose.GROUP) and is_holder(police, KeyPurpose.POLICE)):
        return 0  # keys made by hand before the demo: its staff hold none, so nothing is referred
    personal: bytes | None = None
    now = utcnow()
    for number in range(REFERRALS):
        sent = now - number * EVERY
        # Referred four days after it came in: the Group's sample cases stay first in its queue.
        received = sent - timedelta(days=4)
        answers = _answers(number, received)
        report, _receipt = send_answers(answers, now=received, receipt_kdf=settings.receipt_kdf,
                                        retention_years=settings.retention_years,
                                        draft_id=f"{DEMO_INBOX_PREFIX}{number}")
        # What a reviewer ticks at first: the incident, and any contact details the reporter gave.
        fields = [name for name in (*services.INCIDENT, *services.CONTACT) if answers.get(name)]
        files: dict[str, Any] = {}
        if number == 1:  # one waiting referral shares a file from the reporter
            files = _with_file(report, reviewer, settings)
        referral = services.start_referral(report, actor=reviewer, answers=answers, fields=fields, now=sent, **files)
        if number < 3 or number % 11 == 7:
            continue  # new, or late and never opened
        answered = sent + timedelta(hours=6)
        if number < 6 or number % 13 == 4:
            if personal is None:  # opening is decrypting: the police liaison's own key
                _user_again, personal = sign_in_with_password(POLICE, DEMO_PASSWORD, client="demo", settings=settings)
            services.open_package(referral, actor=police, personal_private=personal, now=answered)
        elif number % 4 == 1:
            services.acknowledge(referral, actor=police, now=answered)
        else:
            services.record_outcome(referral, actor=police, crime_reference=f"22/{number:05d}/26" if number % 3 else "",
                                    outcome=_OUTCOMES[number % len(_OUTCOMES)], now=answered + timedelta(days=2))
    db.session.flush()
    return REFERRALS


def _with_file(report: Report, reviewer: User, settings: Settings) -> dict[str, Any]:
    """A file added to ``report`` and what sharing it needs (its id, the report's key, opened through
    the reviewer's hold of the group key); nothing when the demo reviewer holds no key."""
    if not is_holder(reviewer, KeyPurpose.GROUP):
        return {}
    upload = SealingUpload()
    upload.write(b"(Example) A photo of the words, described: the same words as painted.")
    upload.seek(0)
    evidence = evidence_services.add_evidence(report, upload, "(Example) what was painted.txt")
    _user_again, personal = sign_in_with_password(reviewer.email, DEMO_PASSWORD, client="demo", settings=settings)
    return {"evidence_ids": [evidence.id],
            "report_private": case_services.report_private_key(report, Keyring(reviewer, personal))}
