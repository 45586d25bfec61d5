"""Posts (establishment lines) and their lifecycle: vacant -> reserved -> offered -> filled.

A reserved or offered post can go back to vacant (the apprentice withdrew, or the offer was
declined), and so can a filled one (the person left). A post holds at most one
apprenticeship, and the state says what that link means.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import audit
from ..db import lock_for_update
from ..errors import InvalidInput, Problem, Refused
from ..models import POST_STATES, Apprenticeship, Node, Organisation, Person, Post, Role, Team

#: The only valid moves of a post's state.
POST_MOVES = {
    "vacant": ("reserved",),
    "reserved": ("offered", "vacant"),
    "offered": ("filled", "vacant"),
    "filled": ("vacant",),
}


class PostMoveRefused(Refused):
    """A post cannot move to that state; says from what, to what and why."""

    def __init__(self, post: Post, new: str, reason: str):
        self.post, self.new = post, new
        super().__init__(f"Post {post.reference} cannot go from {post.state} to {new}: "
                         f"{reason}")


def create_post(session: Session, organisation: Organisation, *, reference: str,
                role_id: str, team: Team | None = None, actor: Person | None = None) -> Post:
    """Add a vacant post to the organisation's establishment.

    Raises
    ------
    InvalidInput
        When the reference is empty or taken, or the role is not a current role.
    """
    reference = (reference or "").strip()
    problems = []
    if not reference:
        problems.append(Problem("reference", "enter the post's reference"))
    elif len(reference) > 50:
        problems.append(Problem("reference", "must be at most 50 characters"))
    elif find_post(session, organisation, reference) is not None:
        problems.append(Problem("reference", f"there is already a post {reference}"))
    role = session.get(Node, role_id) if role_id else None
    if not isinstance(role, Role) or role.retired:
        problems.append(Problem("role_id", f"{role_id!r} is not a role in the career pathway"))
    if team is not None and team.organisation_id != organisation.id:
        problems.append(Problem("team", "the team belongs to another organisation"))
    if problems or not isinstance(role, Role):
        raise InvalidInput(problems, "The post was not saved")
    post = Post(organisation=organisation, reference=reference, role=role, team=team)
    session.add(post)
    session.flush()
    audit.record(session, actor, "create", "post", post.id, f"{reference} ({role.title})",
                 concerns=organisation)
    return post


def find_post(session: Session, organisation: Organisation, reference: str) -> Post | None:
    """Return the organisation's post with this reference (any case), or None."""
    return session.scalars(select(Post).where(
        Post.organisation_id == organisation.id,
        func.lower(Post.reference) == reference.strip().lower())).first()


def move_post(session: Session, post: Post, new: str, *,
              apprenticeship: Apprenticeship | None = None,
              actor: Person | None = None) -> Post:
    """Move a post along its lifecycle; ``reserved`` needs the apprenticeship it is for.

    The post is locked first (``db.lock_for_update``) and its state read again, so two
    moves at the same moment (two enrolments on one vacant post) take turns: the second
    sees the first's state and is refused, rather than both being saved and one lost.

    Raises
    ------
    PostMoveRefused
        When the move is not in ``POST_MOVES``, or reserving without an apprenticeship or
        for an apprenticeship of another organisation.
    """
    lock_for_update(session, post)
    if new not in POST_STATES:
        raise PostMoveRefused(post, new, f"use one of {', '.join(POST_STATES)}")
    if new not in POST_MOVES[post.state]:
        raise PostMoveRefused(post, new, "from " + post.state + " it can only go to "
                              + " or ".join(POST_MOVES[post.state]))
    if new == "reserved":
        if apprenticeship is None:
            raise PostMoveRefused(post, new, "say which apprenticeship it is reserved for")
        if apprenticeship.cohort.organisation_id != post.organisation_id:
            raise PostMoveRefused(post, new, "the apprenticeship is in another organisation")
        if apprenticeship.post is not None and apprenticeship.post is not post:
            raise PostMoveRefused(post, new, f"the apprenticeship already holds post "
                                  f"{apprenticeship.post.reference}")
        post.apprenticeship = apprenticeship
        apprenticeship.guaranteed_role_id = post.role_id
    elif new == "vacant":
        post.apprenticeship = None
    before, post.state = post.state, new
    session.flush()
    audit.record(session, actor, "post_" + new, "post", post.id,
                 f"{post.reference}: {before} to {new}", concerns=post.organisation)
    return post
