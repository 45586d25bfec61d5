"""Signing in and out, and resetting a password."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("accounts", __name__)
