"""People and where they work: partnerships, organisations, teams, accounts and profiles.

Everything here is personal data (UK GDPR): it sits behind login, and who may see what is
decided in ``pathways.policy``. Equality data lives in its own table and is only ever
reported in aggregate.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import clock
from ..vocabulary import LabelledEnum
from .base import Base

#: The roles a person can hold in the system (several at once).
ACCESS_ROLES = {
    "staff": "Staff",
    "manager": "Manager",
    "champion": "Career champion",
    "lnd": "Learning and development",
    "admin": "Administrator",
    "map_editor": "Map editor",
}
#: How far an L&D or admin role reaches.
SCOPES = ("organisation", "partnership")


def utcnow() -> datetime:
    """Return the current time in UTC (the model defaults' clock; see ``pathways.clock``)."""
    return clock.now()


class Partnership(Base):
    """A workforce partnership: a council and the providers it works with."""

    __tablename__ = "partnerships"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)

    organisations: Mapped[list[Organisation]] = relationship(back_populates="partnership")


class Organisation(Base):
    """An employer: a council's adult social care department or an independent provider."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    partnership_id: Mapped[int | None] = mapped_column(ForeignKey("partnerships.id"))

    partnership: Mapped[Partnership | None] = relationship(back_populates="organisations")
    teams: Mapped[list[Team]] = relationship(back_populates="organisation")


class Team(Base):
    """A team or service inside an organisation."""

    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    name: Mapped[str] = mapped_column(String(200))

    organisation: Mapped[Organisation] = relationship(back_populates="teams")


class Person(Base):
    """Someone who works in adult social care, with an account and a career profile."""

    __tablename__ = "people"
    __table_args__ = (
        UniqueConstraint("organisation_id", "staff_id"),
        # The people lists by name: within one organisation, and across a partnership.
        Index("ix_people_organisation_id_name", "organisation_id", "name", "id"),
        Index("ix_people_name", "name", "id"),
        # The team page: a team by name (``policy.team_filter``).
        Index("ix_people_team_id_name", "team_id", "name", "id"),
        # The audit log's person filter: names beginning with the words typed, any case.
        Index("ix_people_name_folded", text("lower(name)"), "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    staff_id: Mapped[str | None] = mapped_column(String(50))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Bumped to end every session of this person (disablement, password change).
    session_generation: Mapped[int] = mapped_column(Integer, default=0)
    current_role_id: Mapped[str | None] = mapped_column(
        ForeignKey("nodes.id", ondelete="SET NULL"))
    role_start_date: Mapped[date | None] = mapped_column(Date)
    target_role_id: Mapped[str | None] = mapped_column(ForeignKey("nodes.id", ondelete="SET NULL"))
    #: The route chosen in the planner: node ids from the current role to the target.
    chosen_route: Mapped[list[str] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    team: Mapped[Team | None] = relationship()
    access: Mapped[list[PersonRole]] = relationship(
        back_populates="person", cascade="all, delete-orphan")
    #: The qualifications the person holds now (removed ones are kept, see ``removed_on``).
    qualifications: Mapped[list[HeldQualification]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="HeldQualification.id",
        primaryjoin="and_(Person.id == HeldQualification.person_id, "
                    "HeldQualification.removed_on.is_(None))")
    #: Every qualification ever recorded for the person, removed ones included.
    qualification_history: Mapped[list[HeldQualification]] = relationship(
        viewonly=True, order_by="HeldQualification.id")
    memberships: Mapped[list[OrganisationMembership]] = relationship(
        back_populates="person", cascade="all, delete-orphan",
        order_by="OrganisationMembership.started_on")

    def has_role(self, role: str) -> bool:
        """Whether this person holds an access role (staff, manager, champion, lnd, admin,
        map_editor)."""
        return any(grant.role == role for grant in self.access)

    def scope_of(self, role: str) -> str | None:
        """Return how far a held role reaches (organisation or partnership), or None."""
        return next((grant.scope for grant in self.access if grant.role == role), None)

    def hold_qualification(self, qualification_id: str, achieved_on: date | None = None,
                           evidence: str = "") -> HeldQualification:
        """Record a qualification as held: the one held already, a removed one restored, or new.

        A removed qualification comes back with its stored date and evidence; ``achieved_on``
        and ``evidence`` fill only what it lacks.
        """
        held = self.qualifications  # loaded (and flushed) before anything below changes
        same = next((h for h in held if h.qualification_id == qualification_id), None)
        if same is not None:
            return same
        removed = next((h for h in self.qualification_history
                        if h.qualification_id == qualification_id), None)
        if removed is None:
            removed = HeldQualification(qualification_id=qualification_id,
                                        achieved_on=achieved_on, evidence=evidence)
        else:
            removed.removed_on = None
            removed.achieved_on = removed.achieved_on or achieved_on
            removed.evidence = removed.evidence or evidence
        held.append(removed)
        return removed

    @property
    def role_names(self) -> list[str]:
        """The access roles held, in a fixed order."""
        held = {grant.role for grant in self.access}
        return [role for role in ACCESS_ROLES if role in held]

    def __repr__(self) -> str:
        return f"<Person {self.id} {self.email!r}>"


class PersonRole(Base):
    """An access role a person holds, and how far it reaches."""

    __tablename__ = "person_roles"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)
    scope: Mapped[str] = mapped_column(String(20), default="organisation")

    person: Mapped[Person] = relationship(back_populates="access")


class OrganisationMembership(Base):
    """A spell of a person at an organisation: people move, and their history is kept."""

    __tablename__ = "organisation_memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"),
                                           index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)

    person: Mapped[Person] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship()


class HeldQualification(Base):
    """A qualification a person holds, with when and the evidence seen."""

    __tablename__ = "held_qualifications"
    __table_args__ = (UniqueConstraint("person_id", "qualification_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    qualification_id: Mapped[str] = mapped_column(ForeignKey("nodes.id"))
    achieved_on: Mapped[date | None] = mapped_column(Date)
    evidence: Mapped[str] = mapped_column(Text, default="")
    #: The day it was removed from what the person holds; None while held. Removing keeps the
    #: row (its date and evidence), and adding the qualification again restores it.
    removed_on: Mapped[date | None] = mapped_column(Date)

    person: Mapped[Person] = relationship(back_populates="qualifications")


class EqualityRecord(Base):
    """Optional equality data, kept apart; reported only in aggregate, groups of 5 or more."""

    __tablename__ = "equality_records"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    age_band: Mapped[str | None] = mapped_column(String(20))
    sex: Mapped[str | None] = mapped_column(String(40))
    ethnic_group: Mapped[str | None] = mapped_column(String(80))
    disability: Mapped[str | None] = mapped_column(String(40))


class PairingStatus(LabelledEnum):
    """A champion pairing's status, in the words of the person who asked."""

    REQUESTED = "requested", "Waiting for an answer", "blue"
    ACTIVE = "active", "Active", "green"
    DECLINED = "declined", "Declined", "red"
    EXPIRED = "expired", "Expired: no answer in time", "grey"
    ENDED = "ended", "Ended", "grey"
    WITHDRAWN = "withdrawn", "Withdrawn", "grey"


class ChampionPairing(Base):
    """A career champion and a person they support: requested, then active, until it ends.

    Status: ``requested`` (waiting for the champion, until ``respond_by``), ``active``
    (accepted, with an agreement: goals, how often to meet, until when), ``declined``,
    ``expired`` (no answer in time), ``withdrawn`` (by the person, before an answer) or
    ``ended``.
    """

    __tablename__ = "champion_pairings"

    id: Mapped[int] = mapped_column(primary_key=True)
    champion_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"),
                                             index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"),
                                           index=True)
    status: Mapped[str] = mapped_column(String(20), default="active")
    requested_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    respond_by: Mapped[date | None] = mapped_column(Date)
    responded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    request_message: Mapped[str] = mapped_column(Text, default="")
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    goals: Mapped[str] = mapped_column(Text, default="")
    meeting_frequency: Mapped[str] = mapped_column(String(100), default="")
    agreed_until: Mapped[date | None] = mapped_column(Date)

    champion: Mapped[Person] = relationship(foreign_keys=[champion_id])
    person: Mapped[Person] = relationship(foreign_keys=[person_id])


class AuditEvent(Base):
    """Who changed what and when, for personal data and the graph. Written, never changed."""

    __tablename__ = "audit_events"
    __table_args__ = (
        # The log within reach, newest first; and by kind within reach (and its kinds).
        Index("ix_audit_events_organisation_id_at", "organisation_id", "at", "id"),
        Index("ix_audit_events_entity_type_organisation_id", "entity_type", "organisation_id",
              "at", "id"),
        # By or about a person, newest first (the log's person filter).
        Index("ix_audit_events_actor_id_at", "actor_id", "at", "id"),
        Index("ix_audit_events_entity_type_entity_id", "entity_type", "entity_id", "at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    #: The organisation the event concerns (whose reach may read it); None for the shared
    #: map's events, and for older events it could not be worked out for (shown to no one).
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"),
                                                        index=True)
    action: Mapped[str] = mapped_column(String(40))
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(80))
    summary: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict | None] = mapped_column(JSON)

    actor: Mapped[Person | None] = relationship()
