from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, Regexp

from reporting import labels
from reporting.cases.queries import SORTS, centre_names
from reporting.forms.fields import Checkboxes, Radios, Select, long_text, options, short_text
from reporting.reports.models import Status
from reporting.reports.questions import choice_options
from reporting.words import lazy_gettext as _l

# The words come from reporting/labels.py, the one place codes become words.
STATUS_LABELS = labels.as_labels("status")
CLOSURE_LABELS = labels.as_labels("closure")
PRIORITY_LABELS = labels.as_labels("priority")
FLAG_LABELS = labels.as_labels("flags")
CHANNEL_LABELS = labels.as_labels("channel")
SORT_LABELS = {"newest": _l("Newest first"), "oldest": _l("Oldest first"), "priority": _l("Priority"), "incident_date": _l("Incident date")}


def _any(label: Any) -> list[tuple[str, Any]]:
    return [("", label)]


class QueueFilterForm(FlaskForm):
    """Read from the query string; invalid values are ignored with a message, never a crash."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), validators=[Optional()])
    strand = SelectField(_l("Strand"), validators=[Optional()])
    incident_type = SelectField(_l("Type of incident"), validators=[Optional()])
    area = SelectField(_l("Area"), validators=[Optional()])
    channel = SelectField(_l("Channel"), validators=[Optional()])
    centre = SelectField(_l("Centre"), validators=[Optional()])
    assigned = SelectField(_l("Assigned"), validators=[Optional()])
    priority = SelectField(_l("Priority"), validators=[Optional()])
    next_meeting = SelectField(_l("Next meeting"), validators=[Optional()])
    hold = SelectField(_l("Legal hold"), validators=[Optional()])
    received_from = DateField(_l("Received from"), validators=[Optional()], render_kw={"type": "date"})
    received_to = DateField(_l("Received to"), validators=[Optional()], render_kw={"type": "date"})
    sort = SelectField(_l("Sort by"), validators=[Optional()])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, choices in _filter_choices(centre_names()).items():
            self[name].choices = list(choices)


# The lists of the queue's filters an administrator can edit (their words come from the database).
LISTS = ("area", "strand", "incident_type")


def _filter_choices(centres: list[tuple[int, str]]) -> dict[str, tuple[SelectChoice, ...]]:
    """The filters' options in words, in the request's language."""
    def words(pairs: list[tuple[str, Any]]) -> tuple[SelectChoice, ...]:
        return tuple(options([(code, str(label)) for code, label in pairs]))

    return {
        "status": words(_any(_l("Any status")) + list(STATUS_LABELS.items())),
        "strand": words(_any(_l("Any strand")) + choice_options("strand")),
        "incident_type": words(_any(_l("Any type")) + choice_options("incident_type")),
        "area": words(_any(_l("Any area")) + choice_options("area")),
        "channel": words(_any(_l("Any channel")) + list(CHANNEL_LABELS.items())),
        "centre": words(_any(_l("Any centre")) + [(str(i), name) for i, name in centres]),
        "assigned": words([("", _l("Anyone or no one")), ("me", _l("Assigned to me")),
                           ("unassigned", _l("Unassigned"))]),
        "priority": words(_any(_l("Any priority")) + list(PRIORITY_LABELS.items())),
        "sort": words([(key, SORT_LABELS[key]) for key in SORTS]),
        "next_meeting": words([("", _l("Any case")), ("yes", _l("For the next meeting"))]),
        "hold": words([("", _l("With or without a hold")), ("held", _l("On legal hold")),
                       ("not_held", _l("Not on hold"))]),
    }


class StatusForm(FlaskForm):
    status = Radios(_l("Move the case to"), required=_l("Select the new status"))
    closure_reason = Radios(
        _l("If closing, why?"), choices=list(CLOSURE_LABELS.items())
    )
    reason = long_text(_l("Reason for the change"), required=_l("Give a reason for the change"), max_length=2000,
                       description=_l("Only the Group can read this."))

    def __init__(self, *args: Any, allowed: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.status.choices = options([(value, STATUS_LABELS[value]) for value in allowed or []])

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if valid and self.status.data == Status.CLOSED.value and not self.closure_reason.data:
            self.closure_reason.errors = [str(_l("Select why the case is being closed"))]
            return False
        return valid


class NoteForm(FlaskForm):
    note = long_text(_l("Add a note"), required=_l("Write the note"), max_length=5000,
                     description=_l("Notes are for the Group only. The person who reported cannot see them."))


class AssignForm(FlaskForm):
    assignee = Select(_l("Assign to"), required=_l("Select who to assign the case to"))

    def __init__(self, *args: Any, people: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.assignee.choices = options([("none", _l("No one (unassigned)"))] + (people or []))


class PriorityForm(FlaskForm):
    priority = Radios(_l("Priority"), required=_l("Select a priority"), choices=list(PRIORITY_LABELS.items()))


class FlagsForm(FlaskForm):
    flags = Checkboxes(_l("Risk flags"), choices=list(FLAG_LABELS.items()),
                       description=_l("Only the Group can see these."))


class LinkForm(FlaskForm):
    reference = short_text(
        _l("Reference of the other case"),
        required=_l("Enter the other case's reference, like HC-26-4F7K9Q"),
        max_length=16,
    )
    kind = Radios(
        _l("How are they linked?"),
        required=_l("Select how the cases are linked"),
        choices=[("related", _l("Related")), ("duplicate", _l("This case is a duplicate of the other"))],
    )

    def validate_reference(self, field: Any) -> None:
        Regexp(r"^HC-\d\d-[0-9A-Z]{6}$", message=str(_l("Enter a reference like HC-26-4F7K9Q")))(self, field)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.reference.data:
            self.reference.data = self.reference.data.strip().upper()


class MessageForm(FlaskForm):
    text = long_text(_l("Message to the person who reported"), required=_l("Write the message"), max_length=5000,
                     description=_l("They read it with their receipt code. If they allowed it, they get an email saying only that there is news."))
