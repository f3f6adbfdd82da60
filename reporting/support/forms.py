from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField
from wtforms.validators import NumberRange, Optional

from reporting.forms import StepForm
from reporting.forms.fields import long_text, short_text
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
