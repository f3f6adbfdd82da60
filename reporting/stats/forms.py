"""The statistics filters: a plain GET form, read from the query string."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import Optional, ValidationError

from reporting.forms.fields import options
from reporting import codes, labels
from reporting.stats import queries
from reporting.periods import default_range, month_key, months_between, parse_month
from reporting.words import lazy_gettext as _l


class Choice(SelectField):
    """A select whose unknown values are named in words the person can act on."""

    def __init__(self, label: Any, message: Any, **kwargs: Any) -> None:
        super().__init__(label, validators=[Optional()], **kwargs)
        self.message = message

    def pre_validate(self, form: Any) -> None:
        if self.data and not any(choice.value == self.data for choice in self.choices or []):
            raise ValidationError(str(self.message))


class StatsFilterForm(FlaskForm):
    class Meta:
        csrf = False

    first = Choice(_l("From"), _l("Select a start month from the list"))
    last = Choice(_l("To"), _l("Select an end month from the list"))
    area = Choice(_l("Area"), _l("Select an area from the list"))
    strand = Choice(_l("Strand"), _l("Select a strand from the list"))
    channel = Choice(_l("Channel"), _l("Select a channel from the list"))
    centre = Choice(_l("Centre"), _l("Select a centre from the list"))

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        start, end = default_range(today)
        earliest = queries.earliest_month()
        first = min(start, parse_month(earliest)) if earliest else start
        months = [(m, labels.month_name(m)) for m in months_between(first, end)]
        self.first.choices = options(months)
        self.last.choices = options(months)
        self.first.default_month = month_key(start)
        self.last.default_month = month_key(end)
        self.first.data = self.first.data or self.first.default_month
        self.last.data = self.last.data or self.last.default_month
        anything = [("", _l("All"))]
        self.area.choices = options(anything + [(c, lbl) for c, lbl, _g in queries.choice_labels("area")])
        self.strand.choices = options(anything + [(c, lbl) for c, lbl, _g in queries.choice_labels("strand")])
        self.channel.choices = options(anything + list(codes.Channel.words().items()))
        self.centre.choices = options(anything + [(str(i), n) for i, n in queries.centre_names()])

    def validate_last(self, field: Any) -> None:
        if self.first.data and field.data and field.data < self.first.data:
            raise ValidationError(str(_l("The end month must be the same as or after the start month")))

    def filters(self) -> queries.Filters:
        """The filters asked for; call after a successful validate()."""
        first = self.first.data or self.first.default_month
        last = self.last.data or self.last.default_month
        if last < first:
            last = first
        return queries.Filters(
            first_month=parse_month(first), last_month=parse_month(last), area=self.area.data or None,
            strand=self.strand.data or None, channel=self.channel.data or None,
            centre_id=int(self.centre.data) if self.centre.data else None,
        )

    def chosen(self) -> dict[str, str]:
        """The filters in words, for audit records and export headers (codes, no content)."""
        f = self.filters()
        return {k: v for k, v in {
            "from": month_key(f.first_month), "to": month_key(f.last_month), "area": f.area or "",
            "strand": f.strand or "", "channel": f.channel or "", "centre": str(f.centre_id or ""),
        }.items() if v}
