from __future__ import annotations

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, IntegerField
from wtforms.validators import NumberRange, Optional

from reporting.forms import StepForm, csv_import
from reporting.forms.fields import long_text, short_text
from reporting.support import services
from reporting.support.models import SupportService
from reporting.support.services import SupportData


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
