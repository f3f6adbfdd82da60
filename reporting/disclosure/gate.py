"""What left the Group, for whom and under which rule: each disclosure in the audit log.

Every feature that lets something leave (a referral package to the police, the police
extract, a partner agency's page, an action or a summary given to an agency, a meeting
pack, open data, an exact export, a subject access export) calls ``record_disclosure``
once it has asked the gate's checks. The entry holds codes only (never report content,
never what the identifying check matched, only its kinds); each code carries its words
here, and the audit page shows those words (``reporting/labels.py`` asks
``AUDIT_ACTIONS``, ``DETAIL_KEYS`` and ``detail_words``).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from reporting import audit
from reporting.disclosure.identifying import Match, MatchKind, find_identifying
from reporting.exceptions import DomainError
from reporting.words import lazy_gettext as _l

ACTION_PREFIX = "disclosure."


class Disclosed(StrEnum):
    """What kind of thing left the Group."""

    POLICE_REFERRAL = "police_referral"
    POLICE_EXTRACT = "police_extract"
    AGENCY_PAGE = "agency_page"
    AGENCY_ACTION = "agency_action"
    AGENCY_SUMMARY = "agency_summary"
    AGENCY_DECISION = "agency_decision"
    MEETING_PACK = "meeting_pack"
    OPEN_DATA = "open_data"
    EXACT_EXPORT = "exact_export"
    SUBJECT_ACCESS_EXPORT = "subject_access_export"

    @property
    def label(self) -> Any:
        return _DISCLOSED[self]

    @property
    def action(self) -> str:
        """The audit log's action for this kind of disclosure."""
        return ACTION_PREFIX + self.value


_DISCLOSED = {
    Disclosed.POLICE_REFERRAL: _l("a referral package to the police"),
    Disclosed.POLICE_EXTRACT: _l("the police extract"),
    Disclosed.AGENCY_PAGE: _l("a partner agency's page"),
    Disclosed.AGENCY_ACTION: _l("an action for a partner agency"),
    Disclosed.AGENCY_SUMMARY: _l("a case summary for partner agencies"),
    Disclosed.AGENCY_DECISION: _l("a decision shared with partner agencies"),
    Disclosed.MEETING_PACK: _l("a meeting pack"),
    Disclosed.OPEN_DATA: _l("open data"),
    Disclosed.EXACT_EXPORT: _l("an export of exact figures"),
    Disclosed.SUBJECT_ACCESS_EXPORT: _l("everything held about a report (subject access)"),
}

# The audit page's words for each action (merged into reporting.labels.AUDIT_ACTION).
AUDIT_ACTIONS: dict[str, Any] = {
    Disclosed.POLICE_REFERRAL.action: _l("Disclosed a referral package to the police"),
    Disclosed.POLICE_EXTRACT.action: _l("Disclosed the police extract"),
    Disclosed.AGENCY_PAGE.action: _l("Disclosed a partner agency's page"),
    Disclosed.AGENCY_ACTION.action: _l("Disclosed an action to a partner agency"),
    Disclosed.AGENCY_SUMMARY.action: _l("Disclosed a case summary to partner agencies"),
    Disclosed.AGENCY_DECISION.action: _l("Disclosed a decision to partner agencies"),
    Disclosed.MEETING_PACK.action: _l("Disclosed a meeting pack"),
    Disclosed.OPEN_DATA.action: _l("Published open data"),
    Disclosed.EXACT_EXPORT.action: _l("Disclosed exact figures"),
    Disclosed.SUBJECT_ACCESS_EXPORT.action: _l("Disclosed everything held about a report"),
}


class RecipientKind(StrEnum):
    """Who received it."""

    POLICE = "police"
    AGENCY = "agency"
    PUBLIC = "public"
    ANALYST = "analyst"
    DATA_SUBJECT = "data_subject"
    GROUP = "group"

    @property
    def label(self) -> Any:
        return _RECIPIENT[self]


_RECIPIENT = {
    RecipientKind.POLICE: _l("the police"),
    RecipientKind.AGENCY: _l("a partner agency"),
    RecipientKind.PUBLIC: _l("the public"),
    RecipientKind.ANALYST: _l("an analyst"),
    RecipientKind.DATA_SUBJECT: _l("the person the report is about"),
    RecipientKind.GROUP: _l("the Group"),
}


@dataclass(frozen=True)
class Recipient:
    """A recipient: its kind, and for an agency its name and id."""

    kind: RecipientKind
    name: str = ""
    ident: int | None = None

    @classmethod
    def agency(cls, name: str, ident: int) -> Recipient:
        return cls(RecipientKind.AGENCY, name, ident)

    @classmethod
    def police(cls) -> Recipient:
        return cls(RecipientKind.POLICE)

    @classmethod
    def public(cls) -> Recipient:
        return cls(RecipientKind.PUBLIC)

    @classmethod
    def analyst(cls) -> Recipient:
        return cls(RecipientKind.ANALYST)

    @classmethod
    def data_subject(cls) -> Recipient:
        return cls(RecipientKind.DATA_SUBJECT)

    def words(self) -> str:
        """"a partner agency: Example housing association", "the police"."""
        return f"{self.kind.label}: {self.name}" if self.name else str(self.kind.label)


class Rule(StrEnum):
    """Under which rule it left."""

    CONSENT_WITH_DETAILS = "consent_with_details"
    CONSENT_INTELLIGENCE_ONLY = "consent_intelligence_only"
    SAFEGUARDING = "safeguarding"
    CONSENT_COUNTS_ONLY = "consent_counts_only"
    IDENTIFYING_CHECK_PASSED = "identifying_check_passed"
    IDENTIFYING_CHECK_OVERRIDDEN = "identifying_check_overridden"
    SUPPRESSION_APPLIED = "suppression_applied"
    FIXED_PERIODS = "fixed_periods"
    MARKED = "marked"
    INVITED_AGENCY = "invited_agency"
    OWN_AGENCY = "own_agency"
    SUBJECT_ACCESS = "subject_access"

    @property
    def label(self) -> Any:
        return _RULE[self]


_RULE = {
    Rule.CONSENT_WITH_DETAILS: _l("the person agreed to the police having their details"),
    Rule.CONSENT_INTELLIGENCE_ONLY: _l("the person agreed to the police having it without their details"),
    Rule.SAFEGUARDING: _l("a safeguarding override approved by a second key holder"),
    Rule.CONSENT_COUNTS_ONLY: _l("reports not agreed for the police given only as counts"),
    Rule.IDENTIFYING_CHECK_PASSED: _l("the check for identifying details found none"),
    Rule.IDENTIFYING_CHECK_OVERRIDDEN: _l("the check found identifying details and a key holder shared anyway"),
    Rule.SUPPRESSION_APPLIED: _l("counts below the threshold suppressed"),
    Rule.FIXED_PERIODS: _l("fixed periods and breakdowns only"),
    Rule.MARKED: _l("marked OFFICIAL-SENSITIVE: not for publication"),
    Rule.INVITED_AGENCY: _l("the agency was invited to the meeting"),
    Rule.OWN_AGENCY: _l("only the agency's own actions"),
    Rule.SUBJECT_ACCESS: _l("the person's right of access (UK GDPR article 15)"),
}

# Detail keys of a disclosure entry, with the audit page's words for each.
DETAIL_KEYS: dict[str, Any] = {
    "disclosed": _l("What left"),
    "recipient": _l("For whom"),
    "rules": _l("Under which rule"),
    "matched": _l("The check found"),
    "override_reason": _l("Reason for sharing anyway"),
}


def _codes(values: Iterable[Any]) -> str:
    return ",".join(str(getattr(v, "value", v)) for v in values)


def record_disclosure(
    what: Disclosed,
    *,
    to: Recipient,
    rules: Rule | Iterable[Rule],
    target: str,
    actor: Any = None,
    matched: Iterable[Any] = (),
    override_reason: str = "",
    **detail: Any,
) -> None:
    """Append the disclosure to the audit log, in the caller's transaction.

    ``target`` is the audit target ("report:12", "meeting:3"); ``matched`` the kinds the
    identifying check found (codes, never the matched text); ``override_reason`` the key
    holder's words when the check was overridden (required then). ``detail`` holds ids
    and counts only, as for every audit entry.
    """
    rules = [rules] if isinstance(rules, Rule) else list(rules)
    if not rules:
        raise ValueError("a disclosure is recorded with the rule it left under")
    if Rule.IDENTIFYING_CHECK_OVERRIDDEN in rules and not override_reason.strip():
        raise ValueError("an overridden identifying check needs the reason")
    entry: dict[str, Any] = {"disclosed": what.value, "recipient": to.kind.value, "rules": _codes(rules)}
    if to.name:
        entry["recipient_name"] = to.name
    if to.ident is not None:
        entry["recipient_id"] = to.ident
    kinds = _codes(dict.fromkeys(matched))
    if kinds:
        entry["matched"] = kinds
    if override_reason.strip():
        entry["override_reason"] = override_reason.strip()
    audit.record(what.action, target, actor=actor, **entry, **detail)


def _words_of(enum: type[StrEnum], codes: str) -> str:
    words = []
    for code in codes.split(","):
        try:
            words.append(str(enum(code).label))  # type: ignore[attr-defined]
        except ValueError:
            words.append(code)
    return "; ".join(words)


def detail_words(key: str, value: str, row: Mapping[str, str] | None = None) -> str:
    """A disclosure entry's coded detail value in words, for the audit page."""
    if key == "disclosed":
        return _words_of(Disclosed, value)
    if key == "recipient":
        name = (row or {}).get("recipient_name", "")
        words = _words_of(RecipientKind, value)
        return f"{words}: {name}" if name else words
    if key == "rules":
        return _words_of(Rule, value)
    if key == "matched":
        return _words_of(MatchKind, value)
    return value


# The gate for words that reach a partner agency ----------------------------------------------

class IdentifyingTextError(DomainError):
    """The identifying check found details in words meant for an agency; ``matches`` says
    what, as typed, so the sharer can change them or give a reason to share anyway."""

    def __init__(self, matches: list[Match]) -> None:
        super().__init__(", ".join(match.kind.value for match in matches))
        self.matches = matches


def check_agency_text(
    text: str, terms: Mapping[str, MatchKind] | None = None, *, override_reason: str = "",
) -> list[Match]:
    """Every text that reaches a partner agency passes here before it is shared.

    ``terms`` are the names and places of the report the text is about (from
    ``identifying.report_terms``, read by the key holder sharing). A match stops the share
    (``IdentifyingTextError``) unless the sharer gave a reason to share anyway; the
    matches are returned so the caller records them with the disclosure.
    """
    matches = find_identifying(text, terms)
    if matches and not override_reason.strip():
        raise IdentifyingTextError(matches)
    return matches


def check_rule(matches: Iterable[Match]) -> Rule:
    """The rule a checked text left under: passed, or overridden with a reason."""
    return Rule.IDENTIFYING_CHECK_OVERRIDDEN if list(matches) else Rule.IDENTIFYING_CHECK_PASSED
