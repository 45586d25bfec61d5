"""Forms of the passport pages: share, withdraw, download; paste or upload; accept; revoke.

They check only the shape of input; ``pathways.passport`` verifies every credential and
enforces the rules.
"""

from __future__ import annotations

from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovFileInput,
    GovRadioInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import HiddenField, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from pathways.passport.sharing import DEFAULT_SHARE_DAYS, SHARE_DAYS
from pathways.passport.status_list import REASON_LIMIT
from pathways.passport.verification import MAX_INPUT

from .input_rules import Form


class ShareForm(Form):
    """Make a link to the person's passport, working for a number of days."""

    days = RadioField("How long should the link work?", widget=GovRadioInput(),
                      choices=[(str(days), f"{days} days") for days in SHARE_DAYS],
                      default=str(DEFAULT_SHARE_DAYS),
                      validators=[DataRequired(message="Choose how long the link works")])


class ButtonForm(Form):
    """A button with nothing to fill in: withdraw a link, download the passport."""


class PassportForm(Form):
    """Paste a passport or a credential, or upload a passport file."""

    passport = TextAreaField(
        "Paste the passport or the credentials", widget=GovTextArea(),
        validators=[Optional(), Length(max=MAX_INPUT, message="Paste at most "
                                                             f"{MAX_INPUT:,} characters")],
        description="A passport file's contents, or credentials (each a long line of letters "
                    "and digits in three parts separated by dots)")
    passport_file = FileField("Or upload a passport file (.json)", widget=GovFileInput(),
                              validators=[Optional()])


class AcceptForm(Form):
    """Accept the chosen valid credentials as the training of one of the organisation's
    people."""

    email = StringField("Email address of the person at your organisation",
                        widget=GovTextInput(),
                        validators=[DataRequired(message="Enter the person's email address"),
                                    Length(max=254)],
                        description="Their training record is made here, from the credentials")
    chosen = SelectMultipleField("Credentials to accept", choices=[], validate_choice=False,
                                 validators=[DataRequired(message="Choose at least one "
                                                                  "credential")])
    #: The credentials checked (a pasted passport, carried to the accepting post).
    carried = HiddenField(validators=[Optional(), Length(max=MAX_INPUT)])


class RevokeForm(Form):
    """Revoke a credential the organisation issued, saying why."""

    reason = TextAreaField("Why is it revoked? (optional)", widget=GovCharacterCount(),
                           validators=[Optional(), Length(max=REASON_LIMIT)])
