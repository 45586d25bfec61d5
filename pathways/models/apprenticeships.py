"""Apprenticeship programmes, cohorts, apprentices and the guaranteed jobs they step into.

A council "grows its own": an L&D team sets up a **programme** (an apprenticeship standard
from the graph, a training provider and the role it leads to), runs **cohorts** on it, and
enrols people as **apprenticeships**. Each apprenticeship keeps its status history, its
off-the-job log, its progress reviews and its placements; a guaranteed-job apprenticeship
holds a **post** (an establishment line) reserved for it, or a guaranteed role. The funding
rules these rows are checked against live in ``pathways.apprenticeships.rules``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..vocabulary import LabelledEnum
from .base import Base
from .graph import Qualification, Role
from .people import Organisation, Person, Team, utcnow

#: Kinds of training provider.
PROVIDER_KINDS = {"university": "University", "college": "College",
                  "training_provider": "Independent training provider"}
#: How a cohort is paid for.
BUDGET_KINDS = {"levy": "Apprenticeship levy", "co_investment": "Co-investment",
                "transfer": "Levy transfer"}
#: What an off-the-job hour was spent on.
OTJ_ACTIVITIES = {
    "taught": "Taught learning",
    "shadowing": "Shadowing",
    "mentoring": "Mentoring",
    "practice_placement": "Practice placement",
    "self_study": "Self-study",
    "other": "Other",
}


class OtjState(LabelledEnum):
    """An off-the-job entry's review state; queried entries do not count until resolved."""

    SUBMITTED = "submitted", "Submitted", "grey"
    APPROVED = "approved", "Approved", "green"
    QUERIED = "queried", "Queried", "orange"


class PostState(LabelledEnum):
    """States of a post (an establishment line)."""

    VACANT = "vacant", "Vacant", "grey"
    RESERVED = "reserved", "Reserved", "blue"
    OFFERED = "offered", "Offered", "yellow"
    FILLED = "filled", "Filled", "green"


#: Each state with its label, as mappings.
OTJ_STATES = OtjState.labels()
POST_STATES = PostState.labels()


class Programme(Base):
    """A qualification, delivered by a training provider, leading to a role.

    Usually an apprenticeship standard; any qualification of the map may be one (the ASYE,
    PEPS, a diploma): ``pathways.apprenticeships.programmes`` says which rules then apply.
    """

    __tablename__ = "programmes"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    qualification_id: Mapped[str] = mapped_column(ForeignKey("nodes.id"))
    provider_name: Mapped[str] = mapped_column(String(200))
    provider_kind: Mapped[str] = mapped_column(String(20), default="university")
    leads_to_role_id: Mapped[str] = mapped_column(ForeignKey("nodes.id"))

    organisation: Mapped[Organisation] = relationship()
    qualification: Mapped[Qualification] = relationship(foreign_keys=[qualification_id])
    leads_to: Mapped[Role] = relationship(foreign_keys=[leads_to_role_id])
    cohorts: Mapped[list[Cohort]] = relationship(back_populates="programme")


class Cohort(Base):
    """A group of apprentices starting a programme together at one organisation."""

    __tablename__ = "cohorts"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),
                      CheckConstraint("planned_end_date > start_date", name="ends_after_start"))

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"))
    name: Mapped[str] = mapped_column(String(200))
    start_date: Mapped[date] = mapped_column(Date)
    planned_end_date: Mapped[date] = mapped_column(Date)
    provider_contact: Mapped[str] = mapped_column(String(300), default="")
    budget_kind: Mapped[str] = mapped_column(String(20), default="levy")
    budget_gbp: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))

    organisation: Mapped[Organisation] = relationship()
    programme: Mapped[Programme] = relationship(back_populates="cohorts")
    apprenticeships: Mapped[list[Apprenticeship]] = relationship(
        back_populates="cohort", order_by="Apprenticeship.id")


class Apprenticeship(Base):
    """One person on one programme, in a cohort: dates, hours, status and guaranteed job."""

    __tablename__ = "apprenticeships"
    __table_args__ = (
        UniqueConstraint("cohort_id", "person_id"),
        CheckConstraint("planned_end_date > start_date", name="ends_after_start"),
        CheckConstraint("weekly_hours > 0", name="weekly_hours_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    start_date: Mapped[date] = mapped_column(Date)
    planned_end_date: Mapped[date] = mapped_column(Date)
    weekly_hours: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    #: From the start date (August to July), e.g. "2025/26"; decides the rules that apply.
    funding_year: Mapped[str] = mapped_column(String(7))
    #: Worked out at enrolment by ``rules.required_otj_hours``; the working is shown on pages.
    otj_required_hours: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="active")
    #: The role guaranteed on qualifying (the post's role when a post is reserved).
    guaranteed_role_id: Mapped[str | None] = mapped_column(ForeignKey("nodes.id"))
    standards_met_on: Mapped[date | None] = mapped_column(Date)
    offer_made_on: Mapped[date | None] = mapped_column(Date)
    offer_accepted_on: Mapped[date | None] = mapped_column(Date)
    started_in_post_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    cohort: Mapped[Cohort] = relationship(back_populates="apprenticeships")
    person: Mapped[Person] = relationship()
    guaranteed_role: Mapped[Role | None] = relationship()
    post: Mapped[Post | None] = relationship(back_populates="apprenticeship", uselist=False)
    status_changes: Mapped[list[StatusChange]] = relationship(
        back_populates="apprenticeship", order_by="StatusChange.id",
        cascade="all, delete-orphan")
    otj_entries: Mapped[list[OtjEntry]] = relationship(
        back_populates="apprenticeship", order_by="(OtjEntry.worked_on, OtjEntry.id)",
        cascade="all, delete-orphan")
    reviews: Mapped[list[ProgressReview]] = relationship(
        back_populates="apprenticeship", order_by="(ProgressReview.held_on, ProgressReview.id)",
        cascade="all, delete-orphan")
    placements: Mapped[list[Placement]] = relationship(
        back_populates="apprenticeship", order_by="Placement.start_date",
        cascade="all, delete-orphan")

    @property
    def has_guaranteed_job(self) -> bool:
        """Whether a post or a role is guaranteed on qualifying."""
        return self.post is not None or self.guaranteed_role_id is not None


class StatusChange(Base):
    """One move of an apprenticeship's status: from what, to what, on which day, who and why."""

    __tablename__ = "apprenticeship_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    apprenticeship_id: Mapped[int] = mapped_column(
        ForeignKey("apprenticeships.id", ondelete="CASCADE"), index=True)
    #: None for the status an apprenticeship was enrolled or imported with.
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    effective_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    #: Gateway before the required off-the-job hours were approved: the hours then and why
    #: L&D let it go ahead. None for every other move.
    otj_override: Mapped[str | None] = mapped_column(Text)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    apprenticeship: Mapped[Apprenticeship] = relationship(back_populates="status_changes")
    actor: Mapped[Person | None] = relationship()


class OtjEntry(Base):
    """Hours of off-the-job training on one day, recorded by the apprentice or their manager."""

    __tablename__ = "otj_entries"
    __table_args__ = (
        Index("ix_otj_entries_apprenticeship_worked_on", "apprenticeship_id", "worked_on"),
        CheckConstraint("hours > 0 AND hours <= 24", name="hours_in_a_day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    apprenticeship_id: Mapped[int] = mapped_column(
        ForeignKey("apprenticeships.id", ondelete="CASCADE"))
    worked_on: Mapped[date] = mapped_column(Date)
    hours: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    activity: Mapped[str] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(20), default="submitted")
    query_note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"))
    reviewed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"))

    apprenticeship: Mapped[Apprenticeship] = relationship(back_populates="otj_entries")
    recorded_by: Mapped[Person | None] = relationship(foreign_keys=[recorded_by_id])


class ProgressReview(Base):
    """A three-way progress review: apprentice, employer and training provider."""

    __tablename__ = "progress_reviews"
    __table_args__ = (Index("ix_progress_reviews_apprenticeship_held_on",
                            "apprenticeship_id", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    apprenticeship_id: Mapped[int] = mapped_column(
        ForeignKey("apprenticeships.id", ondelete="CASCADE"))
    held_on: Mapped[date] = mapped_column(Date)
    apprentice_present: Mapped[bool] = mapped_column(Boolean, default=True)
    employer_present: Mapped[bool] = mapped_column(Boolean, default=True)
    provider_present: Mapped[bool] = mapped_column(Boolean, default=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    slippage: Mapped[str] = mapped_column(Text, default="")
    next_review_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"))

    apprenticeship: Mapped[Apprenticeship] = relationship(back_populates="reviews")


class PracticeEducator(Base):
    """A person who may supervise placements, and how many at once."""

    __tablename__ = "practice_educators"
    __table_args__ = (CheckConstraint("capacity >= 0", name="capacity_not_negative"),)

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    capacity: Mapped[int] = mapped_column(Integer, default=1)

    person: Mapped[Person] = relationship()


class PlacementStudent(Base):
    """A university student placed with the organisation, who is not one of its people.

    Somerset and others take social work and OT students of a university programme on
    placement. A student is named, with their university and course (a qualification of the
    map, e.g. the social work degree), and nothing more: no account, no profile, no email,
    so they never appear among the organisation's staff. Only L&D and administrators of the
    organisation see them (``policy.can_manage_apprenticeships``).
    """

    __tablename__ = "placement_students"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    university: Mapped[str] = mapped_column(String(200))
    #: The course they study: a qualification of the map (its family decides the educator).
    qualification_id: Mapped[str] = mapped_column(ForeignKey("nodes.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    qualification: Mapped[Qualification] = relationship()
    placements: Mapped[list[Placement]] = relationship(
        back_populates="student", order_by="Placement.start_date", cascade="all, delete-orphan")


class Placement(Base):
    """A practice placement, with its practice educator: of an apprentice, or of a student.

    Exactly one of ``apprenticeship_id`` and ``student_id`` is set (a constraint says so).
    """

    __tablename__ = "placements"
    __table_args__ = (
        CheckConstraint("end_date > start_date", name="ends_after_start"),
        CheckConstraint("(apprenticeship_id IS NULL) <> (student_id IS NULL)",
                        name="one_learner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    apprenticeship_id: Mapped[int | None] = mapped_column(
        ForeignKey("apprenticeships.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[int | None] = mapped_column(
        ForeignKey("placement_students.id", ondelete="CASCADE"), index=True)
    setting: Mapped[str] = mapped_column(String(200))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    educator_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True)

    apprenticeship: Mapped[Apprenticeship | None] = relationship(back_populates="placements")
    student: Mapped[PlacementStudent | None] = relationship(back_populates="placements")
    educator: Mapped[Person | None] = relationship()


class Post(Base):
    """An establishment line: a job in a team, vacant, reserved, offered or filled."""

    __tablename__ = "posts"
    __table_args__ = (UniqueConstraint("organisation_id", "reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    reference: Mapped[str] = mapped_column(String(50))
    role_id: Mapped[str] = mapped_column(ForeignKey("nodes.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    state: Mapped[str] = mapped_column(String(20), default="vacant")
    #: The apprenticeship the post is reserved for, offered to or filled by.
    apprenticeship_id: Mapped[int | None] = mapped_column(
        ForeignKey("apprenticeships.id", ondelete="SET NULL"), unique=True)
    #: Whether agency staff cover the post now (a vacant post covered, or a filled post's
    #: absence): the workforce board counts agency use per post.
    agency_cover: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    organisation: Mapped[Organisation] = relationship()
    role: Mapped[Role] = relationship()
    team: Mapped[Team | None] = relationship()
    apprenticeship: Mapped[Apprenticeship | None] = relationship(back_populates="post")


APPRENTICESHIP_MODELS = (Programme, Cohort, Apprenticeship, StatusChange, OtjEntry,
                         ProgressReview, PracticeEducator, PlacementStudent, Placement, Post)
