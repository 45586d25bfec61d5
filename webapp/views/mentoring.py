"""Career champions: finding and requesting one, answering requests, pairings, sessions, the caseload and reports."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("mentoring", __name__)
