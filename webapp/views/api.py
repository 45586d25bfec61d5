"""The read-only public JSON API, /api/v1: roles, qualifications, routes and reach.

Views read the query with :class:`Query`, which names the parameter in every problem, and
leave the work to the domain; domain errors become JSON errors in ``webapp.errors``.
The shapes answered are described by ``webapp.openapi``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date
from typing import Any

import networkx as nx
from flask import Blueprint, Response, abort, current_app, jsonify, request
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from pathways import clock, config
from pathways.apprenticeships.progress import Thresholds, cohort_summary
from pathways.csv_input import text_problem, whole_number
from pathways.errors import InvalidInput, NotFound, Problem, UnknownNode
from pathways.lookup import resolve_node, suggest
from pathways.models import Organisation
from pathways.options import RouteOptions, make_options
from pathways.passport.verification import verdicts_json, verify_credential
from pathways.reach import reachable_from, ways_into, ways_on
from pathways.serialise import node_summary, reach_to_dict, routes_to_dict
from pathways.vocabulary import FAMILIES

from .. import limits
from ..auth import public
from ..cohort_forms import read_day
from ..errors import json_error
from ..extensions import current_graph, db, node_path, route_answers
from ..openapi import (
    BASE_PATH,
    CACHE_CONTROL,
    MAX_NAME_LENGTH,
    MOVE_FIELDS,
    NO_STORE,
    QUALIFICATION_FIELDS,
    ROLE_FIELDS,
    openapi_document,
)
from .apprenticeship_access import ID, cohort_or_404

blueprint = Blueprint("api", __name__, url_prefix=BASE_PATH)

FIELDS_BY_KIND = {"role": ROLE_FIELDS, "qualification": QUALIFICATION_FIELDS}
TRUTH = {"true": True, "false": False}
#: The most credentials one verification request checks (they travel in the address).
MAX_API_CREDENTIALS = 20


class Query:
    """A request's query string read into typed values, collecting a problem per bad value."""

    def __init__(self, args: MultiDict):
        self.args = args
        self.problems: list[Problem] = []

    def text(self, name: str, *, required: bool = False) -> str | None:
        """Return the parameter's trimmed text, or None when it is absent or empty."""
        value = self.args.get(name, "").strip()
        if not value and required:
            return self.refuse(name, "is required: give a role or qualification id or title")
        return value if value and self._short(name, value) else None

    def names(self, name: str) -> list[str]:
        """Return the names a parameter gives, repeated and/or separated by commas."""
        parts = (part.strip() for value in self.args.getlist(name) for part in value.split(","))
        return [part for part in parts if part and self._short(name, part)]

    def choice(self, name: str, choices: Iterable[str]) -> str | None:
        """Return the parameter's value when it is one of ``choices``."""
        value = self.text(name)
        if value is not None and value not in choices:
            return self.refuse(name, f"must be one of {', '.join(choices)}, got {value!r}")
        return value

    def integer(self, name: str) -> int | None:
        """Return the parameter as a whole number (digits 0-9, within ``LARGEST_ID``)."""
        value = self.text(name)
        if value is None:
            return None
        number = whole_number(value.removeprefix("-"))
        if number is None:
            return self.refuse(name, f"must be a whole number, got {value!r}")
        return -number if value.startswith("-") else number

    def number(self, name: str) -> float | None:
        """Return the parameter as a finite number."""
        value = self.text(name)
        try:
            number = None if value is None else float(value)
        except ValueError:
            number = math.nan
        if number is not None and not math.isfinite(number):
            return self.refuse(name, f"must be a number, got {value!r}")
        return number

    def flag(self, name: str) -> bool | None:
        """Return the parameter as true or false."""
        value = self.text(name)
        if value is not None and value.lower() not in TRUTH:
            return self.refuse(name, f"must be true or false, got {value!r}")
        return None if value is None else TRUTH[value.lower()]

    def day(self, name: str) -> date | None:
        """Return the parameter as a date written YYYY-MM-DD."""
        value = self.text(name)
        try:
            return None if value is None else read_day(value)
        except ValueError as bad:
            return self.refuse(name, str(bad))

    def refuse(self, name: str, message: str) -> None:
        """Record a problem with parameter ``name``."""
        self.problems.append(Problem(name, message))

    def check(self) -> None:
        """Raise InvalidInput listing every problem found so far, if any."""
        if self.problems:
            raise InvalidInput(self.problems, "Some query parameters are not valid")

    def _short(self, name: str, value: str) -> bool:
        if len(value) > MAX_NAME_LENGTH:
            self.refuse(name, f"must be at most {MAX_NAME_LENGTH} characters long")
            return False
        if (problem := text_problem(value)) is not None:
            self.refuse(name, problem)
            return False
        return True


@blueprint.after_request
def cache_successes(response: Response) -> Response:
    """Let clients and proxies keep successful answers for a minute."""
    if response.status_code == 200:
        response.headers.setdefault("Cache-Control", CACHE_CONTROL)
    return response


@blueprint.get("/roles")
@public
def roles():
    """List the roles by title; ``?family=`` keeps one family."""
    return jsonify(roles=listing("role"))


@blueprint.get("/roles/<node_id>")
@public
def role(node_id: str):
    """Describe a role, with the moves on from it (``next``) and into it (``from``)."""
    G = current_graph()
    if node_id not in G:
        raise UnknownNode(node_id, suggest(G, node_id))
    node = G.nodes[node_id]
    if node["kind"] != "role":
        raise NotFound(f"{node['title']} is a qualification, not a role: "
                       f"see {node_path(node_id, node)}")
    return jsonify({**node_record(G, node_id),
                    "next": [move(G, "to", target, edge) for target, edge in ways_on(G, node_id)],
                    "from": [move(G, "from", source, edge)
                             for source, edge in ways_into(G, node_id)]})


@blueprint.get("/qualifications")
@public
def qualifications():
    """List the qualifications by title; ``?family=`` keeps one family."""
    return jsonify(qualifications=listing("qualification"))


@blueprint.get("/routes")
@public
def routes():
    """Return the distinct routes between two places, as ``pathways route --json`` prints them."""
    G, query = current_graph(), Query(request.args)
    source, target = query.text("from", required=True), query.text("to", required=True)
    options = route_options(G, query, k=query.integer("k"), by=query.text("by"),
                            months_in_role=query.integer("months_in_role"))
    source_id, target_id = resolve_node(G, source), resolve_node(G, target)
    found = route_answers().distinct(G, source_id, target_id, options)
    return jsonify(routes_to_dict(G, source_id, target_id, found))


@blueprint.get("/reach")
@public
def reach():
    """Return what can be reached from a place, as ``pathways reach --json`` prints it."""
    G, query = current_graph(), Query(request.args)
    source = query.text("from", required=True)
    options = route_options(G, query)
    source_id = resolve_node(G, source)
    return jsonify(reach_to_dict(G, source_id, reachable_from(G, source_id, options)))


@blueprint.get(f"/cohorts/<{ID}:cohort_id>/summary")
def cohort_summary_answer(cohort_id: int):
    """Return a cohort's summary on ``?as_of=`` (default today), as the cohort page shows it.

    Personal data: only for the L&D and admins who run the cohort's organisation (or its
    partnership, with partnership scope); never stored by caches.
    """
    if not current_user.is_authenticated:
        abort(401, "Sign in to see a cohort's summary.")
    cohort = cohort_or_404(cohort_id)
    query = Query(request.args)
    as_of = query.day("as_of")
    query.check()
    summary = cohort_summary(db.session, cohort, as_of,
                             Thresholds.from_mapping(current_app.config))
    answer = jsonify(summary.to_json())
    answer.headers["Cache-Control"] = NO_STORE
    return answer


@blueprint.get("/passport/verify")
@public
def verify_passport():
    """Verify training passport credentials (``credential``, repeated): one verdict each, as
    ``pathways passport verify --json`` prints them; ``organisation`` (an id) checks issuers
    are its partners, ``as_of`` the day (default today). Never stored by caches."""
    if not limits.take_verification():
        answer, status = json_error(429, "Too many passport checks from this address: wait a "
                                    f"minute ({limits.VERIFY_WINDOW_SECONDS} seconds) and "
                                    "try again.")
        answer.headers["Retry-After"] = str(limits.VERIFY_WINDOW_SECONDS)
        return answer, status
    query = Query(request.args)
    credentials = request.args.getlist("credential")
    organisation_id = query.integer("organisation")
    as_of = query.day("as_of")
    if not credentials:
        query.refuse("credential", "give at least one credential (a VC-JWT)")
    elif len(credentials) > MAX_API_CREDENTIALS:
        query.refuse("credential", f"at most {MAX_API_CREDENTIALS} credentials at once")
    query.check()
    receiving = None
    if organisation_id is not None:
        receiving = db.session.get(Organisation, organisation_id)
        if receiving is None:
            raise NotFound(f"No organisation has the id {organisation_id}")
    day = as_of or clock.today()
    verdicts = [verify_credential(db.session, credential, today=day, receiving=receiving,
                                  base_url=config.service_url()) for credential in credentials]
    answer = jsonify(verdicts_json(verdicts, day, receiving))
    answer.headers["Cache-Control"] = NO_STORE
    return answer


@blueprint.get("/openapi.json")
@public
def openapi():
    """Return the OpenAPI 3.1 document describing this API."""
    return jsonify(openapi_document())


def listing(kind: str) -> list[dict[str, Any]]:
    """Return every node of ``kind`` as an API record, by title, filtered by ``?family=``."""
    G, query = current_graph(), Query(request.args)
    family = query.choice("family", FAMILIES)
    query.check()
    found = [n for n, data in G.nodes(data=True)
             if data["kind"] == kind and family in (None, data["family"])]
    found.sort(key=lambda n: (G.nodes[n]["title"].casefold(), n))
    return [node_record(G, n) for n in found]


def node_record(G: nx.DiGraph, node_id: str) -> dict[str, Any]:
    """Return a role or qualification with its kind's fields and the path of its page."""
    node = G.nodes[node_id]
    return {**{name: node[name] for name in FIELDS_BY_KIND[node["kind"]]},
            "url": node_path(node_id, node)}


def move(G: nx.DiGraph, end: str, other: str, edge: dict) -> dict[str, Any]:
    """Return a move into or out of a role; ``end`` ("to" or "from") names the other node."""
    return {end: node_summary(G, other), **{name: edge[name] for name in MOVE_FIELDS}}


def route_options(G: nx.DiGraph, query: Query, **given: Any) -> RouteOptions:
    """Read the options routes and reach share, plus ``given``; report every bad one at once."""
    given |= {"have": query.names("have"), "earn_while_learning": query.flag("earn_while_learning"),
              "max_self_funded": query.integer("max_self_funded"),
              "within_months": query.number("within_months")}
    if query.problems:
        given["have"] = ()  # held names are looked up once the rest is well formed
    options = None
    try:
        options = make_options(G, **{name: value for name, value in given.items()
                                     if value is not None})
    except InvalidInput as refused:
        query.problems.extend(refused.problems)
    query.check()
    return options
