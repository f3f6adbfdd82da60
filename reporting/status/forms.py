from __future__ import annotations

from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired, Length

from reporting.codes import FeedbackScore
from reporting.forms.fields import NoControlCharacters, Radios, clean_text, long_text
from reporting.forms import StepForm
from reporting.words import lazy_gettext as _l


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


class FeedbackForm(StepForm):
    """"How did we do?": a score, and words if they want (optional, anonymous)."""

    score = Radios(_l("How did we do?"), required=_l("Select how we did, from very poor to very good"),
                   choices=FeedbackScore.choices(),
                   description=_l("This is optional and anonymous. We count the answers together to make the "
                                  "service better. No one will contact you about your answer."))
    comment = long_text(
        _l("Tell us more (optional)"),
        max_length=2000,
        description=_l("What went well, or what we could do better. Please do not write your name or anything "
                       "that could identify you."),
    )
