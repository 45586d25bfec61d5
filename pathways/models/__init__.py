"""The SQLAlchemy models of the domain, on a plain declarative base."""

from .base import Base
from .graph import (
    GRAPH_MODELS,
    GraphState,
    Node,
    Qualification,
    Role,
    Transition,
    TransitionRequirement,
    bump_graph_version,
    read_graph_version,
)

__all__ = [
    "Base",
    "GRAPH_MODELS",
    "GraphState",
    "Node",
    "Qualification",
    "Role",
    "Transition",
    "TransitionRequirement",
    "bump_graph_version",
    "read_graph_version",
]
