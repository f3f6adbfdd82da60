"""The Group's forms for a centre's life: its dates and contact, a visit, a person trained.
Staff only (English); nothing here is about a report."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from wtforms import EmailField
from wtforms.validators import Email, Length, Optional, ValidationError

from reporting.centres.services import HistoryData, TrainingData, VisitData
from reporting.forms.fields import Radios, clean_text, long_text, short_text
from reporting.forms.staff_fields import DayField
from reporting.words import lazy_gettext as _l

YES_NO = [("yes", _l("Yes")), ("no", _l("No"))]


def _not_future(form: Any, field: Any) -> None:
    if field.data and field.data > date.today():
        raise ValidationError(str(_l("The date must be today or in the past")))


class HistoryForm(FlaskForm):
    opened_on = DayField(_l("Opened on"), required=None, description=_l("Leave empty if not known."))
    closed_on = DayField(
        _l("Closed on"), required=None,
        description=_l("Only once it has closed: from that day it leaves the public directory and its poster link "
                       "stops naming it. It stays in the statistics for the time it was open. Empty: still open."))
    contact_email = EmailField(
        _l("Contact email for training reminders"), filters=[clean_text],
        validators=[Optional(), Email(message=_l("Enter an email address like name@example.org")),
                    Length(max=254, message=_l("Answer must be %(max)d characters or fewer", max=254))],
        description=_l("The centre's own contact. Reminders name the centre only, never a report."))

    @staticmethod
    def initial(opened_on: date | None, closed_on: date | None, contact_email: str) -> dict[str, Any]:
        return {"opened_on": opened_on, "closed_on": closed_on, "contact_email": contact_email}

    def data_for_service(self) -> HistoryData:
        return HistoryData(self.opened_on.data, self.closed_on.data, (self.contact_email.data or "").lower())


class VisitForm(FlaskForm):
    visited_on = DayField(_l("Date of the visit"), required=_l("Enter the date of the visit"))
    poster_displayed = Radios(_l("Was the poster displayed?"), required=_l("Select yes if the poster was displayed"),
                              choices=YES_NO)
    leaflets_stocked = Radios(_l("Were leaflets stocked?"), required=_l("Select yes if leaflets were stocked"),
                              choices=YES_NO)
    staff_able = short_text(
        _l("Staff present who can take a report"), required=_l("Enter how many staff present can take a report"),
        max_length=3, description=_l("A number, for example 2. Enter 0 if nobody could."),
        render_kw={"inputmode": "numeric"})
    notes = long_text(_l("Notes (optional)"), max_length=500,
                      description=_l("Short notes about the centre only. Do not write about any report or anyone "
                                     "who reported."))

    def validate_visited_on(self, field: Any) -> None:
        _not_future(self, field)

    def validate_staff_able(self, field: Any) -> None:
        if not (field.data or "").isascii() or not (field.data or "").isdigit():
            raise ValidationError(str(_l("Enter a whole number, for example 2")))
        if int(field.data) > 500:
            raise ValidationError(str(_l("Enter a number from 0 to 500")))

    def data_for_service(self) -> VisitData:
        return VisitData(
            visited_on=self.visited_on.data, poster_displayed=self.poster_displayed.data == "yes",
            leaflets_stocked=self.leaflets_stocked.data == "yes", staff_able=int(self.staff_able.data),
            notes=self.notes.data or "",
        )


class TrainingForm(FlaskForm):
    person_name = short_text(_l("Name of the person trained"), required=_l("Enter the name of the person trained"),
                             max_length=120, description=_l("A member of the centre's staff or a volunteer."))
    person_role = short_text(_l("Their role (optional)"), max_length=120,
                             description=_l("As the centre gives it, for example Library assistant."))
    trained_on = DayField(_l("Date of the training"), required=_l("Enter the date of the training"))
    refresher_due = DayField(_l("Refresher due (optional)"), required=None)

    def __init__(self, *args: Any, refresh_months: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.refresher_due.description = _l(
            "Leave empty for %(months)s months after the training.", months=refresh_months)

    def validate_trained_on(self, field: Any) -> None:
        _not_future(self, field)

    def validate_refresher_due(self, field: Any) -> None:
        if field.data and self.trained_on.data and field.data <= self.trained_on.data:
            raise ValidationError(str(_l("The refresher must be due after the date of the training")))

    def data_for_service(self) -> TrainingData:
        return TrainingData(self.person_name.data or "", self.person_role.data or "", self.trained_on.data,
                            self.refresher_due.data)
