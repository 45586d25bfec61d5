"""The read-only public JSON API, /api/v1 (built out with its OpenAPI document)."""

from __future__ import annotations

from flask import Blueprint, jsonify

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")


@blueprint.get("/openapi.json")
def openapi():
    """Return the OpenAPI 3 document describing this API."""
    return jsonify({"openapi": "3.1.0", "info": {"title": "Care career pathways", "version": "1"},
                    "paths": {}})
