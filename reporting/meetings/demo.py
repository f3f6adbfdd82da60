"""Demo partner agencies (clearly examples) and one person at one of them. Demo only."""
from __future__ import annotations

from sqlalchemy import select

from reporting.auth import services as auth_services
from reporting.auth.demo import DEMO_PASSWORD, DemoSignIn
from reporting.auth.models import Role, User
from reporting.extensions import db
from reporting.keys import services as key_services
from reporting.keys.models import KeyName, KeyPurpose
from reporting.meetings import services
from reporting.meetings.models import Agency, AgencyKind
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
