"""The directory's filter form: a GET form, so no CSRF token and nothing to change."""
from __future__ import annotations

from typing import Any

from wtforms import Form

from reporting.centres.models import OFFERS
from reporting.forms.fields import Checkboxes, Select, options
from reporting.words import lazy_gettext as _l

# What a centre offers, in the words a visitor would use. Keys are the codes in OFFERS.
OFFER_LABELS: dict[str, Any] = {
    "step_free": _l("Step-free access"),
    "hearing_loop": _l("Hearing loop"),
    "quiet_room": _l("Quiet private room"),
    "bsl": _l("British Sign Language (BSL)"),
    "interpreters": _l("Interpreters"),
}


class DirectoryFilterForm(Form):
    """Town and offers. Never validated into errors: values not on offer are dropped."""

    town = Select(_l("Town"), required=None)
    offers = Checkboxes(_l("What the centre offers"), description=_l("Select all that you need."))

    def __init__(self, formdata: Any, *, towns: list[tuple[str, str]]) -> None:
        super().__init__(formdata)
        self.town.choices = options([("", _l("Any town")), *towns])
        self.offers.choices = options((code, OFFER_LABELS[code]) for code in OFFERS)
        # Unknown or hand-edited values are ignored, never an error page.
        if self.town.data not in {code for code, _label in towns}:
            self.town.data = ""
        self.offers.data = [code for code in OFFERS if code in (self.offers.data or [])]

    def filters(self) -> tuple[str | None, list[str]]:
        """The town (or None for any) and the offers asked for, all known values."""
        return self.town.data or None, list(self.offers.data or [])
