"""Form base classes shared by every form a person fills in (public, staff and admin).

The fields themselves are in ``reporting.forms.fields``. The questions of a report
(``reporting.reports.questions``) are declared with these; the core never builds a
form itself (it reads the declarations as data).
"""
from __future__ import annotations

from typing import Any

from flask import get_template_attribute, request
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from flask_wtf.form import _Auto
from markupsafe import Markup
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms import Field, HiddenField, StringField
from wtforms.validators import Length, ValidationError

from reporting.forms.fields import clean_text
from reporting.words import lazy_gettext as _l


class StepForm(FlaskForm):
    """Base of every step: a honeypot that people never see and bots fill in."""

    class Meta(FlaskForm.Meta):
        # The token is checked once per request, before any view, by CSRFProtect (reporting.
        # extensions; no view is exempt) and put in pages with csrf_token(); a form of its own
        # would only sign a second copy that no page shows (a tenth of a final submit).
        csrf = False

        def wrap_formdata(self, form: Any, formdata: Any) -> Any:
            """Read only the posted form (never a JSON body), and files only for file fields."""
            if formdata is not _Auto:
                return formdata
            if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
                return None
            file_fields = {f.name for f in form if isinstance(f, FileField)}
            # A file sent where an answer is typed is refused in validate(), not read.
            form.stray_files = [name for name in request.files if name not in file_fields]
            if not file_fields:
                return request.form
            files = MultiDict([(k, v) for k, v in request.files.items(multi=True) if k in file_fields])
            return CombinedMultiDict([files, request.form])

    website = StringField(_l("Leave this field empty"), filters=[clean_text])

    stray_files: list[str] = []

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for name in self.stray_files:
            # A date's parts are posted as "<field>-day" and so on.
            target = self._fields.get(name) or self._fields.get(name.rsplit("-", 1)[0])
            if target is not None:
                target.errors = [str(_l("Type your answer here; a file cannot be attached to this question"))]
                valid = False
        return valid

    def validate_website(self, field: Field) -> None:
        if field.data:
            raise ValidationError(str(_l("Leave this field empty")))

    def question_fields(self) -> list[Field]:
        return [f for f in self if f.name not in ("csrf_token", "website")]

    def answers(self) -> dict[str, Any]:
        return {f.name: f.data for f in self.question_fields()}


def fields_html(form: FlaskForm, size: str = "s") -> dict[str, Markup]:
    """Each field of ``form`` but its CSRF token, as the templates' ``field`` macro renders it,
    by the field's short name: for a page that keeps the HTML of forms shown fresh."""
    field = get_template_attribute("_macros.html", "field")
    return {f.short_name: field(f, size=size) for f in form if f.short_name != "csrf_token"}


class ConfirmForm(StepForm):
    """A button with CSRF protection (and the honeypot): send, finish, remove, deactivate, grant.

    The one form for every bare button, public or staff.
    """


class StartForm(StepForm):
    """The start button; ``via`` carries the slug of the centre whose poster was scanned."""

    via = HiddenField(filters=[clean_text], validators=[Length(max=64)])
