"""Forms of the graph editor. They check only the shape of input and hand it on as text.

The rules (types, ranges, choices, ids, standard codes) are the interchange format's field
rules, applied by ``pathways.graph_editing`` with ``text=True``, so the editor, the CSV
importer and the JSON importer refuse the same things with the same reasons.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, Optional
from wtforms.widgets import HiddenInput

from pathways.errors import Problem
from pathways.graph_editing import FieldChange, merge_edit
from pathways.interchange.fields import EDGE_FIELDS, NODE_FIELDS, Field
from pathways.vocabulary import FUNDERS, TRANSITION_KINDS

from .input_rules import Form

#: What each field is called on the page, with a hint when one helps.
LABELS: dict[str, tuple[str, str]] = {
    "id": ("Id", "Lowercase letters, digits and hyphens, for example senior-care-worker. "
                 "It cannot be changed later."),
    "title": ("Title", ""),
    "family": ("Family", ""),
    "cwp_category": ("Care Workforce Pathway category", ""),
    "level": ("Level", "0 to 8"),
    "pay_min_gbp": ("Typical pay from, in pounds a year", ""),
    "pay_max_gbp": ("Typical pay up to, in pounds a year", ""),
    "registration_body": ("Registration body", "For example Social Work England"),
    "top_of_ladder": ("Top of the ladder: no way on is expected from this role", ""),
    "duration_months": ("Typical duration, in months", ""),
    "standard_code": ("Apprenticeship standard code",
                      "For example ST0510. Leave it empty when this is not an apprenticeship."),
    "funding_band_gbp": ("Funding band, in pounds", ""),
    "otj_min_hours": ("Off-the-job training, minimum hours", ""),
    "entry_requirements": ("Entry requirements",
                           "What people need before they start, for example English and maths "
                           "at Level 2"),
    "description": ("Description", ""),
    "citation": ("Source", "Where these facts come from"),
    "note": ("Note", ""),
    "kind": ("Kind of move", ""),
    "months": ("Time the move takes, in months", "For example 18"),
    "cost_gbp": ("Cost, in pounds", "Leave it empty when the move costs nothing"),
    "funding": ("Who pays", ""),
    "earn_while_learning": ("Earn while learning", ""),
    "requires": ("Qualifications needed first", ""),
    "min_experience_months": ("Experience needed first, in months", ""),
    "source": ("From", ""),
    "target": ("To", ""),
}
TEXT_AREAS = ("description", "citation", "note")
NOT_EDITED_HERE = ("kind", "retired")  # the kind is chosen by the page; retiring has its button
MAX_TEXT = 5000


def label(name: str) -> str:
    """Return the label people see for a field name."""
    return LABELS.get(name, (name, ""))[0]


def _form_field(spec: Field):
    """Make the form field for one field of the interchange format (text in, text out)."""
    text, hint = LABELS[spec.name]
    if spec.type == "bool":
        return BooleanField(text, description=hint, widget=GovCheckboxInput())
    if spec.choices is not None:
        return SelectField(text, description=hint, widget=GovSelect(), default="",
                           choices=[("", "Not set"), *spec.choices.items()])
    if spec.name in TEXT_AREAS:
        return TextAreaField(text, description=hint, widget=GovTextArea(),
                             validators=[Optional(), Length(max=MAX_TEXT)])
    render_kw = {"inputmode": "decimal"} if spec.type in ("int", "number") else {}
    if spec.name == "id":
        render_kw["spellcheck"] = "false"
    return StringField(text, description=hint, widget=GovTextInput(),
                       validators=[Optional(), Length(max=MAX_TEXT)], render_kw=render_kw)


class EditorForm(Form):
    """Base of the editor's forms: the record's ``lock_version`` travels in a hidden field."""

    lock_version = IntegerField(widget=HiddenInput(), validators=[Optional()])
    #: The record's fields as loaded (JSON of ``item()``), to tell on a conflict what the
    #: other person changed from what the editor changed.
    loaded = HiddenField(validators=[Optional(), Length(max=200_000)])

    def start_from(self, version: int) -> None:
        """Base the next save on ``version`` (after showing someone else's change)."""
        self.lock_version.data, self.lock_version.raw_data = version, None

    def loaded_item(self) -> dict[str, str] | None:
        """Return the record as the editor loaded it, or None when the form did not say."""
        try:
            item = json.loads(self.loaded.data or "")
        except ValueError:
            return None
        if not isinstance(item, dict) or not all(
                isinstance(key, str) and isinstance(value, str) for key, value in item.items()):
            return None
        return item

    def set_item(self, item: dict[str, str]) -> None:
        """Show ``item`` (fields as text, as ``item()`` gives them) in place of what was sent."""
        for field in self:
            if field.name not in item or field.name not in self.FIELD_NAMES:
                continue
            value = item[field.name]
            if isinstance(field, BooleanField):
                field.data = value == "yes"
            elif isinstance(field, SelectMultipleField):
                field.data = [part for part in value.split(";") if part]
            else:
                field.data = value
            field.raw_data = None

    def merge_conflict(self, record: dict[str, Any], version: int) -> list[FieldChange]:
        """After a conflict, start again from the saved ``record`` with the editor's changes.

        The editor's own changes are re-applied where the other person left the field
        alone (``graph_editing.merge_edit``); the next save is based on ``version``.
        Returns the fields the other person changed.
        """
        yours, loaded = self.item(), self.loaded_item()
        self.fill(record, version)
        saved = self.item()
        start, changes = merge_edit(loaded, saved, yours)
        self.set_item(start)
        self.loaded.data, self.loaded.raw_data = json.dumps(saved), None
        return changes

    def fill(self, record: dict[str, Any], version: int) -> None:
        """Show a stored record, as saved at ``version``."""
        for field in self:
            if field.name not in record:
                continue
            value = record[field.name]
            if isinstance(field, BooleanField):
                field.data = bool(value)
            elif isinstance(field, SelectMultipleField):
                field.data = list(value or [])
            elif isinstance(value, bool):
                field.data = "yes" if value else "no"
            else:
                field.data = "" if value is None else str(value)
            field.raw_data = None
        self.start_from(version)
        self.loaded.data, self.loaded.raw_data = json.dumps(self.item()), None

    def item(self) -> dict[str, str]:
        """Return the input as a text item of the interchange format."""
        item = {}
        for field in self:
            if field.name in ("csrf_token", "lock_version") or field.name not in self.FIELD_NAMES:
                continue
            if isinstance(field, BooleanField):
                item[field.name] = "yes" if field.data else "no"
            elif isinstance(field, SelectMultipleField):
                item[field.name] = ";".join(field.data or [])
            else:
                item[field.name] = (field.data or "").strip()
        return item

    FIELD_NAMES: tuple[str, ...] = ()

    def place_problems(self, problems: list[Problem]) -> None:
        """Show problems beside their fields, in the field's words; others on the whole form.

        ``webapp.submit`` calls this for a refused save: "months must be a number" shows
        beside Months as "Time the move takes, in months must be a number"; a problem with
        the graph around the record (a move that needs it, say) keeps its place in words.
        """
        for problem in problems:
            field = self._fields.get(problem.where)
            if field is None and problem.where in ("source", "target") and "other" in self._fields:
                field = self._fields["other"]
            if field is None:
                self.form_errors = [*self.form_errors, str(problem)]
                continue
            message = problem.message
            if message.startswith(problem.where + " "):
                message = label(problem.where) + message[len(problem.where):]
            field.errors = [*field.errors, message]


def node_form(name: str, kind: str) -> type[EditorForm]:
    """Make the form of a role or qualification: every node field that applies to ``kind``."""
    specs = [f for f in NODE_FIELDS if kind in f.applies_to and f.name not in NOT_EDITED_HERE]
    attributes: dict[str, Any] = {f.name: _form_field(f) for f in specs}
    attributes["__doc__"] = f"Add or change a {kind}."
    attributes["FIELD_NAMES"] = tuple(f.name for f in specs)
    return type(name, (EditorForm,), attributes)


RoleForm = node_form("RoleForm", "role")
QualificationForm = node_form("QualificationForm", "qualification")
FORM_BY_KIND = {"role": RoleForm, "qualification": QualificationForm}


class MoveForm(EditorForm):
    """Add or change a move; ``other`` is the role or qualification at its other end."""

    FIELD_NAMES = tuple(f.name for f in EDGE_FIELDS if f.name not in ("source", "target"))

    other = SelectField("Role or qualification", choices=[], widget=GovSelect(), default="")
    kind = SelectField(label("kind"), widget=GovSelect(), default="", choices=[
        ("", "The usual kind for its ends"), *TRANSITION_KINDS.items()])
    months = StringField(label("months"), description=LABELS["months"][1],
                         widget=GovTextInput(), validators=[Length(max=20)],
                         render_kw={"inputmode": "decimal"})
    cost_gbp = StringField(label("cost_gbp"), description=LABELS["cost_gbp"][1],
                           widget=GovTextInput(), validators=[Length(max=20)],
                           render_kw={"inputmode": "decimal"})
    funding = SelectField(label("funding"), widget=GovSelect(), default="", choices=[
        ("", "Nobody: it costs nothing"), *FUNDERS.items()])
    earn_while_learning = SelectField(label("earn_while_learning"), widget=GovSelect(),
                                      default="", choices=[
        ("", "The usual for this kind of move"), ("yes", "Yes, they keep earning"),
        ("no", "No")])
    min_experience_months = StringField(label("min_experience_months"), widget=GovTextInput(),
                                        validators=[Length(max=20)],
                                        render_kw={"inputmode": "numeric"})
    requires = SelectMultipleField(label("requires"), choices=[], validators=[Optional()])
    citation = TextAreaField(label("citation"), description=LABELS["citation"][1],
                             widget=GovTextArea(), validators=[Optional(), Length(max=MAX_TEXT)])
    note = TextAreaField(label("note"), widget=GovTextArea(),
                         validators=[Optional(), Length(max=MAX_TEXT)])


class LockForm(EditorForm):
    """A button that acts on a record as loaded: retire, restore or delete."""


def current_rows(record: dict[str, Any], fields: tuple[Field, ...],
                 names: tuple[str, ...], changes: Sequence[FieldChange] = ()
                 ) -> list[tuple[str, Any, dict | None]]:
    """Return ``(label, value, change)`` rows of a stored record, choices in people's words.

    Each name is shown once. ``change`` is None for a field nobody else changed, else the
    values in words: ``was``, ``saved`` (theirs), ``yours`` and whether they ``clash``.
    """
    specs = {f.name: f for f in fields}
    changed = {change.name: change for change in changes}

    def words(name: str, text: str | None) -> str:
        if text is None:
            return "Not known"
        if text == "":
            return "Not set"
        spec = specs.get(name)
        if spec is not None and spec.type == "bool":
            return {"yes": "Yes", "no": "No"}.get(text, text)
        if spec is not None and spec.choices:
            return ", ".join(spec.choices.get(part, part) for part in text.split(";"))
        return text

    rows = []
    for name in dict.fromkeys(names):
        value = record[name]
        shown = (specs[name].choices.get(value, value)
                 if specs[name].choices and value is not None else value)
        change = changed.get(name)
        rows.append((label(name), shown, None if change is None else {
            "was": words(name, change.was), "saved": words(name, change.saved),
            "yours": words(name, change.yours), "clash": change.clash}))
    return rows
