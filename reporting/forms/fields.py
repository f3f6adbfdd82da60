"""Form fields and validators shared by every way of taking a report."""
from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any

from wtforms import Field, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, StopValidation, ValidationError

from reporting.words import lazy_gettext as _l

# Control characters other than tab and newlines never belong in an answer.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff\ud800-\udfff]")


def options(pairs: Any) -> list[SelectChoice]:
    """Choices as WTForms wants them, from (value, label) pairs."""
    return [p if isinstance(p, SelectChoice) else SelectChoice(p[0], p[1]) for p in pairs or []]


def clean_text(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    return unicodedata.normalize("NFC", value.replace("\r\n", "\n")).strip()


class NoControlCharacters:
    def __call__(self, form: Any, field: Field) -> None:
        if isinstance(field.data, str) and _CONTROL.search(field.data):
            raise StopValidation(str(_l("Remove the unusual characters from this answer")))


class Required:
    """Like DataRequired, with the question's own message."""

    def __init__(self, message: Any) -> None:
        self.message = message

    def __call__(self, form: Any, field: Field) -> None:
        if not field.data:
            field.errors[:] = []
            raise StopValidation(str(self.message))


def short_text(label: Any, *, required: Any = None, max_length: int = 200, **kwargs: Any) -> StringField:
    validators: list[Any] = [Required(required)] if required else [Optional()]
    validators += [
        NoControlCharacters(),
        Length(max=max_length, message=_l("Answer must be %(max)d characters or fewer", max=max_length)),
    ]
    return StringField(label, validators=validators, filters=[clean_text], **kwargs)


def long_text(label: Any, *, required: Any = None, max_length: int = 5000, **kwargs: Any) -> TextAreaField:
    validators: list[Any] = [Required(required)] if required else [Optional()]
    validators += [
        NoControlCharacters(),
        Length(max=max_length, message=_l("Answer must be %(max)d characters or fewer", max=max_length)),
    ]
    return TextAreaField(label, validators=validators, filters=[clean_text], **kwargs)


class Radios(RadioField):
    """A radio group whose invalid or missing answer gets the question's own message."""

    def __init__(self, label: Any, *, required: Any = None, **kwargs: Any) -> None:
        validators = [Required(required)] if required else [Optional()]
        kwargs["choices"] = options(kwargs.get("choices"))
        super().__init__(label, validators=validators, **kwargs)
        self.required_message = required

    def pre_validate(self, form: Any) -> None:
        if self.data is None:
            return
        if not any(choice.value == self.data for choice in self.choices or []):
            self.data = None
            raise ValidationError(str(self.required_message or _l("Select one of the options")))


class Checkboxes(SelectMultipleField):
    """Several answers allowed; unknown values are refused, never stored."""

    def __init__(self, label: Any, *, required: Any = None, **kwargs: Any) -> None:
        validators = [Required(required)] if required else [Optional()]
        kwargs["choices"] = options(kwargs.get("choices"))
        super().__init__(label, validators=validators, **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = list(dict.fromkeys(valuelist))

    def pre_validate(self, form: Any) -> None:
        known = {choice.value for choice in self.choices or []}
        if any(value not in known for value in self.data or []):
            self.data = [value for value in self.data or [] if value in known]
            raise StopValidation(str(_l("Select only options from the list")))


class Select(SelectField):
    def __init__(self, label: Any, *, required: Any, **kwargs: Any) -> None:
        kwargs["choices"] = options(kwargs.get("choices"))
        super().__init__(label, validators=[Required(required)], **kwargs)
        self.required_message = required

    def pre_validate(self, form: Any) -> None:
        if self.data and not any(choice.value == self.data for choice in self.choices or []):
            self.data = None
            raise ValidationError(str(self.required_message))


class ApproximateDateField(Field):
    """GOV.UK date input where the day may be left blank (an approximate month).

    ``data`` is a dict ``{"day": int | None, "month": int, "year": int}``.
    """

    type = "ApproximateDateField"
    PARTS = ("day", "month", "year")

    def __init__(self, label: Any, *, earliest: date, **kwargs: Any) -> None:
        super().__init__(label, **kwargs)
        self.earliest = earliest
        self.raw_parts: dict[str, str] = {}
        self.error_parts: set[str] = set()

    def process(self, formdata: Any, data: Any = None, extra_filters: Any = None) -> None:
        self.process_errors = []
        self.raw_parts = {}
        self.object_data = data
        if formdata is not None:
            for part in self.PARTS:
                self.raw_parts[part] = str(formdata.get(f"{self.name}-{part}", ""))[:10].strip()
            self.data = None
        else:
            self.data = data if isinstance(data, dict) else None
            if self.data:
                self.raw_parts = {
                    part: "" if self.data.get(part) is None else str(self.data[part]) for part in self.PARTS
                }

    def _number(self, part: str) -> int | None:
        raw = self.raw_parts.get(part, "")
        if not raw:
            return None
        if not raw.isascii() or not raw.isdigit():
            self.error_parts.add(part)
            raise ValidationError(str(_l("The date must be a real date, in numbers")))
        return int(raw)

    def pre_validate(self, form: Any) -> None:
        self.error_parts = set()
        if self.data is not None and not self.raw_parts:
            return
        day, month, year = (self._number(part) for part in self.PARTS)
        missing = [part for part in ("month", "year") if not self.raw_parts.get(part)]
        if missing:
            self.error_parts.update(missing)
            if len(missing) == 2 and day is None:
                raise ValidationError(str(_l("Enter the month and year it happened, even if approximate")))
            raise ValidationError(str(_l("The date must include a month and a year")))
        assert month is not None and year is not None
        if day is not None and not 1 <= day <= 31:
            self.error_parts.add("day")
            raise ValidationError(str(_l("The date must be a real date")))
        if not 1 <= month <= 12:
            self.error_parts.add("month")
            raise ValidationError(str(_l("The month must be a number from 1 to 12")))
        if year < 1000:
            self.error_parts.add("year")
            raise ValidationError(str(_l("The year must include 4 numbers")))
        if year > 9999:  # a digit too many: the year is what is wrong
            self.error_parts.add("year")
            raise ValidationError(str(_l("The date must be today or in the past")))
        try:
            when = date(year, month, day or 1)
        except ValueError:
            self.error_parts.add("day")
            raise ValidationError(str(_l("The date must be a real date"))) from None
        today = date.today()
        if when > today:
            self.error_parts.update(self.PARTS if day else ("month", "year"))
            raise ValidationError(str(_l("The date must be today or in the past")))
        if when < self.earliest:
            self.error_parts.add("year")
            raise ValidationError(
                str(_l("The date must be %(year)s or later", year=self.earliest.strftime("%Y")))
            )
        self.data = {"day": day, "month": month, "year": year}

    def as_date(self) -> date | None:
        if not self.data:
            return None
        return date(self.data["year"], self.data["month"], self.data["day"] or 1)
