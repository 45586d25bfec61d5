"""Workforce movements: each spell of a person in a role at an employer, and how it ended.

A **role spell** is one person in one role at one organisation from a day (``started_on``)
until a day (``ended_on``, exclusive; None while it lasts). A change of role closes the open
spell and opens the next, which records the role it came from (``from_role_id``) and what
kind of move it was (promotion, sideways, or a change of employer within the partnership);
the first spell of someone new to the organisation is a **starter** (``joined``) and keeps
the sector they came from. A spell that ends with the person leaving the organisation keeps
the reason and the destination: the person is a **leaver** (their account is disabled, the
history stays). Counting spells gives the Skills for Care measures (turnover, starters) and
the transition rates of the supply forecast (``pathways.workforce``).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..vocabulary import LabelledEnum
from .base import Base
from .graph import Role
from .people import Organisation, Person, utcnow


class MoveKind(LabelledEnum):
    """How a role spell began."""

    JOINED = "joined", "Joined the organisation", "blue"
    PROMOTION = "promotion", "Promotion", "green"
    SIDEWAYS = "sideways", "Sideways move", "grey"
    CHANGE_OF_EMPLOYER = "change_of_employer", "From another employer in the partnership", \
        "purple"


class Destination(LabelledEnum):
    """Where a leaver went (Skills for Care asks the same of leavers)."""

    PARTNERSHIP = "partnership", "Another employer in the partnership", "purple"
    SOCIAL_CARE = "social_care", "Elsewhere in social care", "blue"
    NHS = "nhs", "The NHS", "turquoise"
    OUT_OF_SECTOR = "out_of_sector", "Out of the sector", "orange"
    RETIRED = "retired", "Retired", "grey"
    NOT_KNOWN = "not_known", "Not known", "grey"


class LeaveReason(LabelledEnum):
    """Why someone left."""

    RESIGNED = "resigned", "Resigned", "grey"
    CAREER = "career", "Career development elsewhere", "blue"
    PAY = "pay", "Pay or conditions", "orange"
    RETIRED = "retired", "Retirement", "grey"
    HEALTH = "health", "Health", "grey"
    RELOCATED = "relocated", "Moved away", "grey"
    DISMISSED = "dismissed", "Dismissed", "red"
    END_OF_CONTRACT = "end_of_contract", "End of contract", "grey"
    OTHER = "other", "Other", "grey"


class PreviousSector(LabelledEnum):
    """Where a starter came from (Skills for Care's "previous role" question)."""

    SOCIAL_CARE = "social_care", "Social care", "blue"
    NHS = "nhs", "The NHS", "turquoise"
    OTHER_SECTOR = "other_sector", "Another sector", "orange"
    EDUCATION = "education", "Education (school, college, university)", "green"
    NOT_WORKING = "not_working", "Not working", "grey"
    NOT_KNOWN = "not_known", "Not known", "grey"


MOVE_KINDS = MoveKind.labels()
DESTINATIONS = Destination.labels()
LEAVE_REASONS = LeaveReason.labels()
PREVIOUS_SECTORS = PreviousSector.labels()


class RoleSpell(Base):
    """One person in one role at one organisation, from a day until a day (or still)."""

    __tablename__ = "role_spells"
    __table_args__ = (
        CheckConstraint("ended_on IS NULL OR ended_on > started_on", name="ends_after_start"),
        CheckConstraint("destination IS NULL OR ended_on IS NOT NULL", name="left_on_a_day"),
        Index("ix_role_spells_person_started_on", "person_id", "started_on"),
        Index("ix_role_spells_organisation_role", "organisation_id", "role_id"),
        Index("ix_role_spells_organisation_ended_on", "organisation_id", "ended_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    role_id: Mapped[str] = mapped_column(ForeignKey("nodes.id"))
    started_on: Mapped[date] = mapped_column(Date)
    #: The first day no longer in the role (None while the spell lasts).
    ended_on: Mapped[date | None] = mapped_column(Date)
    #: How the spell began (``MoveKind``).
    move: Mapped[str] = mapped_column(String(20), default="joined")
    #: The role held just before, in the organisation or (a change of employer) the partnership.
    from_role_id: Mapped[str | None] = mapped_column(ForeignKey("nodes.id"))
    #: A starter's previous sector (``PreviousSector``); None for moves.
    previous_sector: Mapped[str | None] = mapped_column(String(20))
    #: Set when the spell ended with the person leaving the organisation (``Destination``).
    destination: Mapped[str | None] = mapped_column(String(20))
    leave_reason: Mapped[str | None] = mapped_column(String(20))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    person: Mapped[Person] = relationship()
    organisation: Mapped[Organisation] = relationship()
    role: Mapped[Role] = relationship(foreign_keys=[role_id])
    from_role: Mapped[Role | None] = relationship(foreign_keys=[from_role_id])

    @property
    def left(self) -> bool:
        """Whether the spell ended with the person leaving the organisation."""
        return self.destination is not None


class WorkforceSummary(Base):
    """A partnership's workforce figures as worked out for a day (``pathways
    workforce-summary``, nightly): the raw counts its board and forecast are made from
    (``pathways.workforce.summary``), as JSON; one row a partnership, replaced whole."""

    __tablename__ = "workforce_summaries"

    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), primary_key=True)
    as_of: Mapped[date] = mapped_column(Date)
    refreshed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    figures: Mapped[dict] = mapped_column(JSON)


WORKFORCE_MODELS = (RoleSpell, WorkforceSummary)
