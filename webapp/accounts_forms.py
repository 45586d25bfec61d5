"""Forms for signing in and out and resetting a password (POST, each with a CSRF token).

They check the shape of input only; whether a password is good enough is the domain's
rule (``pathways.people.accounts.password_problems``).
"""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovTextInput
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from pathways.people.accounts import email_problem, normalise_email

from .input_rules import Form

MAX_EMAIL = 254
#: Longer than any sensible passphrase; stops megabyte "passwords" reaching Argon2.
MAX_PASSWORD = 200


def email_field() -> StringField:
    """An email address, as typed."""
    return StringField("Email address", validators=[
        DataRequired(message="Enter your email address"),
        Length(max=MAX_EMAIL, message=f"Email address must be {MAX_EMAIL} characters or fewer")],
        widget=GovTextInput())


class SignInForm(Form):
    """Sign in with an email address and password."""

    email = email_field()
    password = PasswordField("Password", validators=[
        DataRequired(message="Enter your password"),
        Length(max=MAX_PASSWORD, message=f"Password must be {MAX_PASSWORD} characters or fewer")],
        widget=GovPasswordInput())


class SignOutForm(Form):
    """Confirm signing out (only the CSRF token)."""


class ResetRequestForm(Form):
    """Ask for a link to reset a forgotten password (an email is sent to the address, so it
    must be one)."""

    email = email_field()

    def validate_email(self, field) -> None:
        problem = email_problem(normalise_email(field.data))
        if problem and not field.errors:
            raise ValidationError(problem)


class NewPasswordForm(Form):
    """Choose a new password, typed twice."""

    password = PasswordField("New password", validators=[
        DataRequired(message="Enter a new password"),
        Length(max=MAX_PASSWORD, message=f"Password must be {MAX_PASSWORD} characters or fewer")],
        description="At least 12 characters. A few unrelated words together work well.",
        widget=GovPasswordInput())
    confirm = PasswordField("Confirm new password", validators=[
        DataRequired(message="Confirm your new password"),
        EqualTo("password", message="Passwords must match")],
        widget=GovPasswordInput())
