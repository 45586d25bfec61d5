"""The start page, search and the health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from pathways.lookup import search as search_nodes
from pathways.lookup import suggest

from ..auth import public
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
