"""The start page and the health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from sqlalchemy import text

from ..extensions import current_graph, db

blueprint = Blueprint("main", __name__)


@blueprint.get("/")
def start():
    """Show what the service is and how big the career map is."""
    G = current_graph()
    roles = sum(1 for _, kind in G.nodes(data="kind") if kind == "role")
    return render_template("start.html", roles=roles, qualifications=len(G) - roles,
                           moves=G.number_of_edges(), version=G.graph["version"])


@blueprint.get("/healthz")
def healthz():
    """Answer load balancers: 200 when the database answers."""
    db.session.execute(text("SELECT 1"))
    return jsonify(status="ok")
