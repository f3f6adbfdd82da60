"""Demo staff: one account for each role, key holders granted, TOTP pre-enrolled.

For the demo only: the passwords are printed and the TOTP secrets shown so a
newcomer can walk every side of the service in a minute. Never in production.
"""
from __future__ import annotations

from sqlalchemy import select

from reporting.admin import accounts
from reporting.auth import services
from reporting.auth.demo import DEMO_PASSWORD, DemoSignIn
from reporting.auth.models import Role, User
from reporting.centres.models import Centre
from reporting.extensions import db
from reporting.keys import services as key_services
from reporting.settings import Settings

DEMO_CENTRE = "example-library"  # from reporting/centres/demo_centres.csv
ACCOUNTS = [
    ("admin@example.org", Role.ADMIN),
    ("reviewer@example.org", Role.REVIEWER),
    ("reviewer2@example.org", Role.REVIEWER),
    ("centre@example.org", Role.CENTRE_STAFF),
    ("police@example.org", Role.POLICE),
    ("analyst@example.org", Role.ANALYST),
]


def _demo_centre() -> Centre:
    centre = db.session.scalar(select(Centre).where(Centre.slug == DEMO_CENTRE))
    if centre is None:
        raise LookupError("load the demo centres first")
    return centre


def load_demo_staff(recovery_text: str | None, settings: Settings) -> list[DemoSignIn]:
    """Create the demo accounts that are missing; grant keys when the recovery key is known."""
    sign_ins = []
    for email, role in ACCOUNTS:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = accounts.create_user(
                email=email,
                role=role,
                password=DEMO_PASSWORD,
                actor="demo",
                centre=_demo_centre() if role == Role.CENTRE_STAFF else None,
                settings=settings,
            )
            user.must_change_password = False
            secret = services.totp_secret(user, settings)  # pre-enrolled so the printed secret works at once
            user.totp_confirmed = True
            if recovery_text and key_services.purpose_for_role(role.value):
                key_services.grant_with_recovery(user, recovery_text, actor="demo")
        else:
            secret = services.totp_secret(user, settings)
        purpose = key_services.purpose_for_role(role.value)
        sign_ins.append(
            DemoSignIn(email, role.value, DEMO_PASSWORD, secret, bool(purpose and key_services.is_holder(user, purpose)))
        )
    db.session.flush()
    return sign_ins
