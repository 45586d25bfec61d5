"""Forms of the training pages: course sessions, places, attendance, records and
requirements. They check the shape of input; ``pathways.training`` enforces the rules. Every
form carries a CSRF token.
"""

from __future__ import annotations

import re
from datetime import time

from flask_wtf.file import FileAllowed, FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSelect, GovTextInput
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from pathways.training.sessions import (
    LINK_LIMIT,
    MAX_CAPACITY,
    TRAINER_LIMIT,
    VENUE_LIMIT,
    SessionDetails,
)

from .apprenticeship_forms import WholeNumberField, text_area
from .form_fields import required_date
from .input_rules import Form
from .submit import CreatesRecord

#: A time of day as people type it: 9:30, 09:30, 14.00.
TIME = re.compile(r"^\s*([01]?\d|2[0-3])[:.]([0-5]\d)\s*$")


def read_time(text: str | None) -> time | None:
    """Return the time of day typed (``9:30``, ``14.00``), or None.

    Examples
    --------
    >>> read_time("9:30"), read_time("25:00")
    (datetime.time(9, 30), None)
    """
    found = TIME.match(text or "")
    return time(int(found.group(1)), int(found.group(2))) if found else None


class TimeOfDay:
    """A time must be given and be a real one (``09:30``); ``what`` names it."""

    def __init__(self, what: str):
        self.what = what

    def __call__(self, form, field) -> None:
        from wtforms.validators import StopValidation

        if not (field.data or "").strip():
            raise StopValidation(f"Enter {self.what}")
        if read_time(field.data) is None:
            raise StopValidation(f"Enter {self.what} as hours and minutes, for example 09:30")


def time_field(label: str, what: str) -> StringField:
    return StringField(label, validators=[TimeOfDay(what)],
                       description="Use the 24-hour clock, for example 09:30 or 14:00",
                       widget=GovTextInput(), render_kw={"inputmode": "numeric",
                                                         "class": "govuk-input--width-5"})


class SessionForm(CreatesRecord, Form):
    """Schedule (or change) a course session."""

    subject = SelectField("Training subject", choices=[], validators=[
        DataRequired(message="Choose a training subject")], widget=GovSelect())
    held_on = required_date("Date", "the date of the session", hint="For example, 1 3 2027")
    starts_at = time_field("Starts at", "the time the session starts")
    ends_at = time_field("Ends at", "the time the session ends")
    capacity = WholeNumberField(
        "Places", default=12, validators=[
            InputRequired(message=f"Enter a whole number from 1 to {MAX_CAPACITY}"),
            NumberRange(min=1, max=MAX_CAPACITY,
                        message=f"Enter a whole number from 1 to {MAX_CAPACITY}")],
        widget=GovTextInput(), render_kw={"inputmode": "numeric",
                                          "class": "govuk-input--width-4"})
    venue = StringField("Venue (or leave blank for an online session)", validators=[
        Optional(), Length(max=VENUE_LIMIT, message=f"Must be {VENUE_LIMIT} characters or "
                                                    "fewer")], widget=GovTextInput())
    online_link = StringField("Online link (optional)", validators=[
        Optional(), Length(max=LINK_LIMIT, message=f"Must be {LINK_LIMIT} characters or "
                                                   "fewer")],
        description="Starting https://", widget=GovTextInput())
    trainer_email = StringField("Trainer's email, if they work here (optional)", validators=[
        Optional(), Length(max=254, message="Must be 254 characters or fewer")],
        description="They can mark attendance", widget=GovTextInput(),
        render_kw={"autocomplete": "off", "spellcheck": "false"})
    trainer_name = StringField("Outside trainer or provider (optional)", validators=[
        Optional(), Length(max=TRAINER_LIMIT, message=f"Must be {TRAINER_LIMIT} characters "
                                                      "or fewer")], widget=GovTextInput())
    notes = text_area("Notes for people who book (optional)")
    #: The version of the session the editor was shown.
    version = HiddenField()

    def fill(self, subjects: list[tuple[str, str]]) -> SessionForm:
        """Offer the organisation's training subjects."""
        self.subject.choices = [("", "Choose a subject"), *subjects]
        return self

    def details(self, trainer_id: int | None) -> SessionDetails:
        """Return what the form says, for ``pathways.training.sessions``."""
        return SessionDetails(
            subject_id=self.subject.data or "", held_on=self.held_on.data,
            starts_at=read_time(self.starts_at.data), ends_at=read_time(self.ends_at.data),
            capacity=self.capacity.data, venue=self.venue.data or "",
            online_link=self.online_link.data or "", trainer_id=trainer_id,
            trainer_name=self.trainer_name.data or "", notes=self.notes.data or "")

    def field_for(self, where: str) -> str:
        """Return the form's field for a problem the domain names."""
        return {"subject_id": "subject", "trainer_id": "trainer_email"}.get(where, where)


class CancelSessionForm(Form):
    """Cancel a session, saying why (everyone booked is told)."""

    reason = text_area("Why is it cancelled?", required="Enter why the session is cancelled")


class BookForm(Form):
    """Book a place for oneself (no email) or for someone else (their email)."""

    email = StringField("Email of the person to book", validators=[
        Optional(), Length(max=254, message="Must be 254 characters or fewer")],
        widget=GovTextInput(), render_kw={"autocomplete": "off", "spellcheck": "false"})


class AttendanceForm(Form):
    """Mark whether someone attended."""

    attended = SelectField("Attended", choices=[("yes", "Attended"), ("no", "Did not attend")],
                           validators=[DataRequired(message="Choose attended or not")])


class RecordForm(CreatesRecord, Form):
    """Record training someone completed (L&D for their organisation, a manager for their
    team)."""

    subject = SelectField("Training subject", choices=[], validators=[
        DataRequired(message="Choose a training subject")], widget=GovSelect())
    completed_on = required_date("Completed on", "the day it was completed",
                                 hint="For example, 14 10 2026")
    provider = StringField("Provider (optional)", validators=[
        Optional(), Length(max=200, message="Must be 200 characters or fewer")],
        widget=GovTextInput())
    evidence = StringField("Evidence (optional)", validators=[
        Optional(), Length(max=500, message="Must be 500 characters or fewer")],
        description="A certificate number, or where the evidence is kept",
        widget=GovTextInput())

    def fill(self, subjects: list[tuple[str, str]]) -> RecordForm:
        """Offer the organisation's training subjects."""
        self.subject.choices = [("", "Choose a subject"), *subjects]
        return self


class RequirementForm(CreatesRecord, Form):
    """Require a subject of everyone in a role (L&D)."""

    role = SelectField("Role", choices=[], validators=[
        DataRequired(message="Choose a role")], widget=GovSelect())
    subject = SelectField("Training subject", choices=[], validators=[
        DataRequired(message="Choose a training subject")], widget=GovSelect())

    def fill(self, roles: list[tuple[str, str]], subjects: list[tuple[str, str]]
             ) -> RequirementForm:
        """Offer the map's roles and the organisation's training subjects."""
        self.role.choices = [("", "Choose a role"), *roles]
        self.subject.choices = [("", "Choose a subject"), *subjects]
        return self


class TrainingImportForm(Form):
    """Upload training records (CSV or XLSX) of the organisation's people."""

    training_file = FileField(
        "Training records (CSV or Excel file)", widget=GovFileInput(),
        description="Columns: email, staff_id, subject, completed_on, provider, evidence. "
                    "Subject, completed_on and an email or staff_id are required.",
        validators=[FileRequired(message="Choose a CSV or Excel file to upload"),
                    FileAllowed(["csv", "xlsx"], message="The file must be a CSV file (.csv) "
                                "or an Excel workbook (.xlsx)")])
