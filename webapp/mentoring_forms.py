"""Forms of the career champion pages. They check the shape of input;
``pathways.mentoring`` enforces the rules (matching, answering in time, sessions and
actions). Every form that changes something carries a CSRF token; the report's dates are
sent with GET and carry none.
"""

from __future__ import annotations

from datetime import date

import networkx as nx
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovDateInput, GovTextInput
from wtforms import BooleanField, SelectMultipleField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, StopValidation

from pathways import clock
from pathways.dates import add_months, months_between
from pathways.mentoring.champions import MAX_CAPACITY
from pathways.mentoring.sessions import MAX_MINUTES, AgreedAction
from pathways.models import ACTION_OWNERS, SESSION_MODES
from pathways.vocabulary import FAMILIES

from .apprenticeship_forms import WholeNumberField, text_area
from .cohort_forms import Choice, RadioChoice, read_day
from .form_fields import EARLIEST_DAY, LATEST_DAY, required_date
from .forms import SearchForm
from .input_rules import Form
from .people_forms import DATE_FORMAT, DayMonthYearField
from .submit import CreatesRecord
from .views.shared import choices

#: How many agreed actions one session form offers.
ACTION_ROWS = 3
#: Longest availability note (the column holds 300 characters).
MAX_AVAILABILITY = 300
#: Longest "how often we meet" (the column holds 100 characters).
MAX_FREQUENCY = 100
#: Longest action description.
MAX_ACTION = 500
#: The longest period a report covers, in years.
MAX_REPORT_YEARS = 10
YES_NO = [("yes", "Yes"), ("no", "No")]


class OptionalDayInRange:
    """Three empty boxes are no date; a date given must be real and from 2000 to 2099."""

    def __init__(self, what: str):
        self.what = what

    def __call__(self, form, field) -> None:
        field.errors[:] = []
        named = self.what[0].upper() + self.what[1:]
        if field.data is None:
            if any(field.raw_data or []):
                raise StopValidation(f"{named} must be a real date, for example 1 9 2026")
            raise StopValidation()
        if not EARLIEST_DAY <= field.data <= LATEST_DAY:
            raise StopValidation(f"{named} must be from {EARLIEST_DAY.year} to "
                                 f"{LATEST_DAY.year}")
        raise StopValidation()


def optional_date(label: str, what: str, hint: str = "For example, 1 9 2026"
                  ) -> DayMonthYearField:
    """An optional date typed as day, month and year; ``what`` names it in errors."""
    return DayMonthYearField(label, format=DATE_FORMAT, validators=[OptionalDayInRange(what)],
                             description=hint, widget=GovDateInput())


class CheckedChoices(SelectMultipleField):
    """Checkboxes of values offered on the page; another value is refused in words."""

    def __init__(self, label: str, what: str, **kwargs):
        super().__init__(label, validators=[Optional()], **kwargs)
        self.what = what

    def pre_validate(self, form) -> None:
        offered = {value for value, _label in self.choices or []}
        if any(value not in offered for value in self.data or []):
            raise StopValidation(f"Choose {self.what} from the list")


class RequestForm(CreatesRecord, Form):
    """Ask a champion for support, with an optional message."""

    message = text_area("A message for the champion (optional)",
                        hint="For example, what you would like help with")


class ProfileForm(Form):
    """A champion's profile: specialisms, roles held, capacity, reach and availability."""

    specialisms = CheckedChoices("Specialisms", "specialisms",
                                 choices=list(FAMILIES.items()))
    roles_held = CheckedChoices("Roles you have held", "roles")
    capacity = WholeNumberField(
        "How many people can you support at once?", default=3, validators=[
            InputRequired(message=f"Enter a whole number from 0 to {MAX_CAPACITY}"),
            NumberRange(min=0, max=MAX_CAPACITY,
                        message=f"Enter a whole number from 0 to {MAX_CAPACITY}")],
        description="0 stops new requests", widget=GovTextInput(),
        render_kw={"inputmode": "numeric"})
    open_to_partnership = RadioChoice(
        "Will you support people from other organisations in the partnership?",
        "Say whether you will support people from other organisations", choices=YES_NO,
        default="no")
    availability = StringField(
        "When are you available? (optional)",
        description="For example, Tuesday afternoons, by video",
        validators=[Optional(), Length(max=MAX_AVAILABILITY, message=(
            f"Must be {MAX_AVAILABILITY} characters or fewer"))], widget=GovTextInput())

    def fill(self, G: nx.DiGraph) -> ProfileForm:
        """Offer the roles on the map."""
        self.roles_held.choices = choices(G, "role")
        return self


class AcceptForm(Form):
    """Accept a request with the agreement that starts the pairing."""

    goals = text_area("What will you work on together?", "Say what you will work on together")
    meeting_frequency = StringField(
        "How often will you meet?", description="For example, monthly for an hour",
        validators=[InputRequired(message="Say how often you will meet"),
                    Length(max=MAX_FREQUENCY,
                           message=f"Must be {MAX_FREQUENCY} characters or fewer")],
        widget=GovTextInput())
    agreed_until = required_date("Until when?", "the date the pairing runs until",
                                 hint="After today. For example, 31 3 2027")


class DeclineForm(Form):
    """Decline a request; the reason is optional and shown to the person."""

    reason = text_area("Reason (optional)", hint="The person sees this")


class SessionForm(CreatesRecord, Form):
    """Record a mentoring session, with up to 3 agreed actions.

    The action rows are ``action1_description``, ``action1_owner``, ``action1_due_on`` and so
    on (added below the class); a row left wholly blank is ignored, and the rest go to the
    service as they are, which says what is missing.
    """

    held_on = required_date("When was the session?", "the date of the session")
    duration_minutes = WholeNumberField(
        "How long was it, in minutes?", validators=[
            InputRequired(message=f"Enter the minutes, from 1 to {MAX_MINUTES}"),
            NumberRange(min=1, max=MAX_MINUTES,
                        message=f"Enter the minutes, from 1 to {MAX_MINUTES}")],
        widget=GovTextInput(), render_kw={"inputmode": "numeric"})
    mode = RadioChoice("How did you meet?", "Choose how you met",
                       choices=list(SESSION_MODES.items()))
    topics = text_area("Topics (optional)", hint="What you talked about; the manager and L&D "
                       "can see this")
    private_notes = text_area("Private notes (optional)",
                              hint="Only the two of you can read these")
    next_session_on = optional_date("Next session (optional)", "the next session's date")
    count_as_otj = BooleanField("Count this session as off-the-job training",
                                validators=[Optional()], widget=GovCheckboxInput())

    def action_rows(self) -> list[tuple[int, tuple]]:
        """Return each action row's number and its (description, owner, due date) fields."""
        return [(number, (self[f"action{number}_description"], self[f"action{number}_owner"],
                          self[f"action{number}_due_on"]))
                for number in range(1, ACTION_ROWS + 1)]

    def _filled_rows(self) -> list[tuple[int, tuple]]:
        return [(number, fields) for number, fields in self.action_rows()
                if (fields[0].data or "").strip() or fields[1].data
                or any(fields[2].raw_data or [])]

    def agreed_actions(self) -> list[AgreedAction]:
        """Return the actions of the rows that are not blank, in order."""
        return [AgreedAction((description.data or "").strip(), owner.data or "", due_on.data)
                for _number, (description, owner, due_on) in self._filled_rows()]

    def field_for(self, where: str) -> str:
        """Return the field a domain problem names.

        ``actions[2].due_on`` is the due date of the second row that was not blank; the
        off-the-job log's own problems (its day and hours) belong to the session's date
        and length.
        """
        if where.startswith("actions[") and "]." in where:
            index, name = where.removeprefix("actions[").split("].", 1)
            rows = [number for number, _fields in self._filled_rows()]
            if index.isdigit() and 0 < int(index) <= len(rows):
                return f"action{rows[int(index) - 1]}_{name}"
            return "held_on"
        return {"worked_on": "held_on", "hours": "duration_minutes",
                "activity": "count_as_otj", "pairing": "held_on"}.get(where, where)


for _number in range(1, ACTION_ROWS + 1):
    setattr(SessionForm, f"action{_number}_description", StringField(
        f"Action {_number}: what was agreed", validators=[Optional(), Length(
            max=MAX_ACTION, message=f"Must be {MAX_ACTION} characters or fewer")],
        widget=GovTextInput()))
    setattr(SessionForm, f"action{_number}_owner", Choice(
        f"Action {_number}: whose action", f"Choose whose action {_number} is",
        required=False, choices=[("", "Choose whose"), *ACTION_OWNERS.items()]))
    setattr(SessionForm, f"action{_number}_due_on", optional_date(
        f"Action {_number}: due by", f"action {_number}'s due date"))


class ReportForm(SearchForm):
    """The report's period (sent with GET): YYYY-MM-DD dates, empty for the defaults."""

    since = StringField("From (YYYY-MM-DD)", validators=[Optional()],
                        widget=GovTextInput(),
                        render_kw={"spellcheck": "false", "inputmode": "numeric"})
    until = StringField("To (YYYY-MM-DD)", validators=[Optional()],
                        description="Leave both empty for the last 12 months",
                        widget=GovTextInput(),
                        render_kw={"spellcheck": "false", "inputmode": "numeric"})

    def validate_since(self, field) -> None:
        """A date written YYYY-MM-DD from 2000 to 2099."""
        self._day(field, "start")

    def validate_until(self, field) -> None:
        """A date written YYYY-MM-DD from 2000 to 2099."""
        self._day(field, "end")

    @staticmethod
    def _day(field, what: str) -> None:
        if field.data:
            try:
                read_day(field.data)
            except ValueError as bad:
                raise StopValidation(f"The {what} date {bad}") from None

    def period(self, today: date) -> tuple[date, date]:
        """Return the period asked for: by default the 12 months to today, month by month.

        Call after ``validate``: the end defaults to today, the start to the first day of
        the month eleven months before the end's.
        """
        until = read_day(self.until.data) if self.until.data else today
        if self.since.data:
            return read_day(self.since.data), until
        return add_months(until.replace(day=1), -11), until

    def validate(self, extra_validators=None) -> bool:
        """Check each date, then that the period runs forwards and is not too long."""
        if not super().validate(extra_validators):
            return False
        since, until = self.period(clock.today())
        if since > until:
            self.until.errors = [*self.until.errors, "The end date must be on or after the "
                                 "start date"]
            return False
        if months_between(since, until) >= MAX_REPORT_YEARS * 12:
            self.since.errors = [*self.since.errors, f"The period must be at most "
                                 f"{MAX_REPORT_YEARS} years"]
            return False
        return True
