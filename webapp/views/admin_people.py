"""Accounts and the staff import for L&D and admins, and the audit log."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("admin_people", __name__, url_prefix="/admin")
