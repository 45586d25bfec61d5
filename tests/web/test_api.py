"""The JSON API: good answers, every bad input as a JSON error, and the OpenAPI document."""

import json
import re

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_spec
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from pathways.cli import cli
from webapp.openapi import BASE_PATH, openapi_document

DOCUMENT_URI = "urn:pathways:openapi"


def answer_validator(path: str, status: int) -> Draft202012Validator:
    """Return a validator for the JSON answer the document declares for ``path`` and ``status``."""
    document = openapi_document()
    pointer = f"/paths/{path.replace('/', '~1')}/get/responses/{status}"
    response = document["paths"][path]["get"]["responses"][str(status)]
    if "$ref" in response:  # a shared error answer in components/responses
        pointer = response["$ref"].removeprefix("#")
    registry = Registry().with_resource(DOCUMENT_URI, DRAFT202012.create_resource(document))
    schema = {"$ref": f"{DOCUMENT_URI}#{pointer}/content/application~1json/schema"}
    return Draft202012Validator(schema, registry=registry)


def route_ids(answer: dict) -> list[list[str]]:
    return [[node["id"] for node in route["path"]] for route in answer["routes"]]


def test_roles_are_listed_by_title_with_their_fields(client):
    answer = client.get(f"{BASE_PATH}/roles")
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "public, max-age=60"
    roles = answer.get_json()["roles"]
    assert [r["id"] for r in roles] == ["practitioner", "care-worker", "senior-care-worker",
                                        "social-worker", "volunteer"]
    social_worker = roles[3]
    assert social_worker == {
        "id": "social-worker", "kind": "role", "title": "Social worker", "family": "social_work",
        "level": None, "cwp_category": None, "pay_min_gbp": None, "pay_max_gbp": None,
        "registration_body": "Social Work England", "top_of_ladder": True, "description": "",
        "url": "/roles/social-worker"}
    assert roles[1]["cwp_category"] == "care_or_support_worker"


def test_roles_filtered_by_family(client):
    answer = client.get(f"{BASE_PATH}/roles?family=social_work").get_json()
    assert [r["id"] for r in answer["roles"]] == ["practitioner", "social-worker"]
    assert client.get(f"{BASE_PATH}/roles?family=nursing").get_json() == {"roles": []}


def test_role_has_its_moves_on_and_in(client):
    answer = client.get(f"{BASE_PATH}/roles/care-worker")
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "public, max-age=60"
    role = answer.get_json()
    assert role["title"] == "Care worker" and role["url"] == "/roles/care-worker"
    moves_on = {m["to"]["id"]: m for m in role["next"]}
    assert list(moves_on) == ["care-cert", "senior-care-worker", "sw-degree"]
    assert moves_on["sw-degree"] == {
        "to": {"id": "sw-degree", "kind": "qualification", "title": "Social work degree",
               "level": 6, "family": None},
        "kind": "study", "months": 36, "min_experience_months": 0, "cost_gbp": 9250,
        "funding": "self_funded", "earn_while_learning": False, "requires": []}
    assert moves_on["senior-care-worker"]["requires"] == ["care-cert"]
    assert moves_on["senior-care-worker"]["min_experience_months"] == 12
    assert [(m["from"]["id"], m["kind"]) for m in role["from"]] == [("volunteer", "promotion")]


def test_role_moves_in_name_the_apprenticeship_standard(client):
    role = client.get(f"{BASE_PATH}/roles/social-worker").get_json()
    assert role["next"] == []
    assert [m["from"].get("standard_code") for m in role["from"]] == [None, "ST0510"]


def test_qualifications_are_listed_by_title_with_their_fields(client):
    answer = client.get(f"{BASE_PATH}/qualifications")
    assert answer.status_code == 200
    found = {q["id"]: q for q in answer.get_json()["qualifications"]}
    assert list(found) == ["care-cert", "diploma-l3", "sw-degree", "sw-apprenticeship"]
    assert found["sw-apprenticeship"] == {
        "id": "sw-apprenticeship", "kind": "qualification",
        "title": "Social worker (integrated degree)", "family": None, "level": 6,
        "duration_months": 36, "standard_code": "ST0510", "funding_band_gbp": 24000,
        "otj_min_hours": None, "description": "", "url": "/qualifications/sw-apprenticeship"}


def test_best_route_by_months_is_the_degree(client):
    answer = client.get(f"{BASE_PATH}/routes?from=care-worker&to=social-worker")
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "public, max-age=60"
    found = answer.get_json()
    assert found["from"]["id"] == "care-worker" and found["to"]["id"] == "social-worker"
    best = found["routes"][0]
    assert route_ids(found)[0] == ["care-worker", "sw-degree", "social-worker"]
    assert best["total_months"] == 38 and best["total_cost_gbp"] == 9250
    assert best["self_funded_steps"] == 1
    assert [s["number"] for s in best["steps"]] == [1, 2]
    assert best["steps"][0]["funding"] == "self_funded" and best["steps"][0]["explanation"]


def test_earning_while_learning_goes_through_the_apprenticeship(client):
    found = client.get(f"{BASE_PATH}/routes?from=Care+worker&to=Social+worker"
                       "&earn_while_learning=true").get_json()
    assert len(found["routes"]) == 1
    assert "sw-apprenticeship" in route_ids(found)[0]
    assert all(s["earn_while_learning"] for s in found["routes"][0]["steps"])
    assert found["routes"][0]["total_months"] == 62


def test_route_options_change_the_answer(client):
    one = client.get(f"{BASE_PATH}/routes?from=care-worker&to=social-worker&k=1").get_json()
    assert len(one["routes"]) == 1
    cheapest = client.get(f"{BASE_PATH}/routes?from=care-worker&to=social-worker&by=cost")
    assert cheapest.get_json()["routes"][0]["total_cost_gbp"] == 0
    unfunded = client.get(f"{BASE_PATH}/routes?from=care-worker&to=social-worker"
                          "&max_self_funded=0").get_json()
    assert route_ids(unfunded) == [route_ids(cheapest.get_json())[0]]
    assert client.get(f"{BASE_PATH}/routes?from=care-worker&to=social-worker"
                      "&within_months=40&earn_while_learning=false").status_code == 200


def test_routes_are_distinct_kinds_with_labels_and_variants(client):
    found = client.get(f"{BASE_PATH}/routes?from=volunteer&to=social-worker").get_json()
    routes = found["routes"]
    kinds = [tuple(r["kind"]) for r in routes]
    assert len(set(kinds)) == len(kinds) == 2  # two ways to qualify in the toy pathway
    degree = next(r for r in routes if "sw-degree" in r["kind"])
    apprenticeship = next(r for r in routes if "sw-apprenticeship" in r["kind"])
    assert degree["labels"] == ["Quickest"]
    assert apprenticeship["labels"] == ["Earn while you learn, nothing to pay"]
    assert degree["cost_to_you_gbp"] == 9250 and degree["months_unpaid"] == 36
    assert apprenticeship["cost_to_you_gbp"] == 0 and apprenticeship["months_unpaid"] == 0
    for route in routes:  # variants are other ways of the same kind, as node ids
        assert all(v[0] == "volunteer" and v[-1] == "social-worker" for v in route["variants"])
        assert route["employer_changes"] >= 0


def test_held_qualifications_repeated_or_comma_separated(client):
    query = f"{BASE_PATH}/routes?from=care-worker&to=social-worker&earn_while_learning=true"
    repeated = client.get(f"{query}&have=care-cert&have=Level+3+Diploma+in+Adult+Care")
    separated = client.get(f"{query}&have=care-cert,diploma-l3")
    assert repeated.status_code == 200
    assert repeated.get_json() == separated.get_json()
    step = repeated.get_json()["routes"][0]["steps"][0]
    assert step["kind"] == "held" and step["to"] == "diploma-l3"
    assert repeated.get_json()["routes"][0]["total_months"] == 40


def test_reach_within_months(client):
    answer = client.get(f"{BASE_PATH}/reach?from=care-worker&within_months=5")
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "public, max-age=60"
    found = answer.get_json()
    assert found["from"]["id"] == "care-worker"
    assert [(r["node"]["id"], r["months"], r["steps"]) for r in found["reachable"]] == [
        ("care-cert", 3, 1), ("senior-care-worker", 4, 2)]
    assert found["reachable"][1]["path"] == ["care-worker", "care-cert", "senior-care-worker"]
    everything = client.get(f"{BASE_PATH}/reach?from=volunteer").get_json()["reachable"]
    months = {r["node"]["id"]: r["months"] for r in everything}
    assert len(months) == 8 and months["social-worker"] == 39


@pytest.mark.parametrize("endpoint, command", [
    ("routes?from=care-worker&to=social-worker", ["route", "care-worker", "social-worker"]),
    ("routes?from=Care+worker&to=social-worker&k=1&by=cost&have=care-cert",
     ["route", "Care worker", "social-worker", "--k", "1", "--by", "cost", "--have", "care-cert"]),
    ("routes?from=volunteer&to=social-worker&earn_while_learning=true&within_months=80",
     ["route", "volunteer", "social-worker", "--earn-while-learning", "--within-months", "80"]),
    ("reach?from=care-worker&max_self_funded=0",
     ["reach", "care-worker", "--max-self-funded", "0"]),
])
def test_answers_equal_what_the_command_line_prints(client, database_url, endpoint, command):
    answer = client.get(f"{BASE_PATH}/{endpoint}")
    assert answer.status_code == 200
    printed = CliRunner().invoke(cli, [*command, "--json"], env={"DATABASE_URL": database_url})
    assert printed.exit_code == 0, printed.output
    assert answer.get_json() == json.loads(printed.stdout)


BAD_REQUESTS = [
    # (query, path in the document, status, where, words in the message)
    ("roles?family=knitting", "/roles", 400, "family", "must be one of"),
    ("qualifications?family=knitting", "/qualifications", 400, "family", "must be one of"),
    ("routes?to=social-worker", "/routes", 400, "from", "is required"),
    ("routes?from=care-worker&to=", "/routes", 400, "to", "is required"),
    ("routes?from=care-worker&to=social-worker&k=11", "/routes", 400, "k", "from 1 to 10"),
    ("routes?from=care-worker&to=social-worker&k=0", "/routes", 400, "k", "from 1 to 10"),
    ("routes?from=care-worker&to=social-worker&k=abc", "/routes", 400, "k", "whole number"),
    ("routes?from=care-worker&to=social-worker&k=1.5", "/routes", 400, "k", "whole number"),
    ("routes?from=care-worker&to=social-worker&by=happiness", "/routes", 400, "by",
     "must be one of months, cost, steps"),
    ("routes?from=care-worker&to=social-worker&within_months=-1", "/routes", 400,
     "within_months", "between 0 and 600"),
    ("routes?from=care-worker&to=social-worker&within_months=10000", "/routes", 400,
     "within_months", "between 0 and 600"),
    ("routes?from=care-worker&to=social-worker&within_months=soon", "/routes", 400,
     "within_months", "must be a number"),
    ("routes?from=care-worker&to=social-worker&within_months=nan", "/routes", 400,
     "within_months", "must be a number"),
    ("routes?from=care-worker&to=social-worker&within_months=1e400", "/routes", 400,
     "within_months", "must be a number"),
    ("routes?from=care-worker&to=social-worker&earn_while_learning=maybe", "/routes", 400,
     "earn_while_learning", "true or false"),
    ("routes?from=care-worker&to=social-worker&max_self_funded=-1", "/routes", 400,
     "max_self_funded", "0 or more"),
    ("routes?from=care-worker&to=social-worker&max_self_funded=none", "/routes", 400,
     "max_self_funded", "whole number"),
    ("routes?from=care-worker&to=social-worker&have=care-worker", "/routes", 400, "have",
     "is a role, not a qualification"),
    (f"routes?from={'x' * 201}&to=social-worker", "/routes", 400, "from", "at most 200"),
    (f"routes?from=care-worker&to=social-worker&have={'x' * 201}", "/routes", 400, "have",
     "at most 200"),
    ("reach?within_months=5", "/reach", 400, "from", "is required"),
    ("reach?from=care-worker&within_months=-1", "/reach", 400, "within_months",
     "between 0 and 600"),
    ("reach?from=care-worker&within_months=10000", "/reach", 400, "within_months",
     "between 0 and 600"),
    ("routes?from=care+wroker&to=social-worker", "/routes", 404, "care wroker", "unknown"),
    ("routes?from=care-worker&to=social-worker&have=care+certificat", "/routes", 404,
     "care certificat", "unknown"),
    ("reach?from=%00", "/reach", 400, "from", "control character (NUL"),
    ("routes?from=care-worker&to=social-worker&months_in_role=601", "/routes", 400,
     "months_in_role", "from 0 to 600"),
    ("routes?from=care-worker&to=social-worker&months_in_role=1.5", "/routes", 400,
     "months_in_role", "whole number"),
    ("roles/social-wroker", "/roles/{id}", 404, "social-wroker", "unknown"),
]


@pytest.mark.parametrize("query, path, status, where, words", BAD_REQUESTS)
def test_bad_input_is_a_json_error_naming_the_parameter(client, query, path, status, where,
                                                        words):
    answer = client.get(f"{BASE_PATH}/{query}")
    assert answer.status_code == status
    error = answer.get_json()["error"]
    assert error["status"] == status and error["message"]
    assert any(p["where"] == where and words in p["message"] for p in error["problems"]), error
    answer_validator(path, status).validate(answer.get_json())


def test_every_problem_is_reported_at_once(client):
    answer = client.get(f"{BASE_PATH}/routes?to=social-worker&k=abc&by=happiness"
                        "&within_months=-1&have=nonsense")
    assert answer.status_code == 400
    assert [p["where"] for p in answer.get_json()["error"]["problems"]] == [
        "from", "k", "by", "within_months"]


def test_unknown_names_come_with_suggestions(client):
    answer = client.get(f"{BASE_PATH}/routes?from=care+wroker&to=social-worker")
    assert answer.status_code == 404
    error = answer.get_json()["error"]
    assert "care wroker" in error["message"]
    assert "Care worker" in error["problems"][0]["suggestions"]
    role = client.get(f"{BASE_PATH}/roles/social-wroker").get_json()["error"]
    assert "Social worker" in role["problems"][0]["suggestions"]


@pytest.mark.parametrize("query, words", [
    ("routes?from=social-worker&to=volunteer", "No route from Social worker to Volunteer"),
    ("routes?from=care-worker&to=social-worker&earn_while_learning=true&within_months=40",
     "No route from Care worker to Social worker"),
    ("routes?from=care-worker&to=care-worker", "already there"),
])
def test_no_route_is_not_found(client, query, words):
    answer = client.get(f"{BASE_PATH}/{query}")
    assert answer.status_code == 404
    assert words in answer.get_json()["error"]["message"]
    assert "Cache-Control" not in answer.headers
    answer_validator("/routes", 404).validate(answer.get_json())


def test_a_qualification_is_not_a_role(client):
    answer = client.get(f"{BASE_PATH}/roles/sw-degree")
    assert answer.status_code == 404
    assert answer.get_json() == {"error": {
        "status": 404,
        "message": "Social work degree is a qualification, not a role: see "
                   "/qualifications/sw-degree"}}
    answer_validator("/roles/{id}", 404).validate(answer.get_json())


def test_the_openapi_document_is_valid_and_served(client):
    validate_spec(openapi_document())
    answer = client.get(f"{BASE_PATH}/openapi.json")
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "public, max-age=60"
    assert answer.get_json() == openapi_document()
    answer_validator("/openapi.json", 200).validate(answer.get_json())


def test_the_document_describes_every_api_rule(app):
    documented = {f"{BASE_PATH}{path}".replace("{id}", "{node_id}")
                  for path in openapi_document()["paths"]}
    served = {re.sub(r"<(?:[^:>]+:)?(\w+)>", r"{\1}", rule.rule)
              for rule in app.url_map.iter_rules() if rule.rule.startswith(BASE_PATH)}
    assert documented == served


@pytest.mark.parametrize("query, path", [
    ("roles", "/roles"),
    ("roles?family=care_and_support", "/roles"),
    ("roles/care-worker", "/roles/{id}"),
    ("roles/social-worker", "/roles/{id}"),
    ("qualifications", "/qualifications"),
    ("routes?from=care-worker&to=social-worker", "/routes"),
    ("routes?from=volunteer&to=social-worker&have=care-cert,diploma-l3&k=10", "/routes"),
    ("reach?from=volunteer", "/reach"),
    ("reach?from=care-worker&have=diploma-l3", "/reach"),
])
def test_good_answers_match_the_document(client, query, path):
    answer = client.get(f"{BASE_PATH}/{query}")
    assert answer.status_code == 200
    answer_validator(path, 200).validate(answer.get_json())


@pytest.mark.parametrize("query, path, spoil", [
    ("roles/care-worker", "/roles/{id}", lambda a: a.pop("url")),
    ("roles/care-worker", "/roles/{id}", lambda a: a["next"][0].pop("to")),
    ("roles/care-worker", "/roles/{id}",
     lambda a: a["next"][0].update({"from": a["next"][0]["to"]})),
    ("qualifications", "/qualifications", lambda a: a["qualifications"][0].update(level="6")),
    ("routes?from=care-worker&to=social-worker", "/routes",
     lambda a: a["routes"][0]["steps"][0].pop("explanation")),
    ("routes?from=care-worker&to=social-worker", "/routes",
     lambda a: a["routes"][0].update(colour="green")),
    ("routes?from=care-worker&to=social-worker", "/routes",
     lambda a: a["routes"][0]["steps"][0].update(funding="lottery")),
    ("reach?from=care-worker", "/reach", lambda a: a["reachable"][0]["node"].pop("kind")),
    ("roles?family=knitting", "/roles", lambda a: a["error"].pop("message")),
])
def test_the_document_catches_a_wrong_answer(client, query, path, spoil):
    answer = client.get(f"{BASE_PATH}/{query}")
    validator = answer_validator(path, answer.status_code)
    body = answer.get_json()
    assert validator.is_valid(body)
    spoil(body)
    assert not validator.is_valid(body)
