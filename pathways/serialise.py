"""JSON shapes shared by ``pathways route --json`` and the API, built in one place."""

from __future__ import annotations

from typing import Any

import networkx as nx

from .reach import Reachable
from .routes import Route, Step

NODE_SUMMARY_FIELDS = ("id", "kind", "title", "level", "family")


def node_summary(G: nx.DiGraph, node_id: str) -> dict[str, Any]:
    """Return a node as ``{"id", "kind", "title", "level", "family"}`` (+ ``standard_code``)."""
    node = G.nodes[node_id]
    summary = {key: node.get(key) for key in NODE_SUMMARY_FIELDS}
    if node.get("standard_code"):
        summary["standard_code"] = node["standard_code"]
    return summary


def step_to_dict(step: Step) -> dict[str, Any]:
    """Return one step as JSON-ready data."""
    return {
        "number": step.number,
        "from": step.source,
        "to": step.target,
        "kind": step.kind,
        "months": step.months,
        "min_experience_months": step.min_experience_months,
        "cost_gbp": step.cost_gbp,
        "funding": step.funding,
        "earn_while_learning": step.earn_while_learning,
        "requires": [{"id": r.id, "title": r.title, "met_by": r.met_by} for r in step.requires],
        "explanation": step.explanation,
        "experience_counted": step.experience_counted,
    }


def route_to_dict(G: nx.DiGraph, route: Route) -> dict[str, Any]:
    """Return one route as JSON-ready data.

    ``kind`` is the ids of the qualifications it gains, in order; ``labels`` what it is
    best at, in words; ``variants`` the node ids of other routes of the same kind.
    """
    return {
        "total_months": route.total_months,
        "total_cost_gbp": route.total_cost_gbp,
        "self_funded_steps": route.self_funded_steps,
        "cost_to_you_gbp": route.cost_to_you_gbp,
        "months_unpaid": route.months_unpaid,
        "employer_changes": route.employer_changes,
        "kind": list(route.kind),
        "labels": list(route.labels),
        "path": [node_summary(G, n) for n in route.path],
        "steps": [step_to_dict(s) for s in route.steps],
        "why": list(route.why),
        "variants": [list(v) for v in route.variants],
    }


def routes_to_dict(G: nx.DiGraph, source: str, target: str,
                   routes: list[Route]) -> dict[str, Any]:
    """Return ``{"from": node, "to": node, "routes": [...]}``."""
    return {
        "from": node_summary(G, source),
        "to": node_summary(G, target),
        "routes": [route_to_dict(G, r) for r in routes],
    }


def reach_to_dict(G: nx.DiGraph, source: str, found: list[Reachable]) -> dict[str, Any]:
    """Return ``{"from": node, "reachable": [{"node", "months", "steps", "path"}]}``."""
    return {
        "from": node_summary(G, source),
        "reachable": [
            {"node": node_summary(G, r.node), "months": r.months, "steps": r.steps,
             "path": list(r.path)}
            for r in found
        ],
    }
