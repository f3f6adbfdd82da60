from __future__ import annotations

from wtforms import HiddenField
from wtforms.validators import Length

from reporting.reports.fields import clean_text
from reporting.reports.questions import StepForm


class ConfirmForm(StepForm):
    """A button with CSRF protection and the honeypot; no questions."""


class StartForm(StepForm):
    """The start button; ``via`` carries the slug of the centre whose poster was scanned."""

    via = HiddenField(filters=[clean_text], validators=[Length(max=64)])
