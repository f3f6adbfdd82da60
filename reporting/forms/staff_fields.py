"""Fields of staff-only forms (English; not in the reporters' catalogues)."""
from __future__ import annotations

from datetime import date
from typing import Any

from wtforms import DateField
from wtforms.validators import InputRequired, Optional, ValidationError

from reporting.words import lazy_gettext as _l


class DayField(DateField):
    """A date typed or picked (yyyy-mm-dd from the browser's date input), with a clear error.
    Staff forms (meetings, centres); ``required=None``: may be left empty."""

    def __init__(self, label: Any, *, required: Any, **kwargs: Any) -> None:
        validators = [InputRequired(required)] if required else [Optional()]
        super().__init__(label, validators=validators, render_kw={"type": "date"}, **kwargs)
        self.required_message = required

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(str(_l("Enter a real date, for example 2027-01-14"))) from None

    def pre_validate(self, form: Any) -> None:
        if self.data is not None and not (date(2000, 1, 1) <= self.data <= date(2100, 12, 31)):
            raise ValidationError(str(_l("Enter a real date, for example 2027-01-14")))
