"""What a person asks of a route: what to optimise, what they hold, what they will accept.

The same options serve the route planner and "what can I reach"; bad values are refused
here, once, with a message naming the option.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx

from .errors import InvalidInput, Problem
from .lookup import resolve_node
from .snapshot import WEIGHTS

MAX_K = 10
MAX_MONTHS = 600  # 50 years: anything longer is not a career plan
HELD = "held"  # the kind of the virtual step "you already hold this qualification"


@dataclass(frozen=True)
class RouteOptions:
    """Options for routes and reach.

    Parameters
    ----------
    by : {"months", "cost", "steps"}
        What the best route minimises.
    k : int
        How many routes to return, 1 to 10.
    have : frozenset of str
        Qualification ids the person already holds: prerequisites they satisfy are met,
        and studying them again drops out of routes.
    earn_while_learning : bool
        Only steps where the person keeps earning.
    max_self_funded : int or None
        At most this many self-funded steps (0: none).
    within_months : float or None
        Only routes that take at most this many months in all.
    months_in_role : int
        Whole months the person has already spent in the role they start from: they count
        toward the experience the first step needs (``min_experience_months`` of a move
        out of the start), so that gate is shorter or already met.
    """

    by: str = "months"
    k: int = 5
    have: frozenset[str] = field(default_factory=frozenset)
    earn_while_learning: bool = False
    max_self_funded: int | None = None
    within_months: float | None = None
    months_in_role: int = 0

    @property
    def weight(self) -> str:
        """The edge attribute the search minimises."""
        return WEIGHTS[self.by]


def make_options(
    G: nx.DiGraph,
    *,
    by: str = "months",
    k: int = 5,
    have: Iterable[str] = (),
    earn_while_learning: bool = False,
    max_self_funded: int | None = None,
    within_months: float | None = None,
    months_in_role: int = 0,
) -> RouteOptions:
    """Check raw option values against the graph and return :class:`RouteOptions`.

    ``have`` accepts ids or titles of qualifications.

    Raises
    ------
    InvalidInput
        Naming each bad option (k above 10, unknown ``by``, absurd month limits...).
    UnknownNode
        When a held qualification is not in the graph.
    """
    problems: list[Problem] = []
    if by not in WEIGHTS:
        problems.append(Problem("by", f"must be one of {', '.join(WEIGHTS)}, got {by!r}"))
    if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= MAX_K:
        problems.append(Problem("k", f"must be a whole number from 1 to {MAX_K}, got {k!r}"))
    if max_self_funded is not None and max_self_funded < 0:
        problems.append(Problem("max_self_funded", "must be 0 or more"))
    if within_months is not None and not 0 <= within_months <= MAX_MONTHS:
        problems.append(Problem(
            "within_months", f"must be between 0 and {MAX_MONTHS} months, got {within_months:g}"))
    if (not isinstance(months_in_role, int) or isinstance(months_in_role, bool)
            or not 0 <= months_in_role <= MAX_MONTHS):
        problems.append(Problem(
            "months_in_role",
            f"must be a whole number of months from 0 to {MAX_MONTHS}, got {months_in_role!r}"))
    held = set()
    for name in have:
        node_id = resolve_node(G, name)
        if G.nodes[node_id]["kind"] != "qualification":
            problems.append(Problem("have", f"{G.nodes[node_id]['title']!r} is a role, "
                                            "not a qualification"))
        held.add(node_id)
    if problems:
        raise InvalidInput(problems, "Some options are not valid")
    return RouteOptions(by, k, frozenset(held), earn_while_learning, max_self_funded,
                        within_months, months_in_role)


def edge_allowed(data: dict, target: str, options: RouteOptions) -> bool:
    """Whether a person with these options would take this edge at all."""
    if options.earn_while_learning and not data["earn_while_learning"]:
        return False
    if options.max_self_funded == 0 and data["funding"] == "self_funded":
        return False
    return target not in options.have
