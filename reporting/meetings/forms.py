"""Forms for meetings, actions, agencies and agency users' updates."""
from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import Email, EqualTo, InputRequired, Length, Optional, ValidationError

from reporting import labels
from reporting.db import utcnow
from reporting.forms.fields import Checkboxes, Radios, Select, clean_text, long_text, options, short_text
from reporting.forms.staff_fields import DayField
from reporting.words import lazy_gettext as _l

AGENCY_KIND_LABELS = labels.as_labels("agency_kind")
ACTION_STATUS_LABELS = labels.as_labels("action_status")


class MeetingForm(FlaskForm):
    held_on = DayField(_l("Date of the meeting"), required=_l("Enter the date of the meeting"))
    place = short_text(_l("Place or call link"), required=_l("Enter where the meeting is, or its call link"),
                       max_length=300, description=_l("A room or a link to the call. Never a case detail."))
    agencies = Checkboxes(_l("Partner agencies invited"),
                          description=_l("They read the summaries in this meeting's pack once you share it."))
    cases = Checkboxes(_l("Cases on the agenda"), required=_l("Choose at least one case for the agenda"),
                       description=_l("Cases flagged for the next meeting. Flag a case from its page."))

    def __init__(self, *args: Any, agencies: list[tuple[str, str]] | None = None,
                 cases: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agencies.choices = options(agencies or [])
        self.cases.choices = options(cases or [])


class AttendanceForm(FlaskForm):
    attended = Checkboxes(_l("Agencies that attended"))
    apologies = Checkboxes(_l("Agencies that sent apologies"))
    people_attended = Checkboxes(_l("People who attended"))
    people_apologies = Checkboxes(_l("People who sent apologies"))

    def __init__(self, *args: Any, agencies: list[tuple[str, str]] | None = None,
                 people: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.attended.choices = options(agencies or [])
        self.apologies.choices = options(agencies or [])
        self.people_attended.choices = options(people or [])
        self.people_apologies.choices = options(people or [])

    def validate_apologies(self, field: Any) -> None:
        if set(field.data or []) & set(self.attended.data or []):
            raise ValidationError(str(_l("An agency either attended or sent apologies: untick one of them")))

    def validate_people_apologies(self, field: Any) -> None:
        if set(field.data or []) & set(self.people_attended.data or []):
            raise ValidationError(str(_l("A person either attended or sent apologies: untick one of them")))


class SummaryForm(FlaskForm):
    summary = long_text(
        _l("Summary for the meeting"), required=_l("Write the summary"), max_length=4000,
        description=_l("Partner agencies read this. Leave out names, contact details, exact places and "
                       "equality answers: describe what happened and what help is needed."),
    )


class DecisionForm(FlaskForm):
    decision = long_text(_l("The Group's decision"), required=_l("Write the decision"), max_length=4000,
                         description=_l("Only the Group can read this. The case counts as heard at this meeting."))


class MinutesForm(FlaskForm):
    minutes = long_text(_l("Minutes"), required=_l("Write the minutes"), max_length=20000,
                        description=_l("Only the Group can read the minutes."))


def override_reason() -> Any:
    """The reason a key holder gives to share words the identifying check stopped (audited)."""
    return long_text(
        _l("Why these details must reach the agencies (to share anyway)"), max_length=1000,
        description=_l("Leave this empty and change the words instead, unless the agency must have these "
                       "details. Your reason is recorded in the audit log."),
    )


class ShareForm(FlaskForm):
    override_reason = override_reason()


def not_in_the_past(form: Any, field: Any) -> None:
    """An action is due today or later: a due date already gone would be overdue when given."""
    if field.data is not None and field.data < utcnow().date():
        raise ValidationError(str(_l("The due date must be today or in the future")))


def decision_for_agency(label: Any, required: Any = None) -> Any:
    return long_text(
        label, required=required, max_length=2000,
        description=_l("Write the Group's decision for this agency: what was decided that concerns them. "
                       "Never the minutes. Leave out names, contact details and exact places: it is checked "
                       "before the agency reads it."),
    )


class ActionForm(FlaskForm):
    agency = Select(_l("Agency asked"), required=_l("Select the agency asked to act"))
    text = long_text(_l("What is asked"), required=_l("Write what is asked of the agency"), max_length=2000,
                     description=_l("The agency reads this. Leave out names, contact details and exact places."))
    due_on = DayField(_l("Due date"), required=_l("Enter the date the action is due"))
    decision = decision_for_agency(_l("The decision, as this agency may read it (optional)"))
    override_reason = override_reason()

    def __init__(self, *args: Any, agencies: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agency.choices = options([("", _l("Choose an agency"))] + (agencies or []))

    def validate_due_on(self, field: Any) -> None:
        not_in_the_past(self, field)


class AgencyDecisionForm(FlaskForm):
    decision = decision_for_agency(_l("The decision, as this agency may read it"),
                                   required=_l("Write the decision as the agency may read it"))
    override_reason = override_reason()


class FlagForm(FlaskForm):
    flagged = Radios(_l("For the next meeting"), required=_l("Choose whether the case is for the next meeting"),
                     choices=[("yes", _l("Yes")), ("no", _l("No"))])


class ActionUpdateForm(FlaskForm):
    status = Radios(_l("Status"), required=_l("Select the action's status"), choices=list(ACTION_STATUS_LABELS.items()))
    text = long_text(_l("Update for the Group"), max_length=2000,
                     description=_l("What your agency did. Leave out names and contact details."))


class AgencyForm(FlaskForm):
    name = short_text(_l("Name"), required=_l("Enter the agency's name"), max_length=120)
    kind = Radios(_l("Kind of agency"), required=_l("Select the kind of agency"), choices=list(AGENCY_KIND_LABELS.items()))
    contact_email = EmailField(
        _l("Contact email"), filters=[clean_text],
        validators=[InputRequired(_l("Enter the agency's contact email")),
                    Email(message=_l("Enter an email address like name@example.org")),
                    Length(max=254, message=_l("Email address is too long"))],
        description=_l("Reminders go here. They say only how many actions are due."),
    )
    lead_contact_email = EmailField(
        _l("Lead contact's email (optional)"), filters=[clean_text],
        validators=[Optional(), Email(message=_l("Enter an email address like name@example.org")),
                    Length(max=254, message=_l("Email address is too long"))],
        description=_l("Overdue actions are escalated here. They say only how many actions are overdue. "
                       "Leave empty to use the contact email."),
    )
    active = Radios(_l("Active"), required=_l("Select whether the agency is active"),
                    choices=[("yes", _l("Yes")), ("no", _l("No, no longer invited"))])


class AgencyUserForm(FlaskForm):
    email = EmailField(
        _l("Email address"), filters=[clean_text],
        validators=[InputRequired(_l("Enter their email address")),
                    Email(message=_l("Enter an email address like name@example.org")),
                    Length(max=254, message=_l("Email address is too long"))],
    )
    password = PasswordField(_l("Temporary password"),
                             validators=[InputRequired(_l("Enter a temporary password")),
                                         Length(max=1024, message=_l("Password is too long"))],
                             description=_l("At least 12 characters. Give it to them in person or by phone, never by email."),
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Confirm the temporary password"),
                            validators=[InputRequired(_l("Confirm the temporary password")),
                                        EqualTo("password", message=_l("The passwords do not match"))],
                            render_kw={"autocomplete": "new-password"})
