"""The audit trail: who changed what and when, for personal data and the graph.

Services call :func:`record` in the same transaction as the change. The app only ever adds
events; nothing in the code updates or deletes them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from .models import AuditEvent, Person


def record(session: Session, actor: Person | None, action: str, entity_type: str,
           entity_id: Any, summary: str = "", details: dict | None = None) -> AuditEvent:
    """Add an audit event (flushed with the change; the caller commits).

    Parameters
    ----------
    actor : Person or None
        Who did it (None for the command line or the system).
    action : str
        A verb, e.g. ``create``, ``update``, ``retire``, ``disable``, ``import``.
    entity_type, entity_id
        What was changed, e.g. ``("person", 12)`` or ``("role", "care-worker")``.
    details : dict, optional
        Field names changed and similar; never passwords or equality data.
    """
    event = AuditEvent(actor_id=actor.id if actor else None, action=action,
                       entity_type=entity_type, entity_id=str(entity_id), summary=summary,
                       details=details)
    session.add(event)
    return event
