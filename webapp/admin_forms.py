"""Forms of the people admin pages: staff and champion imports, account status, access roles,
sign-in email, audit filter.

They check only the shape of input; ``pathways.people`` enforces the rules.
"""

from __future__ import annotations

from datetime import date

from flask_wtf.file import FileAllowed, FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovRadioInput, GovSelect, GovTextInput
from wtforms import HiddenField, RadioField, SelectField, StringField
from wtforms.validators import AnyOf, DataRequired, Length, Optional, ValidationError

from pathways.mentoring import champions
from pathways.models import ACCESS_ROLES
from pathways.people.staff_import import COLUMNS

from .cohort_forms import read_day
from .input_rules import Form


class StaffImportForm(Form):
    """Upload an HR export (CSV or XLSX) of an organisation's staff."""

    organisation = SelectField("Organisation", choices=[], widget=GovSelect(),
                               validators=[DataRequired(message="Choose the organisation")])
    staff_file = FileField(
        "HR export (CSV or Excel file)", widget=GovFileInput(),
        description=f"Columns: {', '.join(COLUMNS)}. Only email and name are required.",
        validators=[FileRequired(message="Choose a CSV or Excel file to upload"),
                    FileAllowed(["csv", "xlsx"], message="The file must be a CSV file (.csv) "
                                "or an Excel workbook (.xlsx)")])


class ChampionImportForm(Form):
    """Upload a list (CSV or XLSX) of an organisation's career champions."""

    organisation = SelectField("Organisation", choices=[], widget=GovSelect(),
                               validators=[DataRequired(message="Choose the organisation")])
    champions_file = FileField(
        "Champions (CSV or Excel file)", widget=GovFileInput(),
        description=f"Columns: {', '.join(champions.COLUMNS)}. Only email is required.",
        validators=[FileRequired(message="Choose a CSV or Excel file to upload"),
                    FileAllowed(["csv", "xlsx"], message="The file must be a CSV file (.csv) "
                                "or an Excel workbook (.xlsx)")])


class GrantRoleForm(Form):
    """Grant an access role, and for L&D and administrators how far it reaches."""

    role = SelectField("Access role", choices=list(ACCESS_ROLES.items()), widget=GovSelect(),
                       validators=[DataRequired(message="Choose an access role")])
    scope = RadioField("How far it reaches (L&D and administrators only)", choices=[
        ("organisation", "Their organisation"), ("partnership", "The whole partnership")],
        default="organisation", widget=GovRadioInput(),
        validators=[DataRequired(message="Choose how far the role reaches")])


class RemoveRoleForm(Form):
    """Remove one access role (the button beside it)."""

    role = HiddenField(validators=[AnyOf(list(ACCESS_ROLES), message="Unknown access role")])


class AccountStatusForm(Form):
    """Disable or enable an account."""

    active = HiddenField(validators=[AnyOf(["yes", "no"], message="Choose disable or enable")])


class ChangeEmailForm(Form):
    """Change the email address someone signs in with (administrators)."""

    email = StringField("New email address", widget=GovTextInput(), validators=[
        DataRequired(message="Enter the new email address"),
        Length(max=254, message="The email address must be 254 characters or fewer")])


class AuditFilterForm(Form):
    """Filter the audit log by what changed (sent with GET: no CSRF token)."""

    class Meta:
        csrf = False

    entity_type = SelectField("What changed", choices=[], widget=GovSelect(),
                              validators=[Optional()])
    person = StringField("Person", validators=[Optional(), Length(max=100)],
                         description="The start of the name or email of who made the "
                                     "change or whom it is about", widget=GovTextInput(),
                         render_kw={"spellcheck": "false"})
    since = StringField("From (YYYY-MM-DD)", validators=[Optional()], widget=GovTextInput(),
                        render_kw={"spellcheck": "false", "inputmode": "numeric"})
    until = StringField("To (YYYY-MM-DD)", validators=[Optional()], widget=GovTextInput(),
                        render_kw={"spellcheck": "false", "inputmode": "numeric"})

    def validate_since(self, field) -> None:
        """The first day must be a date, YYYY-MM-DD."""
        self._day(field, "The first day")

    def validate_until(self, field) -> None:
        """The last day must be a date, not before the first."""
        day = self._day(field, "The last day")
        first = self.day(self.since)
        if day is not None and first is not None and day < first:
            raise ValidationError("The last day must be the same as or after the first day")

    @staticmethod
    def _day(field, what: str) -> date | None:
        if not field.data:
            return None
        try:
            return read_day(field.data)
        except ValueError as bad:
            raise ValidationError(f"{what} {bad}") from None

    @staticmethod
    def day(field) -> date | None:
        """The day a field holds, or None (empty or not a date)."""
        try:
            return read_day(field.data) if field.data else None
        except ValueError:
            return None
