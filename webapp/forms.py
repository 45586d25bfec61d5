"""Forms of the public explorer. They check the shape of input; the domain enforces the rules.

These are search forms sent with GET, so they carry no CSRF token (they change nothing).
"""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange, Optional

from pathways.options import MAX_MONTHS

from .input_rules import Form

MAX_YEARS = MAX_MONTHS // 12


class SearchForm(Form):
    """Base for GET forms: no CSRF token, field names as sent."""

    class Meta:
        csrf = False


def place_field(label: str, name: str, hint: str, required: bool = True) -> StringField:
    """A role or qualification typed by title (with type-ahead from a datalist)."""
    validators = [DataRequired(message=f"Enter {label.lower()}")] if required else [Optional()]
    return StringField(label, name=name, validators=validators + [Length(max=200)],
                       description=hint, widget=GovTextInput(),
                       render_kw={"list": "place-titles", "autocomplete": "off",
                                  "spellcheck": "false"})


class RouteForm(SearchForm):
    """Plan a route from one role to another."""

    source = place_field("Where you are now", "from", "Your current role, for example Care worker")
    target = place_field("Where you want to get to", "to", "For example Social worker")
    by = RadioField("Show the best routes by", choices=[
        ("months", "Quickest"), ("cost", "Cheapest"), ("steps", "Fewest steps")],
        default="months", validators=[Optional()], widget=GovRadioInput())
    earn_while_learning = BooleanField("Only steps where I keep earning",
                                       widget=GovCheckboxInput())
    no_self_funded = BooleanField("No steps I pay for myself", widget=GovCheckboxInput())
    within_years = IntegerField(
        "Within how many years (optional)", validators=[
            Optional(), NumberRange(min=1, max=MAX_YEARS,
                                    message=f"Enter a number of years from 1 to {MAX_YEARS}")],
        widget=GovTextInput(), render_kw={"inputmode": "numeric"})
    months_in_role = IntegerField(
        "Months you have been in your current role (optional)", validators=[
            Optional(), NumberRange(min=0, max=MAX_MONTHS,
                                    message=f"Enter a whole number of months from 0 to "
                                            f"{MAX_MONTHS}")],
        description="They count toward the experience the first step needs",
        widget=GovTextInput(), render_kw={"inputmode": "numeric"})
    have = SelectMultipleField("Qualifications I already hold", choices=[],
                               validators=[Optional()], widget=GovCheckboxesInput())


class ReachForm(SearchForm):
    """What can I reach from here."""

    source = place_field("Where you are now", "from", "Your current role, for example Care worker")
    within_months = IntegerField(
        "Within how many months (optional)", validators=[
            Optional(), NumberRange(min=1, max=MAX_MONTHS,
                                    message=f"Enter a number of months from 1 to {MAX_MONTHS}")],
        widget=GovTextInput(), render_kw={"inputmode": "numeric"})


class CompareForm(SearchForm):
    """Compare up to three roles."""

    roles = SelectMultipleField("Roles to compare (up to 3)", choices=[],
                                validators=[Optional()], widget=GovCheckboxesInput())
    source = place_field("Starting role (optional)", "from",
                         "To see how long each role takes to reach", required=False)


class MapForm(SearchForm):
    """Filter the career map and highlight a route."""

    family = SelectMultipleField("Families", choices=[], validators=[Optional()],
                                 widget=GovCheckboxesInput())
    level = SelectMultipleField("Levels", choices=[(str(n), f"Level {n}") for n in range(9)],
                                validators=[Optional()], widget=GovCheckboxesInput())
    source = place_field("Highlight a route from", "from", "", required=False)
    target = place_field("to", "to", "", required=False)
    route = SelectField("Route", choices=[(str(n), str(n)) for n in range(1, 6)], default="1",
                        validate_choice=False, widget=GovSelect(), validators=[
                            Optional(), AnyOf([str(n) for n in range(1, 6)],
                                              message="Choose a route from 1 to 5")])

    focus = place_field("Centre the map on", "focus", "", required=False)
    steps = SelectField("Show moves up to", choices=[
        ("1", "1 step on"), ("2", "2 steps on"), ("3", "3 steps on")], default="2",
        validate_choice=False, widget=GovSelect(), validators=[
            Optional(), AnyOf(["1", "2", "3"], message="Choose 1, 2 or 3 steps")])

    def route_number(self) -> int:
        """The route asked for (1 to 5): the first when the form refused what was sent."""
        return int(self.route.data) if self.route.data and not self.route.errors else 1

    def step_count(self) -> int:
        """How many steps on a focused view shows (1 to 3): 2 when the form refused it."""
        return int(self.steps.data) if self.steps.data and not self.steps.errors else 2
