"""Forms for an initiative and an area's population (staff pages: English is enough)."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from wtforms import DateField, Field, StringField
from wtforms.validators import InputRequired, Optional, StopValidation, ValidationError

from reporting.codes import InitiativeKind
from reporting.context.models import POPULATION_MAX, SOURCE_MAX, TITLE_MAX
from reporting.forms.fields import Radios, Select, options, short_text
from reporting.words import lazy_gettext as _l

EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


class DayField(DateField):
    """A date typed or picked (yyyy-mm-dd from the browser's date input), with a clear error."""

    def __init__(self, label: Any, *, required: Any = None, **kwargs: Any) -> None:
        validators = [InputRequired(required)] if required else [Optional()]
        super().__init__(label, validators=validators, render_kw={"type": "date"}, **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        if valuelist and not valuelist[0].strip():
            self.data = None
            return
        try:
            super().process_formdata([v[:20] for v in valuelist])
        except ValueError:
            self.data = None
            raise ValueError(str(_l("Enter a real date, for example 2026-10-12"))) from None

    def pre_validate(self, form: Any) -> None:
        if self.data is not None and not (EARLIEST <= self.data <= LATEST):
            raise ValidationError(str(_l("Enter a date between 2000 and 2100")))


class WholeNumber(StringField):
    """A whole number as people type it ("48,500" or "48 500"), within a range, with clear errors."""

    def __init__(self, label: Any, *, required: Any, low: int, high: int, out_of_range: Any, **kwargs: Any) -> None:
        super().__init__(label, **kwargs)
        self.required, self.low, self.high, self.out_of_range = required, low, high, out_of_range
        self.number: int | None = None

    def pre_validate(self, form: Any) -> None:
        text = (self.data or "").replace(",", "").replace(" ", "").strip()
        self.number = None
        if not text:
            raise StopValidation(str(self.required))
        if len(text) > 12 or not text.isascii() or not text.isdigit():
            raise StopValidation(str(_l("Enter a whole number, like 48,500")))
        number = int(text)
        if not self.low <= number <= self.high:
            raise StopValidation(str(self.out_of_range))
        self.number = number


class InitiativeForm(FlaskForm):
    title = short_text(_l("Title"), required=_l("Enter the initiative's title"), max_length=TITLE_MAX,
                       description=_l("A short plain name, like “Hate Crime Awareness Week 2026”. "
                                      "It is shown on the statistics' trend chart. Never a case detail."))
    kind = Radios(_l("Kind"), required=_l("Select the kind of initiative"), choices=InitiativeKind.choices())
    starts_on = DayField(_l("Start date"), required=_l("Enter the date it started"))
    ends_on = DayField(_l("End date (optional)"),
                       description=_l("Leave empty if it is still running, like a new centre."))
    area = Select(_l("Area"), required=_l("Select an area from the list"))

    def __init__(self, *args: Any, areas: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.area.choices = options([("all", _l("Every area")), *areas])

    def validate_ends_on(self, field: Field) -> None:
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(str(_l("The end date must be the same as or after the start date")))


class PopulationForm(FlaskForm):
    population = WholeNumber(_l("Residents"), required=_l("Enter how many people live in the area"), low=1,
                             high=POPULATION_MAX,
                             out_of_range=_l("Enter a number of residents from 1 to 100,000,000"),
                             description=_l("The number of people who live in the area, like 48,500."))
    source = short_text(_l("Source"), required=_l("Enter where the figure comes from"), max_length=SOURCE_MAX,
                        description=_l("For example: Office for National Statistics mid-year estimate."))
    year = WholeNumber(_l("Year of the figure"), required=_l("Enter the year the figure is for"), low=1900,
                       high=2100, out_of_range=_l("Enter a year from 1900 to 2100"),
                       render_kw={"inputmode": "numeric"})
