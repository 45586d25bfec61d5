"""Forms of career profiles. They check the shape of input; ``pathways.people.profiles``
enforces the rules. Every form that changes something carries a CSRF token.
"""

from __future__ import annotations

import networkx as nx
from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovRadioInput, GovSelect, GovTextArea
from wtforms import DateField, HiddenField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, StopValidation, ValidationError

from pathways.people.profiles import EQUALITY_QUESTIONS, MAX_EVIDENCE

from .forms import RouteForm
from .input_rules import Form
from .submit import CreatesRecord
from .views.shared import choices

DATE_FORMAT = "%d %m %Y"  # the day, month and year boxes, joined with spaces


class DayMonthYearField(DateField):
    """A date typed in three boxes (the GOV.UK date input); all three empty is no date."""

    def process_formdata(self, valuelist):
        parts = [(part or "").strip() for part in valuelist]
        self.raw_data = (parts + ["", "", ""])[:3]  # the widget always shows three boxes
        self.data = None
        if not any(parts):
            return
        if len(parts) != 3:
            raise ValueError("not three boxes")
        super().process_formdata(parts)


class OptionalDate:
    """Accept three empty boxes as no date; explain a date that is not a real one."""

    def __init__(self, what: str):
        self.what = what

    def __call__(self, form, field) -> None:
        field.errors[:] = []
        if field.data is None and any(field.raw_data or []):
            raise StopValidation(f"{self.what} must be a real date, for example 27 3 2021")
        raise StopValidation()


def date_field(label: str, hint: str, what: str) -> DayMonthYearField:
    """An optional date entered as day, month and year; ``what`` names it in errors."""
    return DayMonthYearField(label, format=DATE_FORMAT, validators=[OptionalDate(what)],
                             description=hint, widget=GovDateInput())


def node_select(label: str, message: str | None) -> SelectField:
    """A select of roles or qualifications; ``fill`` sets the choices from the graph."""
    validators = [DataRequired(message=message)] if message else [Optional()]
    return SelectField(label, choices=[], validators=validators, widget=GovSelect())


class CurrentRoleForm(Form):
    """Change the role a person is in now."""

    role = node_select("Current role", "Choose the current role")
    started_on = date_field("When did you start in this role? (optional)",
                            "For example, 27 3 2021", "The start date")

    def fill(self, G: nx.DiGraph) -> CurrentRoleForm:
        """Offer the roles on the map."""
        self.role.choices = [("", "Choose a role")] + choices(G, "role")
        return self


class AddQualificationForm(CreatesRecord, Form):
    """Record a qualification held."""

    qualification = node_select("Qualification", "Choose the qualification held")
    achieved_on = date_field("When was it achieved? (optional)", "For example, 14 7 2019",
                             "The date achieved")
    evidence = TextAreaField(
        "Evidence seen (optional)", validators=[Optional(), Length(
            max=MAX_EVIDENCE, message=f"Evidence must be {MAX_EVIDENCE} characters or fewer")],
        description="For example, certificate number or who checked it",
        widget=GovTextArea(), render_kw={"rows": 2})

    def fill(self, G: nx.DiGraph) -> AddQualificationForm:
        """Offer the qualifications on the map."""
        self.qualification.choices = [("", "Choose a qualification")] + choices(
            G, "qualification")
        return self


class TargetForm(Form):
    """Set the role a person wants to reach."""

    target = node_select("Target role", None)

    def fill(self, G: nx.DiGraph) -> TargetForm:
        """Offer the roles on the map, and no target."""
        self.target.choices = [("", "No target yet")] + choices(G, "role")
        return self


class ConfirmForm(Form):
    """A button that changes something, e.g. removing a qualification: only the CSRF token."""


class ChooseRouteForm(Form):
    """Choose a route found by the planner: the node ids from start to target."""

    route = HiddenField("Route", validators=[DataRequired(message="Choose a route"),
                                             Length(max=2000)])

    def path(self) -> list[str]:
        """Return the route's node ids."""
        return [part.strip() for part in (self.route.data or "").split(",") if part.strip()]

    def validate_route(self, field) -> None:
        """Refuse a route with no places in it."""
        if not self.path():
            raise ValidationError("Choose a route")


class EqualityForm(Form):
    """Optional equality questions, kept apart from the profile."""

    age_band = RadioField(EQUALITY_QUESTIONS["age_band"][0],
                          choices=list(EQUALITY_QUESTIONS["age_band"][1]),
                          validators=[Optional()], widget=GovRadioInput())
    sex = RadioField(EQUALITY_QUESTIONS["sex"][0], choices=list(EQUALITY_QUESTIONS["sex"][1]),
                     validators=[Optional()], widget=GovRadioInput())
    ethnic_group = RadioField(EQUALITY_QUESTIONS["ethnic_group"][0],
                              choices=list(EQUALITY_QUESTIONS["ethnic_group"][1]),
                              validators=[Optional()], widget=GovRadioInput())
    disability = RadioField(EQUALITY_QUESTIONS["disability"][0],
                            choices=list(EQUALITY_QUESTIONS["disability"][1]),
                            validators=[Optional()], widget=GovRadioInput())

    def answers(self) -> dict[str, str | None]:
        """Return the answers by question (None where not answered)."""
        return {name: getattr(self, name).data or None for name in EQUALITY_QUESTIONS}


class PersonalRouteForm(RouteForm):
    """The route planner for someone signed in: may use the qualifications they hold."""

    mine = RadioField("Use the qualifications you hold?",
                      choices=[("yes", "Yes"), ("no", "No, plan as if I held none of them")],
                      default="yes", validators=[Optional()], widget=GovRadioInput())
