"""Career stories: "real people, real careers", published only with consent and approval.

A person writes their story (their route: roles and qualifications with years, and their
own words) and submits it, which records their consent; L&D approves it, and only then is
it published, or sends it back with comments: the author reads them, revises the story
and sends it again (with their consent again), and the comments stay beside it until it is
published. The person can withdraw it at any time, and a withdrawn story is shown
nowhere. Published stories appear on the page of every role and qualification they pass
through, and on the map when opened.

Public pages are cached per process, keyed by the public-content version
(``models.graph.bump_public_content_version``): publishing, withdrawing, and rewriting a
published story bump it in the same transaction, so the change shows at once everywhere.
"""

from __future__ import annotations

from datetime import date

import networkx as nx
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit, clock
from ..db import lock_for_update
from ..errors import InvalidInput, Problem, Refused, UnknownNode
from ..lookup import resolve_node
from ..models import CareerStory, Person
from ..models.graph import bump_public_content_version
from ..models.people import utcnow
from ..notifications import approvers_of, notify, notify_each

MAX_BODY = 5000


class StoryRefused(Refused):
    """The story cannot move that way; says why."""


def check_route(G: nx.DiGraph, steps: list[tuple[str, int | None]], problems: list[Problem],
                today: date | None = None) -> list[dict]:
    """Return the route as ``[{"node", "year"}]``, adding problems for unknown or odd steps."""
    this_year = (today or clock.today()).year
    route, last_year = [], None
    for number, (name, year) in enumerate(steps, start=1):
        where = f"route[{number}]"
        try:
            node = resolve_node(G, name)
        except UnknownNode as unknown:
            problems.append(Problem(where, str(unknown)))
            continue
        if year is not None and not 1950 <= year <= this_year:
            problems.append(Problem(f"{where}.year", f"must be from 1950 to {this_year}"))
        elif year is not None and last_year is not None and year < last_year:
            problems.append(Problem(f"{where}.year", "steps must be in order of year"))
        last_year = year if year is not None else last_year
        route.append({"node": node, "year": year})
    if len(route) < 2 and not any(p.where.startswith("route") for p in problems):
        problems.append(Problem("route", "a story needs at least two steps"))
    return route


def write_story(session: Session, G: nx.DiGraph, person: Person, *, title: str, body: str,
                steps: list[tuple[str, int | None]], story: CareerStory | None = None,
                today: date | None = None) -> CareerStory:
    """Write or rewrite a story as a draft (rewriting a published story unpublishes it).

    Raises
    ------
    InvalidInput
        When the title or words are missing or too long, or the route is not on the map.
    """
    problems: list[Problem] = []
    title, body = (title or "").strip(), (body or "").strip()
    if not title or len(title) > 200:
        problems.append(Problem("title", "enter a title of up to 200 characters"))
    if not body or len(body) > MAX_BODY:
        problems.append(Problem("body", f"tell your story in up to {MAX_BODY} characters"))
    route = check_route(G, steps, problems, today)
    if problems:
        raise InvalidInput(problems, "The story was not saved")
    was_published = story is not None and story.status == "published"
    story = story or CareerStory(person=person)
    story.title, story.body, story.route = title, body, route
    story.status, story.consented_at, story.approved_at = "draft", None, None
    session.add(story)
    session.flush()
    if was_published:
        bump_public_content_version(session)
    audit.record(session, person, "story_write", "career_story", story.id, title,
                 concerns=person)
    return story


def submit(session: Session, story: CareerStory, *, consent: bool) -> CareerStory:
    """Send a draft to L&D for approval; the person's consent to publish is required.

    Raises
    ------
    InvalidInput
        Without consent.
    StoryRefused
        When the story is not a draft (or withdrawn, which may be resubmitted).
    """
    if not consent:
        raise InvalidInput([Problem("consent", "say that you agree to your story being "
                                    "published")], "The story was not submitted")
    if story.status not in ("draft", "withdrawn", "returned"):
        raise StoryRefused(f"This story is {story.status}; only a draft can be submitted.")
    story.status, story.consented_at, story.withdrawn_at = "submitted", utcnow(), None
    session.flush()
    audit.record(session, story.person, "story_submit", "career_story", story.id,
                 "Submitted with consent", concerns=story.person)
    notify_each(session, approvers_of(session, story.person.organisation), "story_waiting",
                story, link="/stories/review", leave_out=story.person,
                text=f"{story.person.name}'s career story “{story.title}” waits for approval")
    return story


def approve(session: Session, story: CareerStory, *, actor: Person) -> CareerStory:
    """Publish a submitted story (L&D; the caller checks the actor may).

    Raises
    ------
    StoryRefused
        When the story is not waiting for approval or has no consent.
    """
    lock_for_update(session, story)
    if story.status != "submitted" or story.consented_at is None:
        raise StoryRefused(f"This story is {story.status}; only a submitted story with the "
                           "person's consent can be published.")
    story.status, story.approved_by_id, story.approved_at = "published", actor.id, utcnow()
    story.review_comments, story.returned_at = "", None
    session.flush()
    bump_public_content_version(session)
    audit.record(session, actor, "story_publish", "career_story", story.id, "Published",
                 concerns=story.person)
    notify(session, story.person, "story_decision", story, link=f"/stories/{story.id}",
           text=f"Your career story “{story.title}” is published")
    return story


def send_back(session: Session, story: CareerStory, *, comments: str, actor: Person
              ) -> CareerStory:
    """Send a submitted story back to its author with comments (L&D; the caller checks the
    actor may): the author reads them, revises the story and sends it again, giving their
    consent again.

    Raises
    ------
    InvalidInput
        When the comments are empty or longer than ``MAX_BODY``.
    StoryRefused
        When the story is not waiting for approval (published, withdrawn, or sent back
        already by someone else at the same moment).

    Examples
    --------
    >>> story = CareerStory(person=me, title="Nights to days", body="...", status="submitted")
    >>> session.add(story)
    >>> send_back(session, story, comments="Say more about the course", actor=lnd).status
    'returned'
    """
    comments = (comments or "").strip()
    if not comments or len(comments) > MAX_BODY:
        raise InvalidInput([Problem("comments", f"say what the author should change, in up "
                                    f"to {MAX_BODY:,} characters")],
                           "The story was not sent back")
    lock_for_update(session, story)
    if story.status != "submitted":
        raise StoryRefused(f"This story is {story.status}; only a story waiting to be "
                           "published can be sent back.")
    story.status, story.review_comments, story.returned_at = "returned", comments, utcnow()
    story.consented_at = None
    session.flush()
    audit.record(session, actor, "story_return", "career_story", story.id,
                 "Sent back with comments", concerns=story.person)
    notify(session, story.person, "story_decision", story, link="/stories/mine",
           text=f"Your career story “{story.title}” was sent back with comments")
    return story


def withdraw(session: Session, story: CareerStory, *, actor: Person | None = None
             ) -> CareerStory:
    """Withdraw a story at any time: it is shown nowhere until submitted and approved again."""
    story.status, story.withdrawn_at, story.consented_at = "withdrawn", utcnow(), None
    session.flush()
    bump_public_content_version(session)
    audit.record(session, actor or story.person, "story_withdraw", "career_story", story.id,
                 "Withdrawn", concerns=story.person)
    if actor is not None and actor.id != story.person_id:
        notify(session, story.person, "story_decision", story, link="/stories/mine",
               text=f"Your career story “{story.title}” was withdrawn by {actor.name}")
    return story


def published_stories(session: Session, node_id: str | None = None) -> list[CareerStory]:
    """Return published stories, only those passing through ``node_id`` when given."""
    stories = session.scalars(select(CareerStory).where(CareerStory.status == "published")
                              .order_by(CareerStory.approved_at.desc(), CareerStory.id)).all()
    return [s for s in stories if node_id is None or node_id in s.node_ids]
