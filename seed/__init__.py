"""Seed data: the real career pathway for English adult social care.

``pathway/`` holds the graph in the interchange CSV format (``nodes.csv``, ``edges.csv``);
``SOURCES.md`` says where each figure comes from. This package depends on ``pathways``,
never the other way round: the ``pathways seed`` command imports it when run.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pathways.interchange.readers import read_graph
from pathways.interchange.store import ImportResult, import_document
from pathways.models import Node

PATHWAY_DIR = Path(__file__).resolve().parent / "pathway"


def load_pathway(session: Session) -> ImportResult:
    """Replace the stored graph with the seed pathway (flushes; the caller commits)."""
    return import_document(session, read_graph(PATHWAY_DIR), replace=True)


def graph_is_empty(session: Session) -> bool:
    """Whether the database holds no roles or qualifications yet."""
    return not session.scalar(select(func.count()).select_from(Node))
