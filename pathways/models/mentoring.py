"""Career champions, mentoring, development conversations, shadowing and career stories.

A champion is a person holding the ``champion`` access role; their profile says which role
families they specialise in, which roles they have held themselves (their own route through
the graph), how many people they can support at once, and whether they take people from
other organisations in the partnership. Pairings live in ``people.ChampionPairing``;
sessions and their agreed actions hang off a pairing. Private notes are for the pair only
(``pathways.policy`` decides).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..vocabulary import LabelledEnum
from .base import Base
from .people import ChampionPairing, Person, utcnow


class ChampionProfile(Base):
    """A career champion's specialisms, the roles they have held, capacity and openness."""

    __tablename__ = "champion_profiles"
    __table_args__ = (CheckConstraint("capacity >= 0", name="capacity_not_negative"),)

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    #: Role families (``pathways.vocabulary.FAMILIES``) the champion knows well.
    specialisms: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: Role ids the champion has held, in order: their own route.
    roles_held: Mapped[list[str]] = mapped_column(JSON, default=list)
    capacity: Mapped[int] = mapped_column(Integer, default=3)
    open_to_partnership: Mapped[bool] = mapped_column(Boolean, default=False)
    availability: Mapped[str] = mapped_column(String(300), default="")

    person: Mapped[Person] = relationship()


#: How a mentoring session was held.
SESSION_MODES = {"in_person": "In person", "video": "Video call", "phone": "Phone"}
#: Who owns an agreed action.
ACTION_OWNERS = {"person": "The person supported", "champion": "The champion"}
#: Kinds of development action agreed in a conversation.
DEVELOPMENT_ACTIONS = {
    "shadowing": "Shadow a role",
    "course": "Take a course",
    "apprenticeship_application": "Apply for an apprenticeship",
    "champion_request": "Ask a career champion",
    "other": "Other",
}


class ShadowingState(LabelledEnum):
    """A shadowing request's states."""

    REQUESTED = "requested", "Waiting for the manager", "blue"
    APPROVED = "approved", "Approved", "green"
    DECLINED = "declined", "Declined", "red"
    WITHDRAWN = "withdrawn", "Cancelled", "grey"
    COMPLETED = "completed", "Reflection written", "purple"


class StoryStatus(LabelledEnum):
    """A career story's states."""

    DRAFT = "draft", "Draft", "grey"
    SUBMITTED = "submitted", "Waiting for L&D", "blue"
    RETURNED = "returned", "Sent back with comments", "yellow"
    PUBLISHED = "published", "Published", "green"
    WITHDRAWN = "withdrawn", "Withdrawn", "orange"


#: Each state with its label, as mappings.
SHADOWING_STATES = ShadowingState.labels()
STORY_STATES = StoryStatus.labels()


class MentoringSession(Base):
    """A conversation between a champion and the person they support; notes are private."""

    __tablename__ = "mentoring_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(
        ForeignKey("champion_pairings.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    mode: Mapped[str] = mapped_column(String(20))
    topics: Mapped[str] = mapped_column(Text, default="")
    #: Seen by the pair only: never by managers, L&D or admins.
    private_notes: Mapped[str] = mapped_column(Text, default="")
    next_session_on: Mapped[date | None] = mapped_column(Date)
    #: The off-the-job entry this session was recorded as, for an apprentice.
    otj_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("otj_entries.id", ondelete="SET NULL"))
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"))

    pairing: Mapped[ChampionPairing] = relationship()
    actions: Mapped[list[MentoringAction]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="MentoringAction.id")


class MentoringAction(Base):
    """Something agreed in a mentoring session: what, who does it, by when, and when done."""

    __tablename__ = "mentoring_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("mentoring_sessions.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(20))
    due_on: Mapped[date] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)

    session: Mapped[MentoringSession] = relationship(back_populates="actions")


class DevelopmentConversation(Base):
    """"My Conversation": a periodic record between a person and their manager."""

    __tablename__ = "development_conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"),
                                           index=True)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    held_on: Mapped[date] = mapped_column(Date)
    aspirations: Mapped[str] = mapped_column(Text, default="")
    target_role_id: Mapped[str | None] = mapped_column(
        ForeignKey("nodes.id", ondelete="SET NULL"))
    #: The chosen route at the time, as node ids (a snapshot: the profile may change).
    chosen_route: Mapped[list[str] | None] = mapped_column(JSON)
    review_on: Mapped[date] = mapped_column(Date)

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    manager: Mapped[Person | None] = relationship(foreign_keys=[manager_id])
    actions: Mapped[list[DevelopmentAction]] = relationship(
        back_populates="conversation", cascade="all, delete-orphan",
        order_by="DevelopmentAction.id")


class DevelopmentAction(Base):
    """A development action agreed in a conversation (shadowing, a course, ...)."""

    __tablename__ = "development_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("development_conversations.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(Text, default="")
    due_on: Mapped[date | None] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)

    conversation: Mapped[DevelopmentConversation] = relationship(back_populates="actions")


class ShadowingPlace(Base):
    """A chance to shadow a role: offered by a host in a team, for dates, for some people."""

    __tablename__ = "shadowing_places"
    __table_args__ = (CheckConstraint("capacity >= 1", name="capacity_at_least_one"),
                      CheckConstraint("ends_on >= starts_on", name="ends_after_start"))

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    host_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    role_id: Mapped[str] = mapped_column(ForeignKey("nodes.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    capacity: Mapped[int] = mapped_column(Integer, default=1)
    description: Mapped[str] = mapped_column(Text, default="")
    open_to_partnership: Mapped[bool] = mapped_column(Boolean, default=False)

    host: Mapped[Person] = relationship()
    requests: Mapped[list[ShadowingRequest]] = relationship(
        back_populates="place", cascade="all, delete-orphan", order_by="ShadowingRequest.id")


class ShadowingRequest(Base):
    """A person's request for a shadowing place, the manager's decision and the reflection."""

    __tablename__ = "shadowing_requests"
    __table_args__ = (UniqueConstraint("place_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    place_id: Mapped[int] = mapped_column(
        ForeignKey("shadowing_places.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"),
                                           index=True)
    status: Mapped[str] = mapped_column(String(20), default="requested")
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id",
                                                                 ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reflection: Mapped[str] = mapped_column(Text, default="")
    still_my_goal: Mapped[bool | None] = mapped_column(Boolean)
    #: The days the person would like, within the place's dates (None on older requests).
    preferred_from: Mapped[date | None] = mapped_column(Date)
    preferred_to: Mapped[date | None] = mapped_column(Date)
    #: Why they ask, for their manager and the host.
    message: Mapped[str] = mapped_column(Text, default="")
    #: The manager's note with the decision, shown to the person.
    decision_note: Mapped[str] = mapped_column(Text, default="")
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    place: Mapped[ShadowingPlace] = relationship(back_populates="requests")
    person: Mapped[Person] = relationship(foreign_keys=[person_id])


class CareerStory(Base):
    """A person's real route in their own words: published only with consent and approval."""

    __tablename__ = "career_stories"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"),
                                           index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    #: The route: [{"node": id, "year": 2019}, ...] in order, roles and qualifications.
    route: Mapped[list[dict]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    consented_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id",
                                                                  ondelete="SET NULL"))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: L&D's comments when they sent the story back, kept for the author until it is
    #: published.
    review_comments: Mapped[str] = mapped_column(Text, default="")
    returned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    person: Mapped[Person] = relationship(foreign_keys=[person_id])

    @property
    def node_ids(self) -> list[str]:
        """The ids of the roles and qualifications the story passes through, in order."""
        return [step["node"] for step in self.route or []]
