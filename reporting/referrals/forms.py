from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import HiddenField

from reporting import labels
from reporting.forms.fields import Checkboxes, Radios, long_text, options, short_text
from reporting.words import lazy_gettext as _l

# The words come from reporting/labels.py, the one place codes become words.
OVERRIDE_LABELS = labels.as_labels("override")
OUTCOME_LABELS = labels.as_labels("outcome")
STATE_LABELS = labels.as_labels("referral_state")


class ReferralForm(FlaskForm):
    fields = Checkboxes(_l("Answers to share"), required=_l("Choose at least one answer to share"),
                        description=_l("Only what you tick goes to the police."))
    files = Checkboxes(_l("Files to share"), description=_l("The police get the copy with location and other hidden details removed, never the original."))
    override_reason = Radios(_l("Safeguarding reason"), choices=list(OVERRIDE_LABELS.items()))
    explanation = long_text(_l("Explain why this must be shared without consent"), max_length=3000,
                            description=_l("Only the Group can read this. A second reviewer must approve before anything is sent."))
    action = HiddenField(default="preview")

    def __init__(self, *args: Any, available: list[tuple[str, Any]] | None = None,
                 files: list[tuple[str, Any]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.choices = options(available or [])
        self.files.choices = options(files or [])


class OutcomeForm(FlaskForm):
    crime_reference = short_text(_l("Crime or incident reference"), max_length=40,
                                 description=_l("The force's own reference, for example 22/12345/26."))
    outcome = Radios(_l("Outcome"), required=_l("Select the outcome"), choices=list(OUTCOME_LABELS.items()))


class QuestionForm(FlaskForm):
    text = long_text(_l("Ask the Group a question"), required=_l("Write your question"), max_length=3000)


class AnswerForm(FlaskForm):
    text = long_text(_l("Answer the police"), required=_l("Write your answer"), max_length=3000)
