"""Career stories: writing, consenting, approving, withdrawing and reading them."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("stories", __name__)
