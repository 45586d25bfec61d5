"""The fields of the interchange format, and how raw items become checked records.

One table of fields serves the JSON and the CSV readers, the exporter and the docs:
a raw item (a JSON object, or a CSV row of text) is turned into a *record*, a plain
dict holding every field of its kind with defaults filled in, or into problems.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..csv_input import text_problem
from ..errors import Problem
from ..vocabulary import CWP_CATEGORIES, FAMILIES, FUNDERS, NODE_KINDS, TRANSITION_KINDS

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
STANDARD_CODE_PATTERN = re.compile(r"^ST\d{4}$")
MAX_ID_LENGTH = 80
MAX_TITLE_LENGTH = 200
ROLE, QUALIFICATION = "role", "qualification"
BOTH = frozenset({ROLE, QUALIFICATION})


@dataclass(frozen=True)
class Field:
    """One field of a node or an edge: its type, default and which node kinds it applies to."""

    name: str
    type: str  # "str", "int", "number", "bool", "list"
    default: Any = None
    required: bool = False
    applies_to: frozenset[str] = BOTH
    choices: Mapping[str, str] | None = None
    minimum: float | None = None
    maximum: float | None = None
    check: Callable[[Any], str | None] | None = None


def _check_id(value: str) -> str | None:
    if len(value) > MAX_ID_LENGTH or not ID_PATTERN.match(value):
        return (
            "must be lowercase letters, digits and single hyphens "
            f"(at most {MAX_ID_LENGTH} characters), got {value!r}"
        )
    return None


def _check_title(value: str) -> str | None:
    if not value.strip():
        return "must not be empty"
    if len(value) > MAX_TITLE_LENGTH:
        return f"must be at most {MAX_TITLE_LENGTH} characters"
    return None


def _check_standard_code(value: str) -> str | None:
    if not STANDARD_CODE_PATTERN.match(value):
        return f"must look like ST0510, got {value!r}"
    return None


#: The text fields that may run over several lines (no other text holds a line break).
SEVERAL_LINES = frozenset({"description", "citation", "note"})
#: The ranges every number of the format keeps to, realistic and far inside what the
#: databases' columns hold: a step, duration or experience in months, an amount of pounds
#: (pay a year, a funding band, a move's cost) and off-the-job hours.
MOST_MONTHS, MOST_POUNDS, MOST_HOURS = 600, 1_000_000, 10_000

ROLE_ONLY = frozenset({ROLE})
QUALIFICATION_ONLY = frozenset({QUALIFICATION})

NODE_FIELDS: tuple[Field, ...] = (
    Field("id", "str", required=True, check=_check_id),
    Field("kind", "str", required=True, choices=NODE_KINDS),
    Field("title", "str", required=True, check=_check_title),
    Field("family", "str", choices=FAMILIES),
    Field("cwp_category", "str", applies_to=ROLE_ONLY, choices=CWP_CATEGORIES),
    Field("level", "int", minimum=0, maximum=8),
    Field("pay_min_gbp", "int", applies_to=ROLE_ONLY, minimum=0, maximum=MOST_POUNDS),
    Field("pay_max_gbp", "int", applies_to=ROLE_ONLY, minimum=0, maximum=MOST_POUNDS),
    Field("registration_body", "str", applies_to=ROLE_ONLY),
    Field("top_of_ladder", "bool", default=False, applies_to=ROLE_ONLY),
    Field("duration_months", "number", applies_to=QUALIFICATION_ONLY, minimum=0,
          maximum=MOST_MONTHS),
    Field("standard_code", "str", applies_to=QUALIFICATION_ONLY, check=_check_standard_code),
    Field("funding_band_gbp", "int", applies_to=QUALIFICATION_ONLY, minimum=0,
          maximum=MOST_POUNDS),
    Field("otj_min_hours", "int", applies_to=QUALIFICATION_ONLY, minimum=0,
          maximum=MOST_HOURS),
    Field("entry_requirements", "str", applies_to=QUALIFICATION_ONLY),
    Field("description", "str", default=""),
    Field("citation", "str", default=""),
    Field("note", "str", default=""),
    Field("retired", "bool", default=False),
)

EDGE_FIELDS: tuple[Field, ...] = (
    Field("source", "str", required=True),
    Field("target", "str", required=True),
    Field("kind", "str", choices=TRANSITION_KINDS),
    Field("months", "number", required=True, minimum=0, maximum=MOST_MONTHS),
    Field("cost_gbp", "number", default=0, minimum=0, maximum=MOST_POUNDS),
    Field("funding", "str", choices=FUNDERS),
    Field("earn_while_learning", "bool"),
    Field("requires", "list", default=()),
    Field("min_experience_months", "int", default=0, minimum=0, maximum=MOST_MONTHS),
    Field("citation", "str", default=""),
    Field("note", "str", default=""),
)

NODE_FIELD_NAMES = tuple(f.name for f in NODE_FIELDS)
EDGE_FIELD_NAMES = tuple(f.name for f in EDGE_FIELDS)
_TRUE = {"yes", "y", "true", "1"}
_FALSE = {"no", "n", "false", "0", ""}


def _from_text(field: Field, text: str) -> Any:
    """Convert CSV text to the field's type; raise ValueError with a reason."""
    text = text.strip()
    if field.type == "str":
        return text
    if field.type == "list":
        return [part.strip() for part in text.split(";") if part.strip()]
    if field.type == "bool":
        lowered = text.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ValueError(f"must be yes or no, got {text!r}")
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"must be a number, got {text!r}") from None
    if not math.isfinite(number):  # float() reads "nan" and "inf", which JSON cannot hold
        raise ValueError(f"must be a number, got {text!r}")
    if field.type == "int":
        if not number.is_integer():
            raise ValueError(f"must be a whole number, got {text!r}")
        return int(number)
    return number


def _check_type(field: Field, value: Any) -> Any:
    """Check a JSON value against the field's type; raise ValueError with a reason."""
    expected = {"str": "a string", "int": "a whole number", "number": "a number",
                "bool": "true or false", "list": "a list of ids"}[field.type]
    bad = ValueError(f"must be {expected}, got {type(value).__name__} {value!r}")
    if field.type == "str" and not isinstance(value, str):
        raise bad
    if field.type == "bool" and not isinstance(value, bool):
        raise bad
    if field.type in ("int", "number"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise bad
        if not math.isfinite(value):
            raise bad
        if field.type == "int":
            if isinstance(value, float) and not value.is_integer():
                raise bad
            value = int(value)
    if field.type == "list" and not (
            isinstance(value, list) and all(isinstance(v, str) for v in value)):
        raise bad
    return value


def parse_item(
    raw: Mapping[str, Any], fields: tuple[Field, ...], where: str, *, text: bool
) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Turn one raw item into a record holding every field, or return its problems.

    Parameters
    ----------
    raw : mapping
        A JSON object, or a CSV row (``text=True``: every value is a string).
    fields : tuple of Field
        ``NODE_FIELDS`` or ``EDGE_FIELDS``.
    where : str
        How to name the item in problems, e.g. ``"nodes[3]"`` or ``"nodes.csv row 4"``.

    Returns
    -------
    (record, problems)
        ``record`` is None when there are problems.
    """
    problems: list[Problem] = []
    if not isinstance(raw, Mapping):
        return None, [Problem(where, f"must be an object, got {type(raw).__name__}")]
    known = {f.name for f in fields}
    label = where
    for name in raw:
        if name not in known:
            problems.append(Problem(label, f"unknown field {name!r}"))
    node_kind = raw.get("kind") if "title" in known else None
    record: dict[str, Any] = {}
    for field in fields:
        value = raw.get(field.name)
        if text and value is not None:
            value = None if str(value).strip() == "" else value
        if value is None:
            if field.required:
                problems.append(Problem(label, f"{field.name} is required"))
            record[field.name] = list(field.default) if field.type == "list" else field.default
            continue
        try:
            value = _from_text(field, value) if text else _check_type(field, value)
        except ValueError as reason:
            problems.append(Problem(label, f"{field.name} {reason}"))
            continue
        wrong = _check_value(field, value)
        if wrong:
            problems.append(Problem(label, f"{field.name} {wrong}"))
            continue
        if node_kind in BOTH and node_kind not in field.applies_to and value != field.default:
            only = " and ".join(sorted(field.applies_to))
            problems.append(Problem(label, f"{field.name} applies to {only}s only"))
            continue
        record[field.name] = value
    if problems:
        return None, problems
    return record, []


def _check_value(field: Field, value: Any) -> str | None:
    """Return why ``value`` is out of range, not a known choice or unusable text, or None."""
    for text in [value] if isinstance(value, str) else value if field.type == "list" else []:
        problem = text_problem(text, multiline=field.name in SEVERAL_LINES)
        if problem is not None:
            return problem
    if field.choices is not None and value not in field.choices:
        return f"must be one of {', '.join(field.choices)}, got {value!r}"
    if field.minimum is not None and value < field.minimum:
        return f"must be at least {field.minimum:g}, got {value!r}"
    if field.maximum is not None and value > field.maximum:
        return f"must be at most {field.maximum:g}, got {value!r}"
    if field.check is not None:
        return field.check(value)
    return None


def node_record_for_kind(record: dict[str, Any]) -> dict[str, Any]:
    """Return the node record without the fields that do not apply to its kind."""
    return {f.name: record.get(f.name, f.default) for f in NODE_FIELDS
            if record["kind"] in f.applies_to}
