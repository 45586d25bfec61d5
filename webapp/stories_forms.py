"""Forms of career stories. They check the shape of input; ``pathways.mentoring.stories``
enforces the rules (the route on the map and in order of year, consent, who may publish).
Every form carries a CSRF token.
"""

from __future__ import annotations

import networkx as nx
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from pathways.errors import Problem
from pathways.mentoring.stories import MAX_BODY
from pathways.models import CareerStory

from .apprenticeship_forms import WholeNumberField
from .input_rules import Form
from .submit import CreatesRecord
from .views.shared import choices

#: How many steps one story's route may have (rows of the form).
STEP_ROWS = 8
#: The consent a person gives when they submit their story, in the words of the checkbox.
CONSENT = "I agree to my story being published on this service, with my first name"
MAX_TITLE = 200
#: Years the form accepts at all (the domain checks the real range, up to this year).
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100


class StoryForm(CreatesRecord, Form):
    """Write or rewrite a story: a title, the words, and up to 8 steps of the route.

    The step rows are ``step1_node``, ``step1_year`` and so on (added below the class); a
    row left wholly blank is ignored, wherever it is.
    """

    title = StringField("Title", validators=[
        DataRequired(message="Enter a title for your story"),
        Length(max=MAX_TITLE, message=f"The title must be {MAX_TITLE} characters or fewer")],
        description="For example, From night carer to social worker",
        widget=GovTextInput())
    body = TextAreaField("Your story, in your own words", validators=[
        DataRequired(message="Tell your story"),
        Length(max=MAX_BODY, message=f"Your story must be {MAX_BODY:,} characters or fewer")],
        description="What you did, what helped, what you would tell someone starting out. "
                    "Leave a blank line between paragraphs.",
        widget=GovTextArea(), render_kw={"rows": 10})

    def fill(self, G: nx.DiGraph) -> StoryForm:
        """Offer the roles and qualifications on the map in every step row."""
        options = [("", "No step"),
                   *((node, f"Role: {title}") for node, title in choices(G, "role")),
                   *((node, f"Qualification: {title}")
                     for node, title in choices(G, "qualification"))]
        for _number, (node, _year) in self.step_rows():
            node.choices = options
        return self

    def step_rows(self) -> list[tuple[int, tuple]]:
        """Return each step row's number and its (role or qualification, year) fields."""
        return [(number, (self[f"step{number}_node"], self[f"step{number}_year"]))
                for number in range(1, STEP_ROWS + 1)]

    def validate(self, extra_validators=None) -> bool:
        """Check the fields, then that each row with a year names its role or qualification."""
        valid = super().validate(extra_validators)
        for _number, (node, year) in self.step_rows():
            if not node.data and (year.data is not None or (year.raw_data or [""])[0].strip()):
                node.errors = [*node.errors, "Choose the role or qualification, or clear "
                                             "the row"]
                valid = False
        return valid

    def steps(self) -> list[tuple[str, int | None]]:
        """Return the route as (node id, year) of the rows that are not blank, in order."""
        return [(node.data, year.data) for _number, (node, year) in self.step_rows()
                if node.data]

    def field_for(self, where: str) -> str:
        """Return the field a domain problem names.

        The domain numbers the steps it was given, so ``route[2]`` is the second row that
        is not blank (``step3_node`` when row 2 was left blank); ``route`` alone is the
        first row.
        """
        rows = [number for number, (node, _year) in self.step_rows() if node.data]
        if where == "route":
            return "step1_node"
        if where.startswith("route[") and "]" in where:
            index, _, rest = where.removeprefix("route[").partition("]")
            if index.isdigit() and 1 <= int(index) <= len(rows):
                row = rows[int(index) - 1]
                return f"step{row}_year" if rest == ".year" else f"step{row}_node"
        return where

    def place_problems(self, problems: list[Problem]) -> None:
        """Put the domain's problems on their fields, in sentences that say which step."""
        for problem in problems:
            name = self.field_for(problem.where)
            field = self._fields.get(name) or self.title
            message = problem.message
            if name.startswith("step") and problem.where.startswith("route["):
                number = name.removeprefix("step").split("_")[0]
                message = (f"Step {number}’s year {message}" if name.endswith("_year")
                           and message.startswith("must") else f"Step {number}: {message}")
            field.errors = [*field.errors, message[:1].upper() + message[1:]]

    def fill_from(self, story: CareerStory) -> StoryForm:
        """Show a story's title, words and route (for an unsent form)."""
        self.title.data, self.body.data = story.title, story.body
        for (_number, (node, year)), step in zip(self.step_rows(), story.route or []):
            node.data, year.data = step.get("node"), step.get("year")
        return self


for _number in range(1, STEP_ROWS + 1):
    setattr(StoryForm, f"step{_number}_node", SelectField(
        f"Step {_number}: role or qualification", choices=[], validators=[Optional()],
        widget=GovSelect()))
    setattr(StoryForm, f"step{_number}_year", WholeNumberField(
        f"Step {_number}: year (optional)", validators=[
            Optional(), NumberRange(min=EARLIEST_YEAR, max=LATEST_YEAR,
                                    message=f"Step {_number}'s year must be a year, "
                                            "for example 2019")],
        widget=GovTextInput(), render_kw={"inputmode": "numeric", "autocomplete": "off"}))


class SubmitForm(Form):
    """Send the story to L&D to publish, with the person's consent."""

    consent = BooleanField(CONSENT, validators=[Optional()], widget=GovCheckboxInput())


class SendBackForm(Form):
    """Send a story back to its author with comments (L&D)."""

    comments = TextAreaField("Comments for the writer", validators=[
        DataRequired(message="Say what the writer should change"),
        Length(max=MAX_BODY, message=f"The comments must be {MAX_BODY:,} characters or "
                                     "fewer")],
        description="What to change before it can be published. The writer reads this.",
        widget=GovTextArea(), render_kw={"rows": 4})


class StoryActionForm(Form):
    """A button that publishes or withdraws a story: only the CSRF token."""
