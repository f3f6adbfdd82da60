"""The questions of a report, defined once for every way a report is taken.

Each step is a form class whose field names are the keys of the answers dict.
The public journey, assisted reporting and phone entry all walk ``STEPS``.

The core never builds one of these forms: it reads their declarations as data
(``field_specs``) to check stored answers and to show them, so the same answers
read the same whatever request is in flight, and ``flask demo`` needs no request.
Only the journey (``reporting.journey``) builds them, to read what a person posts.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any

from babel.dates import format_date
from flask_babel import get_domain, get_locale
from sqlalchemy import select
from wtforms import Field, PasswordField
from wtforms.fields.core import UnboundField
from wtforms.validators import Email, Length, ValidationError

from reporting import crypto
from reporting.extensions import db, read
from reporting.forms import StepForm
from reporting.forms.fields import (
    ApproximateDateField,
    Checkboxes,
    NoControlCharacters,
    Radios,
    Required,
    Select,
    options,
    long_text,
    short_text,
)
from reporting import cache as kept
from reporting.reports.choice_words import in_language
from reporting.reports.models import (
    Choice,
    ChoiceListsVersion,
    HappenedBefore,
    PlaceKind,
    PoliceConsent,
    ReporterType,
)
from reporting.words import lazy_gettext as _l

Answers = dict[str, Any]

YES_NO = [("yes", _l("Yes")), ("no", _l("No"))]
YES_NO_NOT_SURE = [("yes", _l("Yes")), ("no", _l("No")), ("not_sure", _l("Not sure"))]
PREFER_NOT = ("prefer_not", _l("Prefer not to say"))
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff\ud800-\udfff]")


def choice_options(list_name: str) -> list[tuple[str, Any]]:
    """Active options of an extensible list, in order, cached for the database session."""
    cache = _choice_cache(list_name)
    return [(code, in_language(label)) for code, label, _grouping in cache]


def choice_rows(list_name: str) -> tuple[tuple[str, str, str | None], ...]:
    """Active options of a list as stored (code, label, grouping): a key for caching their words."""
    return tuple(_choice_cache(list_name))


def place_names() -> list[str]:
    """Every place of the areas list as stored, active or not: words a staff password must not be built on."""
    return list(db.session.scalars(select(Choice.label).where(Choice.list_name == "area")))


def choice_groups(list_name: str) -> dict[str, str | None]:
    return {code: grouping for code, _label, grouping in _choice_cache(list_name)}


# Every list's active options in one statement (a few dozen rows): a page or a send that
# needs two or three lists asks once. Built once, so each use only binds and runs it.
_ACTIVE_CHOICES = (
    select(Choice.list_name, Choice.code, Choice.label, Choice.grouping)
    .where(Choice.active.is_(True))
    .order_by(Choice.list_name, Choice.position, Choice.label)
)


# The lists are kept by reporting.cache with their version (reports.models.ChoiceListsVersion:
# triggers move it on every change to choices, never back to a value used before).
_ChoiceRows = dict[str, tuple[tuple[str, str, str | None], ...]]
_LISTS_VERSION = select(ChoiceListsVersion.version).where(ChoiceListsVersion.id == 1)


def note_lists_version(version: int | None) -> None:
    """The lists' version, read with another statement of this request (the draft's), so
    that reading the lists asks nothing when this process has them at that version."""
    db.session.info["choice_lists_version"] = version


def lists_version() -> int | None:
    """The version of the answer lists this request reads (read once a request): what words
    made from the lists are kept with by reporting.cache (the queue's and case page's labels)."""
    _choice_cache("")
    version: int | None = db.session.info.get("choice_lists_version")
    return version


def _choice_cache(list_name: str) -> tuple[tuple[str, str, str | None], ...]:
    # Kept on the database session (one per request or command), never on the request; the
    # rows themselves are kept by reporting.cache while the lists' version is unchanged.
    info = db.session.info
    cache: _ChoiceRows | None = info.get("choice_cache")
    if cache is None:
        version = info["choice_lists_version"] if "choice_lists_version" in info else read(_LISTS_VERSION).scalar()
        info["choice_lists_version"] = version
        cache = kept.get("choices", version)
        if cache is None:
            rows: dict[str, list[tuple[str, str, str | None]]] = {}
            for name, code, label, grouping in read(_ACTIVE_CHOICES).all():
                rows.setdefault(name, []).append((code, label, grouping))
            cache = {name: tuple(items) for name, items in rows.items()}
            kept.keep("choices", version, cache)
        info["choice_cache"] = cache
    return cache.get(list_name, ())


class QuestionForm(StepForm):
    """A step of the report.

    ``choice_lists`` names the fields whose options are an extensible list;
    ``reveals`` names, per field and choice, the fields shown under that choice
    (GOV.UK conditional reveal: without JavaScript they simply show);
    ``third_person`` gives the labels used when the answers are about someone else;
    ``plain_names`` the question's plain name where its label also tells how to answer
    ("Email address (optional)"): what a summary of the answers shows (staff, police, PDF).
    """

    choice_lists: dict[str, str] = {}
    reveals: dict[str, dict[str, tuple[str, ...]]] = {}
    third_person: dict[str, Any] = {}
    plain_names: dict[str, Any] = {}

    def __init__(self, *args: Any, about_someone_else: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, list_name in self.choice_lists.items():
            target = self._fields[name]
            prefix = [("", _l("Select a place"))] if isinstance(target, Select) else []
            target.choices = options(prefix + choice_options(list_name))  # type: ignore[attr-defined]
        if about_someone_else:
            for name, label in self.third_person.items():
                self._fields[name].label.text = label

    def revealed(self) -> set[str]:
        return {name for choices in self.reveals.values() for names in choices.values() for name in names}

    def main_fields(self) -> list[Field]:
        """The questions shown in their own right (not under a choice)."""
        hidden = self.revealed()
        return [f for f in self.question_fields() if f.name not in hidden]

    def reveal_for(self, field_name: str) -> dict[str, list[Field]] | None:
        """For a question, the fields shown under each of its choices (for the template)."""
        by_value = self.reveals.get(field_name)
        if not by_value:
            return None
        return {value: [self._fields[name] for name in names] for value, names in by_value.items()}

    def _not_chosen(self) -> set[str]:
        """Fields under a choice that was not made: not kept, so not checked either."""
        names: set[str] = set()
        for parent, by_value in self.reveals.items():
            chosen = self._fields[parent].data
            chosen_values = chosen if isinstance(chosen, list) else [chosen]
            for value, revealed in by_value.items():
                if value not in chosen_values:
                    names.update(revealed)
        return names

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if not valid:
            for name in self._not_chosen():
                self._fields[name].errors = []
            valid = not any(f.errors for f in self)
        return valid

    def answers(self) -> Answers:
        data = super().answers()
        # An answer under a choice that was not made is not kept (someone who
        # typed an email address and then chose to stay anonymous stays anonymous).
        for parent, by_value in self.reveals.items():
            chosen = data.get(parent)
            chosen_values = chosen if isinstance(chosen, list) else [chosen]
            for value, names in by_value.items():
                if value not in chosen_values:
                    data.update({name: None for name in names})
        return data


# The required path ------------------------------------------------------------------

class WhoForm(QuestionForm):
    reporter_type = Radios(
        _l("Who is reporting?"),
        required=_l("Select who is reporting"),
        choices=[
            (ReporterType.VICTIM.value, _l("It happened to me")),
            (ReporterType.WITNESS.value, _l("I saw or heard it happen to someone else")),
            (ReporterType.ON_BEHALF.value, _l("I am reporting for someone it happened to")),
        ],
    )


class WhatForm(QuestionForm):
    choice_lists = {"incident_types": "incident_type"}
    reveals = {"incident_types": {"other": ("incident_other",)}}
    incident_types = Checkboxes(
        _l("What happened?"),
        required=_l("Select what happened"),
        description=_l("Select all that apply."),
    )
    incident_other = short_text(_l("Say what happened"))


class WhyForm(QuestionForm):
    choice_lists = {"motivations": "motivation"}
    reveals = {"motivations": {"other": ("motivation_other",)}}
    motivations = Checkboxes(
        _l("Why do you think it happened?"),
        required=_l("Select why you think it happened, or ‘Not sure’"),
        description=_l("Select all that apply. Hate incidents are targeted because of who someone is, or who the offender thinks they are."),
    )
    motivation_other = short_text(_l("Say what the other reason is"))


class WhenForm(QuestionForm):
    incident_date = ApproximateDateField(
        _l("When did it happen?"),
        earliest=date(1990, 1, 1),
        description=_l("For example, 27 3 2026. If you do not know the exact day, leave it blank."),
    )


class WhereForm(QuestionForm):
    choice_lists = {"area": "area"}
    area = Select(
        _l("Where did it happen?"),
        required=_l("Select where it happened"),
        description=_l("Choose the nearest town or area, ‘Online’, or ‘Outside West Mercia’."),
    )


class DescriptionForm(QuestionForm):
    description = long_text(
        _l("What happened, in your own words?"),
        required=_l("Tell us what happened"),
        description=_l("Include what was said or done, and anything else you think is important. You can write as much as you need."),
        max_length=10000,
    )


class PoliceForm(QuestionForm):
    police_consent = Radios(
        _l("Can we pass this report to West Mercia Police?"),
        required=_l("Select whether we can pass this report to the police"),
        choices=[
            (PoliceConsent.WITH_DETAILS.value, _l("Yes, with my contact details, so they can contact me")),
            (PoliceConsent.WITHOUT_DETAILS.value, _l("Yes, but without my details (for police information only)")),
            (PoliceConsent.NO.value, _l("No, do not pass it to the police")),
        ],
    )


def _has_contact_details(answers: Mapping[str, Any]) -> bool:
    return bool(answers.get("email") or answers.get("phone"))


def _validate_email(field: Field) -> None:
    if field.data:
        Email(message=str(_l("Enter an email address in the correct format, like name@example.com")))(None, field)


def _validate_phone(field: Field) -> None:
    digits = [c for c in field.data or "" if c.isdigit()]
    if field.data and (len(digits) < 7 or any(c not in "0123456789 +()-." for c in field.data)):
        raise ValidationError(str(_l("Enter a phone number, like 01632 960 001 or 07700 900 982")))


_ONE_IS_ENOUGH = _l("You only need to give one: an email address or a phone number.")


class PoliceDetailsForm(QuestionForm):
    """Asked only when someone chose "with my details" and gave none: a question, not a silent contradiction."""

    reveals = {"police_details": {"give": ("email", "phone")}}
    police_details = Radios(
        _l("You asked us to pass your report to the police with your details. How can they contact you?"),
        required=_l("Select how you would like to go on"),
        description=_l("The police need an email address or a phone number to contact you. You have not given either."),
        choices=[
            ("give", _l("I will give an email address or a phone number")),
            ("without", _l("Pass it on without my details instead")),
            ("no", _l("Do not pass it to the police")),
        ],
    )
    email = short_text(_l("Email address (optional)"), max_length=254, description=_ONE_IS_ENOUGH,
                       render_kw={"type": "email", "autocomplete": "email", "spellcheck": "false"})
    phone = short_text(_l("Phone number (optional)"), max_length=40, render_kw={"type": "tel", "autocomplete": "tel"})
    plain_names = {"email": _l("Email address"), "phone": _l("Phone number")}

    def validate_email(self, field: Field) -> None:
        _validate_email(field)

    def validate_phone(self, field: Field) -> None:
        _validate_phone(field)

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if valid and self.police_details.data == "give" and not (self.email.data or self.phone.data):
            self.email.errors = [str(_l("Enter an email address or a phone number, or choose to pass it on without your details"))]
            return False
        return valid

    def answers(self) -> Answers:
        choice = self.police_details.data
        if choice == "give":
            # For the police only: not an answer to "Can we contact you?", which was not asked.
            return {"police_details": "give", "email": self.email.data or None, "phone": self.phone.data or None}
        consent = PoliceConsent.WITHOUT_DETAILS if choice == "without" else PoliceConsent.NO
        return {"police_consent": consent.value, "police_details": None}


# Optional questions, reached from "Would you like to tell us more?" ----------------

class EvidenceForm(QuestionForm):
    evidence = Checkboxes(
        _l("What makes you think it was because of who they are?"),
        description=_l("Select all that apply."),
        choices=[
            ("words", _l("Words that were said or written")),
            ("symbols", _l("Symbols, signs or graffiti")),
            ("gestures", _l("Gestures or behaviour")),
            ("something_else", _l("Something else")),
        ],
    )
    evidence_detail = long_text(
        _l("Tell us more, if you can"),
        description=_l("For example, the words used. Write them as they were said if you feel able to."),
        max_length=2000,
    )


class WhenDetailsForm(QuestionForm):
    time_of_day = Radios(
        _l("What time of day was it?"),
        description=_l("An approximate time is fine."),
        choices=[
            ("morning", _l("Morning (6am to midday)")),
            ("afternoon", _l("Afternoon (midday to 6pm)")),
            ("evening", _l("Evening (6pm to midnight)")),
            ("night", _l("Night (midnight to 6am)")),
            ("not_sure", _l("Not sure")),
        ],
    )
    ongoing = Radios(_l("Is it still going on?"), choices=YES_NO_NOT_SURE)
    frequency = Radios(
        _l("How often has it happened?"),
        choices=[
            ("once", _l("Once")),
            ("a_few_times", _l("A few times")),
            ("weekly", _l("Every week or so")),
            ("daily", _l("Most days")),
        ],
    )


class PlaceForm(QuestionForm):
    # Kept in clear as a code (reports.place_kind): with the area, what makes a repeat location.
    place_kind = Radios(
        _l("What kind of place was it?"),
        choices=[
            (PlaceKind.HOME.value, _l("At or near a home")),
            (PlaceKind.STREET.value, _l("In the street or another public place")),
            (PlaceKind.TRANSPORT.value, _l("On public transport, or at a station or stop")),
            (PlaceKind.EDUCATION.value, _l("At a school, college or university")),
            (PlaceKind.WORK.value, _l("At work")),
            (PlaceKind.BUSINESS.value, _l("In a shop, pub, restaurant or other business")),
            (PlaceKind.SOMEWHERE_ELSE.value, _l("Somewhere else")),
        ],
    )
    place_description = long_text(
        _l("Describe the place"),
        description=_l("For example, the street, a shop, a bus route or near a landmark."),
        max_length=1000,
    )


class OnlineForm(QuestionForm):
    platform = short_text(
        _l("Which website, app or platform?"),
        description=_l("For example, a social network, a game, a messaging app or email."),
    )
    links = long_text(
        _l("Links to the messages or posts"),
        description=_l("Copy and paste web addresses, one on each line."),
        max_length=2000,
    )


class HappenedBeforeForm(QuestionForm):
    """Repeat victimisation as the reporter's answer: kept in clear as a coded band
    (reports.happened_before), never anything they wrote."""

    third_person = {"happened_before": _l("Has this happened to them before?")}
    happened_before = Radios(
        _l("Has this happened to you before?"),
        description=_l("This helps the Group see when someone is targeted again and again."),
        choices=[
            (HappenedBefore.NO.value, _l("No, this is the first time")),
            (HappenedBefore.ONCE.value, _l("Yes, once before")),
            (HappenedBefore.SEVERAL.value, _l("Yes, several times")),
            (HappenedBefore.ONGOING.value, _l("Yes, it is still going on")),
            PREFER_NOT,
        ],
    )


class PersonTargetedForm(QuestionForm):
    target_knows = Radios(_l("Does the person targeted know you are reporting this?"), choices=YES_NO_NOT_SURE)
    target_contact = Radios(
        _l("May the Group contact the person targeted?"),
        description=_l("The Group would only contact them to offer support, and never without care for their safety."),
        choices=[
            ("yes", _l("Yes")),
            ("no", _l("No")),
            ("ask_first", _l("Ask me first")),
        ],
    )


class OffendersForm(QuestionForm):
    offender_count = Radios(
        _l("How many people were responsible?"),
        choices=[
            ("one", _l("One")),
            ("two_to_three", _l("Two or three")),
            ("four_or_more", _l("Four or more")),
            ("not_known", _l("I do not know")),
        ],
    )
    offender_relationship = Radios(
        _l("Who were they?"),
        choices=[
            ("stranger", _l("A stranger")),
            ("neighbour", _l("A neighbour")),
            ("known", _l("Someone known, such as a colleague, classmate or landlord")),
            ("online_account", _l("An online account")),
            ("not_known", _l("I do not know")),
        ],
    )
    offender_age = Radios(
        _l("About how old were they?"),
        choices=[
            ("under_18", _l("Under 18")),
            ("18_30", _l("18 to 30")),
            ("31_50", _l("31 to 50")),
            ("over_50", _l("Over 50")),
            ("mixed", _l("A mix of ages")),
            ("not_known", _l("I do not know")),
        ],
    )
    offender_sex = Radios(
        _l("Were they male or female?"),
        choices=[
            ("male", _l("Male")),
            ("female", _l("Female")),
            ("mixed", _l("Both")),
            ("not_known", _l("I do not know")),
        ],
    )
    offender_distinctive = short_text(
        _l("Anything distinctive about them"),
        description=_l("For example, a tattoo, clothes, an accent, a vehicle or a username."),
        max_length=500,
    )
    offender_description = long_text(
        _l("Anything else about them"),
        description=_l("For example, names if you know them, or what they looked like."),
        max_length=3000,
    )


class WitnessesForm(QuestionForm):
    witnesses = long_text(
        _l("Did anyone else see or hear it?"),
        description=_l("Tell us who, and how to reach them if you know."),
        max_length=2000,
    )


class ImpactForm(QuestionForm):
    impact = long_text(_l("How has this affected you or the person it happened to?"), max_length=3000)
    injury = Radios(_l("Was anyone hurt?"), choices=YES_NO)
    support = Radios(
        _l("Would you like to be put in touch with a support service?"),
        choices=YES_NO,
        description=_l("Support services are free and confidential. They can help even if you do not involve the police."),
    )


class ReportedBeforeForm(QuestionForm):
    reveals = {"already_reported": {"yes": ("crime_reference",)}}
    already_reported = Radios(_l("Has this already been reported to the police?"), choices=YES_NO_NOT_SURE)
    crime_reference = short_text(
        _l("Crime reference number, if you know it"),
        description=_l("For example, 22/12345/26."),
        max_length=60,
    )


class FilesQuestionForm(QuestionForm):
    has_files = Radios(
        _l("Do you have photos, screenshots or documents?"),
        description=_l("For example, a photo of graffiti or damage, or a screenshot of a message. You can add them next, or later with your receipt code."),
        choices=[("yes", _l("Yes, I will add them now")), ("no", _l("No"))],
    )


class ContactForm(QuestionForm):
    # Only typed answers go under "Yes" (GOV.UK: no questions with choices inside a reveal).
    reveals = {"contact_ok": {"yes": ("name", "email", "phone", "safe_times", "contact_language")}}
    contact_ok = Radios(
        _l("Can we contact you about this report?"),
        required=_l("Select whether we can contact you"),
        description=_l("You do not have to give contact details. Without them the report is anonymous: we cannot tell you what happens, but you can still check progress with your receipt code."),
        choices=[
            ("yes", _l("Yes")),
            ("no", _l("No, I want to stay anonymous")),
        ],
    )
    name = short_text(_l("Your name (optional)"), max_length=120)
    email = short_text(_l("Email address (optional)"), max_length=254, description=_ONE_IS_ENOUGH,
                       render_kw={"type": "email", "autocomplete": "email", "spellcheck": "false"})
    phone = short_text(_l("Phone number (optional)"), max_length=40, render_kw={"type": "tel", "autocomplete": "tel"})
    safe_times = short_text(_l("When is it safe to contact you? (optional)"), max_length=200)
    contact_language = short_text(_l("Which language would you like us to use? (optional)"), max_length=60)
    plain_names = {
        "name": _l("Your name"), "email": _l("Email address"), "phone": _l("Phone number"),
        "safe_times": _l("When is it safe to contact you?"),
        "contact_language": _l("Which language would you like us to use?"),
    }

    def validate_email(self, field: Field) -> None:
        _validate_email(field)

    def validate_phone(self, field: Field) -> None:
        _validate_phone(field)

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if valid and self.contact_ok.data == "yes" and not (self.email.data or self.phone.data):
            self.email.errors = [str(_l("You said we can contact you: enter an email address or a phone number, or choose to stay anonymous"))]
            return False
        return valid

    def answers(self) -> Answers:
        data = super().answers()
        if data.get("contact_ok") != "yes":
            # Anonymous means anonymous: nothing answered before choosing it is kept, here, on
            # how to contact them (a question then not asked), or for the police (asked again).
            data = ({key: None for key in data} | {name: None for name in question_names(CONTACT_HOW)}
                    | {"police_details": None, "contact_ok": data.get("contact_ok")})
        return data


class ContactHowForm(QuestionForm):
    """Asked only after "Yes" to "Can we contact you?" (GOV.UK: no questions with choices in a reveal)."""

    leave_message = Radios(_l("Can we leave a message?"), choices=YES_NO)
    preferred_contact = Radios(
        _l("How would you prefer us to contact you?"),
        choices=[("email", _l("Email")), ("phone", _l("Phone call")), ("text", _l("Text message")), ("any", _l("Any of these"))],
    )
    interpreter = Radios(_l("Would you need an interpreter?"), choices=YES_NO)


def _equality(label: Any, choices: list[tuple[str, Any]]) -> Radios:
    return Radios(label, choices=choices + [PREFER_NOT])


class EqualityForm(QuestionForm):
    third_person = {
        "age_group": _l("Their age"),
        "sex": _l("Their sex"),
        "trans": _l("Is their gender identity the same as the sex they were registered at birth?"),
        "ethnicity": _l("Their ethnic group"),
        "religion": _l("Their religion or belief"),
        "disability": _l("Do they have a disability or long-term health condition?"),
        "sexual_orientation": _l("Their sexual orientation"),
    }
    age_group = _equality(
        _l("Your age"),
        [("under_18", _l("Under 18")), ("18_24", _l("18 to 24")), ("25_34", _l("25 to 34")),
         ("35_49", _l("35 to 49")), ("50_64", _l("50 to 64")), ("65_plus", _l("65 or over"))],
    )
    sex = _equality(_l("Your sex"), [("female", _l("Female")), ("male", _l("Male"))])
    trans = _equality(
        _l("Is your gender identity the same as the sex you were registered at birth?"),
        [("yes", _l("Yes")), ("no", _l("No"))],
    )
    ethnicity = _equality(
        _l("Your ethnic group"),
        [("asian", _l("Asian or Asian British")), ("black", _l("Black, Black British, Caribbean or African")),
         ("mixed", _l("Mixed or multiple ethnic groups")), ("white_british", _l("White British")),
         ("white_grt", _l("Gypsy, Irish Traveller or Roma")), ("white_other", _l("Any other White background")),
         ("other", _l("Another ethnic group"))],
    )
    religion = _equality(
        _l("Your religion or belief"),
        [("none", _l("No religion")), ("buddhist", _l("Buddhist")), ("christian", _l("Christian")),
         ("hindu", _l("Hindu")), ("jewish", _l("Jewish")), ("muslim", _l("Muslim")), ("sikh", _l("Sikh")),
         ("other", _l("Another religion or belief"))],
    )
    disability = _equality(
        _l("Do you have a disability or long-term health condition?"),
        [("yes", _l("Yes")), ("no", _l("No"))],
    )
    sexual_orientation = _equality(
        _l("Your sexual orientation"),
        [("bisexual", _l("Bisexual")), ("gay_lesbian", _l("Gay or lesbian")),
         ("heterosexual", _l("Straight or heterosexual")), ("other", _l("Another sexual orientation"))],
    )


def _is_online(answers: Mapping[str, Any]) -> bool:
    return answers.get("area") == "online" or "online_abuse" in (answers.get("incident_types") or [])


def about_someone_else(answers: Mapping[str, Any]) -> bool:
    """Whether the reporter answers for the person targeted (a witness, or for someone)."""
    return answers.get("reporter_type") in (ReporterType.WITNESS.value, ReporterType.ON_BEHALF.value)


def _police_details_missing(answers: Mapping[str, Any]) -> bool:
    return answers.get("police_consent") == PoliceConsent.WITH_DETAILS.value and not _has_contact_details(answers)


def _police_details_asked(answers: Mapping[str, Any]) -> bool:
    """Asked while "with my details" has none; shown back while its details are the only ones
    (someone who also says "yes" to being contacted gave them there)."""
    if answers.get("police_consent") != PoliceConsent.WITH_DETAILS.value or answers.get("contact_ok") == "yes":
        return False
    return not _has_contact_details(answers) or answers.get("police_details") == "give"


def _contact_agreed(answers: Mapping[str, Any]) -> bool:
    return answers.get("contact_ok") == "yes"


@dataclass(frozen=True)
class Picture:
    """An Easy Read picture beside a page's key sentence: a Bootstrap Icons name (the
    front-end build copies every icon named in a ``Picture(...)`` here into
    static/build/icons/) and its text alternative. Shown only in Easy Read."""

    icon: str
    alt: Any


@dataclass(frozen=True)
class Step:
    name: str
    form: type[QuestionForm]
    title: Any
    applies: Callable[[Mapping[str, Any]], bool] = field(default=lambda answers: True)
    required: bool = False
    hint: Any = None
    # Staff-only steps (a centre's note to the Group) never go into the report's
    # content, which the reporter can open with their receipt.
    staff_only: bool = False
    # Optional steps are reached from "Would you like to tell us more?", not in turn.
    optional: bool = False
    # The check page's card this step is shown in.
    section: str = "incident"
    title_someone_else: Any = None
    hint_someone_else: Any = None
    # Only in journeys that can take files (the public one).
    needs_files: bool = False
    # A required question that settles a contradiction: asked before checking,
    # so someone who goes on to "tell us more" can answer it there first.
    before_check: bool = False
    # Known only to the person (the word that guards a receipt someone else saw): never
    # in the report's content, never shown back, never passed on as a staff answer.
    secret: bool = False
    # Beside the question in Easy Read (every step has one: tests/i18n/test_easy_read_journey.py).
    picture: Picture | None = None
    # An optional step asked straight after this one (when it applies), not offered on its own.
    follows: str | None = None

    def title_for(self, answers: Mapping[str, Any]) -> Any:
        return self.title_someone_else if self.title_someone_else and about_someone_else(answers) else self.title

    def hint_for(self, answers: Mapping[str, Any]) -> Any:
        return self.hint_someone_else if self.hint_someone_else and about_someone_else(answers) else self.hint


# The name of the "Would you like to tell us more?" page in every journey.
MORE = "more"

# Easy Read pictures, each meaning what its question asks. One picture may serve two
# pages that ask about the same thing (the police; photos and files).
PERSON = Picture("person-fill", _l("Picture: a person"))
WARNING = Picture("exclamation-triangle-fill", _l("Picture: a warning sign"))
PEOPLE = Picture("people-fill", _l("Picture: a group of people"))
CALENDAR = Picture("calendar-event-fill", _l("Picture: a calendar"))
MAP_PIN = Picture("geo-alt-fill", _l("Picture: a map pin"))
PENCIL = Picture("pencil-fill", _l("Picture: a pencil"))
SHIELD = Picture("shield-fill-check", _l("Picture: a shield with a tick"))
TELEPHONE = Picture("telephone-fill", _l("Picture: a telephone"))
CAMERA = Picture("camera-fill", _l("Picture: a camera"))
# The pages around the questions.
MORE_PICTURE = Picture("plus-circle-fill", _l("Picture: a plus sign in a circle"))
FILES_PICTURE = CAMERA
CHECK_PICTURE = Picture("list-check", _l("Picture: a list with ticks"))

SECTIONS: dict[str, Any] = {
    "taken": _l("How the report was taken"),
    "incident": _l("What happened"),
    "when_where": _l("When and where"),
    "people": _l("The people involved"),
    "impact": _l("How it affected you, and support"),
    "police": _l("The police"),
    "files": _l("Photos, screenshots and documents"),
    "contact": _l("Contacting you"),
    "about": _l("About you"),
    "note": _l("Note to the Group"),
}

STEPS: tuple[Step, ...] = (
    Step("who", WhoForm, _l("Who is reporting?"), required=True, picture=PERSON),
    Step("what", WhatForm, _l("What happened?"), required=True, picture=WARNING),
    Step("why", WhyForm, _l("Why do you think it happened?"), required=True, picture=PEOPLE),
    Step("when", WhenForm, _l("When did it happen?"), required=True, section="when_where", picture=CALENDAR),
    Step("where", WhereForm, _l("Where did it happen?"), required=True, section="when_where", picture=MAP_PIN),
    Step("description", DescriptionForm, _l("What happened, in your own words?"), required=True, picture=PENCIL),
    Step("police", PoliceForm, _l("Passing your report to the police"), required=True, section="police",
         picture=SHIELD),
    Step("police-details", PoliceDetailsForm, _l("How the police can contact you"), required=True,
         applies=_police_details_asked, section="police", before_check=True, picture=TELEPHONE),
    # Optional, in the order "tell us more" lists them.
    Step("person-targeted", PersonTargetedForm, _l("The person targeted"), optional=True,
         applies=about_someone_else, section="people",
         picture=Picture("person-raised-hand", _l("Picture: a person raising a hand"))),
    Step("why-evidence", EvidenceForm, _l("Why you think it was a hate incident"), optional=True,
         picture=Picture("chat-left-quote-fill", _l("Picture: a speech bubble with quotation marks"))),
    Step("happened-before", HappenedBeforeForm, _l("Has this happened before?"), optional=True,
         picture=Picture("clock-history", _l("Picture: a clock with an arrow going back"))),
    Step("when-details", WhenDetailsForm, _l("More about when it happened"), optional=True, section="when_where",
         picture=Picture("clock-fill", _l("Picture: a clock"))),
    Step("place", PlaceForm, _l("More about where it happened"), optional=True, section="when_where",
         picture=Picture("map-fill", _l("Picture: a map"))),
    Step("online", OnlineForm, _l("Where online did it happen?"), optional=True, applies=_is_online,
         section="when_where", picture=Picture("laptop", _l("Picture: a laptop computer"))),
    Step("offenders", OffendersForm, _l("Who was responsible?"), optional=True, section="people",
         picture=Picture("person-fill-exclamation", _l("Picture: a person with an exclamation mark"))),
    Step("witnesses", WitnessesForm, _l("Witnesses"), optional=True, section="people",
         picture=Picture("eye-fill", _l("Picture: an eye"))),
    Step("impact", ImpactForm, _l("How it has affected you, and support"), optional=True, section="impact",
         title_someone_else=_l("How it has affected them, and support"),
         picture=Picture("heart-fill", _l("Picture: a heart"))),
    Step("reported-before", ReportedBeforeForm, _l("Reporting it to the police before"), optional=True,
         section="police", picture=SHIELD),
    Step("evidence-files", FilesQuestionForm, _l("Photos, screenshots or documents"), optional=True,
         section="files", needs_files=True, picture=CAMERA),
    Step("contact", ContactForm, _l("Contacting you"), optional=True, section="contact",
         picture=Picture("envelope-fill", _l("Picture: an envelope"))),
    Step("contact-how", ContactHowForm, _l("How to contact you"), optional=True, section="contact",
         applies=_contact_agreed, follows="contact", picture=TELEPHONE),
    Step(
        "equality",
        EqualityForm,
        _l("About you"),
        optional=True,
        section="about",
        hint=_l("These questions are about you. They help the Partnership see who is affected and whether the service reaches everyone. Every question is optional."),
        title_someone_else=_l("About the person targeted"),
        hint_someone_else=_l("These questions are about the person targeted, not you. Answer only what you know. They help the Partnership see who is affected. Every question is optional."),
        picture=Picture("person-vcard-fill", _l("Picture: an identity card")),
    ),
)
STEP_BY_NAME = {step.name: step for step in STEPS}
CONTACT_HOW = STEP_BY_NAME["contact-how"]


# Assisted reporting at a centre: the same questions, with how the report was
# taken and the person's consent first, and a note for the Group last.
class HowTakenForm(QuestionForm):
    reveals = {"how_taken": {"interpreter": ("interpreter_language",)}}
    how_taken = Radios(
        _l("How are you taking this report?"),
        required=_l("Select how you are taking this report"),
        choices=[
            ("in_person", _l("In person")),
            ("phone", _l("By phone")),
            ("interpreter", _l("With an interpreter")),
        ],
    )
    interpreter_language = short_text(_l("Which language is the interpreter using?"), max_length=60)

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if valid and self.how_taken.data == "interpreter" and not self.interpreter_language.data:
            self.interpreter_language.errors = [str(_l("Enter the language the interpreter is using"))]
            return False
        return valid


class ConsentForm(QuestionForm):
    consent_recorded = Radios(
        _l("Does the person agree to what they tell you being recorded and sent to the Hate Crime Reporting Group?"),
        required=_l("Select whether the person agrees to the report being recorded"),
        choices=YES_NO,
        description=_l("Read them the privacy summary first. If they do not agree, stop here: they can still report anonymously online later."),
    )
    consent_contact = Radios(
        _l("Do they agree to the Group contacting them?"),
        required=_l("Select whether the person agrees to be contacted"),
        choices=YES_NO,
    )

    def validate_consent_recorded(self, field: Field) -> None:
        if field.data == "no":
            raise ValidationError(str(_l("Only continue if the person agrees. Otherwise, stop and offer them the online form or a call to 101.")))


class StaffNoteForm(QuestionForm):
    staff_note = long_text(
        _l("Note from you to the Group (optional)"),
        description=_l("For example, how the person seemed, or anything they asked you to pass on. The person cannot read this note with their receipt."),
        max_length=3000,
    )
    plain_names = {"staff_note": _l("Note from you to the Group")}


# The word that guards a receipt someone else saw ------------------------------------

class ReceiptWordForm(QuestionForm):
    """Typed by the person (or, if they cannot, said by them to the member of staff):
    never shown back, never stored in the report, not on the slip."""

    receipt_word = PasswordField(
        _l("Your word"),
        validators=[Required(_l("Enter a word you will remember")), NoControlCharacters(),
                    Length(max=100, message=_l("Choose a word of 40 letters or fewer"))],
        description=_l("From 4 to 40 letters or numbers. Spaces and capital letters do not matter."),
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    receipt_word_again = PasswordField(
        _l("Type your word again"),
        validators=[NoControlCharacters(), Length(max=100, message=_l("Choose a word of 40 letters or fewer"))],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if not valid:
            return False
        word = self.receipt_word.data or ""
        if not crypto.word_acceptable(word):
            self.receipt_word.errors = [str(_l("Choose a word of 4 to 40 letters or numbers"))]
            return False
        if crypto.normalise_word(word) != crypto.normalise_word(self.receipt_word_again.data or ""):
            self.receipt_word_again.errors = [str(_l("The two words are different: type the same word twice"))]
            return False
        return True

    def answers(self) -> Answers:
        # Only the word itself; the second copy was for typing it right.
        return {"receipt_word": self.receipt_word.data}


RECEIPT_WORD_ASSISTED = Step(
    "receipt-word", ReceiptWordForm, _l("A word only the person knows"), required=True, before_check=True,
    secret=True, section="taken", picture=Picture("key-fill", _l("Picture: a key")),
    hint=_l("Turn the screen to the person and look away while they type. They choose a word they will remember. "
            "The first time they use their receipt code they will be asked for it, so nobody else who sees the slip "
            "can open their report. It is not printed on the slip and is not shown again. If they cannot type, "
            "they can say it for you to type."),
)
RECEIPT_WORD_PHONE = Step(
    "receipt-word", ReceiptWordForm, _l("A word only the caller knows"), required=True, before_check=True,
    secret=True, section="taken", picture=Picture("key-fill", _l("Picture: a key")),
    hint=_l("Ask them to choose a word they will remember and say it to you, and type it twice. The first time "
            "they use the receipt code you read out, they will be asked for it. Do not write it down: it is not "
            "kept anywhere anyone can read it."),
)

ASSISTED_STEPS: tuple[Step, ...] = (
    (
        Step("how-taken", HowTakenForm, _l("How the report is taken"), required=True, section="taken",
             picture=Picture("building", _l("Picture: a building"))),
        Step("consent", ConsentForm, _l("The person's consent"), required=True, section="taken",
             picture=Picture("person-check-fill", _l("Picture: a person with a tick"))),
    )
    + STEPS
    + (Step("staff-note", StaffNoteForm, _l("Note to the Group"), staff_only=True, section="note", picture=PENCIL),
       RECEIPT_WORD_ASSISTED)
)


# Phone entry: the public questions, then the caller's word.
PHONE_STEPS: tuple[Step, ...] = STEPS + (RECEIPT_WORD_PHONE,)


def receipt_word(answers: Mapping[str, Any], steps: Sequence[Step]) -> str | None:
    """The word a person chose for their receipt, if these steps ask for one."""
    if not any(step.secret for step in steps):
        return None
    word = answers.get("receipt_word")
    return word if isinstance(word, str) and word else None


def steps_for_channel(channel: str) -> tuple[Step, ...]:
    """The questions a report of this channel was taken with."""
    return ASSISTED_STEPS if channel == "centre" else STEPS


def applicable_steps(answers: Mapping[str, Any], steps: Sequence[Step] = STEPS) -> list[Step]:
    return [step for step in steps if step.applies(answers)]


def optional_steps(answers: Mapping[str, Any], steps: Sequence[Step] = STEPS) -> list[Step]:
    """The optional questions offered on "Would you like to tell us more?", in order."""
    return [step for step in applicable_steps(answers, steps) if step.optional and not step.follows]


def follow_up(name: str, answers: Mapping[str, Any], steps: Sequence[Step] = STEPS) -> Step | None:
    """The step asked straight after ``name`` with these answers, if any."""
    return next((step for step in steps if step.follows == name and step.applies(answers)), None)


def step_after(name: str, answers: Mapping[str, Any], steps: Sequence[Step] = STEPS) -> Step | None:
    """The next applicable required step after ``name`` (``name`` need not apply); None means check."""
    names = [step.name for step in steps]
    following = steps[names.index(name) + 1 :] if name in names else steps
    return next((step for step in following if not step.optional and step.applies(answers)), None)


def step_before(name: str, answers: Mapping[str, Any], steps: Sequence[Step] = STEPS) -> Step | None:
    """The required step before ``name``; None for the first (and for optional steps)."""
    names = [step.name for step in applicable_steps(answers, steps) if not step.optional]
    if name not in names or names.index(name) == 0:
        return None
    return next(step for step in steps if step.name == names[names.index(name) - 1])


# Questions as data ----------------------------------------------------------------

@dataclass(frozen=True)
class FieldSpec:
    """One question of a step, read from the step's declaration."""

    name: str
    kind: str  # radios, checkboxes, select, date, short, long
    label: Any
    required: bool
    choices: tuple[tuple[str, Any], ...] = ()
    list_name: str | None = None
    max_length: int | None = None
    earliest: date | None = None
    third_person_label: Any = None
    plain_label: Any = None  # the question's name without "(optional)", for summaries
    # (question, choice) under which this one is shown (a conditional reveal).
    revealed_by: tuple[str, str] | None = None

    def label_for(self, answers: Mapping[str, Any], wording: Wording | None = None) -> str:
        words = _words(self, wording or current_wording())
        return words.third_person if about_someone_else(answers) else words.label

    def summary_label_for(self, answers: Mapping[str, Any], wording: Wording | None = None) -> str:
        """The question as a summary names it: its plain name if it has one."""
        words = _words(self, wording or current_wording())
        return words.plain or (words.third_person if about_someone_else(answers) else words.label)

    def options(self) -> list[tuple[str, Any]]:
        return choice_options(self.list_name) if self.list_name else list(self.choices)

    def codes(self) -> set[str]:
        """The codes an answer may hold: :meth:`options` without putting labels into words."""
        if self.list_name:
            return {code for code, _label, _grouping in _choice_cache(self.list_name)}
        return {code for code, _label in self.choices}


_KINDS = {Radios: "radios", Checkboxes: "checkboxes", Select: "select", ApproximateDateField: "date"}


def _kind(unbound: UnboundField) -> str:
    cls = unbound.field_class
    for base, kind in _KINDS.items():
        if issubclass(cls, base):
            return kind
    return "long" if cls.__name__ == "TextAreaField" else "short"


@functools.cache
def field_specs(form_class: type[QuestionForm]) -> tuple[FieldSpec, ...]:
    """A step form's questions, in declaration order, read from the class (no form is built)."""
    unbound = sorted(
        ((name, value) for name in dir(form_class)
         if isinstance(value := getattr(form_class, name), UnboundField) and name != "website"),
        key=lambda item: item[1].creation_counter,
    )
    revealed = {
        name: (parent, value)
        for parent, by_value in form_class.reveals.items()
        for value, names in by_value.items()
        for name in names
    }
    specs = []
    for name, field_def in unbound:
        kind = _kind(field_def)
        validators = field_def.kwargs.get("validators") or []
        lengths = [v.max for v in validators if isinstance(v, Length)]
        specs.append(FieldSpec(
            name=name,
            kind=kind,
            label=field_def.args[0] if field_def.args else field_def.kwargs.get("label"),
            required=kind == "date" or field_def.kwargs.get("required") is not None or any(isinstance(v, Required) for v in validators),
            choices=tuple((c.value, c.label) for c in options(field_def.kwargs.get("choices"))),
            list_name=form_class.choice_lists.get(name),
            max_length=lengths[0] if lengths else None,
            earliest=field_def.kwargs.get("earliest"),
            third_person_label=form_class.third_person.get(name),
            plain_label=form_class.plain_names.get(name),
            revealed_by=revealed.get(name),
        ))
    return tuple(specs)


def question_names(step: Step) -> frozenset[str]:
    return frozenset(spec.name for spec in field_specs(step.form))


def step_answers(step: Step, answers: Mapping[str, Any]) -> Answers:
    names = question_names(step)
    return {key: value for key, value in answers.items() if key in names}


def kept_answers(step: Step, answers: Mapping[str, Any]) -> Answers:
    """A step's answers to keep in a report: those to questions it shows with these answers
    (an email typed for the police, who are then not to be told, is not kept)."""
    shown = {spec.name for spec in field_specs(step.form) if _shown(spec, answers)}
    return {key: value for key, value in step_answers(step, answers).items() if key in shown}


def _shown(spec: FieldSpec, answers: Mapping[str, Any]) -> bool:
    if spec.revealed_by is None:
        return True
    parent, value = spec.revealed_by
    chosen = answers.get(parent)
    return value in chosen if isinstance(chosen, list) else chosen == value


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _stored_value_valid(spec: FieldSpec, value: Any) -> bool:
    if spec.kind in ("radios", "select"):
        return value in spec.codes()
    if spec.kind == "checkboxes":
        known = spec.codes()
        return isinstance(value, list) and all(item in known for item in value)
    if spec.kind == "date":
        return as_date(value) is not None and (spec.earliest is None or as_date(value) >= spec.earliest)  # type: ignore[operator]
    return isinstance(value, str) and not _CONTROL.search(value) and (spec.max_length is None or len(value) <= spec.max_length)


def as_date(value: Any) -> date | None:
    """A stored approximate date ({"day", "month", "year"}) as a date, if it is a real past one."""
    if not isinstance(value, dict):
        return None
    try:
        when = date(int(value["year"]), int(value["month"]), int(value.get("day") or 1))
    except (KeyError, TypeError, ValueError):
        return None
    return when if when <= date.today() else None


def validate_step(step: Step, answers: Mapping[str, Any]) -> bool:
    """Re-check a step's stored answers (the lists of choices may have changed), without a form."""
    for spec in field_specs(step.form):
        if not _shown(spec, answers):
            continue
        value = answers.get(spec.name)
        if _empty(value):
            if spec.required:
                return False
            continue
        if not _stored_value_valid(spec, value):
            return False
    return True


def first_unanswered(answers: Mapping[str, Any], visited: set[str], steps: Sequence[Step] = STEPS) -> Step | None:
    """The first applicable required step not yet seen, or not validly answered."""
    for step in applicable_steps(answers, steps):
        if not step.required:
            continue
        if step.name not in visited or not validate_step(step, answers):
            return step
    return None


# What words depend on: the locale and the Babel domain (Easy Read is English, "en", with a
# domain of its own: the same locale in other words).
Wording = tuple[str, tuple[str, ...]]


def current_wording() -> Wording:
    return labels_locale(), tuple(get_domain().domain)


def labels_locale() -> str:
    try:
        return str(get_locale() or "en")
    except RuntimeError:  # outside a request (the CLI): English
        return "en"


def display_lines(spec: FieldSpec, value: Any, wording: Wording | None = None) -> list[str]:
    """An answer as lines of text, in the words the question offered (in ``wording``, by
    default the page's)."""
    if _empty(value):
        return []
    if spec.kind == "date":
        when = as_date(value) if isinstance(value, dict) else None
        if when is None:
            return []
        # In the page's language (staff pages are English): "3 November 2025", "listopad 2025".
        locale = wording[0] if wording else labels_locale()
        return [format_date(when, "d MMMM y" if value.get("day") else "LLLL y", locale=locale)]
    # An extensible list's options (the database session's rows) are put into words only when
    # chosen; a fixed list's words are kept per language (_words).
    if spec.list_name:
        stored = {code: label for code, label, _grouping in _choice_cache(spec.list_name)}
        labels: Mapping[str, Any] = {code: in_language(stored[code]) for code in
                                     (value if isinstance(value, list) else [value]) if code in stored}
    else:
        labels = _words(spec, wording or current_wording()).choices
    if isinstance(value, list):
        return [str(labels[item]) if item in labels else item for item in value]
    if labels or spec.list_name:
        return [str(labels[value]) if value in labels else value]
    return str(value).splitlines() or [str(value)]


@dataclass(frozen=True)
class SpecWords:
    """A question's words in one language: its label, its label about someone else, and its
    fixed options (code to words)."""

    label: str
    third_person: str
    choices: Mapping[str, str]
    plain: str = ""


# Kept per process by question and wording: questions are declared once (field_specs is
# cached), and a case page or check page shows some forty answers, whose labels and options
# put into words on each view cost more than half a millisecond.
_WORDS: dict[tuple[int, Wording], tuple[FieldSpec, SpecWords]] = {}


def _words(spec: FieldSpec, wording: Wording) -> SpecWords:
    kept = _WORDS.get((id(spec), wording))
    if kept is None or kept[0] is not spec:  # a spec made elsewhere may reuse a freed id
        words = SpecWords(
            label=str(spec.label),
            third_person=str(spec.third_person_label if spec.third_person_label is not None else spec.label),
            choices=MappingProxyType({code: str(label) for code, label in spec.choices}),
            plain=str(spec.plain_label) if spec.plain_label is not None else "",
        )
        kept = _WORDS[(id(spec), wording)] = (spec, words)
    return kept[1]


@dataclass(frozen=True)
class SummaryRow:
    key: str
    label: str
    lines: list[str]


@dataclass(frozen=True)
class SummarySection:
    step: Step
    rows: list[SummaryRow]
    # The step's title in words, and its rows split by whether a row is the question the section
    # is named after (the case page shows that answer alone, under the title): worked out once here.
    title: str = ""
    lead: list[SummaryRow] = field(default_factory=list)
    others: list[SummaryRow] = field(default_factory=list)


def summary(answers: Mapping[str, Any], steps: Sequence[Step] = STEPS) -> list[SummarySection]:
    """Every applicable question with its answer (or none), step by step, for staff pages.

    Built from the stored answers alone: no form reads the request in flight.
    """
    sections = []
    wording = current_wording()
    for step in applicable_steps(answers, steps):
        if step.secret or (step.name == "police-details" and answers.get("police_details") != "give"):
            continue  # a secret never; how the police can contact them once they said, in their words
        rows = [
            # Words now (not a lazy string): a page compares and shows each label more than once.
            SummaryRow(spec.name, str(spec.summary_label_for(answers, wording)),
                       display_lines(spec, answers.get(spec.name), wording))
            for spec in field_specs(step.form)
            if _shown(spec, answers)
        ]
        title = str(step.title)
        sections.append(SummarySection(step, rows, title, [row for row in rows if row.label == title],
                                       [row for row in rows if row.label != title]))
    return sections


@dataclass(frozen=True)
class CardRow:
    step: str
    key: str
    label: str
    lines: list[str]


@dataclass(frozen=True)
class Card:
    """One section of check-your-answers: the questions answered, and those not."""

    key: str
    title: Any
    rows: list[CardRow]
    not_answered: list[CardRow]


def check_cards(answers: Mapping[str, Any], steps: Sequence[Step] = STEPS) -> list[Card]:
    """Check-your-answers in sections, listing only answered questions plus what was not."""
    cards: dict[str, Card] = {}
    for section in summary(answers, steps):
        key = section.step.section
        card = cards.setdefault(key, Card(key, SECTIONS[key], [], []))
        for row in section.rows:
            target = card.rows if row.lines else card.not_answered
            target.append(CardRow(section.step.name, row.key, row.label, row.lines))
    return [cards[key] for key in SECTIONS if key in cards]
