"""Hostile input in the domain's ways in: imported cells, the interchange format, ids typed.

The rules (``pathways.csv_input``): text holds no control character and keeps to a length,
numbers are finite and bounded, and an id is the digits 0-9 within the databases' integers.
The web applies the same rules (``tests/web/test_hostile_input.py``, ``test_fuzz.py``).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from pathways.csv_input import (
    LARGEST_ID,
    MAX_CELL,
    parse_decimal,
    read_csv,
    text_problem,
    whole_number,
)
from pathways.errors import NotFound, Problem
from pathways.interchange.fields import EDGE_FIELDS, NODE_FIELDS, parse_item
from pathways.mentoring.champions import check_details
from pathways.people.accounts import find_organisation
from tests.factories import toy_graph


@pytest.mark.parametrize("text, multiline, reason", [
    ("Zoë Ødegård 😀", False, None),
    ("two\nlines\ttabbed\r\n", True, None),
    ("a\x00b", True, "contains a control character (NUL, character 2): remove it"),
    ("\x1b[31m", False, "contains a control character (ESC, character 1): remove it"),
    ("tab\there", False, "contains a control character (a tab, character 4): remove it"),
    ("\x85", True, "contains a control character (U+0085, character 1): remove it"),
    ("\x7f", True, "contains a control character (DEL, character 1): remove it"),
])
def test_text_with_control_characters_is_refused(text, multiline, reason):
    assert text_problem(text, multiline=multiline) == reason


@pytest.mark.parametrize("text, number", [
    ("0", 0), ("42", 42), (str(LARGEST_ID), LARGEST_ID), (str(LARGEST_ID + 1), None),
    ("9" * 5000, None), ("²", None), ("\u0663", None), ("-1", None), ("1.5", None),
    ("1_000", None), ("", None), (" 7 ", 7),
])
def test_an_id_is_the_digits_0_to_9_within_the_database(text, number):
    assert whole_number(text) == number


def test_a_row_with_a_hostile_cell_is_reported_by_row_and_not_read_further():
    problems: list[Problem] = []
    text = "email,name\nok@example.org,Ann\nbad@example.org,A\x00nn\nlong@example.org," \
           + "x" * (MAX_CELL + 1) + "\n"
    rows = read_csv(text, ("email", "name"), ("email",), problems, "Not imported", 10)
    assert [number for number, _cells in rows] == [2]
    assert [str(problem) for problem in problems] == [
        "row 3: name: contains a control character (NUL, character 2): remove it",
        f"row 4: name: must be {MAX_CELL:,} characters or fewer (it has {MAX_CELL + 1:,})"]


@pytest.mark.parametrize("value, maximum, expected, message", [
    ("37.5", Decimal(60), Decimal("37.50"), None),
    ("1e30", Decimal(60), None, "weekly_hours: must be more than 0 and at most 60"),
    ("1e26", None, None, "weekly_hours: must be more than 0 and at most 1,000,000"),
    ("-1e30", None, None, "weekly_hours: must be more than 0"),
    ("NaN", None, None, "weekly_hours: 'NaN' is not a number"),
    ("-Infinity", None, None, "weekly_hours: '-Infinity' is not a number"),
    ("0.001", None, None, "weekly_hours: must be more than 0"),
])
def test_numbers_in_cells_are_finite_and_bounded(value, maximum, expected, message):
    found: list[str] = []
    number = parse_decimal(value, "weekly_hours", lambda column, reason: found.append(
        f"{column}: {reason}"), maximum=maximum, above_minimum=True)
    assert number == expected
    assert found == ([message] if message else [])


@pytest.mark.parametrize("raw, message", [
    ({"months": "nan"}, "months must be a number, got 'nan'"),
    ({"months": "Infinity"}, "months must be a number, got 'Infinity'"),
    ({"months": "601"}, "months must be at most 600, got 601.0"),
    ({"months": "1", "cost_gbp": "1e300"}, "cost_gbp must be at most 1e+06, got 1e+300"),
    ({"months": "1", "min_experience_months": "2147483648"},
     "min_experience_months must be at most 600, got 2147483648"),
    ({"months": "1", "note": "a\x00b"},
     "note contains a control character (NUL, character 2): remove it"),
])
def test_the_interchange_format_refuses_nan_infinity_and_numbers_past_their_range(raw,
                                                                                   message):
    item = {"source": "care-worker", "target": "senior-care-worker", **raw}
    record, problems = parse_item(item, EDGE_FIELDS, "edges.csv row 2", text=True)
    assert record is None and [p.message for p in problems] == [message]


@pytest.mark.parametrize("raw, message", [
    ({"pay_max_gbp": 10**30}, "pay_max_gbp must be at most 1e+06, got "
                              "1000000000000000000000000000000"),
    ({"duration_months": float("inf")}, "duration_months must be a number, got float inf"),
    ({"title": "Care\x00worker"},
     "title contains a control character (NUL, character 5): remove it"),
    ({"description": "Two\nlines", "pay_min_gbp": 23000}, None),
])
def test_json_items_keep_to_the_same_rules(raw, message):
    kind = "qualification" if "duration_months" in raw else "role"
    item = {"id": "x-role", "kind": kind, "title": "X", **raw}
    _record, problems = parse_item(item, NODE_FIELDS, "nodes[0]", text=False)
    assert [p.message for p in problems] == ([message] if message else [])


@pytest.mark.parametrize("capacity, message", [
    ("3", None), ("²", "must be a whole number from 0 to 20"),
    ("99999999999", "must be a whole number from 0 to 20"),
])
def test_a_champions_capacity_is_read_as_digits(capacity, message):
    found: list[str] = []
    check_details(toy_graph(), "", "", capacity, "no",
                  lambda field, reason: found.append(reason))
    assert found == ([message] if message else [])


def test_all_digit_names_of_organisations_and_cohorts_are_names(session):
    """An all-digit name past the largest id is only a name (PostgreSQL refused the id)."""
    from datetime import date

    from pathways.apprenticeships.setup import create_cohort, create_programme, find_cohort
    from pathways.interchange.store import save_document
    from pathways.people.accounts import create_organisation
    from tests.factories import toy_document

    for name in ("99999999999", "²"):
        with pytest.raises(NotFound):
            find_organisation(session, name)
    council = create_organisation(session, "2026")
    assert find_organisation(session, "2026") is council
    save_document(session, toy_document())
    programme = create_programme(session, council, name="SW", qualification_id="sw-apprenticeship",
                                 provider_name="Testshire University",
                                 leads_to_role_id="social-worker")
    assert find_cohort(session, council.id, "99999999999") is None
    cohort = create_cohort(session, programme, name="99999999999", start_date=date(2026, 9, 1),
                           planned_end_date=date(2029, 9, 1))
    assert find_cohort(session, council.id, "99999999999") is cohort
    assert find_cohort(session, council.id, str(cohort.id)) is cohort
