"""L&D pages for programmes, cohorts, apprentices and posts (filled in by issue 5's work)."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("cohorts", __name__)
