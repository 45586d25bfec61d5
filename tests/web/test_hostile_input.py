"""The server errors a tester found with hostile input (issue 11), each now a clear refusal.

``tests/web/test_fuzz.py`` looks for such input everywhere; these are the cases found, written
out: ids past the databases' integers in URLs, NUL and other control characters in forms,
queries, URLs and imported files, NaN, Infinity and huge numbers, ``/map?route=abc``, an
all-digit cohort name and optional choices sent as spaces. Each is refused (404, or 400 with
a message on the field) and writes nothing, or is taken for what it plainly is.
"""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from pathways import clock
from pathways.models import Apprenticeship, AuditEvent, Cohort, ShadowingPlace, Transition
from tests.recipes import TOY_PATHWAY, world_fixtures
from tests.web.test_policy_walk import WALK_WORLD

TODAY = clock.today()
HEADER = ("email,cohort,standard_code,start_date,planned_end_date,weekly_hours,"
          "otj_hours_logged,last_review_date,status,guaranteed_post\n")


database_url, world = world_fixtures(WALK_WORLD, TOY_PATHWAY)


def count(app, model) -> int:
    from webapp.extensions import db

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def day(name: str, when) -> dict:
    """The three boxes of a GOV.UK date input."""
    return {name: [str(when.day), str(when.month), str(when.year)]}


# URLs

@pytest.mark.parametrize("path", [
    "/cohorts/99999999999", "/cohorts/2147483648", "/cohorts/9223372036854775808",
    "/cohorts/" + "9" * 5000, "/cohorts/\u0663", "/admin/users/2147483648",
    "/admin/graph/moves/9223372036854775808", "/people/99999999999/conversations",
    "/admin/graph/nodes/%00", "/roles/care%00worker", "/roles/" + "x" * 600,
])
def test_ids_past_the_database_and_control_characters_in_urls_are_not_found(
        client, enter, world, path):
    enter("lnd")
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("role, path", [
    ("lnd", "/admin/graph/moves/9223372036854775808/delete"),
    ("admin", "/admin/users/2147483648/status"),
    ("lnd", "/people/99999999999/conversations"),
])
def test_posting_to_an_id_past_the_database_is_not_found(client, enter, world, role, path):
    enter(role)
    assert client.post(path, data={"lock_version": "1"}).status_code == 404


@pytest.mark.parametrize("route, message", [
    ("abc", "Choose a route from 1 to 5"), ("1.5", "Choose a route from 1 to 5"),
    ("0", "Choose a route from 1 to 5"), ("99999999999", "Choose a route from 1 to 5"),
    ("\x00", "Route contains a control character (NUL, character 1): remove it"),
])
def test_a_route_number_that_is_not_one_to_five_is_explained(client, route, message):
    query = {"from": "Care worker", "to": "Social worker", "route": route}
    answer = client.get("/map", query_string=query)
    assert answer.status_code == 400
    assert message in answer.get_data(as_text=True)
    assert client.get("/map.svg", query_string=query).status_code == 400
    assert client.get("/map", query_string={**query, "route": "2"}).status_code == 200


@pytest.mark.parametrize("query", [{"story": "\u00b2"}, {"story": "99999999999"},
                                   {"q": "care\x00"}])
def test_odd_query_text_is_not_a_server_error(client, query):
    assert client.get("/map" if "story" in query else "/search",
                      query_string=query).status_code in (400, 404)


# Forms

@pytest.mark.parametrize("path, data, field", [
    ("/login", {"email": "staff@example.org\x00", "password": "x" * 12}, "Email address"),
    ("/login", {"email": "staff@example.org", "password": "pass\x00word-long"}, "Password"),
    ("/reset-password", {"email": "a\x00@example.org"}, "Email address"),
])
def test_nul_in_the_sign_in_forms_is_refused_on_the_field(app, client, path, data, field):
    before = count(app, AuditEvent)
    answer = client.post(path, data=data)
    assert answer.status_code == 400
    assert f"{field} contains a control character (NUL" in answer.get_data(as_text=True)
    assert count(app, AuditEvent) == before


def test_control_characters_in_any_form_field_are_refused_and_nothing_is_written(
        app, client, enter, world):
    enter("lnd")
    before = count(app, Cohort)
    answer = client.post("/cohorts/new", data={
        "programme_id": "1", "name": "Cohort \x1b[31mred", "budget_kind": "levy",
        **day("start_date", TODAY), **day("planned_end_date", TODAY + timedelta(days=800))})
    assert answer.status_code == 400
    assert "Cohort name contains a control character (ESC, character 8): remove it" in \
        answer.get_data(as_text=True)
    assert count(app, Cohort) == before


def test_a_text_area_takes_line_breaks_and_tabs_but_not_nul(client, enter, world):
    enter("staff")
    path = f"/pairings/{world['pairing_id']}/sessions"
    session = {**day("held_on", TODAY), "duration_minutes": "30", "mode": "video"}
    refused = client.post(path, data={**session, "topics": "Routes\x00"})
    assert refused.status_code == 400 and "control character (NUL" in refused.text
    assert client.post(path, data={**session, "topics": "Routes\r\n\tand pay"}
                       ).status_code == 303


def test_numbers_past_the_database_in_form_fields_are_refused(app, client, enter, world):
    enter("lnd")
    path = f"/admin/graph/moves/{world['move_id']}"
    answer = client.post(path, data={"months": "2", "lock_version": str(2**63)})
    assert answer.status_code == 400
    assert "must be a number from -2,147,483,647 to 2,147,483,647" in answer.text


@pytest.mark.parametrize("months", ["NaN", "nan", "Infinity", "-inf", "1e309"])
def test_the_graph_editor_refuses_nan_and_infinity(app, client, enter, world, months):
    enter("lnd")
    path = f"/admin/graph/moves/{world['move_id']}"
    form = client.get(path).text
    assert 'name="lock_version"' in form
    answer = client.post(path, data={"months": months, "lock_version": "1"})
    assert answer.status_code == 400
    assert "Time the move takes, in months must be a number" in answer.text
    from webapp.extensions import db
    with app.app_context():
        assert db.session.get(Transition, world["move_id"]).months < 600
    json.loads(client.get("/api/v1/qualifications").text,
               parse_constant=lambda name: pytest.fail(f"{name} in the API"))


@pytest.mark.parametrize("field, value", [("pay_max_gbp", "1e30"), ("level", "2147483648"),
                                          ("pay_min_gbp", "99999999999")])
def test_the_graph_editor_refuses_numbers_past_their_range(client, enter, world, field, value):
    enter("lnd")
    answer = client.post("/admin/graph/nodes/care-worker", data={
        "title": "Care worker", "lock_version": "1", field: value})
    assert answer.status_code == 400 and "must be at most" in answer.text


@pytest.mark.parametrize("hours", ["0.001", "1e-30", "NaN", "1e30"])
def test_hours_that_round_to_nothing_or_are_not_finite_are_refused_in_words(
        app, client, enter, world, hours):
    enter("staff")
    before = count(app, AuditEvent)
    answer = client.post(f"/apprenticeships/{world['apprenticeship_id']}/otj", data={
        **day("worked_on", TODAY - timedelta(days=1)), "hours": hours, "activity": "taught"})
    assert answer.status_code == 400
    assert "must be more than 0 and at most 24" in answer.text
    assert "at the same moment" not in answer.text
    assert count(app, AuditEvent) == before


def test_an_all_digit_cohort_name_is_a_name(app, client, enter, world):
    enter("lnd")
    for name in ("99999999999", "2025"):
        answer = client.post("/cohorts/new", data={
            "programme_id": "1", "name": name, "budget_kind": "levy",
            **day("start_date", TODAY), **day("planned_end_date", TODAY + timedelta(days=800))})
        assert answer.status_code == 303, answer.text
    from webapp.extensions import db
    with app.app_context():
        assert {"99999999999", "2025"} <= set(db.session.scalars(select(Cohort.name)))


def test_an_optional_choice_of_spaces_is_no_choice(app, client, enter, world):
    enter("staff")
    answer = client.post("/shadowing/places", data={
        "role": "social-worker", "team": "   ", "capacity": "1", "description": "",
        **day("starts_on", TODAY), **day("ends_on", TODAY + timedelta(days=5))})
    assert answer.status_code == 303
    from webapp.extensions import db
    with app.app_context():
        assert db.session.scalars(select(ShadowingPlace.team_id).order_by(
            ShadowingPlace.id.desc())).first() is None


def test_a_report_date_of_spaces_is_no_date(client, enter, world):
    enter("lnd")
    assert client.get("/champions/report", query_string={"since": " ", "until": " "}
                      ).status_code == 200
    assert client.get(f"/cohorts/{world['cohort_id']}", query_string={"as_of": " "}
                      ).status_code == 200


# Imported files

@pytest.mark.parametrize("row, message", [
    ("colleague@example.org,Walk cohort,ST0510,2026-09-01,2029-09-01,1e30,,,,",
     "row 2: weekly_hours: must be more than 0 and at most 60"),
    ("colleague@example.org,Walk cohort,ST0510,2026-09-01,2029-09-01,37.5,1e26,,,",
     "row 2: otj_hours_logged: must be at least 0 and at most 1,000,000"),
    ("colleague@example.org,Walk cohort,ST0510,2026-09-01,2029-09-01,NaN,,,,",
     "row 2: weekly_hours: &#39;NaN&#39; is not a number of hours"),
    ("colleague@example.org\x00,Walk cohort,ST0510,2026-09-01,2029-09-01,37.5,,,,",
     "row 2: email: contains a control character (NUL, character 22): remove it"),
    ("colleague@example.org,99999999999,ST0510,2026-09-01,2029-09-01,37.5,,,,\n"
     "colleague@example.org," + "x" * 1001 + ",ST0510,2026-09-01,2029-09-01,37.5,,,,",
     "row 3: cohort: must be 1,000 characters or fewer (it has 1,001)"),
])
def test_hostile_cells_are_refused_by_row_and_nothing_is_written(app, client, enter, world,
                                                                  row, message):
    enter("lnd")
    before = count(app, Apprenticeship), count(app, Cohort)
    answer = client.post("/cohorts/import", data={"apprenticeships_file": (
        io.BytesIO((HEADER + row + "\n").encode()), "cohort.csv")})
    assert answer.status_code == 400
    assert message in answer.text
    assert (count(app, Apprenticeship), count(app, Cohort)) == before


def test_every_form_checks_its_input_first():
    """Every form of the app derives from ``input_rules.Form``: none escapes the rules."""
    from flask_wtf import FlaskForm

    import webapp.views  # noqa: F401  (imports every form module)
    from webapp.input_rules import Form

    def every(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from every(sub)

    forms = {cls for cls in every(FlaskForm) if cls.__module__.startswith("webapp.")}
    assert len(forms) > 40
    assert {cls.__qualname__ for cls in forms if not issubclass(cls, Form)} == set()
