"""Forms of the cohort pages: programmes, cohorts, enrolment, posts and the dashboard's filter.

They check only the shape of input (a real date, a number, a choice offered on the page);
``pathways.apprenticeships`` enforces the rules and names each field it refuses. Every form
that changes something carries a CSRF token; the dashboard's filter is sent with GET.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import networkx as nx
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovTextInput
from wtforms import RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, StopValidation, ValidationError

from pathways.apprenticeships.progress import STATUS_WORDS, Rag
from pathways.models import BUDGET_KINDS, PROVIDER_KINDS

from .form_fields import EARLIEST_DAY, LATEST_DAY, required_date
from .forms import SearchForm
from .input_rules import Form
from .submit import CreatesRecord
from .views.shared import choices

#: The largest budget the database holds (12 digits, 2 after the point).
BUDGET_LIMIT = Decimal("10000000000")
#: How the apprentices table may be ordered, with labels.
SORTS = {"urgency": "Most urgent first", "name": "Name", "rag": "RAG (red first)",
         "otj": "Furthest behind on off-the-job hours"}
RAG_LABELS = Rag.labels()


def read_day(text: str) -> date:
    """Read a date written YYYY-MM-DD, from 2000 to 2099.

    Raises
    ------
    ValueError
        Saying what is wrong, in words fit to show.
    """
    text = (text or "").strip()
    try:
        day = datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        shown = f", got {text!r}" if len(text) <= 20 else ""
        raise ValueError(f"must be a date written YYYY-MM-DD, for example 2026-03-31{shown}"
                         ) from None
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise ValueError(f"must be from {EARLIEST_DAY.isoformat()} to "
                         f"{LATEST_DAY.isoformat()}")
    return day


class ChoiceMixin:
    """Refuse a value the page did not offer, in words rather than "Not a valid choice"."""

    def pre_validate(self, form) -> None:
        offered = {str(value) for value, _label in self.iter_choices_values()}
        if not self.data:
            if self.flags.required:
                raise StopValidation(self.message)
            return
        if str(self.data) not in offered:
            raise StopValidation(self.message)

    def iter_choices_values(self) -> Iterable[tuple[str, str]]:
        """The ``(value, label)`` pairs offered (choices may be pairs or plain values)."""
        for choice in self.choices or []:
            yield choice if isinstance(choice, tuple) else (choice, choice)


class Choice(ChoiceMixin, SelectField):
    """A GOV.UK select of values offered on the page; ``message`` when none or another."""

    def __init__(self, label: str, message: str, required: bool = True, **kwargs):
        super().__init__(label, validators=[DataRequired(message)] if required else [Optional()],
                         widget=GovSelect(), **kwargs)
        self.message = message
        self.flags.required = required


class RadioChoice(ChoiceMixin, RadioField):
    """GOV.UK radios of values offered on the page; ``message`` when none or another."""

    def __init__(self, label: str, message: str, **kwargs):
        super().__init__(label, validators=[DataRequired(message)], widget=GovRadioInput(),
                         **kwargs)
        self.message = message
        self.flags.required = True


def text(label: str, limit: int, required_message: str | None = None, hint: str = ""
         ) -> StringField:
    """A GOV.UK text input of at most ``limit`` characters."""
    validators = [DataRequired(required_message)] if required_message else [Optional()]
    return StringField(label, validators=[*validators, Length(
        max=limit, message=f"{label.removesuffix(' (optional)')} must be {limit} characters "
                           "or fewer")], description=hint, widget=GovTextInput())


class ProgrammeForm(CreatesRecord, Form):
    """A new programme: a qualification of the map, its provider and the role it leads to."""

    name = text("Programme name", 200, "Enter the programme's name",
                "For example, Social work degree apprenticeship, or ASYE 2026")
    qualification_id = Choice("Qualification", "Choose the qualification")
    provider_name = text("Training provider", 200, "Enter the training provider",
                         "For example, Northshire University")
    provider_kind = RadioChoice("Kind of provider", "Choose the kind of provider",
                                choices=list(PROVIDER_KINDS.items()), default="university")
    leads_to_role_id = Choice("Role it leads to", "Choose the role it leads to")

    def fill(self, G: nx.DiGraph) -> ProgrammeForm:
        """Offer every qualification (standards with their code) and the roles on the map."""
        def label(node: str, title: str) -> str:
            code = G.nodes[node].get("standard_code")
            return f"{title} ({code})" if code else f"{title} (not an apprenticeship)"

        self.qualification_id.choices = [("", "Choose a qualification")] + [
            (node, label(node, title)) for node, title in choices(G, "qualification")]
        self.leads_to_role_id.choices = [("", "Choose a role")] + choices(G, "role")
        return self


def money(form, field) -> None:
    """Refuse an amount the database cannot hold (the domain checks it is one, 0 or more)."""
    try:
        amount = Decimal((field.data or "").replace(",", "").replace("£", "").strip() or "0")
    except InvalidOperation:
        return  # the domain names it as not an amount of money
    if amount.is_finite() and amount >= BUDGET_LIMIT:
        raise ValidationError("The budget must be less than £10,000,000,000")


class CohortForm(CreatesRecord, Form):
    """A new cohort of a programme."""

    programme_id = Choice("Programme", "Choose the programme")
    name = text("Cohort name", 200, "Enter the cohort's name", "For example, SWDA 2025")
    start_date = required_date("Start date", "The start date")
    planned_end_date = required_date("Planned end date", "The planned end date",
                                     "For example, 31 8 2028")
    provider_contact = text("Training provider contact (optional)", 300,
                            hint="A name, email address or phone number")
    budget_kind = RadioChoice("How it is paid for", "Choose how the cohort is paid for",
                              choices=list(BUDGET_KINDS.items()), default="levy")
    budget_gbp = StringField("Budget in pounds (optional)", validators=[
        Optional(), Length(max=20, message="The budget must be 20 characters or fewer"), money],
        description="For example, 72000", widget=GovTextInput(),
        render_kw={"inputmode": "decimal", "spellcheck": "false"})

    def fill(self, programmes) -> CohortForm:
        """Offer the organisation's programmes."""
        self.programme_id.choices = [("", "Choose a programme")] + [
            (str(programme.id), programme.name) for programme in programmes]
        return self


def hours_a_week(form, field) -> None:
    """Weekly hours must be a number with at most two decimal places (the range is the domain's)."""
    try:
        hours = Decimal((field.data or "").strip())
    except InvalidOperation:
        hours = None
    if hours is None or not hours.is_finite() or hours.as_tuple().exponent < -2:
        raise StopValidation("Weekly hours must be a number, like 37.5")


class EnrolForm(CreatesRecord, Form):
    """Enrol a person on a cohort, with a guaranteed job: a vacant post, a role, or none."""

    person_id = Choice("Person", "Choose who to enrol")
    start_date = required_date("Start date", "The start date")
    planned_end_date = required_date("Planned end date", "The planned end date",
                                     "For example, 31 8 2028")
    weekly_hours = StringField("Contracted hours a week", validators=[
        DataRequired("Enter the contracted hours a week"), hours_a_week],
        description="For example, 37.5", widget=GovTextInput(),
        render_kw={"inputmode": "decimal", "spellcheck": "false"})
    guaranteed_post = Choice("Guaranteed post (optional)", "Choose a vacant post",
                             required=False)
    guaranteed_role_id = Choice("Or a guaranteed role, with no post yet (optional)",
                                "Choose a role", required=False)

    def fill(self, G: nx.DiGraph, people, posts) -> EnrolForm:
        """Offer the people who may be enrolled, the vacant posts and the roles."""
        self.person_id.choices = [("", "Choose a person")] + [
            (str(person.id), f"{person.name} ({person.email})") for person in people]
        self.guaranteed_post.choices = [("", "No post")] + [
            (str(post.id), f"{post.reference} ({post.role.title})") for post in posts]
        self.guaranteed_role_id.choices = [("", "No role")] + choices(G, "role")
        return self

    def validate_guaranteed_role_id(self, field) -> None:
        """A guaranteed job is a post or a role, not both (a post brings its role)."""
        if field.data and self.guaranteed_post.data:
            raise ValidationError("Choose a post or a role, not both: a post brings its role")


class PostForm(CreatesRecord, Form):
    """A new post (an establishment line), vacant until reserved for an apprentice."""

    reference = text("Post reference", 50, "Enter the post's reference",
                     "The establishment line's reference, for example SW-102")
    role_id = Choice("Role", "Choose the post's role")
    team_id = Choice("Team (optional)", "Choose a team", required=False)

    def fill(self, G: nx.DiGraph, teams) -> PostForm:
        """Offer the roles on the map and the organisation's teams."""
        self.role_id.choices = [("", "Choose a role")] + choices(G, "role")
        self.team_id.choices = [("", "No team")] + [(str(team.id), team.name) for team in teams]
        return self


class ReleaseForm(Form):
    """The button that moves a post back to vacant: only the CSRF token."""


class DashboardForm(SearchForm):
    """The cohort dashboard's date, RAG filter and order (sent with GET)."""

    as_of = StringField("Date (YYYY-MM-DD)", validators=[Optional()],
                        description="Leave empty for today", widget=GovTextInput(),
                        render_kw={"spellcheck": "false", "inputmode": "numeric"})
    rag = Choice("RAG", "Choose red, amber, green or grey", required=False,
                 choices=[("", "All")] + list(RAG_LABELS.items()))
    sort = Choice("Order", f"Choose one of {', '.join(SORTS)}", required=False,
                  choices=list(SORTS.items()))
    status = Choice("Status", "Choose one of the statuses", required=False,
                    choices=[("", "All")] + [(value, words.capitalize())
                                             for value, words in STATUS_WORDS.items()])

    def validate_as_of(self, field) -> None:
        """The date must be YYYY-MM-DD from 2000 to 2099."""
        if field.data:
            try:
                read_day(field.data)
            except ValueError as bad:
                raise ValidationError(f"The date {bad}") from None

    def day(self) -> date | None:
        """The date asked for, or None for today (or when it is not valid)."""
        if self.as_of.data and not self.as_of.errors:
            return read_day(self.as_of.data)
        return None

