"""One apprenticeship's page: status moves, off-the-job log, reviews, placements, the job."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("apprenticeships", __name__)
