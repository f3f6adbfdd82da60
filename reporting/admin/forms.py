"""Forms of the administrators' area. Choices come from data (roles, centres), never the request."""
from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import Email, EqualTo, InputRequired, Length, NumberRange, Optional, ValidationError

from reporting.auth.models import Role
from reporting.auth.services import check_password_policy
from reporting.exceptions import PasswordPolicyError
from reporting.forms import ConfirmForm
from reporting.forms.fields import NoControlCharacters, Radios, clean_text, options
from reporting.settings import current_settings
from reporting.words import lazy_gettext as _l

ROLE_LABELS = {
    Role.ADMIN.value: _l("Administrator"),
    Role.REVIEWER.value: _l("Reviewer (Hate Crime Reporting Group)"),
    Role.CENTRE_STAFF.value: _l("Reporting centre staff"),
    Role.POLICE.value: _l("Police liaison"),
    Role.ANALYST.value: _l("Analyst (statistics only)"),
    Role.AGENCY.value: _l("Partner agency (meetings and actions only)"),
}
PASSWORD_HINT = _l(
    "At least 12 characters. Give it to them in person or by phone, never by email. "
    "They must change it when they first sign in."
)


class CentreSelect(SelectField):
    """The person's reporting centre: optional here, required by the form for centre staff."""

    def __init__(self, label: Any, **kwargs: Any) -> None:
        super().__init__(label, validators=[], **kwargs)  # no Optional(): it would skip validate_centre

    def pre_validate(self, form: Any) -> None:
        if self.data and not any(choice.value == self.data for choice in self.choices or []):
            self.data = ""
            raise ValidationError(str(_l("Select a centre from the list")))


def _centre_choices(centres: list[tuple[str, str]]) -> list[Any]:
    return options([("", _l("No centre"))] + centres)


def _role_field() -> Radios:
    # People at partner agencies are added from their agency's page (/admin/agencies/), tied to it.
    return Radios(_l("Role"), required=_l("Select a role"),
                  choices=[(code, words) for code, words in ROLE_LABELS.items() if code != Role.AGENCY.value])


def _centre_field() -> CentreSelect:
    return CentreSelect(_l("Reporting centre"), description=_l("Only for reporting centre staff."))


class _CentreChoices:
    """Shared by the forms with ``role`` and ``centre`` fields (declared in each, to keep page order)."""

    role: Radios
    centre: CentreSelect

    def __init__(self, *args: Any, centres: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.centre.choices = _centre_choices(centres or [])

    def validate_centre(self, field: Any) -> None:
        if self.role.data == Role.CENTRE_STAFF.value and not field.data:
            raise ValidationError(str(_l("Select the centre this person works at")))

    def centre_slug(self) -> str | None:
        """The chosen centre, for centre staff only; other roles belong to none."""
        if self.role.data != Role.CENTRE_STAFF.value:
            return None
        return self.centre.data or None


def _password_fields(new_label: Any) -> tuple[PasswordField, PasswordField]:
    password = PasswordField(
        new_label,
        validators=[InputRequired(_l("Enter a temporary password")), Length(max=1024, message=_l("Password is too long"))],
        description=PASSWORD_HINT,
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Confirm the temporary password"),
        validators=[
            InputRequired(_l("Confirm the temporary password")),
            EqualTo("password", message=_l("The passwords do not match")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    return password, confirm


def _check_policy(password: str, email: str) -> None:
    try:
        check_password_policy(password, email, settings=current_settings())
    except PasswordPolicyError:
        raise ValidationError(
            str(_l("The password must be at least 12 characters and hard to guess: not their email address, a common password, the name of this service or a year. A few unrelated words together work well."))
        ) from None


class NewUserForm(_CentreChoices, FlaskForm):
    email = StringField(
        _l("Email address"),
        validators=[
            InputRequired(_l("Enter their email address")),
            Length(max=254, message=_l("Email address must be 254 characters or fewer")),
            NoControlCharacters(),
            Email(message=_l("Enter an email address in the correct format, like name@example.org")),
        ],
        filters=[clean_text],
        render_kw={"type": "email", "autocomplete": "off", "spellcheck": "false"},
    )
    role = _role_field()
    centre = _centre_field()
    password, confirm_password = _password_fields(_l("Temporary password"))

    def validate_password(self, field: Any) -> None:
        _check_policy(field.data or "", self.email.data or "")


class RoleForm(_CentreChoices, FlaskForm):
    role = _role_field()
    centre = _centre_field()


class ResetForm(FlaskForm):
    password, confirm_password = _password_fields(_l("New temporary password"))

    def __init__(self, *args: Any, email: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.account_email = email

    def validate_password(self, field: Any) -> None:
        _check_policy(field.data or "", self.account_email)


# A button with CSRF protection (deactivate, reactivate, grant): the one shared button form.
ButtonForm = ConfirmForm


class AuditFilterForm(FlaskForm):
    """Read from the query string; an unknown value shows a message and is ignored."""

    class Meta:
        csrf = False

    action = SelectField(_l("Action"), validators=[Optional()])
    page = IntegerField(_l("Page"), validators=[Optional(), NumberRange(min=1, max=1_000_000)])

    def __init__(self, *args: Any, actions: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from reporting.labels import audit_action

        self.action.choices = options([("", _l("All actions"))] + [(a, audit_action(a)) for a in actions or []])
