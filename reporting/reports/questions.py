"""The questions of a report, defined once for every way a report is taken.

Each step is a form whose field names are the keys of the answers dict. The
public journey, assisted reporting and phone entry all walk ``STEPS``.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import g, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from flask_wtf.form import _Auto
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from sqlalchemy import select
from wtforms import Field, StringField
from wtforms.fields.core import UnboundField
from wtforms.validators import Email, ValidationError

from reporting.extensions import db
from reporting.reports.fields import (
    ApproximateDateField,
    Checkboxes,
    Radios,
    Select,
    clean_text,
    options,
    long_text,
    short_text,
)
from reporting.reports.models import Choice, PoliceConsent, ReporterType

Answers = dict[str, Any]

YES_NO = [("yes", _l("Yes")), ("no", _l("No"))]
PREFER_NOT = ("prefer_not", _l("Prefer not to say"))


def choice_options(list_name: str) -> list[tuple[str, Any]]:
    """Active options of an extensible list, in order, cached for the request."""
    cache: dict[str, list[tuple[str, str, str | None]]] = g.setdefault("choice_cache", {})
    if list_name not in cache:
        rows = db.session.execute(
            select(Choice.code, Choice.label, Choice.grouping)
            .where(Choice.list_name == list_name, Choice.active.is_(True))
            .order_by(Choice.position, Choice.label)
        ).all()
        cache[list_name] = [(code, label, grouping) for code, label, grouping in rows]
    return [(code, label) for code, label, _grouping in cache[list_name]]


def choice_groups(list_name: str) -> dict[str, str | None]:
    choice_options(list_name)
    return {code: grouping for code, _label, grouping in g.choice_cache[list_name]}


class StepForm(FlaskForm):
    """Base of every step: a honeypot that people never see and bots fill in."""

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form: Any, formdata: Any) -> Any:
            """Read only the posted form (never a JSON body), and files only for file fields."""
            if formdata is not _Auto:
                return formdata
            if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
                return None
            file_fields = {f.name for f in form if isinstance(f, FileField)}
            # A file sent where an answer is typed is refused in validate(), not read.
            form.stray_files = [name for name in request.files if name not in file_fields]
            if not file_fields:
                return request.form
            files = MultiDict([(k, v) for k, v in request.files.items(multi=True) if k in file_fields])
            return CombinedMultiDict([files, request.form])

    website = StringField(_l("Leave this field empty"), filters=[clean_text])

    stray_files: list[str] = []

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for name in self.stray_files:
            # A date's parts are posted as "<field>-day" and so on.
            target = self._fields.get(name) or self._fields.get(name.rsplit("-", 1)[0])
            if target is not None:
                target.errors = [str(_l("Type your answer here; a file cannot be attached to this question"))]
                valid = False
        return valid

    def validate_website(self, field: Field) -> None:
        if field.data:
            raise ValidationError(str(_l("Leave this field empty")))

    def question_fields(self) -> list[Field]:
        return [f for f in self if f.name not in ("csrf_token", "website")]

    def answers(self) -> Answers:
        return {f.name: f.data for f in self.question_fields()}


class WhoForm(StepForm):
    reporter_type = Radios(
        _l("Who is reporting?"),
        required=_l("Select who is reporting"),
        choices=[
            (ReporterType.VICTIM.value, _l("It happened to me")),
            (ReporterType.WITNESS.value, _l("I saw or heard it happen to someone else")),
            (ReporterType.ON_BEHALF.value, _l("I am reporting for someone it happened to")),
        ],
    )


class WhatForm(StepForm):
    incident_types = Checkboxes(
        _l("What happened?"),
        required=_l("Select what happened"),
        description=_l("Select all that apply."),
    )
    incident_other = short_text(_l("If something else happened, say what"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.incident_types.choices = options(choice_options("incident_type"))


class WhyForm(StepForm):
    motivations = Checkboxes(
        _l("Why do you think it happened?"),
        required=_l("Select why you think it happened, or ‘Not sure’"),
        description=_l("Select all that apply. Hate incidents are targeted because of who someone is, or who the offender thinks they are."),
    )
    motivation_other = short_text(_l("If another reason, say what"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.motivations.choices = options(choice_options("motivation"))


class EvidenceForm(StepForm):
    evidence = Checkboxes(
        _l("What makes you think that?"),
        description=_l("Select all that apply. You can skip this question."),
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


class WhenForm(StepForm):
    incident_date = ApproximateDateField(
        _l("When did it happen?"),
        earliest=date(1990, 1, 1),
        description=_l("For example, 27 3 2026. If you do not know the exact day, leave it blank."),
    )
    ongoing = Radios(
        _l("Is it still going on?"),
        choices=[("yes", _l("Yes")), ("no", _l("No")), ("not_sure", _l("Not sure"))],
    )
    frequency = Radios(
        _l("How often has it happened?"),
        choices=[
            ("once", _l("Once")),
            ("a_few_times", _l("A few times")),
            ("weekly", _l("Every week or so")),
            ("daily", _l("Most days")),
        ],
    )


class WhereForm(StepForm):
    area = Select(
        _l("Where did it happen?"),
        required=_l("Select where it happened"),
        description=_l("Choose the nearest town or area, ‘Online’, or ‘Outside West Mercia’."),
    )
    place_description = long_text(
        _l("Describe the place (optional)"),
        description=_l("For example, the street, a shop, a bus route or near a landmark."),
        max_length=1000,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.area.choices = options([("", _l("Select a place"))] + choice_options("area"))


class OnlineForm(StepForm):
    platform = short_text(
        _l("Which website, app or platform?"),
        description=_l("For example, a social network, a game, a messaging app or email."),
    )
    links = long_text(
        _l("Links to the messages or posts (optional)"),
        description=_l("Copy and paste web addresses, one on each line."),
        max_length=2000,
    )


class DescriptionForm(StepForm):
    description = long_text(
        _l("What happened, in your own words?"),
        required=_l("Tell us what happened"),
        description=_l("Include what was said or done, and anything else you think is important. You can write as much as you need."),
        max_length=10000,
    )


class OffendersForm(StepForm):
    offender_count = Radios(
        _l("How many people were responsible?"),
        choices=[
            ("one", _l("One")),
            ("two_to_three", _l("Two or three")),
            ("four_or_more", _l("Four or more")),
            ("not_known", _l("I do not know")),
        ],
    )
    offender_description = long_text(
        _l("Describe them, if you can (optional)"),
        description=_l("For example, names if you know them, what they looked like, clothes, a vehicle or a username."),
        max_length=3000,
    )


class WitnessesForm(StepForm):
    witnesses = long_text(
        _l("Did anyone else see or hear it? (optional)"),
        description=_l("Tell us who, and how to reach them if you know."),
        max_length=2000,
    )


class ImpactForm(StepForm):
    impact = long_text(
        _l("How has this affected you or the person it happened to? (optional)"),
        max_length=3000,
    )
    support = Radios(
        _l("Would you like to be put in touch with a support service?"),
        choices=YES_NO,
        description=_l("Support services are free and confidential. They can help even if you do not involve the police."),
    )


class PoliceForm(StepForm):
    police_consent = Radios(
        _l("Can we pass this report to West Mercia Police?"),
        required=_l("Select whether we can pass this report to the police"),
        choices=[
            (PoliceConsent.WITH_DETAILS.value, _l("Yes, with my contact details, so they can contact me")),
            (PoliceConsent.WITHOUT_DETAILS.value, _l("Yes, but without my details (for police information only)")),
            (PoliceConsent.NO.value, _l("No, do not pass it to the police")),
        ],
    )


class ContactForm(StepForm):
    contact_ok = Radios(
        _l("Can we contact you about this report?"),
        required=_l("Select whether we can contact you"),
        choices=[
            ("yes", _l("Yes")),
            ("no", _l("No, I want to stay anonymous")),
        ],
    )
    name = short_text(_l("Your name (optional)"), max_length=120)
    email = short_text(_l("Email address"), max_length=254, render_kw={"type": "email", "autocomplete": "email", "spellcheck": "false"})
    phone = short_text(_l("Phone number"), max_length=40, render_kw={"type": "tel", "autocomplete": "tel"})
    safe_times = short_text(_l("When is it safe to contact you? (optional)"), max_length=200)
    leave_message = Radios(_l("Can we leave a message?"), choices=YES_NO)

    def validate_email(self, field: Field) -> None:
        if field.data:
            Email(message=str(_l("Enter an email address in the correct format, like name@example.com")))(self, field)

    def validate_phone(self, field: Field) -> None:
        digits = [c for c in field.data or "" if c.isdigit()]
        if field.data and (len(digits) < 7 or any(c not in "0123456789 +()-." for c in field.data)):
            raise ValidationError(str(_l("Enter a phone number, like 01632 960 001 or 07700 900 982")))

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if valid and self.contact_ok.data == "yes" and not (self.email.data or self.phone.data):
            self.email.errors = [str(_l("Enter an email address or a phone number, or choose to stay anonymous"))]
            return False
        return valid

    def answers(self) -> Answers:
        data = super().answers()
        if data.get("contact_ok") != "yes":
            # Anonymous means anonymous: nothing typed before choosing it is kept.
            data = {key: None for key in data} | {"contact_ok": data.get("contact_ok")}
        return data


def _equality(label: Any, choices: list[tuple[str, Any]]) -> Radios:
    return Radios(label, choices=choices + [PREFER_NOT])


class EqualityForm(StepForm):
    age_group = _equality(
        _l("Age"),
        [("under_18", _l("Under 18")), ("18_24", "18 to 24"), ("25_34", "25 to 34"), ("35_49", "35 to 49"),
         ("50_64", "50 to 64"), ("65_plus", _l("65 or over"))],
    )
    sex = _equality(_l("Sex"), [("female", _l("Female")), ("male", _l("Male"))])
    trans = _equality(
        _l("Is your gender identity the same as the sex you were registered at birth?"),
        [("yes", _l("Yes")), ("no", _l("No"))],
    )
    ethnicity = _equality(
        _l("Ethnic group"),
        [("asian", _l("Asian or Asian British")), ("black", _l("Black, Black British, Caribbean or African")),
         ("mixed", _l("Mixed or multiple ethnic groups")), ("white_british", _l("White British")),
         ("white_grt", _l("Gypsy, Irish Traveller or Roma")), ("white_other", _l("Any other White background")),
         ("other", _l("Another ethnic group"))],
    )
    religion = _equality(
        _l("Religion or belief"),
        [("none", _l("No religion")), ("buddhist", _l("Buddhist")), ("christian", _l("Christian")),
         ("hindu", _l("Hindu")), ("jewish", _l("Jewish")), ("muslim", _l("Muslim")), ("sikh", _l("Sikh")),
         ("other", _l("Another religion or belief"))],
    )
    disability = _equality(
        _l("Do you consider yourself to have a disability or long-term health condition?"),
        [("yes", _l("Yes")), ("no", _l("No"))],
    )
    sexual_orientation = _equality(
        _l("Sexual orientation"),
        [("bisexual", _l("Bisexual")), ("gay_lesbian", _l("Gay or lesbian")),
         ("heterosexual", _l("Straight or heterosexual")), ("other", _l("Another sexual orientation"))],
    )


def _is_online(answers: Mapping[str, Any]) -> bool:
    return answers.get("area") == "online" or "online_abuse" in (answers.get("incident_types") or [])


@dataclass(frozen=True)
class Step:
    name: str
    form: type[StepForm]
    title: Any
    applies: Callable[[Mapping[str, Any]], bool] = field(default=lambda answers: True)
    required: bool = False
    hint: Any = None
    # Staff-only steps (a centre's note to the Group) never go into the report's
    # content, which the reporter can open with their receipt.
    staff_only: bool = False


STEPS: tuple[Step, ...] = (
    Step("who", WhoForm, _l("Who is reporting?"), required=True),
    Step("what", WhatForm, _l("What happened?"), required=True),
    Step("why", WhyForm, _l("Why do you think it happened?"), required=True),
    Step("why-evidence", EvidenceForm, _l("What makes you think that?")),
    Step("when", WhenForm, _l("When did it happen?"), required=True),
    Step("where", WhereForm, _l("Where did it happen?"), required=True),
    Step("online", OnlineForm, _l("Where online did it happen?"), applies=_is_online),
    Step("description", DescriptionForm, _l("What happened, in your own words?"), required=True),
    Step("offenders", OffendersForm, _l("Who was responsible?")),
    Step("witnesses", WitnessesForm, _l("Witnesses")),
    Step("impact", ImpactForm, _l("How it has affected you")),
    Step("police", PoliceForm, _l("Passing your report to the police"), required=True),
    Step("contact", ContactForm, _l("Contacting you"), required=True),
    Step(
        "equality",
        EqualityForm,
        _l("About you (optional)"),
        hint=_l("These questions help the Partnership see who is affected and whether the service reaches everyone. Every question is optional."),
    ),
)
STEP_BY_NAME = {step.name: step for step in STEPS}


# Assisted reporting at a centre: the same questions, with how the report was
# taken and the person's consent first, and a note for the Group last.
class HowTakenForm(StepForm):
    how_taken = Radios(
        _l("How are you taking this report?"),
        required=_l("Select how you are taking this report"),
        choices=[
            ("in_person", _l("In person")),
            ("phone", _l("By phone")),
            ("interpreter", _l("With an interpreter")),
        ],
    )
    interpreter_language = short_text(_l("If with an interpreter, which language?"), max_length=60)

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if valid and self.how_taken.data == "interpreter" and not self.interpreter_language.data:
            self.interpreter_language.errors = [str(_l("Enter the language the interpreter is using"))]
            return False
        return valid


class ConsentForm(StepForm):
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


class StaffNoteForm(StepForm):
    staff_note = long_text(
        _l("Note from you to the Group (optional)"),
        description=_l("For example, how the person seemed, or anything they asked you to pass on. The person cannot read this note with their receipt."),
        max_length=3000,
    )


ASSISTED_STEPS: tuple[Step, ...] = (
    (
        Step("how-taken", HowTakenForm, _l("How the report is taken"), required=True),
        Step("consent", ConsentForm, _l("The person's consent"), required=True),
    )
    + STEPS
    + (Step("staff-note", StaffNoteForm, _l("Note to the Group"), staff_only=True),)
)


def steps_for_channel(channel: str) -> tuple[Step, ...]:
    """The questions a report of this channel was taken with."""
    return ASSISTED_STEPS if channel == "centre" else STEPS


def applicable_steps(answers: Mapping[str, Any], steps: Sequence[Step] = STEPS) -> list[Step]:
    return [step for step in steps if step.applies(answers)]


def step_after(name: str, answers: Mapping[str, Any], steps: Sequence[Step] = STEPS) -> Step | None:
    """The next applicable step after ``name`` in question order (``name`` need not apply)."""
    names = [step.name for step in steps]
    following = steps[names.index(name) + 1 :] if name in names else steps
    return next((step for step in following if step.applies(answers)), None)


def step_before(name: str, answers: Mapping[str, Any], steps: Sequence[Step] = STEPS) -> Step | None:
    names = [step.name for step in applicable_steps(answers, steps)]
    if name not in names or names.index(name) == 0:
        return None
    return next(step for step in steps if step.name == names[names.index(name) - 1])


@functools.cache
def _question_names(form_class: type[StepForm]) -> frozenset[str]:
    """A step form's question field names, read from the class (no form is built)."""
    return frozenset(
        name for name in dir(form_class)
        if isinstance(getattr(form_class, name), UnboundField) and name != "website"
    )


def step_answers(step: Step, answers: Mapping[str, Any]) -> Answers:
    names = _question_names(step.form)
    return {key: value for key, value in answers.items() if key in names}


def first_unanswered(answers: Mapping[str, Any], visited: set[str], steps: Sequence[Step] = STEPS) -> Step | None:
    """The first applicable step not yet seen, or required and not validly answered."""
    for step in applicable_steps(answers, steps):
        if step.name not in visited:
            return step
        if step.required and not validate_step(step, answers):
            return step
    return None


def validate_step(step: Step, answers: Mapping[str, Any]) -> bool:
    """Re-check stored answers of a step (the list of choices may have changed)."""
    from werkzeug.datastructures import MultiDict

    form = step.form(formdata=MultiDict(_as_formdata(step, answers)), meta={"csrf": False})
    return form.validate()


def _as_formdata(step: Step, answers: Mapping[str, Any]) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for key, value in step_answers(step, answers).items():
        if value is None:
            continue
        if isinstance(value, list):
            pairs += [(key, str(item)) for item in value]
        elif isinstance(value, dict):
            pairs += [(f"{key}-{part}", "" if value.get(part) is None else str(value[part])) for part in ("day", "month", "year")]
        else:
            pairs.append((key, str(value)))
    return pairs


def display_value(form_field: Field) -> list[str]:
    """An answer as lines of text for the check-your-answers page."""
    data = form_field.data
    if data in (None, "", []):
        return []
    if isinstance(form_field, ApproximateDateField):
        when = form_field.as_date()
        if when is None:
            return []
        return [when.strftime("%-d %B %Y") if data.get("day") else when.strftime("%B %Y")]
    choices = {choice.value: str(choice.label) for choice in getattr(form_field, "choices", None) or []}
    if isinstance(data, list):
        return [choices.get(item, item) for item in data]
    if choices:
        return [choices.get(data, data)]
    return str(data).splitlines() or [str(data)]



@dataclass(frozen=True)
class SummaryRow:
    key: str
    label: str
    lines: list[str]


@dataclass(frozen=True)
class SummarySection:
    step: Step
    rows: list[SummaryRow]


def summary(answers: Mapping[str, Any], steps: Sequence[Step] = STEPS) -> list[SummarySection]:
    """Every applicable question with its answer, for check-your-answers pages."""
    sections = []
    for step in applicable_steps(answers, steps):
        # formdata=None: built from the stored answers only, never from whatever request is
        # in flight (a referral POST once made checkboxes and dates read its own form data).
        form = step.form(formdata=None, data=step_answers(step, answers), meta={"csrf": False})
        if isinstance(form, ContactForm) and answers.get("contact_ok") != "yes":
            fields = [form.contact_ok]
        else:
            fields = form.question_fields()
        rows = [SummaryRow(f.id, str(f.label.text), display_value(f)) for f in fields]
        sections.append(SummarySection(step, rows))
    return sections
