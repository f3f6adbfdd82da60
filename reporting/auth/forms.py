from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import EqualTo, InputRequired, Length, Regexp

from reporting.forms.fields import NoControlCharacters, clean_text
from reporting.words import lazy_gettext as _l


class SignInForm(FlaskForm):
    email = StringField(
        _l("Email address"),
        validators=[InputRequired(_l("Enter your email address")), Length(max=254), NoControlCharacters()],
        filters=[clean_text],
        render_kw={"type": "email", "autocomplete": "username", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(_l("Enter your password")), Length(max=1024, message=_l("Password is too long"))],
        render_kw={"autocomplete": "current-password"},
    )


class CodeForm(FlaskForm):
    code = StringField(
        _l("Code from your authenticator app"),
        validators=[
            InputRequired(_l("Enter the 6-digit code from your authenticator app")),
            Regexp(r"^\s*\d{3}\s?\d{3}\s*$", message=_l("The code must be 6 digits")),
        ],
        description=_l("For example, 123456. A new code appears every 30 seconds."),
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"},
    )


class FirstPasswordForm(FlaskForm):
    """Choosing one's own password straight after signing in with a temporary one."""

    new_password = PasswordField(
        _l("New password"),
        validators=[
            InputRequired(_l("Enter a new password")),
            Length(min=12, message=_l("Your new password must be at least 12 characters")),
            Length(max=1024, message=_l("Your new password must be 1024 characters or fewer")),
            # A control character cannot be typed at sign-in on every keyboard and browser.
            NoControlCharacters(),
        ],
        description=_l("At least 12 characters. A few unrelated words make a strong password."),
        render_kw={"autocomplete": "new-password"},
    )
    confirm_password = PasswordField(
        _l("Confirm new password"),
        validators=[
            InputRequired(_l("Confirm your new password")),
            EqualTo("new_password", message=_l("The passwords do not match")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class ChangePasswordForm(FirstPasswordForm):
    """Changing one's password: the current one first, then the same new-password fields."""

    current_password = PasswordField(
        _l("Current password"),
        validators=[InputRequired(_l("Enter your current password")), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )




# What the passkey pages' script posts: WebAuthn responses as JSON, the PRF output as base64url.
_CEREMONY = [Length(max=16384)]
_PRF = [Length(max=100)]


class PasskeyForm(FlaskForm):
    """Adding a passkey: the password again, a name, and what the page's script fills in."""

    current_password = PasswordField(
        _l("Your password"),
        validators=[InputRequired(_l("Enter your password")), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )
    name = StringField(
        _l("A name for this passkey (optional)"),
        validators=[Length(max=60, message=_l("The name must be 60 characters or fewer")), NoControlCharacters()],
        filters=[clean_text],
        description=_l("For example, work laptop or security key. It helps you tell your passkeys apart."),
        render_kw={"spellcheck": "false", "autocomplete": "off"},
    )
    registration = HiddenField(validators=_CEREMONY)
    assertion = HiddenField(validators=_CEREMONY)
    prf = HiddenField(validators=_PRF)


class PasskeySignInForm(FlaskForm):
    """The sign-in's passkey step: what the page's script fills in."""

    assertion = HiddenField(validators=_CEREMONY)
    prf = HiddenField(validators=_PRF)

