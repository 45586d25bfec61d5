"""The ``pathways`` command line: thin wrappers around the domain functions.

Exit codes: 0 success; 1 invalid input or data (every problem listed); 2 wrong usage
(click's own); 3 unknown role or qualification (close matches suggested); 4 no route;
5 the database or Graphviz could not be used; 6 refused by a rule of the domain (nothing
written).
"""

from __future__ import annotations

from . import (
    apprenticeship_commands,  # noqa: F401  (registers import-apprenticeships etc.)
    graph_commands,  # noqa: F401  (registers the graph commands on ``cli``)
    import_commands,  # noqa: F401  (registers import-template)
    mentoring_commands,  # noqa: F401  (registers import-champions etc.)
    notification_commands,  # noqa: F401  (registers send-reminders and send-email)
    operations_commands,  # noqa: F401  (registers backup and restore)
    passport_commands,  # noqa: F401  (registers passport issue and passport verify)
    people_commands,  # noqa: F401  (registers the people commands on ``cli``)
    region_commands,  # noqa: F401  (registers generate-demo)
    training_commands,  # noqa: F401  (registers import-training and compliance)
    workforce_commands,  # noqa: F401  (registers import-history, workforce-report, forecast)
)
from .base import cli

__all__ = ["cli", "main"]


def main() -> None:
    """Run the command line (the ``pathways`` console script)."""
    cli(prog_name="pathways")
