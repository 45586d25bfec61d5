"""What every URL and form accepts, in one place: hostile input is refused, never a 500.

- **URLs.** The app's ``int`` converter (:class:`IdConverter`, registered before any rule)
  reads an id past ``LARGEST_ID``, the databases' 32-bit integers, as ``NO_ID``, so
  ``/cohorts/99999999999`` is a 404 like any id that names nothing, on every rule alike;
  the default converter (:class:`TextConverter`) reads text with a control character or
  more than ``MAX_PATH_TEXT`` characters as ``NO_TEXT`` (``/admin/graph/nodes/%00`` is a
  404 too, and a reset link so mangled says it does not work).
- **Every form** derives from :class:`Form`, whose ``Meta.bind_field`` puts
  :class:`InputRules` first in every field's checks: text with a control character (NUL
  and the like; tab and line breaks only in text areas) is refused with a message on the
  field, as is text longer than ``MAX_LINE`` or ``MAX_LINES`` characters when the field
  sets no length of its own; whole numbers outside ``LARGEST_ID`` and numbers that are not
  finite (NaN, Infinity) are refused too. Text of only spaces is empty, as ``Optional``
  takes it (an optional select or date sent ``" "`` is not an id or a date to read).

The domain keeps its own rules (``pathways.csv_input.text_problem`` for the characters, also
applied to every cell of an imported file; the interchange format's for numbers); this
module applies them to the web's way in. ``tests/web/test_fuzz.py`` sends hostile input to
every route.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from flask import Flask, request
from flask_wtf import FlaskForm
from werkzeug.routing import IntegerConverter, UnicodeConverter
from wtforms import DecimalField, Field, FloatField, IntegerField, TextAreaField
from wtforms.validators import Length, NumberRange, StopValidation

from pathways.csv_input import LARGEST_ID, text_problem, whole_number

#: The most characters of one line of text a field takes unless it sets its own length.
MAX_LINE = 1000
#: The most characters of a text area unless it sets its own length.
MAX_LINES = 20_000
#: The most characters of a search read from the address.
MAX_SEARCH = 200
#: What an id in a URL past the databases' integers becomes: an id no record has.
NO_ID = 0
#: What text in a URL with a control character becomes: no id, title or token is empty.
NO_TEXT = ""
#: The most characters of a text part of a URL (an id, a reset link's token).
MAX_PATH_TEXT = 500


class IdConverter(IntegerConverter):
    """The ``int`` of URL rules: an id past ``LARGEST_ID`` (or not in the digits 0-9) is 0.

    No record has the id 0, so the view's own lookup answers 404, as for any id that names
    nothing. Refusing it here would not: where one address has a GET and a POST rule,
    Werkzeug answers 405 when the converter of the rule for the method refuses.
    """

    def to_python(self, value: str) -> int:
        if whole_number(value.removeprefix("-")) is None:
            return NO_ID
        return super().to_python(value)


class TextConverter(UnicodeConverter):
    """The default converter of URL rules: text with a control character, or longer than
    ``MAX_PATH_TEXT``, is ``NO_TEXT``, which names nothing (as :class:`IdConverter`)."""

    def to_python(self, value: str) -> str:
        return NO_TEXT if text_problem(value, limit=MAX_PATH_TEXT) is not None else value


def query_text(name: str, limit: int = MAX_SEARCH) -> tuple[str, str | None]:
    """Return a query parameter's text, trimmed to ``limit``, and why it is refused if it is.

    For views that read a search box themselves: text with a control character comes back
    empty with the reason, to show as the page's error (nothing is looked up with it).
    """
    text = (request.args.get(name) or "").strip()[:limit]
    problem = text_problem(text)
    return ("", problem) if problem is not None else (text, None)


def init_app(app: Flask) -> None:
    """Register the URL converters (before the views add their rules)."""
    app.url_map.converters["int"] = IdConverter
    app.url_map.converters["default"] = app.url_map.converters["string"] = TextConverter


class InputRules:
    """The checks every field gets first (see the module docstring)."""

    def __init__(self, multiline: bool, limit: int | None, bounded: bool):
        self.multiline, self.limit, self.bounded = multiline, limit, bounded

    def __call__(self, form: FlaskForm, field: Field) -> None:
        for value in field.raw_data or []:
            if isinstance(value, str) and (problem := text_problem(
                    value, multiline=self.multiline, limit=self.limit)) is not None:
                raise self.refuse(field, f"{named(field)} {problem}")
        if field.process_errors and isinstance(field, (IntegerField, DecimalField, FloatField)) \
                and any(str(value).strip() for value in field.raw_data or []):  # blank: Optional
            # Text that is not a number: one message (the field's own range, when it has
            # one), not WTForms' "Not a valid integer value." and then the range again.
            ranged = next((rule.message for rule in field.validators
                           if isinstance(rule, NumberRange) and rule.message), None)
            whole = "whole " if isinstance(field, IntegerField) else ""
            raise self.refuse(field, ranged or f"{named(field)} must be a {whole}number")
        data = field.data
        if isinstance(data, (float, Decimal)) and not (
                data.is_finite() if isinstance(data, Decimal) else math.isfinite(data)):
            raise self.refuse(field, f"{named(field)} must be a number")
        if self.bounded and isinstance(data, (int, float, Decimal)) \
                and not isinstance(data, bool) and abs(data) > LARGEST_ID:
            raise self.refuse(field, f"{named(field)} must be a number from "
                                     f"-{LARGEST_ID:,} to {LARGEST_ID:,}")

    @staticmethod
    def refuse(field: Field, message: str) -> StopValidation:
        field.errors[:] = []  # "not a valid integer" and the like would only repeat it
        return StopValidation(message)


def named(field: Field) -> str:
    """The field's label as the start of a message ("This answer" for a question)."""
    label = str(field.label.text or "").removesuffix(" (optional)").strip()
    return label if label and not label.endswith("?") and len(label) <= 60 else "This answer"


def blank_is_empty(value: Any) -> Any:
    """Text of only spaces is empty (``""``, as ``Optional`` sees it); a list loses blanks."""
    if isinstance(value, str) and not value.strip():
        return ""
    if isinstance(value, list):
        return [item for item in value if not (isinstance(item, str) and not item.strip())]
    return value


def rules_for(field: Field) -> InputRules:
    """The rules for one bound field: its kind of text, its length and its numbers."""
    checks = field.validators
    multiline = isinstance(field, TextAreaField)
    has_length = any(isinstance(check, Length) for check in checks)
    limit = None if has_length else (MAX_LINES if multiline else MAX_LINE)
    bounded = not any(isinstance(check, NumberRange) for check in checks)
    return InputRules(multiline, limit, bounded)


class Form(FlaskForm):
    """The base of every form of the app: :class:`InputRules` first on every field."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            field = super().bind_field(form, unbound_field, options)
            if field.type == "CSRFTokenField":
                return field
            field.validators = [rules_for(field), *field.validators]
            field.filters = (*field.filters, blank_is_empty)
            return field
