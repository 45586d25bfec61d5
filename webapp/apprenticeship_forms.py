"""Forms of one apprenticeship's page. They check the shape of input;
``pathways.apprenticeships`` enforces the rules (and says why a move or step is refused).
Every form carries a CSRF token.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from pathways.apprenticeships.rules import MOVES, STATUSES
from pathways.csv_input import whole_number
from pathways.models import OTJ_ACTIVITIES

from .form_fields import required_date
from .input_rules import Form
from .people_forms import date_field
from .submit import CreatesRecord

#: Longest note, reason or review text accepted.
MAX_TEXT = 5000
#: Who may take part in a three-way progress review.
PRESENT = [("apprentice", "Apprentice"), ("employer", "Employer"),
           ("provider", "Training provider")]


def text_area(label: str, required: str | None = None, hint: str = "") -> TextAreaField:
    """A text area, required (with ``required`` as the message) or optional."""
    first = DataRequired(message=required) if required else Optional()
    return TextAreaField(label, validators=[first, Length(
        max=MAX_TEXT, message=f"Must be {MAX_TEXT} characters or fewer")],
        description=hint, widget=GovTextArea(), render_kw={"rows": 3})


def identify(form: FlaskForm, suffix: int | str) -> FlaskForm:
    """Give the form's fields ids ending in ``suffix``: one form per row of a table."""
    for field in form:
        if field.type != "CSRFTokenField":
            field.id = f"{field.name.replace('_', '-')}-{suffix}"
    return form


class StatusMoveForm(Form):
    """Move the apprenticeship to a new status (the rules decide whether it may)."""

    # Only the moves allowed from the current status are offered, but any value is passed
    # on, so a refused move is explained by the rules rather than "not a valid choice".
    status = RadioField("New status", choices=[], validate_choice=False,
                        validators=[DataRequired(message="Choose the new status")],
                        widget=GovRadioInput())
    effective_on = required_date("When did it take effect?", "the date it took effect")
    reason = text_area("Why is the status changing?", "Say why the status is changing")
    otj_override = text_area(
        "Override the off-the-job hours (gateway only, optional)",
        hint="Gateway needs the required off-the-job hours approved. Only if it must go ahead "
             "before then, say why: the reason is kept in the status history.")

    def fill(self, current: str, moves=MOVES) -> StatusMoveForm:
        """Offer the statuses the current one may move to (``moves``: the programme's)."""
        self.status.choices = [(status, STATUSES[status].capitalize())
                               for status in STATUSES if status in moves.get(current, ())]
        return self


class OtjForm(CreatesRecord, Form):
    """Log hours of off-the-job training on one day."""

    worked_on = required_date("Day of the training", "the day of the training")
    hours = StringField("Hours", description="For example, 7.5",
                        validators=[DataRequired(message="Enter the hours"), Length(max=10)],
                        widget=GovTextInput(), render_kw={"inputmode": "decimal"})
    activity = RadioField("Activity", choices=list(OTJ_ACTIVITIES.items()),
                          validators=[DataRequired(message="Choose the activity")],
                          widget=GovRadioInput())
    note = text_area("Note (optional)", hint="For example, the module or who was shadowed")


class OtjReviewForm(Form):
    """Approve an off-the-job entry, or query it saying what is wrong (L&D)."""

    decision = HiddenField(validators=[AnyOf(["approved", "queried"],
                                             message="Approve or query the entry")])
    query_note = text_area("Query note (needed to query)")


class ReviewForm(CreatesRecord, Form):
    """Record a three-way progress review."""

    held_on = required_date("When was the review held?", "the date of the review")
    present = SelectMultipleField("Who took part", choices=PRESENT,
                                  default=[value for value, _ in PRESENT],
                                  validators=[Optional()], widget=GovCheckboxesInput())
    notes = text_area("Notes (optional)")
    slippage = text_area("Slippage (optional)",
                         hint="Anything behind plan, and what will be done about it")
    next_review_on = date_field(
        "Next review (optional)", "Leave blank for 84 days after this review, the latest "
        "allowed", "The next review date")

    def attendance(self) -> dict[str, bool]:
        """Return who took part, as the service's keyword arguments."""
        chosen = set(self.present.data or [])
        return {f"{value}_present": value in chosen for value, _ in PRESENT}


def educator_select(label: str, empty: str) -> SelectField:
    """A select of practice educators; ``fill`` sets the choices."""
    return SelectField(label, choices=[("", empty)], validators=[Optional()],
                       widget=GovSelect())


class PlacementForm(CreatesRecord, Form):
    """Add a practice placement, with its educator if one is known."""

    setting = StringField("Setting", description="For example, Hospital discharge team",
                          validators=[DataRequired(message="Enter where the placement is"),
                                      Length(max=200)], widget=GovTextInput())
    start_date = required_date("Start date", "the start date")
    end_date = required_date("End date", "the end date")
    educator = educator_select("Practice educator (optional)", "No practice educator yet")

    def fill(self, options: list[tuple[str, str]]) -> PlacementForm:
        """Offer the eligible educators: ``(person id, label)`` pairs."""
        self.educator.choices = [("", "No practice educator yet"), *options]
        return self


class AllocateForm(Form):
    """Allocate or change a placement's practice educator (none takes them off)."""

    educator = educator_select("Practice educator", "No practice educator")

    def fill(self, options: list[tuple[str, str]]) -> AllocateForm:
        """Offer the eligible educators: ``(person id, label)`` pairs."""
        self.educator.choices = [("", "No practice educator"), *options]
        return self


class WholeNumberField(IntegerField):
    """A whole number; text that is not one is left for the validators to explain once."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None


class CapacityForm(Form):
    """Set how many placements at once a practice educator may supervise."""

    capacity = WholeNumberField(
        "Placements at once", validators=[
            InputRequired(message="Enter a whole number from 0 to 20"),
            NumberRange(min=0, max=20, message="Enter a whole number from 0 to 20")],
        widget=GovTextInput(), render_kw={"inputmode": "numeric"})
    #: The apprenticeship page the form was sent from, to go back to.
    apprenticeship_id = HiddenField()

    def back_to(self) -> int | None:
        """Return the id of the apprenticeship page to go back to, if a sensible one."""
        return whole_number(self.apprenticeship_id.data or "")


class JobStepForm(Form):
    """Record the next guaranteed-job step, and the day it happened."""

    step = HiddenField(validators=[DataRequired(message="Say which step to record")])
    on = required_date("Date", "the date")


class StudentPlacementForm(CreatesRecord, Form):
    """Record a university student placed with the organisation, and their placement."""

    name = StringField("Student's name", validators=[
        DataRequired(message="Enter the student's name"), Length(max=200)],
        widget=GovTextInput())
    university = StringField("University", description="For example, University of Somerset",
                             validators=[DataRequired(message="Enter their university"),
                                         Length(max=200)], widget=GovTextInput())
    qualification_id = SelectField("Course", choices=[],
                                   validators=[DataRequired(message="Choose their course")],
                                   widget=GovSelect())
    setting = StringField("Setting", description="For example, Adult social care, Taunton",
                          validators=[DataRequired(message="Enter where the placement is"),
                                      Length(max=200)], widget=GovTextInput())
    start_date = required_date("Start date", "the start date")
    end_date = required_date("End date", "the end date")
    educator = educator_select("Practice educator (optional)", "No practice educator yet")

    def fill(self, courses: list[tuple[str, str]], educators: list[tuple[str, str]]
             ) -> StudentPlacementForm:
        """Offer the courses with placements and the organisation's practice educators."""
        self.qualification_id.choices = [("", "Choose a course"), *courses]
        self.educator.choices = [("", "No practice educator yet"), *educators]
        return self
