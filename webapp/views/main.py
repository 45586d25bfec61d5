"""The start page, search, the health checks and the metrics."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, render_template, request
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from pathways.lookup import search as search_nodes
from pathways.lookup import suggest
from pathways.policy import FORBID, HIDE, can_read_metrics

from .. import metrics as request_metrics
from .. import readiness
from ..auth import public, require
from ..extensions import current_graph, db
from ..input_rules import query_text
from ..page_cache import cached_page

blueprint = Blueprint("main", __name__)

#: The start page's ways in, by who is asking: (title, text, family filters for the map).
ENTRY_POINTS = [
    ("New to care", "Volunteering, work experience, supported internships and first jobs.",
     ["entry_routes", "care_and_support"]),
    ("Already in care", "From care and support roles to senior, specialist and registered roles.",
     ["care_and_support", "social_work", "nursing"]),
    ("Registered professional", "Social work, occupational therapy and nursing careers.",
     ["social_work", "occupational_therapy", "nursing"]),
    ("Manager", "Leading teams and services, commissioning, and learning and development.",
     ["management_and_leadership", "commissioning", "learning_and_development"]),
]


@blueprint.get("/")
@public
@cached_page
def start():
    """Say what the service is, offer a role search and ways in."""
    G = current_graph()
    roles = sum(1 for _, kind in G.nodes(data="kind") if kind == "role")
    return render_template("start.html", roles=roles, qualifications=len(G) - roles,
                           moves=G.number_of_edges(), entry_points=ENTRY_POINTS)


@blueprint.get("/search")
@public
def search():
    """Find roles and qualifications by title or the words people use, with related roles."""
    G = current_graph()
    query, problem = query_text("q")
    if not query:
        return render_template("search.html", G=G, query=query, results=[], error_list=[
            {"text": f"The search {problem}" if problem else "Enter a role or qualification",
             "href": "#q"}]), 400
    found = search_nodes(G, query)
    suggestions = [] if found.results else suggest(G, query)
    return render_template("search.html", G=G, query=query, results=found.results,
                           related=found.related, suggestions=suggestions)


@blueprint.get("/livez")
@public
def livez():
    """Answer that the process is up, touching nothing else (also the benchmarks' baseline)."""
    return jsonify(status="ok")


@blueprint.get("/healthz")
@public
def healthz():
    """Answer load balancers: 200 when the database answers, 503 when it does not."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok")


@blueprint.get("/readyz")
@public
def readyz():
    """Answer whether this server is ready for traffic: 200 when the database answers, the
    schema is at the newest migration and Redis (when configured) answers; else 503 naming
    each check that failed (``webapp.readiness``)."""
    checks = readiness.checks()
    failing = sorted(name for name, answer in checks.items() if answer != "ok")
    if failing:
        return jsonify(status="not ready", failing=failing, checks=checks), 503
    return jsonify(status="ready", checks=checks)


@blueprint.get("/metrics")
def metrics():
    """Give the request counts and latencies in Prometheus text format, to the monitoring
    holding ``METRICS_TOKEN`` (as a bearer token) or calling from ``METRICS_NETWORKS``;
    401 asking for the token to others when a token is set, 404 otherwise."""
    config = current_app.config
    scheme, _, offered = request.headers.get("Authorization", "").partition(" ")
    decision = can_read_metrics(token=config["METRICS_TOKEN"],
                                offered=offered.strip() if scheme.lower() == "bearer" else None,
                                networks=config["METRICS_NETWORKS"], address=request.remote_addr)
    if decision is FORBID:
        if config["METRICS_TOKEN"]:
            return jsonify(error="unauthorised", message="Give the metrics token as a bearer "
                           "token"), 401, {"WWW-Authenticate": 'Bearer realm="metrics"'}
        decision = HIDE  # only networks are configured: not found, as if the metrics were off
    require(decision)
    body, content_type = request_metrics.exposition()
    return Response(body, content_type=content_type)
