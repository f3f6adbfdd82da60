"""Demo partner agencies (clearly examples), one person at one of them, and a meeting's history
(attendance, apologies, an overdue action carried forward). Demo only."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from reporting.auth import services as auth_services
from reporting.auth.demo import DEMO_PASSWORD, DemoSignIn
from reporting.auth.models import Role, User
from reporting.extensions import db
from reporting.keys import services as key_services
from reporting.keys.models import KeyName, KeyPurpose
from reporting.keys.keyring import Keyring
from reporting.meetings import queries, services
from reporting.meetings.models import Agency, AgencyKind, Attendance, Meeting
from reporting.settings import Settings

AGENCIES = [
    ("Example Housing Association (demo)", AgencyKind.HOUSING, "housing@example.org"),
    ("Example Council Community Safety Team (demo)", AgencyKind.COMMUNITY_SAFETY, "community-safety@example.org"),
    ("Example Secondary School (demo)", AgencyKind.SCHOOL, "school@example.org"),
    ("Example Victim Support (demo)", AgencyKind.VICTIM_SUPPORT, "victim-support@example.org"),
]
AGENCY_ACCOUNT = "agency@example.org"


def load_demo_agencies(recovery_text: str | None, settings: Settings) -> list[DemoSignIn]:
    """The example agencies and a demo person at the first, granted that agency's own key when
    the recovery key is known (the first grant of that key, so no second holder is needed)."""
    for name, kind, email in AGENCIES:
        if db.session.scalar(select(Agency.id).where(Agency.name == name)) is None:
            services.save_agency(services.AgencyData(name, kind, email), actor="demo")
    housing = db.session.scalar(select(Agency).where(Agency.name == AGENCIES[0][0]))
    assert housing is not None
    user = db.session.scalar(select(User).where(User.email == AGENCY_ACCOUNT))
    if user is None:
        user = services.add_agency_user(housing, email=AGENCY_ACCOUNT, password=DEMO_PASSWORD, actor="demo",
                                       settings=settings)
        user.must_change_password = False
        secret = auth_services.totp_secret(user, settings)
        user.totp_confirmed = True
        if recovery_text:
            key_services.grant_with_recovery(user, recovery_text, actor="demo")
    else:
        secret = auth_services.totp_secret(user, settings)
    db.session.flush()
    return [DemoSignIn(AGENCY_ACCOUNT, Role.AGENCY.value, DEMO_PASSWORD, secret,
                       key_services.is_holder(user, KeyName(KeyPurpose.AGENCY, housing.id)))]


def load_demo_meeting_history(meeting: Meeting, reviewer: User, keyring: Keyring | None, *, override: str) -> None:
    """Issue 31, for the demo: an earlier meeting of the Group on the first case of ``meeting``,
    with attendance and apologies, a decision, and an action for the first agency now long
    overdue (with the decision written for that agency), carried forward onto ``meeting``'s
    agenda; and who attends ``meeting`` and who sent apologies. Demo only."""
    invited = queries.invited(meeting)
    items = queries.items(meeting)
    if not invited or not items or keyring is None:
        return
    first_report = items[0][1]
    earlier_day = meeting.held_on - timedelta(days=49)
    earlier = services.create_meeting(actor=reviewer, held_on=earlier_day, place="(Example) Council offices, room 1",
                                      agency_ids=[agency.id for _row, agency in invited], report_ids=[first_report.id])
    item = queries.items(earlier)[0][0]
    services.write_summary(item, "(Example) Abuse at the bus station, first reported.", actor=reviewer)
    services.record_decision(item, "(Example) Housing to look at the lighting; review at the next meeting.",
                             actor=reviewer)
    agencies = [agency for _row, agency in invited]
    people = {user.id: Attendance.ATTENDED for user in queries.people_who_may_attend(earlier)
              if user.agency_id is None}
    people |= {user.id: Attendance.APOLOGIES for user in queries.people_who_may_attend(earlier)
               if user.agency_id is not None}
    services.set_attendance(earlier, [agencies[0].id], apologies_ids=[a.id for a in agencies[1:2]], actor=reviewer,
                            people=people)
    services.share_pack(earlier, actor=reviewer, keyring=keyring, override_reason=override)
    services.open_action(first_report, agencies[0], "(Example) Ask the landlord about lighting by the bus station.",
                         earlier_day + timedelta(days=14), actor=reviewer, keyring=keyring, meeting=earlier,
                         override_reason=override, today=earlier_day,
                         decision="(Example) The Group asked your agency to look at the lighting.")
    # This meeting: the first agency and everyone at it there, the second agency's apologies.
    services.set_attendance(meeting, [agencies[0].id], apologies_ids=[a.id for a in agencies[1:2]], actor=reviewer,
                            people={user.id: Attendance.ATTENDED for user in queries.people_who_may_attend(meeting)})
    db.session.flush()
