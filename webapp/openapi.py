"""The OpenAPI 3.1 document of the JSON API, built from the domain's own fields, words and limits.

The API's record shapes are named here once (``ROLE_FIELDS``, ``QUALIFICATION_FIELDS``,
``MOVE_FIELDS``): the views answer with them and the schemas describe them, and each
property's type, choices and limits come from the interchange field table, so the
document and the answers cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from pathways.apprenticeships.progress import RAG_ORDER
from pathways.apprenticeships.rules import STATUSES
from pathways.interchange.fields import (
    EDGE_FIELDS,
    ID_PATTERN,
    MAX_TITLE_LENGTH,
    NODE_FIELDS,
    STANDARD_CODE_PATTERN,
    Field,
)
from pathways.options import HELD, MAX_K, MAX_MONTHS, RouteOptions
from pathways.passport.verification import Verdict
from pathways.routes import LABELS
from pathways.serialise import NODE_SUMMARY_FIELDS
from pathways.snapshot import WEIGHTS
from pathways.vocabulary import FAMILIES, NODE_KINDS, TRANSITION_KINDS

Schema = dict[str, Any]

BASE_PATH = "/api/v1"
CACHE_CONTROL = "public, max-age=60"
#: Answers holding personal data are never stored by browsers or proxies.
NO_STORE = "no-store"
#: The largest id a URL may name (the database's integer range).
MAX_ID = 2147483647
#: The longest name (id or title) a query may give: longer matches nothing.
MAX_NAME_LENGTH = MAX_TITLE_LENGTH

ROLE_FIELDS = ("id", "kind", "title", "family", "level", "cwp_category", "pay_min_gbp",
               "pay_max_gbp", "registration_body", "top_of_ladder", "description")
QUALIFICATION_FIELDS = ("id", "kind", "title", "family", "level", "duration_months",
                        "standard_code", "funding_band_gbp", "otj_min_hours", "description")
MOVE_FIELDS = ("kind", "months", "min_experience_months", "cost_gbp", "funding",
               "earn_while_learning", "requires")

JSON = "application/json"
JSON_TYPES = {"str": "string", "int": "integer", "number": "number", "bool": "boolean"}
FIELD_RULES: dict[str, Schema] = {
    "id": {"pattern": ID_PATTERN.pattern},
    "standard_code": {"pattern": STANDARD_CODE_PATTERN.pattern},
    "title": {"minLength": 1, "maxLength": MAX_TITLE_LENGTH},
}
NODE_FIELD = {field.name: field for field in NODE_FIELDS}
EDGE_FIELD = {field.name: field for field in EDGE_FIELDS}
ERROR_RESPONSES = {
    400: ("BadRequest", "A parameter is missing or not valid; each problem names it."),
    404: ("NotFound", "No such role or qualification (with close matches), no route "
                      "meets the options, or no such organisation."),
    429: ("TooManyRequests", "Too many passport checks from this client address in a "
                             "minute; the Retry-After header says how many seconds to wait."),
}
#: Shared error answers of the signed-in endpoints (personal data).
PERSONAL_ERROR_RESPONSES = {
    401: ("Unauthorised", "Not signed in: sign in to the web service first (the session "
                          "cookie)."),
    403: ("Forbidden", "Signed in, but not one of the L&D team or administrators who run "
                       "the organisation's apprenticeships."),
    404: ("CohortNotFound", "No such cohort, or it belongs to an organisation outside your "
                            "reach."),
}
STRING: Schema = {"type": "string"}
MONTHS: Schema = {"type": "number", "minimum": 0}
DATE: Schema = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
HOURS: Schema = {"type": "number", "minimum": 0}
COUNT: Schema = {"type": "integer", "minimum": 0}


def openapi_document() -> dict:
    """Return the OpenAPI 3.1 document of ``/api/v1``: paths, parameters and answers."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Care career pathways",
            "version": "1",
            "description": "Read-only career pathways for English adult social care: roles, "
                           "qualifications, the best routes between them, and what can be "
                           "reached from where you are.",
        },
        "servers": [{"url": BASE_PATH}],
        "paths": _paths(),
        "components": {
            "schemas": _schemas(),
            "parameters": _parameters(),
            "responses": {name: {"description": description,
                                 "content": {JSON: {"schema": _ref("Error")}}}
                          for name, description in [*ERROR_RESPONSES.values(),
                                                    *PERSONAL_ERROR_RESPONSES.values()]},
            "headers": {"CacheControl": {"description": "Answers may be cached for a minute.",
                                         "schema": {"type": "string", "const": CACHE_CONTROL}},
                        "NoStore": {"description": "Personal data: never stored.",
                                    "schema": {"type": "string", "const": NO_STORE}}},
            "securitySchemes": {"session": {
                "type": "apiKey", "in": "cookie", "name": "session",
                "description": "The session cookie set by signing in to the web service."}},
        },
    }


def field_schema(field: Field, *, nullable: bool) -> Schema:
    """Return the JSON Schema of one interchange field; ``nullable`` when it may be unset."""
    if field.type == "list":
        return _array(_node_id())
    schema: Schema = {"type": JSON_TYPES[field.type], **FIELD_RULES.get(field.name, {})}
    if field.choices:
        schema["enum"] = list(field.choices)
    if field.minimum is not None:
        schema["minimum"] = field.minimum
    if field.maximum is not None:
        schema["maximum"] = field.maximum
    if nullable:
        schema["type"] = [schema["type"], "null"]
        if "enum" in schema:
            schema["enum"].append(None)
    return schema


def _paths() -> Schema:
    route_options = ["have", "earn_while_learning", "max_self_funded", "within_months"]
    return {
        "/roles": _get("List the roles, by title", "listRoles", _ref("RoleList"),
                       ["family"], errors=[400]),
        "/roles/{id}": _get("Describe a role, with the moves into it and on from it",
                            "getRole", _ref("RoleDetail"), ["id"], errors=[404]),
        "/qualifications": _get("List the qualifications, by title", "listQualifications",
                                _ref("QualificationList"), ["family"], errors=[400]),
        "/routes": _get("The distinct kinds of route from one place to another: first the "
                        "best for time, for cost to you and for months without pay, "
                        "labelled, then the next by `by` (as `pathways route --json`)",
                        "findRoutes", _ref("RoutesAnswer"),
                        ["from", "to", "k", "by", *route_options, "months_in_role"],
                        errors=[400, 404]),
        "/reach": _get("Everything reachable from a place, quickest first (as `pathways "
                       "reach --json`)", "findReachable", _ref("ReachAnswer"),
                       ["from", *route_options], errors=[400, 404]),
        "/cohorts/{cohort_id}/summary": _personal_get(
            "A cohort's apprentices on a date: counts by RAG and status, and each apprentice, "
            "most urgent first (L&D and administrators of the cohort's organisation)",
            "getCohortSummary", _ref("CohortSummary"), ["cohort_id", "as_of"]),
        "/passport/verify": _never_stored(_get(
            "Verify training passport credentials: one verdict each (valid, tampered, "
            "key_withdrawn, unknown_issuer, expired, not_yet_valid, revoked, malformed) with "
            "the reason in "
            "words, as `pathways passport verify --json`", "verifyPassport",
            _ref("PassportVerdicts"), ["credential", "organisation", "as_of"],
            errors=[400, 404, 429])),
        "/openapi.json": _get("This document", "getOpenapi",
                              {"type": "object", "required": ["openapi", "info", "paths"]}),
    }


def _get(summary: str, operation_id: str, answer: Schema, parameters: Sequence[str] = (),
         errors: Sequence[int] = ()) -> Schema:
    responses: Schema = {"200": {
        "description": "Success.",
        "headers": {"Cache-Control": {"$ref": "#/components/headers/CacheControl"}},
        "content": {JSON: {"schema": answer}},
    }}
    for status in errors:
        responses[str(status)] = {"$ref": f"#/components/responses/{ERROR_RESPONSES[status][0]}"}
    return {"get": {
        "summary": summary,
        "operationId": operation_id,
        "parameters": [{"$ref": f"#/components/parameters/{name}"} for name in parameters],
        "responses": responses,
    }}


def _never_stored(operation: Schema) -> Schema:
    """A public GET whose answers must not be kept (a verdict can change: revocation)."""
    operation["get"]["responses"]["200"]["headers"] = {
        "Cache-Control": {"$ref": "#/components/headers/NoStore"}}
    return operation


def _personal_get(summary: str, operation_id: str, answer: Schema,
                  parameters: Sequence[str]) -> Schema:
    """A GET for signed-in people only, answering personal data that is never stored."""
    operation = _get(summary, operation_id, answer, parameters, errors=[400])
    responses = operation["get"]["responses"]
    responses["200"]["headers"] = {"Cache-Control": {"$ref": "#/components/headers/NoStore"}}
    for status, (name, _description) in PERSONAL_ERROR_RESPONSES.items():
        responses[str(status)] = {"$ref": f"#/components/responses/{name}"}
    operation["get"]["security"] = [{"session": []}]
    return operation


def _parameters() -> Schema:
    defaults = RouteOptions()
    name: Schema = {"type": "string", "minLength": 1, "maxLength": MAX_NAME_LENGTH}
    return {
        "id": {"name": "id", "in": "path", "required": True, "description": "A role's id.",
               "schema": _node_id()},
        "family": _query("family", "Only this family.", {"type": "string",
                                                          "enum": list(FAMILIES)}),
        "from": _query("from", "Where you are now: a role or qualification id or title.",
                       name, required=True),
        "to": _query("to", "Where you want to get to: an id or title.", name, required=True),
        "k": _query("k", "How many routes.",
                    {"type": "integer", "minimum": 1, "maximum": MAX_K, "default": defaults.k}),
        "by": _query("by", "What the best route minimises.",
                     {"type": "string", "enum": list(WEIGHTS), "default": defaults.by}),
        "have": {**_query("have", "Qualifications you hold (ids or titles): repeat the "
                                  "parameter or separate them with commas.", _array(name)),
                 "style": "form", "explode": True},
        "earn_while_learning": _query("earn_while_learning", "Only steps where you keep "
                                      "earning.", {"type": "boolean", "default": False}),
        "max_self_funded": _query("max_self_funded", "At most this many self-funded steps "
                                  "(0: none).", COUNT),
        "within_months": _query("within_months", "Only what can be done within this many "
                                "months.", {"type": "number", "minimum": 0,
                                            "maximum": MAX_MONTHS}),
        "months_in_role": _query("months_in_role", "Whole months you have already spent in "
                                 "the role you start from: they count toward the experience "
                                 "the first step needs.",
                                 {"type": "integer", "minimum": 0, "maximum": MAX_MONTHS,
                                  "default": defaults.months_in_role}),
        "cohort_id": {"name": "cohort_id", "in": "path", "required": True,
                      "description": "A cohort's id.",
                      "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}},
        "credential": {**_query("credential", "A credential (a compact VC-JWT): repeat the "
                                "parameter for several, at most 20.",
                                _array({"type": "string", "minLength": 1}, maxItems=20),
                                required=True),
                       "style": "form", "explode": True},
        "organisation": _query("organisation", "The receiving organisation's id: issuers "
                               "must be its partners (default: any organisation here).",
                               {"type": "integer", "minimum": 1, "maximum": MAX_ID}),
        "as_of": _query("as_of", "The day to report on, YYYY-MM-DD from 2000-01-01 to "
                        "2099-12-31 (default: today).", DATE),
    }


def _query(name: str, description: str, schema: Schema, *, required: bool = False) -> Schema:
    return {"name": name, "in": "query", "required": required, "description": description,
            "schema": schema}


def _schemas() -> Schema:
    role = _node_properties(ROLE_FIELDS, "role", "roles")
    move = {name: field_schema(EDGE_FIELD[name], nullable=False) for name in MOVE_FIELDS}
    step_fields = ("months", "min_experience_months", "cost_gbp", "funding",
                   "earn_while_learning")
    summary = {name: _node_field(name) for name in NODE_SUMMARY_FIELDS}
    return {
        "Node": _closed({**summary, "kind": {"type": "string", "enum": list(NODE_KINDS)},
                         "standard_code": field_schema(NODE_FIELD["standard_code"],
                                                       nullable=False)},
                        optional={"standard_code"}),
        "Role": _closed(role),
        "RoleDetail": _closed({**role, "next": _moves("to"), "from": _moves("from")}),
        "RoleList": _closed({"roles": _array(_ref("Role"))}),
        "Qualification": _closed(_node_properties(QUALIFICATION_FIELDS, "qualification",
                                                  "qualifications")),
        "QualificationList": _closed({"qualifications": _array(_ref("Qualification"))}),
        "Move": {**_closed({"to": _ref("Node"), "from": _ref("Node"), **move},
                           optional={"to", "from"}),
                 "oneOf": [{"required": ["to"]}, {"required": ["from"]}]},
        "Requirement": _closed({"id": _node_id(), "title": STRING,
                                "met_by": {"type": "string",
                                           "pattern": "^(held|step [1-9][0-9]*)$"}}),
        "Step": _closed({
            "number": {"type": "integer", "minimum": 1},
            "from": _node_id(), "to": _node_id(),
            "kind": {"type": "string", "enum": [*TRANSITION_KINDS, HELD]},
            **{name: move[name] for name in step_fields},
            "requires": _array(_ref("Requirement")),
            "explanation": {"type": "string", "minLength": 1},
            "experience_counted": {**COUNT, "description": "Months already in the role "
                                   "(months_in_role) that counted toward this step's "
                                   "experience; min_experience_months is what is left."},
        }),
        "Route": _closed({
            "total_months": MONTHS, "total_cost_gbp": {"type": "number", "minimum": 0},
            "self_funded_steps": COUNT,
            "cost_to_you_gbp": {"type": "number", "minimum": 0, "description":
                                "What the steps you pay for yourself (self_funded) cost."},
            "months_unpaid": {**MONTHS, "description": "Months of steps where you do not "
                              "earn while you learn."},
            "employer_changes": COUNT,
            "kind": {**_array(_node_id()), "description": "The qualifications the route "
                     "gains, in order: no two routes of an answer share a kind."},
            "labels": {**_array({"type": "string", "enum": list(LABELS)}),
                       "description": "What the route is best at among those answered."},
            "path": _array(_ref("Node"), minItems=2),
            "steps": _array(_ref("Step"), minItems=1),
            "why": _array(STRING),
            "variants": {**_array(_array(_node_id(), minItems=2)), "description":
                         "Other routes of the same kind, a little slower or with more "
                         "moves, as node ids."},
        }),
        "RoutesAnswer": _closed({"from": _ref("Node"), "to": _ref("Node"),
                                 "routes": _array(_ref("Route"), minItems=1, maxItems=MAX_K)}),
        "Reachable": _closed({"node": _ref("Node"), "months": MONTHS,
                              "steps": {"type": "integer", "minimum": 1},
                              "path": _array(_node_id(), minItems=2)}),
        "ReachAnswer": _closed({"from": _ref("Node"), "reachable": _array(_ref("Reachable"))}),
        "ApprenticeProgress": _closed({
            "email": {"type": "string", "minLength": 1}, "name": STRING,
            "status": {"type": "string", "enum": list(STATUSES)},
            "rag": {"type": "string", "enum": list(RAG_ORDER)},
            "otj_logged": HOURS, "otj_pending": HOURS, "otj_expected": HOURS,
            "otj_required": COUNT,
            "otj_behind": {"type": "boolean"}, "review_overdue": {"type": "boolean"},
            "last_review": {"anyOf": [DATE, {"type": "null"}]},
            "past_end": {"type": "boolean"},
            "post": {"type": ["string", "null"], "minLength": 1},
            "guaranteed_role": {"anyOf": [_node_id(), {"type": "null"}]},
            "missing_educator": {"type": "boolean"},
            "planned_end_date": DATE,
        }),
        "CohortSummary": _closed({
            "cohort": _closed({"id": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                               "name": {"type": "string", "minLength": 1},
                               "apprenticeship": {"type": "boolean"}}),
            "as_of": DATE,
            "counts": _closed({rag: COUNT for rag in RAG_ORDER}),
            "statuses": {"type": "object", "propertyNames": {"enum": list(STATUSES)},
                         "additionalProperties": {"type": "integer", "minimum": 1}},
            "apprentices": _array(_ref("ApprenticeProgress")),
        }),
        "PassportVerdict": _closed({
            "verdict": {"type": "string", "enum": [verdict.value for verdict in Verdict]},
            "valid": {"type": "boolean"}, "reason": {"type": "string", "minLength": 1},
            **{name: {"type": ["string", "null"]} for name in (
                "credential", "subject", "subject_id", "holder", "issuer")},
            "valid_from": {"anyOf": [DATE, {"type": "null"}]},
            "valid_until": {"anyOf": [DATE, {"type": "null"}]},
        }),
        "PassportVerdicts": _closed({
            "checked_on": DATE, "organisation": {"type": ["string", "null"]},
            "valid": COUNT, "refused": COUNT,
            "credentials": _array(_ref("PassportVerdict"), minItems=1),
        }),
        "Problem": _closed({"where": STRING, "message": STRING, "suggestions": _array(STRING)},
                           optional={"suggestions"}),
        "Error": _closed({"error": _closed({
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "message": {"type": "string", "minLength": 1},
            "problems": _array(_ref("Problem"), minItems=1),
        }, optional={"problems"})}),
    }


def _node_properties(names: tuple[str, ...], kind: str, area: str) -> Schema:
    properties = {name: _node_field(name) for name in names}
    properties["kind"] = {"type": "string", "const": kind}
    properties["url"] = {"type": "string", "pattern": f"^/{area}/[a-z0-9-]+$"}
    return properties


def _node_field(name: str) -> Schema:
    field = NODE_FIELD[name]
    return field_schema(field, nullable=not field.required and field.default is None)


def _node_id() -> Schema:
    return field_schema(NODE_FIELD["id"], nullable=False)


def _moves(end: str) -> Schema:
    return _array({"allOf": [_ref("Move"), {"required": [end]}]})


def _closed(properties: Schema, *, optional: Collection[str] = ()) -> Schema:
    return {"type": "object", "properties": properties,
            "required": [name for name in properties if name not in optional],
            "additionalProperties": False}


def _array(items: Schema, **limits: int) -> Schema:
    return {"type": "array", "items": items, **limits}


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}
