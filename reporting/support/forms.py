from __future__ import annotations

from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, DateField, IntegerField
from wtforms.validators import NumberRange, Optional

from reporting.forms import StepForm, csv_import
from reporting.forms.fields import Radios, long_text, short_text
from reporting.support import services
from reporting.support.models import SupportAccepted, SupportCompleted, SupportOffered, SupportService
from reporting.support.services import SupportAnswers, SupportData
from reporting.words import lazy_gettext as _l


class SupportServiceForm(StepForm):
    name = short_text(_l("Name"), required=_l("Enter the service's name"), max_length=200)
    slug = short_text(_l("Short name"), max_length=64,
                      description=_l("Lower-case letters, numbers and hyphens, for example victim-support. It cannot change later."))
    helps_with = long_text(_l("What they help with"), max_length=2000)
    phone = short_text(_l("Phone"), max_length=40, description=_l("As the Partnership has confirmed it."))
    web_address = short_text(_l("Web address"), max_length=300, description=_l("Starting https://"))
    hours = short_text(_l("Opening hours"), max_length=300)
    position = IntegerField(_l("Order in the list"), validators=[Optional(), NumberRange(min=0, max=9999, message=_l("Enter a whole number from 0 to 9999"))], default=0)
    example = BooleanField(_l("This is an example, not a real service (shown as ‘Example’)"))
    active = BooleanField(_l("Show to people who want support"), default=True)

    def data_for_service(self, *, slug: str | None) -> SupportData:
        return SupportData(
            slug=slug or (self.slug.data or ""), name=self.name.data or "", helps_with=self.helps_with.data or "",
            phone=self.phone.data or "", web_address=self.web_address.data or "", hours=self.hours.data or "",
            example=bool(self.example.data), active=bool(self.active.data), position=int(self.position.data or 0),
        )

    @classmethod
    def for_service(cls, service: SupportService) -> SupportServiceForm:
        return cls(obj=service)


def services_from_csv(text: str) -> list[SupportData]:
    """Each row of a support-services CSV (services.COLUMNS) checked by the admin's form and
    the admin's save checks; csv_import.CsvImportError names every problem, by row."""
    def make_form(formdata: MultiDict[str, str] | None) -> SupportServiceForm:
        return SupportServiceForm(formdata=formdata)

    forms = csv_import.check_rows(
        text, make_form, columns=services.COLUMNS, required=services.REQUIRED, key="slug",
        more_problems=lambda form: services.validate(form.data_for_service(slug=None)),
    )
    return [form.data_for_service(slug=None) for form in forms]


# Support for a case (the case page, "/review/cases/<reference>/support") -------------------

class SupportDayField(DateField):
    """The day support was offered: typed or picked (yyyy-mm-dd from the browser's date input)."""

    def process_formdata(self, valuelist: list[str]) -> None:
        self.raw = valuelist[0] if valuelist else ""
        if not self.raw:
            self.data = None
            return
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(str(_l("Enter the day support was offered as a real date, for example 2027-01-14"))) from None


class CaseSupportForm(FlaskForm):
    """Support offered (and when), accepted, completed. Only what fits together is taken:
    an offer needs its day and whether it was accepted; completion needs acceptance."""

    offered = Radios(_l("Was support offered?"), required=_l("Select whether support was offered"),
                     choices=SupportOffered.choices())
    offered_on = SupportDayField(_l("Day support was offered"), validators=[Optional()],
                                 render_kw={"type": "date"},
                                 description=_l("Only if support was offered. For example 2027-01-14."))
    accepted = Radios(_l("Did the person accept it?"), choices=SupportAccepted.choices(),
                      description=_l("Only if support was offered."))
    completed = Radios(_l("Was the support completed?"), choices=SupportCompleted.choices(),
                       description=_l("Only if the person accepted it."))

    def __init__(self, *args: Any, received_on: date | None = None, today: date | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.received_on, self.today = received_on, today

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if not valid:
            return False
        if self.offered.data == SupportOffered.YES:
            day = self.offered_on.data
            if day is None:
                self.offered_on.errors = [str(_l("Enter the day support was offered"))]
            elif self.today is not None and day > self.today:
                self.offered_on.errors = [str(_l("The day support was offered cannot be in the future"))]
            elif self.received_on is not None and day < self.received_on:
                self.offered_on.errors = [str(_l("The day support was offered cannot be before the report was received"))]
            if not self.accepted.data:
                self.accepted.errors = [str(_l("Select whether the person accepted the support"))]
            elif self.accepted.data == SupportAccepted.YES and not self.completed.data:
                self.completed.errors = [str(_l("Select whether the support was completed"))]
            elif self.accepted.data != SupportAccepted.YES and self.completed.data:
                self.completed.errors = [str(_l("Support can only be completed or stopped once the person accepted it: "
                                                "leave this blank"))]
        else:
            for f, message in ((self.offered_on, _l("Leave the day blank when support was not offered")),
                               (self.accepted, _l("Leave this blank when support was not offered")),
                               (self.completed, _l("Leave this blank when support was not offered"))):
                if f.data:
                    f.errors = [str(message)]
        return not any(f.errors for f in self)

    def answers(self) -> SupportAnswers:
        offered = SupportOffered(self.offered.data)
        if offered == SupportOffered.NO:
            return SupportAnswers(offered)
        return SupportAnswers(offered, self.offered_on.data, SupportAccepted(self.accepted.data),
                              SupportCompleted(self.completed.data) if self.completed.data else None)

