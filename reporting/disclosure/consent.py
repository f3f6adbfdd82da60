"""What the reporter's police consent lets reach the police: the one definition.

The referral service (what a referral may carry without an override) and the police
quarterly extract (which reports may be a line of their own) both ask here. A report whose
consent is "no" never reaches the police as a line of the extract, whatever happened to it
since; the force is told only how many such reports there were, as suppressed counts.
"""
from __future__ import annotations

from typing import Literal

PoliceShare = Literal["full", "intelligence"]

# The codes of reporting.reports.models.PoliceConsent, written out: the domain core reaches this
# package through reporting/labels.py, so importing it here would close a loop
# (tests/disclosure/test_consent.py holds the two lists equal).
_SHARE: dict[str, PoliceShare] = {
    "with_details": "full",
    "without_details": "intelligence",
}
REFUSED = "no"

# The consents whose reports may be listed, one line each, in the police quarterly extract.
POLICE_LINE_CONSENTS: tuple[str, ...] = tuple(_SHARE)


def police_share(consent: str | None) -> PoliceShare | None:
    """What the reporter agreed the police may have: their details too ("full"), the report
    without them ("intelligence"), or nothing (None: consent "no", or anything unknown)."""
    return _SHARE.get(consent or "")


def may_list_for_police(consent: str | None) -> bool:
    """May this report be a line of its own in what goes to the police?"""
    return police_share(consent) is not None
