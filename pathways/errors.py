"""The small exception hierarchy of the domain.

Each adapter maps these to its own answers in one place: the command line to exit
codes (``pathways.cli``), the web app to HTTP statuses (``webapp.errors``).
"""

from __future__ import annotations

from dataclasses import dataclass


class PathwayError(Exception):
    """Base class for every error the domain raises on purpose."""


class NotFound(PathwayError):
    """A named thing does not exist."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input item, located by position and/or id."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class UnknownNode(NotFound):
    """A role or qualification name or id matched nothing; carries close matches."""

    def __init__(self, name: str, suggestions: list[str] | None = None):
        self.name = name
        self.suggestions = suggestions or []
        hint = f" Did you mean: {', '.join(self.suggestions)}?" if self.suggestions else ""
        super().__init__(f"No role or qualification called {name!r}.{hint}")


class InvalidInput(PathwayError):
    """Input was refused; ``problems`` lists every reason, each with where it was found."""

    def __init__(self, problems: list[Problem], summary: str = "The input was refused"):
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{summary} ({len(self.problems)} problem(s)):\n{lines}")


class RouteNotFound(PathwayError):
    """No route satisfies the request."""


class Refused(PathwayError):
    """A rule of the domain says no to this action; nothing was written.

    Each area names its own (``StatusMoveRefused``, ``PairingRefused``...) and says why in
    words fit to show the person who asked. The web app shows the message on the form or
    page (409 under ``/api/``); the command line exits 6.
    """


class EditConflict(PathwayError):
    """Someone else saved the record first: nothing was written and the editor must look again."""

    def __init__(self, title: str, entity_type: str = "", entity_id: object = None,
                 message: str | None = None):
        self.title = title
        self.entity_type = entity_type
        self.entity_id = entity_id
        super().__init__(message or (
            f"Someone else changed {title} while you were editing. Your changes were not saved: "
            "here is the current version."))
