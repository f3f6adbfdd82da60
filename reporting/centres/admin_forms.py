"""The administrators' form for a centre (staff only): the edit page's, and the check of
each row of a centres CSV import (reporting/forms/csv_import.py)."""
from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField

from reporting.centres import services
from reporting.centres.models import OFFERS, Centre
from reporting.centres.services import CentreData
from reporting.forms import csv_import
from reporting.forms.fields import Checkboxes, Select, long_text, options, short_text
from reporting.reports.questions import choice_options
from reporting.words import lazy_gettext as _l

OFFER_LABELS = {
    "step_free": _l("Step-free access"),
    "hearing_loop": _l("Hearing loop"),
    "quiet_room": _l("Quiet private room"),
    "bsl": _l("British Sign Language (BSL)"),
    "interpreters": _l("Interpreters"),
}


class CentreForm(FlaskForm):
    name = short_text(_l("Name"), required=_l("Enter the centre's name"), max_length=200)
    slug = short_text(_l("Short name for web addresses"), max_length=64,
                      description=_l("Lower-case letters, numbers and hyphens, for example shrewsbury-library. It cannot change later: posters use it."))
    address = long_text(_l("Address"), max_length=1000)
    town = Select(_l("Town or area"), required=_l("Select the town or area"))
    postcode = short_text(_l("Postcode"), max_length=10)
    opening_hours = long_text(_l("Opening hours"), max_length=1000)
    phone = short_text(_l("Phone"), max_length=40)
    offers = Checkboxes(_l("What the centre offers"), choices=[(code, OFFER_LABELS[code]) for code in OFFERS])
    languages = short_text(_l("Languages spoken"), max_length=500, description=_l("Separate them with commas."))
    how_to_get_help = long_text(_l("How to get help here"), max_length=2000)
    active = BooleanField(_l("Show in the public directory"), default=True)

    def __init__(self, *args: Any, new: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.is_new = new
        self.town.choices = options([("", _l("Select a town or area"))] + choice_options("area"))

    @staticmethod
    def initial(centre: Centre) -> dict[str, Any]:
        return {
            "name": centre.name, "address": centre.address, "town": centre.town, "postcode": centre.postcode,
            "opening_hours": centre.opening_hours, "phone": centre.phone, "offers": list(centre.offers or []),
            "languages": ", ".join(centre.languages or []), "how_to_get_help": centre.how_to_get_help,
            "active": centre.active,
        }

    def data_for_service(self, *, slug: str | None) -> CentreData:
        languages = [part.strip() for part in (self.languages.data or "").replace(";", ",").split(",") if part.strip()]
        return CentreData(
            slug=slug or (self.slug.data or "").lower(),
            name=self.name.data or "",
            address=self.address.data or "",
            town=self.town.data or "",
            postcode=(self.postcode.data or "").upper(),
            opening_hours=self.opening_hours.data or "",
            phone=self.phone.data or "",
            offers=list(self.offers.data or []),
            languages=languages,
            how_to_get_help=self.how_to_get_help.data or "",
            active=bool(self.active.data),
        )


def _import_form(formdata: MultiDict[str, str] | None) -> CentreForm:
    return CentreForm(formdata=formdata, meta={"csrf": False}, new=True)


def centres_from_csv(text: str) -> list[CentreData]:
    """Each row of a centres CSV (services.COLUMNS) checked by the admin's form and the
    admin's save checks; csv_import.CsvImportError names every problem, by row."""
    towns = services.area_codes()
    forms = csv_import.check_rows(
        text, _import_form, columns=services.COLUMNS, required=services.REQUIRED, key="slug",
        more_problems=lambda form: services.validate(form.data_for_service(slug=None), towns=towns),
    )
    return [form.data_for_service(slug=None) for form in forms]
