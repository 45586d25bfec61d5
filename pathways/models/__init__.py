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
from .people import (
    ACCESS_ROLES,
    SCOPES,
    AuditEvent,
    ChampionPairing,
    EqualityRecord,
    HeldQualification,
    Organisation,
    OrganisationMembership,
    Partnership,
    Person,
    PersonRole,
    Team,
)

__all__ = [
    "ACCESS_ROLES",
    "AuditEvent",
    "Base",
    "ChampionPairing",
    "EqualityRecord",
    "HeldQualification",
    "Organisation",
    "OrganisationMembership",
    "Partnership",
    "Person",
    "PersonRole",
    "SCOPES",
    "Team",
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
