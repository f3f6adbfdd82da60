from __future__ import annotations

from reporting.reports.questions import StepForm


class ConfirmForm(StepForm):
    """A button with CSRF protection and the honeypot; no questions."""
