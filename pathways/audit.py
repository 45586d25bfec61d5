"""The audit trail: who changed what and when, for personal data and the graph.

Services call :func:`record` in the same transaction as the change. The app only ever adds
events; nothing in the code updates or deletes them.

Every event names the organisation it concerns (``concerns``: the person's organisation,
the cohort's, the person supported in a pairing...), and the audit log shows an event only
to those whose reach holds that organisation (``policy.audit_filter``). Events about the
shared career map (:data:`MAP_ENTITIES`) concern no organisation.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from .models import AuditEvent, Organisation, Person

#: The kinds of thing on the shared career map: their events concern no organisation.
MAP_ENTITIES = ("role", "qualification", "transition")

#: What each kind of record is called in the audit log (its filter and table).
ENTITY_LABELS = {
    "apprenticeship": "Apprenticeship", "career_story": "Career story",
    "cohort": "Apprenticeship cohort", "equality": "Equality answers",
    "mentoring_action": "Mentoring action", "organisation": "Organisation",
    "pairing": "Champion pairing", "person": "Person", "placement": "Practice placement",
    "post": "Post", "programme": "Apprenticeship programme", "qualification": "Qualification",
    "role": "Role", "shadowing_place": "Shadowing place",
    "shadowing_request": "Shadowing request", "transition": "Move on the map",
}
#: What each action is called in the audit log.
ACTION_LABELS = {
    "action_done": "Action done", "add-qualification": "Qualification added",
    "allocate_educator": "Practice educator allocated", "change-email": "Sign-in email changed",
    "change-password": "Password changed", "champion_accept": "Champion request accepted",
    "champion_decline": "Champion request declined", "champion_end": "Pairing ended",
    "champion_profile": "Champion profile saved", "champion_request": "Champion requested",
    "conversation": "Development conversation recorded", "create": "Created",
    "delete": "Deleted", "disable": "Account disabled", "educator_capacity":
    "Practice educator capacity set", "enable": "Account enabled", "enrol": "Enrolled",
    "export": "Downloaded", "grant-role": "Access role granted", "import": "Imported",
    "job_step": "Guaranteed-job step recorded", "log_otj": "Off-the-job hours logged",
    "mentoring_session": "Mentoring session recorded", "move": "Moved organisation",
    "placement": "Placement added", "post_filled": "Post filled",
    "post_offered": "Post offered", "post_reserved": "Post reserved",
    "post_vacant": "Post vacant again", "remove-qualification": "Qualification removed",
    "remove-role": "Access role removed", "review": "Progress review recorded",
    "shadowing_place": "Shadowing place offered", "shadowing_reflection":
    "Shadowing reflection written", "shadowing_request": "Shadowing requested",
    "status": "Status changed", "story_publish": "Story published",
    "story_submit": "Story sent for publishing", "story_withdraw": "Story withdrawn",
    "story_write": "Story written", "update": "Changed",
}


def label_of(code: str, labels: dict[str, str]) -> str:
    """Return a stored code in words: its label, else the code with spaces, capitalised.

    >>> label_of("champion_end", ACTION_LABELS)
    'Pairing ended'
    >>> label_of("notification_sent", ACTION_LABELS)
    'Notification sent'
    """
    return labels.get(code) or code.replace("_", " ").replace("-", " ").capitalize()


def record(session: Session, actor: Person | None, action: str, entity_type: str,
           entity_id: Any, summary: str = "", details: dict | None = None, *,
           concerns: Organisation | Person | None) -> AuditEvent:
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
    concerns : Organisation, Person or None
        The organisation the event is about, or a person (their organisation); None only
        for the shared map's roles, qualifications and moves.

    Raises
    ------
    ValueError
        When an event that is not about the map concerns no organisation.
    """
    organisation_id = organisation_of(concerns)
    if organisation_id is None and entity_type not in MAP_ENTITIES:
        raise ValueError(f"an audit event about a {entity_type} must name its organisation")
    event = AuditEvent(actor_id=actor.id if actor else None, action=action,
                       entity_type=entity_type, entity_id=str(entity_id), summary=summary,
                       details=details, organisation_id=organisation_id)
    session.add(event)
    return event


def organisation_of(concerns: Organisation | Person | None) -> int | None:
    """Return the id of the organisation an event concerns (a person's: where they work now)."""
    if isinstance(concerns, Person):
        return concerns.organisation.id if concerns.organisation is not None else (
            concerns.organisation_id)
    return concerns.id if concerns is not None else None


def record_export(session: Session, actor: Person, what: str, rows: int, entity_type: str,
                  entity_id: Any, *, concerns: Organisation | Person, fmt: str) -> AuditEvent:
    """Record that ``actor`` downloaded personal data: ``what``, in ``fmt``, ``rows`` rows.

    Every export or download of personal data (tables of a cohort, posts, an off-the-job
    log, the mentoring report, someone's own data) is recorded this way, as one ``export``
    event about the thing exported.
    """
    return record(session, actor, "export", entity_type, entity_id,
                  f"Downloaded {what} ({fmt.upper()}, {rows} rows)",
                  {"what": what, "format": fmt, "rows": rows}, concerns=concerns)
