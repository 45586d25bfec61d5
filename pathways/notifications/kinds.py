"""The kinds of notification: what each is about, who gets it, and whether it emails by default.

People choose email or not per kind (``/notifications/preferences``); a kind they never
chose for follows its default here. Kinds sent for something waiting on the person (a
request to answer, hours or a story to approve, a review due) email by default; off-the-job
hours are logged often, so they are told in the app only unless the person asks for email.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    """A kind of notification: its stored name, the words of the preferences page, its
    default, and the access roles of the people it goes to (None: anyone)."""

    name: str
    label: str
    email_by_default: bool
    for_roles: tuple[str, ...] | None = None


#: Every kind, in the order of the preferences page.
KINDS: dict[str, Kind] = {kind.name: kind for kind in (
    Kind("champion_request", "Someone asks you to be their career champion", True,
         ("champion",)),
    Kind("champion_request_expiring", "A request to you is about to expire unanswered",
         True, ("champion",)),
    Kind("champion_answer", "A champion accepts or declines your request", True),
    Kind("shadowing_request", "Someone in your team asks to shadow a role", True,
         ("manager",)),
    Kind("shadowing_decision", "Your request to shadow a role is approved or declined", True),
    Kind("conversation_review_due", "A My Conversation review is due", True),
    Kind("otj_waiting", "Off-the-job hours wait for your approval", False, ("lnd", "admin")),
    Kind("review_due", "An apprentice's progress review is due", True, ("lnd", "admin")),
    Kind("story_waiting", "A career story waits for your approval", True, ("lnd", "admin")),
    Kind("story_decision", "Your career story is published, sent back or withdrawn", True),
    Kind("course_place", "You are booked on a course, or a place comes free for you", True),
    Kind("course_cancelled", "A course session you are booked on is cancelled", True),
    Kind("training_expiring", "Required training (yours or your team's) expires within 90, "
         "60 or 30 days", True),
)}


def kinds_for(roles: list[str]) -> list[Kind]:
    """Return the kinds a person holding ``roles`` can be sent, in the page's order.

    Examples
    --------
    >>> [kind.name for kind in kinds_for(["staff"])][:2]
    ['champion_answer', 'shadowing_decision']
    """
    return [kind for kind in KINDS.values()
            if kind.for_roles is None or set(kind.for_roles) & set(roles)]
