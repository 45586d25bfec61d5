"""Forms of the workforce pages: a change of role, a leaver, the board's period.

They check only the shape of input; ``pathways.workforce.movements`` enforces the rules
(dates after the current role's start, a role of the map, an employer of the partnership).
"""

from __future__ import annotations

import math

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovTextInput
from wtforms import FloatField, IntegerField, RadioField, SelectField, StringField
from wtforms.validators import (
    DataRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from pathways.models import DESTINATIONS, LEAVE_REASONS, PREVIOUS_SECTORS
from pathways.workforce.planning import MAX_YEARS

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


class NumberField(FloatField):
    """A number; text that is not one is left for :func:`finite` to explain once."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None


def finite(form, field) -> None:
    """A number must be an ordinary one (not text, NaN or infinity)."""
    if field.data is None or not math.isfinite(field.data):
        field.errors[:] = []
        raise StopValidation(f"{field.label.text} must be a number")


def number_field(label: str, high: float, message: str, description: str = "") -> FloatField:
    """A number from 0 to ``high`` typed in a box; empty is none."""
    return NumberField(label, widget=GovTextInput(), description=description,
                      render_kw={"inputmode": "decimal"},
                      validators=[Optional(), finite, NumberRange(0, high, message=message)])


class ForecastForm(Form):
    """The forecast's horizon and up to three scenarios beside the current pipeline (sent
    with GET: no CSRF token). Each scenario is left out while its number is empty or 0."""

    class Meta:
        csrf = False

    years = IntegerField("Years ahead", default=10, widget=GovTextInput(),
                         render_kw={"inputmode": "numeric"},
                         validators=[Optional(), NumberRange(1, MAX_YEARS, message=(
                             f"The years ahead must be from 1 to {MAX_YEARS}"))])
    role = SelectField("Role to chart", choices=[], widget=GovSelect(), validate_choice=False,
                       validators=[Optional()])
    apprentices = number_field(
        "More apprentices a year", 10000, "More apprentices a year must be from 0 to 10,000",
        "How many more start each year, qualifying into the role below")
    apprentice_role = SelectField("They qualify into", choices=[], widget=GovSelect(),
                                  validate_choice=False)
    apprentice_years = IntegerField(
        "Years the apprenticeship takes", default=3, widget=GovTextInput(),
        render_kw={"inputmode": "numeric"},
        validators=[Optional(), NumberRange(1, 10, message=(
            "The years the apprenticeship takes must be from 1 to 10"))])
    apprentice_from = SelectField("They train from (they leave this role when they qualify)",
                                  choices=[], widget=GovSelect(), validate_choice=False,
                                  validators=[Optional()])
    turnover_cut = number_field(
        "Lower turnover (per cent lower, every role)", 100,
        "Lower turnover must be from 0 to 100 per cent",
        "For example 10: every role's leaving rate 10% lower")
    recruits = number_field("More recruits a year", 100000,
                            "More recruits a year must be from 0 to 100,000")
    recruit_role = SelectField("Into the entry role", choices=[], widget=GovSelect(),
                               validate_choice=False)

    def validate_apprentice_role(self, field) -> None:
        """More apprentices need the role they qualify into."""
        if self.apprentices.data and not field.data:
            raise ValidationError("Choose the role the apprentices qualify into")

    def validate_recruit_role(self, field) -> None:
        """More recruits need the role they start in."""
        if self.recruits.data and not field.data:
            raise ValidationError("Choose the role the recruits start in")

    def fill(self, roles: list[tuple[str, str]]) -> ForecastForm:
        """Offer the roles of the map."""
        for field in (self.role, self.apprentice_role, self.apprentice_from,
                      self.recruit_role):
            field.choices = [("", "Choose a role"), *roles]
        return self

    def scenarios(self, titles: dict[str, str]) -> list[dict]:
        """Return the scenarios asked for, as ``planning.parse_scenario`` reads them."""
        found = []
        if self.apprentices.data:
            per_year = float(self.apprentices.data)
            role = self.apprentice_role.data or ""
            extra: dict = {"role": role, "per_year": per_year,
                           "years": self.apprentice_years.data or 3}
            if self.apprentice_from.data:
                extra["from_role"] = self.apprentice_from.data
            found.append({"name": f"with +{per_year:g} {titles.get(role, 'role').lower()} "
                                  "apprentices a year", "extra_apprentices": [extra]})
        if self.turnover_cut.data:
            cut = float(self.turnover_cut.data)
            found.append({"name": f"with turnover {cut:g}% lower",
                          "turnover_factor": 1 - cut / 100})
        if self.recruits.data:
            recruits = float(self.recruits.data)
            role = self.recruit_role.data or ""
            found.append({"name": f"with +{recruits:g} {titles.get(role, 'role').lower()} "
                                  "recruits a year", "extra_recruits": {role: recruits}})
        return found
