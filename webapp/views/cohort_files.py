"""Apprenticeship imports (upload) and exports (CSV and XLSX downloads)."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("cohort_files", __name__)
