"""Profiles: the signed-in person's own, and other people's as the policy allows."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("people", __name__)
