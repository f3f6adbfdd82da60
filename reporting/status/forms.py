from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired, Length

from reporting.forms.fields import NoControlCharacters, clean_text, long_text
from reporting.forms import StepForm


class ReceiptForm(StepForm):
    receipt = StringField(
        _l("Your receipt code"),
        validators=[InputRequired(_l("Enter your receipt code")), Length(max=100, message=_l("That is too long for a receipt code")), NoControlCharacters()],
        filters=[clean_text],
        description=_l("24 numbers, in groups of 4. You can type it with or without spaces."),
        render_kw={"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false"},
    )


class WordForm(StepForm):
    word = PasswordField(
        _l("Your word"),
        validators=[InputRequired(_l("Enter your word")), Length(max=100, message=_l("That is too long for your word")), NoControlCharacters()],
        description=_l("The word you chose when you made your report. Spaces and capital letters do not matter."),
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )


class ReplyForm(StepForm):
    text = long_text(_l("Reply to the Group"), required=_l("Write your reply"), max_length=5000)


class AdditionForm(StepForm):
    text = long_text(
        _l("Add to your report"),
        required=_l("Write what you want to add"),
        max_length=10000,
        description=_l("For example, something you remembered later, or something that has happened since."),
    )
