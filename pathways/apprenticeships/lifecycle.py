"""Moving an apprenticeship through its statuses, and into the guaranteed job.

Every status move is checked by ``rules.check_move`` and kept as a
:class:`~pathways.models.StatusChange` (who, the day it took effect, why). Once an
apprentice is ``qualified``, L&D records four steps in order: standards met, offer made,
offer accepted, started in post. Starting in post fills the post and moves the person's
current role along the graph (qualification -> role); the apprenticeship stays as history.
"""

from __future__ import annotations

from datetime import date

import networkx as nx
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import audit, clock
from ..db import lock_for_update
from ..errors import InvalidInput, Problem, Refused
from ..models import Apprenticeship, OtjEntry, Person, Post, StatusChange
from . import posts
from .programmes import check_course_move, runs_apprenticeship
from .records import COUNTED_STATES
from .rules import STATUSES, StatusMoveRefused, check_move, gateway_hours_problem

#: The guaranteed-job steps after qualifying, in order: field and label.
JOB_STEPS = {
    "standards_met_on": "Standards met",
    "offer_made_on": "Offer made",
    "offer_accepted_on": "Offer accepted",
    "started_in_post_on": "Started in post",
}


class JobStepRefused(Refused):
    """A guaranteed-job step is out of order or not possible; says why."""


def move_status(session: Session, apprenticeship: Apprenticeship, new: str, *,
                effective_on: date, reason: str, actor: Person | None = None,
                today: date | None = None, otj_override: str = "") -> StatusChange:
    """Move the apprenticeship to a new status, recording who, when and why.

    Withdrawing releases a reserved or offered post back to vacant. Gateway needs the
    required off-the-job hours approved by its date (``rules.gateway_hours_problem``),
    unless L&D give ``otj_override``, a reason to let it go ahead: it is then kept in the
    move's ``otj_override`` with the hours approved at the time.

    Parameters
    ----------
    effective_on : date
        The day the move took effect: not in the future, not before the start or the
        previous move.
    reason : str
        Why (required).
    otj_override : str, optional
        Why gateway goes ahead with the off-the-job hours short; used only then.

    Raises
    ------
    InvalidInput
        When the date or reason is missing or out of range.
    StatusMoveRefused
        When the funding rules do not allow the move (see ``rules.check_move``), or gateway
        comes with hours short and no override.
    """
    today = today or clock.today()
    lock_for_update(session, apprenticeship)  # two moves at once: the second sees the first
    reason = (reason or "").strip()
    problems = []
    if not reason:
        problems.append(Problem("reason", "say why the status is changing"))
    if effective_on > today:
        problems.append(Problem("effective_on", "cannot be in the future"))
    last = apprenticeship.status_changes[-1].effective_on if apprenticeship.status_changes \
        else apprenticeship.start_date
    if effective_on < max(last, apprenticeship.start_date):
        problems.append(Problem("effective_on", f"cannot be before "
                                f"{max(last, apprenticeship.start_date).isoformat()} (the "
                                "start or the last change)"))
    if problems:
        raise InvalidInput(problems, "The status was not changed")
    if runs_apprenticeship(apprenticeship):
        check_move(apprenticeship.status, new, start=apprenticeship.start_date,
                   today=effective_on)
    else:  # no gateway or end-point assessment outside apprenticeship standards
        check_course_move(apprenticeship.status, new)
    override = _gateway_override(session, apprenticeship, new, effective_on, otj_override)
    old = apprenticeship.status
    change = StatusChange(from_status=old, to_status=new,
                          effective_on=effective_on, reason=reason, otj_override=override,
                          actor_id=actor.id if actor else None)
    apprenticeship.status_changes.append(change)
    apprenticeship.status = new
    post = apprenticeship.post
    if new == "withdrawn" and post is not None and _still_holds(session, apprenticeship, post,
                                                                "reserved", "offered"):
        posts.move_post(session, post, "vacant", actor=actor)
    session.flush()
    audit.record(session, actor, "status", "apprenticeship", apprenticeship.id,
                 f"{STATUSES[old]} to {STATUSES[new]}: {reason}",
                 {"from": old, "to": new,
                  "effective_on": effective_on.isoformat(),
                  **({"otj_override": override} if override else {})},
                 concerns=apprenticeship.cohort.organisation)
    return change


def approved_hours(session: Session, apprenticeship: Apprenticeship, by: date) -> float:
    """Return the off-the-job hours approved for work on or before ``by``."""
    total = session.scalar(select(func.coalesce(func.sum(OtjEntry.hours), 0)).where(
        OtjEntry.apprenticeship_id == apprenticeship.id, OtjEntry.worked_on <= by,
        OtjEntry.state.in_(COUNTED_STATES)))
    return round(float(total or 0), 2)


def _gateway_override(session: Session, apprenticeship: Apprenticeship, new: str,
                      effective_on: date, otj_override: str) -> str | None:
    """Refuse gateway with hours short unless overridden; return what the history keeps."""
    if new != "gateway":
        return None
    approved = approved_hours(session, apprenticeship, effective_on)
    short = gateway_hours_problem(approved, apprenticeship.otj_required_hours)
    if short is None:
        return None
    why = (otj_override or "").strip()
    if not why:
        raise StatusMoveRefused(apprenticeship.status, new, f"{short}. Approve the hours "
                                "waiting, or record an override with the reason gateway goes "
                                "ahead.")
    return (f"Gateway with {approved:g} of {apprenticeship.otj_required_hours:g} required "
            f"off-the-job hours approved, by override: {why}")


def meaning_of_move(apprenticeship: Apprenticeship, released: str | None = None) -> str:
    """Say what the apprenticeship's current status means for the apprentice and their post.

    Shown after each move (the page's message). ``released`` is the reference of the post
    the move gave back (withdrawing releases a reserved or offered post).
    """
    name, status, post = apprenticeship.person.name, apprenticeship.status, apprenticeship.post
    for_person = {
        "active": f"{name} is back in learning: off-the-job hours and reviews are due again.",
        "break_in_learning": f"{name} is on a break in learning: reviews are not due until "
                             "they return, and gateway waits for their return.",
        "gateway": f"{name} is through gateway and ready for end-point assessment; a break "
                   "in learning can no longer be recorded.",
        "epa": f"{name} is in end-point assessment.",
        "failed": f"{name} did not pass end-point assessment; they can go back to it for a "
                  "resit.",
        "completed": f"{name} has completed the apprenticeship; record qualified when the "
                     "result is confirmed.",
        "qualified": f"{name} is qualified: record the steps into the guaranteed job below "
                     "(standards met, offer, acceptance, start in post).",
        "withdrawn": f"{name} has left the apprenticeship; it is finished and cannot restart.",
    }.get(status, "")
    if post is not None and post.apprenticeship_id == apprenticeship.id:
        for_post = (f"Post {post.reference} stays {post.state} for them."
                    if status != "withdrawn" else f"Post {post.reference} is {post.state}.")
    elif released:
        for_post = f"Post {released} is released: it is vacant again, free for someone else."
    elif apprenticeship.guaranteed_role_id:
        for_post = "Their guaranteed role is unchanged (no post is reserved)."
    else:
        for_post = "They have no guaranteed job."
    return f"{for_person} {for_post}".strip()


def status_on(apprenticeship: Apprenticeship, day: date) -> str:
    """Return the status the apprenticeship had on ``day`` (from its history)."""
    status = "active"
    for change in apprenticeship.status_changes:
        if change.effective_on <= day:
            status = change.to_status
    return status


def next_job_step(apprenticeship: Apprenticeship) -> str | None:
    """Return the field of the next guaranteed-job step to record, or None when all are."""
    return next((step for step in JOB_STEPS if getattr(apprenticeship, step) is None), None)


def record_job_step(session: Session, apprenticeship: Apprenticeship, step: str, on: date,
                    *, G: nx.DiGraph | None = None, actor: Person | None = None,
                    today: date | None = None) -> None:
    """Record the next guaranteed-job step (see ``JOB_STEPS``) on a date.

    Making the offer moves a reserved post to offered; starting in post fills it, adds the
    programme's qualification to the person's profile and changes their current role to
    the guaranteed role, which must follow the qualification in the graph ``G``.

    Raises
    ------
    JobStepRefused
        When the apprentice is not qualified, the step is out of order, there is no
        guaranteed job, or the graph has no move from the qualification to the role.
    InvalidInput
        When the date is in the future or before the previous step.
    """
    today = today or clock.today()
    lock_for_update(session, apprenticeship)  # the same step twice at once: once
    if step not in JOB_STEPS:
        raise InvalidInput([Problem("step", f"use one of {', '.join(JOB_STEPS)}")],
                           "The step was not recorded")
    if apprenticeship.status != "qualified":
        raise JobStepRefused(f"{JOB_STEPS[step]} can only be recorded once the apprentice is "
                             f"qualified; they are {STATUSES[apprenticeship.status]}.")
    expected = next_job_step(apprenticeship)
    if step != expected:
        raise JobStepRefused(
            f"{JOB_STEPS[step]} is out of order: the next step is "
            f"{JOB_STEPS[expected].lower()}." if expected else
            f"Every step is already recorded; {JOB_STEPS[step].lower()} was on "
            f"{getattr(apprenticeship, step).isoformat()}.")
    previous = [getattr(apprenticeship, s) for s in JOB_STEPS if getattr(apprenticeship, s)]
    qualified_on = next((c.effective_on for c in reversed(apprenticeship.status_changes)
                         if c.to_status == "qualified"), apprenticeship.start_date)
    earliest = max(previous + [qualified_on])
    if on > today or on < earliest:
        raise InvalidInput([Problem("on", f"must be from {earliest.isoformat()} to "
                                    f"{today.isoformat()}")], "The step was not recorded")
    if step != "standards_met_on" and not apprenticeship.has_guaranteed_job:
        raise JobStepRefused("This apprenticeship has no guaranteed job: reserve a post or "
                             "name a guaranteed role first.")
    post = apprenticeship.post
    if step == "offer_made_on" and post is not None and _still_holds(session, apprenticeship,
                                                                     post, "reserved"):
        posts.move_post(session, post, "offered", actor=actor)
    if step == "started_in_post_on":
        _start_in_post(session, apprenticeship, on, qualified_on, G)
        if post is not None:
            posts.move_post(session, post, "filled", actor=actor)
    setattr(apprenticeship, step, on)
    session.flush()
    audit.record(session, actor, "job_step", "apprenticeship", apprenticeship.id,
                 f"{JOB_STEPS[step]} on {on.isoformat()}", {"step": step},
                 concerns=apprenticeship.cohort.organisation)


def _still_holds(session: Session, apprenticeship: Apprenticeship, post: Post,
                 *states: str) -> bool:
    """Lock the post, then say whether it is still the apprenticeship's, in one of ``states``."""
    lock_for_update(session, post)
    return post.apprenticeship_id == apprenticeship.id and post.state in states


def _start_in_post(session: Session, apprenticeship: Apprenticeship, on: date,
                   qualified_on: date, G: nx.DiGraph | None) -> None:
    """Give the person the qualification and move their current role to the guaranteed one."""
    person = apprenticeship.person
    qualification_id = apprenticeship.cohort.programme.qualification_id
    role_id = apprenticeship.guaranteed_role_id
    if G is not None and not G.has_edge(qualification_id, role_id):
        raise JobStepRefused(f"The career pathway has no move from {qualification_id} to "
                             f"{role_id}; add it, or change the guaranteed role.")
    person.hold_qualification(qualification_id, qualified_on,
                              f"Apprenticeship in {apprenticeship.cohort.name}")
    person.current_role_id = role_id
    person.role_start_date = on
    if person.target_role_id == role_id:
        person.target_role_id, person.chosen_route = None, None
