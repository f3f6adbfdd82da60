"""Every code of the service, with its words: the bottom of the package tree.

Each enumeration a person can meet (statuses, police choices, referral kinds and states,
outcomes, timeline entries, roles, keys, the two-person rule's acts and routes, retention
rules) is a ``LabelledEnum``: its members are ``str`` (so database columns, check
constraints and comparisons keep working) and each carries ``.label``, its Flask-Babel
lazy words (like Indico's ``RichEnum`` titles). ``reporting.labels`` looks words up by
a kind's name through ``KINDS``; models, forms and services import the enums from here.

This module imports only the standard library and ``reporting.words`` (Flask-Babel's words,
which imports nothing of the service): every package may import it.
"""
from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any, Self

from reporting.words import LazyString
from reporting.words import lazy_gettext as _l


class LabelledEnum(enum.StrEnum):
    """A code whose members carry their words: ``Status.NEW.label`` is "New"."""

    _value_: str
    label: LazyString

    def __new__(cls, value: str, label: LazyString | None = None) -> Self:
        # Called once per member as the class is made (``Status("new")`` looks a member up and
        # never comes here); ``label`` is optional only so that type checkers accept that look-up.
        if label is None:
            raise TypeError(f"{cls.__name__}.{value}: every code carries its words")
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def words(cls) -> dict[str, LazyString]:
        """``{code: lazy words}`` in the enum's order."""
        return {member.value: member.label for member in cls}

    @classmethod
    def choices(cls) -> list[tuple[str, LazyString]]:
        """(code, words) pairs, for a form's choices."""
        return list(cls.words().items())


# Reports ------------------------------------------------------------------------------

class Channel(LabelledEnum):
    # "Online" alone read like the place (the area "Online"): the channel is the form.
    ONLINE = "online", _l("Online form")
    CENTRE_LINK = "centre_link", _l("Online form, from a centre's poster")  # started from a centre's poster or card
    CENTRE = "centre", _l("Reporting centre")  # entered by centre staff with the person
    PHONE = "phone", _l("Phone")  # entered by a reviewer during a call


class ReporterType(LabelledEnum):
    VICTIM = "victim", _l("The person it happened to")
    WITNESS = "witness", _l("A witness")
    ON_BEHALF = "on_behalf", _l("Someone reporting for the person it happened to")


class PoliceConsent(LabelledEnum):
    WITH_DETAILS = "with_details", _l("Pass to the police with their contact details")
    WITHOUT_DETAILS = "without_details", _l("Pass to the police without their details (intelligence only)")
    NO = "no", _l("Do not pass to the police")


class Status(LabelledEnum):
    NEW = "new", _l("New")
    IN_TRIAGE = "in_triage", _l("In triage")
    AWAITING_INFORMATION = "awaiting_information", _l("Awaiting information")
    UNDER_REVIEW = "under_review", _l("Under review")
    REFERRED = "referred", _l("Referred")
    RESOLVED = "resolved", _l("Resolved")
    CLOSED = "closed", _l("Closed")


class ClosureReason(LabelledEnum):
    RESOLVED = "resolved", _l("Resolved")
    DUPLICATE = "duplicate", _l("Duplicate of another case")
    NOT_HATE_INCIDENT = "not_hate_incident", _l("Not a hate incident")
    SPAM = "spam_or_misuse", _l("Spam or misuse")
    NO_FURTHER_ACTION = "no_further_action", _l("No further action possible")


NOT_CLOSED = _l("Not closed")


class StrategyGroup(LabelledEnum):
    """The groups the Partnership's strategy names as least likely to report hate crime."""

    GYPSY_ROMA_TRAVELLER = "gypsy_roma_traveller", _l("Gypsy, Roma and Traveller")
    MIGRANT = "migrant", _l("Migrant, asylum seeker or refugee")  # a migrant, asylum seeker or refugee
    TRANSGENDER = "transgender", _l("Transgender")
    DISABILITY = "disability", _l("Disability")


class HappenedBefore(LabelledEnum):
    """The reporter's answer to "Has this happened to you before?", kept in clear as a coded band
    (reports.happened_before; NULL when not answered or "prefer not to say")."""

    NO = "no", _l("No, the first time")
    ONCE = "once", _l("Once before")
    SEVERAL = "several", _l("Several times before")
    ONGOING = "ongoing", _l("It is ongoing")


class PlaceKind(LabelledEnum):
    """The kind of place it happened, kept in clear (reports.place_kind): with the area, what
    makes a repeat location. Never the place itself, which stays sealed."""

    HOME = "home", _l("At or near a home")
    STREET = "street", _l("In the street or another public place")
    TRANSPORT = "transport", _l("On public transport, or at a station or stop")
    EDUCATION = "education", _l("At a school, college or university")
    WORK = "work", _l("At work")
    BUSINESS = "business", _l("In a shop, pub, restaurant or other business")
    SOMEWHERE_ELSE = "somewhere_else", _l("Somewhere else")


class Priority(LabelledEnum):
    LOW = "low", _l("Low")
    NORMAL = "normal", _l("Normal")
    HIGH = "high", _l("High")
    URGENT = "urgent", _l("Urgent")


# Whether the reporter asked for support (a yes/no column, not an enum).
SUPPORT = {True: _l("Wanted support"), False: _l("Did not ask for support")}

# The language a reporter used on the public journey (sealed in the report's meta).
REPORT_LANGUAGE = {
    "en": _l("English"), "en-x-easy": _l("Easy Read English"), "pl": _l("Polish"), "ro": _l("Romanian"),
    "lt": _l("Lithuanian"), "uk": _l("Ukrainian"), "ar": _l("Arabic"),
}


# Cases --------------------------------------------------------------------------------

class EventKind(LabelledEnum):
    STATUS = "status", _l("Status changed")
    NOTE = "note", _l("Note")
    ASSIGNMENT = "assignment", _l("Assigned")
    PRIORITY = "priority", _l("Priority changed")
    FLAGS = "flags", _l("Risk flags changed")
    LINK = "link", _l("Linked")
    UNLINK = "unlink", _l("Link removed")
    REFERRAL = "referral", _l("Police referral")
    MEETING = "meeting", _l("Group meeting")  # heard at a meeting, decisions, actions
    HOLD = "hold", _l("Legal hold")  # a legal hold placed or lifted (summary "placed" / "lifted")
    RETENTION = "retention", _l("Content destroyed")  # content destroyed (summary "destroyed:<rule>")
    SUPPORT = "support", _l("Support")  # support offered, accepted, completed (reporting/support)


class LinkKind(LabelledEnum):
    RELATED = "related", _l("related case")
    DUPLICATE = "duplicate", _l("duplicate case")


class RiskFlag(LabelledEnum):
    REPEAT_VICTIM = "repeat_victim", _l("Repeat victim")
    VULNERABLE_PERSON = "vulnerable_person", _l("Vulnerable person")
    CHILD_INVOLVED = "child_involved", _l("Child involved")
    ONGOING_THREAT = "ongoing_threat", _l("Ongoing threat")


# Referrals ----------------------------------------------------------------------------

class ReferralState(LabelledEnum):
    # a safeguarding override waits for a second reviewer
    AWAITING_APPROVAL = "awaiting_approval", _l("Waiting for a second reviewer")
    SENT = "sent", _l("New")
    ACKNOWLEDGED = "acknowledged", _l("Acknowledged")
    CRIME_RECORDED = "crime_recorded", _l("Crime recorded")
    CLOSED = "closed", _l("Closed")


class InboxFilter(LabelledEnum):
    """The police inbox's filters (reporting/referrals/queries.py says what each holds)."""

    NEW = "new", _l("New, not opened yet")
    NOT_ACKNOWLEDGED = "not_acknowledged", _l("Not yet acknowledged")
    LATE = "late", _l("Late")
    ACKNOWLEDGED = "acknowledged", _l("Acknowledged")
    OUTCOME = "outcome", _l("Outcome given")
    ALL = "all", _l("All referrals")


class ReferralKind(LabelledEnum):
    FULL = "full", _l("Full referral, with the reporter's details")
    INTELLIGENCE = "intelligence", _l("Intelligence only, without identifying details")


class OverrideReason(LabelledEnum):
    RISK_TO_LIFE = "risk_to_life", _l("Risk to life")
    CHILD_AT_RISK = "child_at_risk", _l("A child is at risk")
    SERIOUS_CRIME = "serious_crime", _l("Serious crime")
    REPEAT_OFFENDER = "repeat_offender", _l("Repeat offender")


class Outcome(LabelledEnum):
    CRIME_RECORDED = "crime_recorded", _l("Crime recorded")
    NON_CRIME_HATE_INCIDENT = "non_crime_hate_incident", _l("Non-crime hate incident recorded")
    INVESTIGATION_ONGOING = "investigation_ongoing", _l("Investigation ongoing")
    CHARGED_OR_SUMMONSED = "charged_or_summonsed", _l("Charged or summonsed")
    OUT_OF_COURT_DISPOSAL = "out_of_court_disposal", _l("Out of court disposal")
    NO_FURTHER_ACTION = "no_further_action", _l("No further action")
    OTHER = "other", _l("Other")


class MessageDirection(LabelledEnum):
    """Which way a message about a referral went."""

    TO_GROUP = "to_group", _l("Question from the police")
    TO_POLICE = "to_police", _l("Answer from the Group to the police")


# Meetings -----------------------------------------------------------------------------

class AgencyKind(LabelledEnum):
    POLICE = "police", _l("Police")
    COMMUNITY_SAFETY = "community_safety", _l("Council community safety")
    HOUSING = "housing", _l("Housing provider")
    SCHOOL = "school", _l("School or college")
    HEALTH = "health", _l("Health")
    FIRE = "fire", _l("Fire and rescue")
    VICTIM_SUPPORT = "victim_support", _l("Victim support")
    VOLUNTARY = "voluntary", _l("Voluntary or community group")


class ActionStatus(LabelledEnum):
    OPEN = "open", _l("Open")
    DONE = "done", _l("Done")
    CANNOT_DO = "cannot_do", _l("Cannot be done")


class Attendance(LabelledEnum):
    """A person's answer to a meeting of the Group: there, or apologies sent."""

    ATTENDED = "attended", _l("Attended")
    APOLOGIES = "apologies", _l("Sent apologies")


# Accounts and keys --------------------------------------------------------------------

class Role(LabelledEnum):
    ADMIN = "admin", _l("Administrator")
    REVIEWER = "reviewer", _l("Reviewer")
    CENTRE_STAFF = "centre_staff", _l("Centre staff")
    POLICE = "police", _l("Police liaison")
    ANALYST = "analyst", _l("Analyst")
    # a person at a partner agency: meetings they are invited to, their actions
    AGENCY = "agency", _l("Partner agency")


class KeyPurpose(LabelledEnum):
    RECOVERY = "recovery", _l("Recovery key")
    GROUP = "group", _l("Group key")
    POLICE = "police", _l("Police key")
    # The one key every partner agency once shared: only old words are sealed to it, until
    # `keys split-partners` re-seals them to each agency's own key.
    PARTNERS = "partners", _l("The old shared partner agencies' key")
    # one partner agency's own key: its meeting summaries, actions and updates
    AGENCY = "agency", _l("A partner agency's own key")


# The one mapping of role to the key its holders need; roles not named hold no key.
# A person at an agency needs their own agency's key (KeyName.agency_id).
KEY_FOR_ROLE: dict[str, KeyPurpose] = {
    Role.ADMIN: KeyPurpose.GROUP,
    Role.REVIEWER: KeyPurpose.GROUP,
    Role.POLICE: KeyPurpose.POLICE,
    Role.AGENCY: KeyPurpose.AGENCY,
}


# Messages with the reporter -----------------------------------------------------------

class MessageKind(LabelledEnum):
    TO_REPORTER = "to_reporter", _l("Message to the reporter")  # from the Group
    FROM_REPORTER = "from_reporter", _l("The reporter replied")  # a reply
    ADDITION = "addition", _l("The reporter added information")  # more information added to the report


# The two-person rule ------------------------------------------------------------------

class Act(LabelledEnum):
    """What waits for a second key holder."""

    # changes who can speak as the reporter
    NEW_RECEIPT_CODE = "new_receipt_code", _l("A new receipt code for the reporter")
    LIFT_HOLD = "lift_hold", _l("Lift the legal hold")  # lets the retention run destroy a kept case
    ERASE_REPORT = "erase_report", _l("Erase the report's content")  # cannot be undone


class Decision(LabelledEnum):
    APPROVED = "approved", _l("Approved")
    DECLINED = "declined", _l("Declined")
    WITHDRAWN = "withdrawn", _l("Withdrawn")  # by the person who asked, before anyone decided


class AskRoute(LabelledEnum):
    """How a reporter asked for a new receipt code, as the member of staff records it."""

    PHONE = "phone", _l("They phoned the Group")
    IN_PERSON = "in_person", _l("They came in person")
    EMAIL = "email", _l("They wrote by email")
    LETTER = "letter", _l("They wrote a letter")


class IdentityCheck(LabelledEnum):
    """How they proved who they are: the Partnership's chosen checks."""

    CALL_BACK = "call_back", _l("We called them back on the number they gave in the report, and they answered "
                                "questions only they could")
    IN_PERSON = "in_person", _l("They came in person with identification")
    CONTACT_DETAILS = "contact_details", _l("They wrote from the email address they gave in the report, and answered "
                                            "questions only they could")


class DeliveryRoute(LabelledEnum):
    """How a new code reaches the reporter: only to contact details they gave, with consent."""

    EMAIL = "email", _l("By email, to the address they gave in their report: the service sends it, and no one "
                        "at the Group sees it")


# Retention ----------------------------------------------------------------------------

class RetentionRule(LabelledEnum):
    """Why content was destroyed: the rule that made it due."""

    SPAM = "spam", _l("spam or misuse, a set time after closure")  # closed as spam or misuse: days after closure
    # closed, never referred to the police: days after closure
    CLOSED = "closed", _l("closed case, a set time after closure")
    # closed and referred: days after the police's (latest) outcome
    REFERRED = "referred", _l("referred case, a set time after the police outcome")
    # anything still held on its ``retain_until`` date (set on receipt)
    LONGSTOP = "longstop", _l("longest time any report is kept")
    ERASURE = "erasure", _l("erased on request")  # erased early on request by a key holder


class ErasureReason(LabelledEnum):
    REPORTER_REQUEST = "reporter_request", _l("The person asked for their report to be erased")
    SENT_BY_MISTAKE = "sent_by_mistake", _l("Sent by mistake")
    COURT_ORDER = "court_order", _l("A court or the Information Commissioner ordered it")


# Context for a rise (statistics) -------------------------------------------------------

class InitiativeKind(LabelledEnum):
    """What the Group did that may bring more reports: marked on the statistics' trend."""

    CAMPAIGN = "campaign", _l("Campaign")
    NEW_CENTRE = "new_centre", _l("New reporting centre")
    AWARENESS_WEEK = "awareness_week", _l("Hate Crime Awareness Week")
    TRAINING = "training", _l("Training")
    OTHER = "other", _l("Other")


# Support (issue 30 item 8) --------------------------------------------------------------

class SupportOffered(LabelledEnum):
    """Whether the Group (or a service it signposted) offered the person support."""

    YES = "yes", _l("Offered")
    NO = "no", _l("Not offered")


class SupportAccepted(LabelledEnum):
    YES = "yes", _l("Accepted")
    NO = "no", _l("Declined")
    NOT_YET = "not_yet", _l("Not decided yet")


class SupportCompleted(LabelledEnum):
    YES = "yes", _l("Completed")
    STOPPED = "stopped", _l("Stopped before the end")
    NOT_YET = "not_yet", _l("Still going")


class FeedbackScore(LabelledEnum):
    """The reporter's "How did we do?" at /status, from very poor to very good: kept in clear as its
    ``number``, 1 to 5 (``reporter_feedback.score``), so the statistics can average it."""

    VERY_POOR = "very_poor", _l("Very poor")
    POOR = "poor", _l("Poor")
    NEITHER = "neither", _l("Neither good nor poor")
    GOOD = "good", _l("Good")
    VERY_GOOD = "very_good", _l("Very good")

    @property
    def number(self) -> int:
        return list(type(self)).index(self) + 1

    @classmethod
    def of(cls, number: int) -> FeedbackScore:
        """The answer kept as ``number`` (1 to 5)."""
        if not 1 <= number <= len(cls):
            raise ValueError(number)
        return list(cls)[number - 1]


# The lists by name ---------------------------------------------------------------------

# Every labelled enum by the name templates and ``reporting.labels.label(kind, code)`` use.
KINDS: dict[str, type[LabelledEnum]] = {
    "status": Status, "closure": ClosureReason, "priority": Priority, "channel": Channel,
    "reporter_type": ReporterType, "consent": PoliceConsent, "strategy_group": StrategyGroup,
    "event_kind": EventKind, "link_kind": LinkKind, "flags": RiskFlag,
    "referral_kind": ReferralKind, "referral_state": ReferralState, "override": OverrideReason,
    "outcome": Outcome, "referral_message": MessageDirection,
    "agency_kind": AgencyKind, "action_status": ActionStatus,
    "role": Role, "key_purpose": KeyPurpose, "message_kind": MessageKind,
    "two_person_act": Act, "two_person_decision": Decision, "ask_route": AskRoute,
    "identity_check": IdentityCheck, "delivery_route": DeliveryRoute,
    "retention_rule": RetentionRule, "erasure_reason": ErasureReason,
    "initiative_kind": InitiativeKind,
    "attendance": Attendance,
    "support_offered": SupportOffered, "support_accepted": SupportAccepted, "support_completed": SupportCompleted,
    "feedback_score": FeedbackScore,
    "happened_before": HappenedBefore, "place_kind": PlaceKind,
    "inbox_filter": InboxFilter,
}
# Coded lists that are no enum of a column: code -> words.
WORD_LISTS: dict[str, Mapping[Any, LazyString]] = {
    "report_language": REPORT_LANGUAGE,
}
