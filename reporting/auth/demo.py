"""What every demo account shares: the published password and the printed sign-in.

For the demo only (the accounts: :mod:`reporting.admin.demo_staff` and the meetings'
agency demo). Never in production.
"""
from __future__ import annotations

from dataclasses import dataclass

import pyotp

DEMO_PASSWORD = "demo kettle orbit lantern"  # nosec B105 - the demo's published sign-in; `flask demo` refuses production


@dataclass(frozen=True)
class DemoSignIn:
    email: str
    role: str
    password: str
    totp_secret: str
    holder: bool

    def otpauth_uri(self, issuer: str) -> str:
        """The secret as an authenticator app's link (otpauth://totp/...), for the demo's printout."""
        return pyotp.TOTP(self.totp_secret).provisioning_uri(name=self.email, issuer_name=issuer)


def current_code(secret: str) -> str:
    return pyotp.TOTP(secret).now()
