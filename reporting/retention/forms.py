from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm

from reporting import labels
from reporting.forms.fields import Radios, long_text, options
from reporting.retention.services import ERASURE_REASONS
from reporting.words import lazy_gettext as _l


class HoldForm(FlaskForm):
    reason = long_text(_l("Why the case must be kept"), required=_l("Give the reason for the legal hold"),
                       max_length=2000, description=_l("Only the Group can read this."))


class LiftForm(FlaskForm):
    reason = long_text(_l("Why the hold can be lifted"), required=_l("Give the reason for lifting the legal hold"),
                       max_length=2000, description=_l("Only the Group can read this. A second key holder must approve."))


class EraseForm(FlaskForm):
    reason = Radios(_l("Why is this report being erased now?"), required=_l("Select why the report is being erased"))
    explanation = long_text(_l("Anything the second key holder should know (optional)"), max_length=2000,
                            description=_l("Only the Group can read this."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        words = labels.as_labels("erasure_reason")
        self.reason.choices = options([(code, words[code]) for code in ERASURE_REASONS])
