"""GET /api/v1/cohorts/<id>/summary: the cohort page's numbers as JSON, for those who run it.

The world is ``tests.web.test_cohorts.COHORT_WORLD`` (see that module's docstring): on
31 January 2026 the council's cohort has one apprentice of each RAG colour.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from pathways import clock
from tests.recipes import SEED_PATHWAY, world_fixtures
from tests.web.sessions import start_session
from tests.web.test_api import answer_validator
from tests.web.test_cohorts import AS_OF, COHORT_WORLD, EARLY, summary_of
from webapp.openapi import BASE_PATH, openapi_document

PATH = "/cohorts/{cohort_id}/summary"


database_url, world = world_fixtures(COHORT_WORLD, SEED_PATHWAY)


@pytest.fixture
def as_person(app, client, world):
    return lambda key: start_session(app, client, world[key])


def url(cohort_id, query: str = "") -> str:
    return f"{BASE_PATH}/cohorts/{cohort_id}/summary" + (f"?{query}" if query else "")


def test_lnd_gets_the_summary_the_page_shows(app, client, world, as_person):
    as_person("lnd")
    answer = client.get(url(world["cohort"], f"as_of={AS_OF}"))
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"  # personal data
    body = answer.get_json()
    answer_validator(PATH, 200).validate(body)
    assert body == summary_of(app, world["cohort"], AS_OF).to_json()
    assert body["cohort"] == {"id": world["cohort"], "name": "SWDA 2025", "apprenticeship": True}
    assert body["as_of"] == "2026-01-31"
    assert body["counts"] == {"red": 1, "amber": 1, "green": 1, "grey": 1}
    assert body["statuses"] == {"active": 3, "withdrawn": 1}
    by_email = {row["email"]: row for row in body["apprentices"]}
    assert [row["email"] for row in body["apprentices"]] == [
        "colleague@example.org", "other_team@example.org", "staff@example.org",
        "manager@example.org"]  # urgent first
    staff = by_email["staff@example.org"]
    expected = 187 * (AS_OF - date(2025, 9, 1)).days / (date(2028, 8, 31) - date(2025, 9, 1)).days
    assert (staff["rag"], staff["status"], staff["otj_logged"], staff["otj_required"],
            staff["post"], staff["review_overdue"], staff["missing_educator"],
            staff["last_review"]) == ("green", "active", 30.0, 187, "SW-101", False, True,
                                      "2025-11-20")
    assert staff["otj_expected"] == round(expected, 2)
    assert by_email["colleague@example.org"]["guaranteed_role"] == "newly-qualified-social-worker"
    assert by_email["manager@example.org"]["status"] == "withdrawn"


def test_the_date_changes_the_counts(app, client, world, as_person):
    as_person("lnd")
    early = client.get(url(world["cohort"], f"as_of={EARLY}")).get_json()
    assert early["counts"] == {"red": 0, "amber": 3, "green": 1, "grey": 0}
    assert early["statuses"] == {"active": 4}
    assert early == summary_of(app, world["cohort"], EARLY).to_json()


def test_the_default_date_is_today(app, client, world, as_person):
    as_person("lnd")
    body = client.get(url(world["cohort"])).get_json()
    assert body["as_of"] == clock.today().isoformat()
    assert body["counts"] == summary_of(app, world["cohort"]).counts
    answer_validator(PATH, 200).validate(body)


@pytest.mark.parametrize("actor, cohort, status", [
    ("lnd", "cohort", 200), ("admin", "cohort", 200), ("partnership_lnd", "cohort", 200),
    ("partnership_lnd", "partner_cohort", 200), ("partner_lnd", "partner_cohort", 200),
    ("staff", "cohort", 403), ("manager", "cohort", 403), ("champion", "cohort", 403),
    ("partner_staff", "partner_cohort", 403),
    ("lnd", "partner_cohort", 404), ("admin", "partner_cohort", 404),
    ("far_lnd", "cohort", 404), ("partner_lnd", "cohort", 404), ("outsider", "cohort", 404),
])
def test_who_may_read_a_summary(client, world, as_person, actor, cohort, status):
    as_person(actor)
    answer = client.get(url(world[cohort], f"as_of={AS_OF}"))
    assert answer.status_code == status
    answer_validator(PATH, status).validate(answer.get_json())
    if status != 200:
        assert answer.get_json()["error"]["status"] == status
        assert "apprentices" not in answer.get_json()


def test_signed_out_is_401_as_json(client, world):
    answer = client.get(url(world["cohort"]))
    assert answer.status_code == 401 and answer.is_json
    assert "Sign in" in answer.get_json()["error"]["message"]
    answer_validator(PATH, 401).validate(answer.get_json())


@pytest.mark.parametrize("cohort_id", ["99999999", "2147483648", "99999999999999999999",
                                       "0", "abc"])
def test_unknown_cohorts_are_404_as_json(client, world, as_person, cohort_id):
    as_person("lnd")
    answer = client.get(url(cohort_id))
    assert answer.status_code == 404 and answer.is_json
    answer_validator(PATH, 404).validate(answer.get_json())


@pytest.mark.parametrize("as_of, words", [
    ("2026-02-30", "YYYY-MM-DD"),
    ("tomorrow", "YYYY-MM-DD"),
    ("31/01/2026", "YYYY-MM-DD"),
    ("1999-12-31", "from 2000-01-01 to 2099-12-31"),
    ("2100-01-01", "from 2000-01-01 to 2099-12-31"),
    ("9999-12-31", "from 2000-01-01 to 2099-12-31"),
    ("%00", "control character (NUL"),
    ("9" * 300, "at most 200"),
])
def test_a_bad_date_is_400_naming_as_of(client, world, as_person, as_of, words):
    as_person("lnd")
    answer = client.get(url(world["cohort"], f"as_of={as_of}"))
    assert answer.status_code == 400
    error = answer.get_json()["error"]
    assert any(p["where"] == "as_of" and words in p["message"] for p in error["problems"]), error
    answer_validator(PATH, 400).validate(answer.get_json())


def test_a_bad_date_of_another_organisations_cohort_is_still_404(client, world, as_person):
    as_person("far_lnd")
    assert client.get(url(world["cohort"], "as_of=nonsense")).status_code == 404


def test_the_document_describes_the_summary_rule(app):
    """The route's converters aside, the document's path is the rule Flask serves."""
    served = {re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
              for rule in app.url_map.iter_rules() if rule.endpoint == "api.cohort_summary_answer"}
    assert served == {f"{BASE_PATH}{PATH}"}
    operation = openapi_document()["paths"][PATH]["get"]
    assert operation["security"] == [{"session": []}]
    assert {"400", "401", "403", "404"} <= set(operation["responses"])


@pytest.mark.parametrize("spoil", [
    lambda body: body["counts"].update(purple=1),
    lambda body: body["apprentices"][0].update(rag="purple"),
    lambda body: body["apprentices"][0].pop("otj_required"),
    lambda body: body["statuses"].update(dancing=1),
    lambda body: body.update(as_of="31/01/2026"),
])
def test_the_document_catches_a_wrong_summary(client, world, as_person, spoil):
    as_person("lnd")
    body = client.get(url(world["cohort"], f"as_of={AS_OF}")).get_json()
    validator = answer_validator(PATH, 200)
    assert validator.is_valid(body)
    spoil(body)
    assert not validator.is_valid(body)
