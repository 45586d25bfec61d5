"""The graph editor for L&D and admins: roles, qualifications and moves."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("admin_graph", __name__, url_prefix="/admin/graph")
