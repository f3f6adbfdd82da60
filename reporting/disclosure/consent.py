"""What the reporter's police consent lets reach the police: the one definition.

The referral service (what a referral may carry without an override) and the police
quarterly extract (which reports may be a line of their own) both ask here. A report whose
consent is "no" never reaches the police as a line of the extract, whatever happened to it
since; the force is told only how many such reports there were, as suppressed counts.
"""
from __future__ import annotations

from typing import Literal

from reporting.codes import PoliceConsent

PoliceShare = Literal["full", "intelligence"]

_SHARE: dict[str, PoliceShare] = {
    PoliceConsent.WITH_DETAILS.value: "full",
    PoliceConsent.WITHOUT_DETAILS.value: "intelligence",
}
REFUSED = PoliceConsent.NO.value

# The consents whose reports may be listed, one line each, in the police quarterly extract.
POLICE_LINE_CONSENTS: tuple[str, ...] = tuple(_SHARE)


def police_share(consent: str | None) -> PoliceShare | None:
    """What the reporter agreed the police may have: their details too ("full"), the report
    without them ("intelligence"), or nothing (None: consent "no", or anything unknown)."""
    return _SHARE.get(consent or "")


def may_list_for_police(consent: str | None) -> bool:
    """May this report be a line of its own in what goes to the police?"""
    return police_share(consent) is not None
