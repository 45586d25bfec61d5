"""Forms of My Conversation and role shadowing. They check the shape of input;
``pathways.mentoring.conversations`` and ``pathways.mentoring.shadowing`` enforce the rules.
Every form carries a CSRF token.
"""

from __future__ import annotations

from datetime import date

import networkx as nx
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovTextInput,
)
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, NumberRange, Optional

from pathways.dates import add_months
from pathways.mentoring.conversations import PlannedAction
from pathways.models import DEVELOPMENT_ACTIONS, Team

from .apprenticeship_forms import WholeNumberField, text_area
from .form_fields import required_date
from .input_rules import Form
from .people_forms import date_field
from .submit import CreatesRecord
from .views.shared import choices

#: How many development actions one conversation form offers.
ACTION_ROWS = 3
#: The most places one shadowing offer may have (the domain refuses more).
MOST_PLACES = 20


class ConversationForm(CreatesRecord, Form):
    """Record a development conversation: aspirations, review date and up to 3 actions.

    The action rows are ``action1_kind``, ``action1_description``, ``action1_due_on`` and so
    on (added below the class); a row left wholly blank is ignored.
    """

    held_on = required_date("When was the conversation held?", "the date of the conversation")
    aspirations = text_area("Aspirations (optional)",
                            hint="What the person wants from their career, in their words")
    review_on = required_date("When will you review it?", "the review date",
                              hint="Within a year of the conversation. For example, 1 9 2026")

    def action_rows(self) -> list[tuple[int, tuple]]:
        """Return each action row's number and its (kind, description, due date) fields."""
        return [(number, (self[f"action{number}_kind"], self[f"action{number}_description"],
                          self[f"action{number}_due_on"]))
                for number in range(1, ACTION_ROWS + 1)]

    def validate(self, extra_validators=None) -> bool:
        """Check the fields, then that each row with words or a date says its kind."""
        valid = super().validate(extra_validators)
        for _number, (kind, description, due_on) in self.action_rows():
            if not kind.data and ((description.data or "").strip() or any(due_on.raw_data or [])):
                kind.errors = [*kind.errors, "Choose the kind of action, or clear the row"]
                valid = False
        return valid

    def planned_actions(self) -> list[PlannedAction]:
        """Return the actions of the rows that are not blank, in order."""
        return [PlannedAction(kind.data, (description.data or "").strip(), due_on.data)
                for _number, (kind, description, due_on) in self.action_rows() if kind.data]

    def field_for(self, where: str) -> str:
        """Return the field a domain problem names: ``actions[2].due_on`` is ``action2_due_on``."""
        if where.startswith("actions[") and "]." in where:
            number, name = where.removeprefix("actions[").split("].", 1)
            return f"action{number}_{name}"
        return where


for _number in range(1, ACTION_ROWS + 1):
    setattr(ConversationForm, f"action{_number}_kind", SelectField(
        f"Action {_number}: kind", choices=[("", "No action"), *DEVELOPMENT_ACTIONS.items()],
        validators=[Optional()], widget=GovSelect()))
    setattr(ConversationForm, f"action{_number}_description", StringField(
        f"Action {_number}: what exactly (optional)", validators=[Optional(), Length(
            max=500, message="Must be 500 characters or fewer")], widget=GovTextInput()))
    setattr(ConversationForm, f"action{_number}_due_on", date_field(
        f"Action {_number}: due by (optional)", "For example, 1 3 2026",
        f"Action {_number}'s due date"))


class PlaceForm(CreatesRecord, Form):
    """Offer a shadowing place for a role, in the host's organisation."""

    role = SelectField("Role to shadow", choices=[], validators=[
        DataRequired(message="Choose the role to shadow")], widget=GovSelect())
    team = SelectField("Team (optional)", choices=[], validators=[Optional()],
                       widget=GovSelect())
    starts_on = required_date("First day", "the first day")
    ends_on = required_date("Last day", "the last day")
    capacity = WholeNumberField(
        "How many people can shadow?", default=1, validators=[
            InputRequired(message=f"Enter a whole number from 1 to {MOST_PLACES}"),
            NumberRange(min=1, max=MOST_PLACES,
                        message=f"Enter a whole number from 1 to {MOST_PLACES}")],
        widget=GovTextInput(), render_kw={"inputmode": "numeric"})
    description = text_area("What will they see? (optional)",
                            hint="For example, home visits with the hospital discharge team")
    open_to_partnership = BooleanField(
        "Open to people from other organisations in the partnership",
        validators=[Optional()], widget=GovCheckboxInput())

    def fill(self, G: nx.DiGraph, teams: list[Team]) -> PlaceForm:
        """Offer the roles on the map and the host's organisation's teams."""
        self.role.choices = [("", "Choose a role"), *choices(G, "role")]
        self.team.choices = [("", "No particular team"),
                             *((str(team.id), team.name) for team in teams)]
        return self


class ShadowingRequestForm(CreatesRecord, Form):
    """Ask for a shadowing place: the days the person would like, and why (both optional)."""

    preferred_from = date_field("First day you would like (optional)",
                                "Leave blank for the place's first day", "The first day")
    preferred_to = date_field("Last day you would like (optional)",
                              "Leave blank for the place's last day", "The last day")
    message = text_area("Message to your manager (optional)",
                        hint="Why you would like to shadow this role, and anything your "
                             "manager or the host should know")


class DecisionForm(Form):
    """Approve or decline a shadowing request (the button pressed says which), with a note
    the person reads."""

    decision = HiddenField(validators=[AnyOf(["approve", "decline"],
                                             message="Approve or decline the request")])
    note = text_area("Note to the person (optional)",
                     hint="For example, which day the rota can spare them, or why not now")


class ReflectionForm(Form):
    """After shadowing: what the person saw and learned, and whether the role is their goal."""

    reflection = text_area("What did you see and learn?", "Say what you saw and learned")
    still_my_goal = RadioField("Is this role still your goal?",
                               choices=[("yes", "Yes"), ("no", "No")],
                               validators=[DataRequired(message="Say whether this role is "
                                                                "still your goal")],
                               widget=GovRadioInput())


def months_later(day: date, months: int) -> date:
    """Return the same day ``months`` later (the month's last day when it has fewer days)."""
    return add_months(day, months)
