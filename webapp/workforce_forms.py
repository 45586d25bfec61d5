"""Forms of the workforce pages: a change of role, a leaver, the board's period.

They check only the shape of input; ``pathways.workforce.movements`` enforces the rules
(dates after the current role's start, a role of the map, an employer of the partnership).
"""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovTextInput
from wtforms import RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from pathways.models import DESTINATIONS, LEAVE_REASONS, PREVIOUS_SECTORS

from .form_fields import required_date
from .input_rules import Form


class LeaverForm(Form):
    """Record that someone left the organisation: when, why and where they went."""

    left_on = required_date("When did they leave?", "the day they left",
                            "Their first day no longer employed, for example 1 9 2025")
    reason = SelectField("Why did they leave?", widget=GovSelect(),
                         choices=[("", "Choose a reason"), *LEAVE_REASONS.items()],
                         validate_choice=False,
                         validators=[DataRequired(message="Choose why they left")])
    destination = RadioField("Where did they go?", widget=GovRadioInput(),
                             choices=list(DESTINATIONS.items()),
                             validators=[DataRequired(message="Choose where they went")])

    def field_for(self, where: str) -> str:
        """The domain names its fields as this form does."""
        return where


class RoleChangeForm(Form):
    """Record that someone started in a role: a promotion, a sideways move, a starter."""

    role_id = SelectField("Which role did they start in?", choices=[], widget=GovSelect(),
                          validate_choice=False,
                          validators=[DataRequired(message="Choose the role")])
    started_on = required_date("When did they start in it?", "the day they started",
                               "For example, 1 9 2025")
    employer = StringField(
        "New employer (only if they moved to another employer in the partnership)",
        widget=GovTextInput(), validators=[Optional(), Length(max=200)],
        description="The organisation's name, exactly as the service knows it")
    previous_sector = SelectField(
        "Where did they come from? (a starter with no role recorded yet)", widget=GovSelect(),
        choices=[("", "Not asked: they already have a role here"), *PREVIOUS_SECTORS.items()],
        validate_choice=False,
        validators=[Optional()])
