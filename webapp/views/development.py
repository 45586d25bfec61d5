"""Development: My Conversation, role shadowing and the personal data download."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("development", __name__)
