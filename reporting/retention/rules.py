"""Retention rules: how long identifiable content is kept, per outcome.

Each rule is one configuration setting (``REPORTING_RETENTION_<RULE>_DAYS``), counted
from the event the rule names. Only clear fields are read (status, closure reason, the
timeline's status changes, the police outcome's date, ``retain_until``), so working out
what is due never decrypts. The README and docs/data-protection.md (section 4)
give the defaults and the reason for each; a test checks every rule appears there.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from reporting.codes import RetentionRule

# The rules' codes, with their words, are defined in reporting.codes.
Rule = RetentionRule

# Setting name and default for each rule counted in days.
SETTINGS: dict[Rule, tuple[str, int]] = {
    Rule.SPAM: ("RETENTION_SPAM_DAYS", 30),
    Rule.CLOSED: ("RETENTION_CLOSED_DAYS", 3 * 365),
    Rule.REFERRED: ("RETENTION_REFERRED_DAYS", 3 * 365),
}
# How long before destruction a case is listed for review at /review/retention.
REVIEW_SETTING = ("RETENTION_REVIEW_DAYS", 30)


@dataclass(frozen=True)
class RetentionSettings:
    spam_days: int
    closed_days: int
    referred_days: int
    review_days: int

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> RetentionSettings:
        def days(setting: tuple[str, int]) -> int:
            value = int(config.get(setting[0], setting[1]))
            if value < 0:
                raise ValueError(f"{setting[0]} must be 0 or more")
            return value

        return cls(
            spam_days=days(SETTINGS[Rule.SPAM]),
            closed_days=days(SETTINGS[Rule.CLOSED]),
            referred_days=days(SETTINGS[Rule.REFERRED]),
            review_days=days(REVIEW_SETTING),
        )


@dataclass(frozen=True)
class CaseFacts:
    """The clear facts a rule reads about one report."""

    status: str
    closure_reason: str | None
    closed_at: datetime | None  # the latest move to "closed" on the timeline
    referred: bool  # a referral was sent
    outcome_at: datetime | None  # the latest police outcome, if every sent referral has one
    retain_until: date


@dataclass(frozen=True)
class Due:
    rule: Rule
    on: date


def due(facts: CaseFacts, settings: RetentionSettings) -> Due:
    """When the report's content is to be destroyed, and under which rule: the earliest that applies."""
    candidates = [Due(Rule.LONGSTOP, facts.retain_until)]
    if facts.status == "closed" and facts.closed_at is not None:
        closed = facts.closed_at.date()
        if facts.closure_reason == "spam_or_misuse":
            candidates.append(Due(Rule.SPAM, closed + timedelta(days=settings.spam_days)))
        elif not facts.referred:
            candidates.append(Due(Rule.CLOSED, closed + timedelta(days=settings.closed_days)))
        elif facts.outcome_at is not None:
            after_outcome = facts.outcome_at.date() + timedelta(days=settings.referred_days)
            candidates.append(Due(Rule.REFERRED, after_outcome))
    return min(candidates, key=lambda d: d.on)
