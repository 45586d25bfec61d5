"""Roles, qualifications and the transitions between them: the rows the graph is built from.

Roles and qualifications share one ``nodes`` table (single-table inheritance) so that a
transition can point at either with one foreign key, and so that ids are unique across
both, as the interchange format requires.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    event,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from .base import Base


class Node(Base):
    """A place on the career map: a role or a qualification."""

    __tablename__ = "nodes"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    title: Mapped[str] = mapped_column(String(200))
    family: Mapped[str | None] = mapped_column(String(40))
    level: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text, default="")
    citation: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    #: Retired nodes stay for people's histories but leave the map and routes.
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Optimistic locking: a save based on an older version is refused.
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"polymorphic_on": "kind", "version_id_col": lock_version}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id!r}>"


class Role(Node):
    """A job, such as Care worker or Social worker."""

    cwp_category: Mapped[str | None] = mapped_column(String(40), use_existing_column=True)
    pay_min_gbp: Mapped[int | None] = mapped_column(Integer, use_existing_column=True)
    pay_max_gbp: Mapped[int | None] = mapped_column(Integer, use_existing_column=True)
    registration_body: Mapped[str | None] = mapped_column(String(80), use_existing_column=True)
    top_of_ladder: Mapped[bool] = mapped_column(
        Boolean, default=False, nullable=True, use_existing_column=True
    )

    __mapper_args__ = {"polymorphic_identity": "role"}


class Qualification(Node):
    """Something earned; an apprenticeship when it has a ``standard_code``."""

    duration_months: Mapped[float | None] = mapped_column(Float, use_existing_column=True)
    standard_code: Mapped[str | None] = mapped_column(String(10), use_existing_column=True)
    funding_band_gbp: Mapped[int | None] = mapped_column(Integer, use_existing_column=True)
    otj_min_hours: Mapped[int | None] = mapped_column(Integer, use_existing_column=True)
    #: What people need before they start, in words (e.g. English and maths at Level 2).
    entry_requirements: Mapped[str | None] = mapped_column(Text, use_existing_column=True)

    __mapper_args__ = {"polymorphic_identity": "qualification"}

    @property
    def is_apprenticeship(self) -> bool:
        """Whether this qualification is an apprenticeship standard."""
        return bool(self.standard_code)


class Transition(Base):
    """A directed move: role to role, role to qualification (study) or qualification to role."""

    __tablename__ = "transitions"
    __table_args__ = (
        UniqueConstraint("source_id", "target_id"),
        CheckConstraint("months >= 0", name="months_not_negative"),
        CheckConstraint("cost_gbp >= 0", name="cost_not_negative"),
        CheckConstraint("min_experience_months >= 0", name="experience_not_negative"),
        CheckConstraint("source_id <> target_id", name="no_self_loop"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[str] = mapped_column(ForeignKey("nodes.id", ondelete="CASCADE"))
    target_id: Mapped[str] = mapped_column(
        ForeignKey("nodes.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    months: Mapped[float] = mapped_column(Float, default=0)
    cost_gbp: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal(0))
    funding: Mapped[str] = mapped_column(String(20), default="none")
    earn_while_learning: Mapped[bool] = mapped_column(Boolean, default=True)
    min_experience_months: Mapped[int] = mapped_column(Integer, default=0)
    citation: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": lock_version}

    source: Mapped[Node] = relationship(foreign_keys=[source_id])
    target: Mapped[Node] = relationship(foreign_keys=[target_id])
    requirements: Mapped[list[TransitionRequirement]] = relationship(
        back_populates="transition", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def requires(self) -> list[str]:
        """Ids of the qualifications a person must hold to make this move."""
        return sorted(r.qualification_id for r in self.requirements)


class TransitionRequirement(Base):
    """A qualification that must be held before a transition can be made."""

    __tablename__ = "transition_requirements"

    transition_id: Mapped[int] = mapped_column(
        ForeignKey("transitions.id", ondelete="CASCADE"), primary_key=True
    )
    qualification_id: Mapped[str] = mapped_column(
        ForeignKey("nodes.id", ondelete="RESTRICT"), primary_key=True, index=True
    )

    transition: Mapped[Transition] = relationship(back_populates="requirements")


class GraphState(Base):
    """Version counters: row 1 holds ``graph_version``, bumped by every change to the graph's
    rows; row 2 (made on its first bump) the public-content version, bumped whenever what the
    public pages show besides the graph changes (a career story published or withdrawn).
    """

    __tablename__ = "graph_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=1)


GRAPH_MODELS = (Node, Transition, TransitionRequirement)
#: The ``graph_state`` rows: the graph's version, and the public-content version.
GRAPH_ROW, PUBLIC_CONTENT_ROW = 1, 2


def bump_graph_version(session: Session) -> None:
    """Increase ``graph_version`` by one in the session's current transaction.

    Parameters
    ----------
    session : Session
        The session whose transaction is changing the graph's rows.
    """
    result = session.connection().execute(
        update(GraphState).where(GraphState.id == 1).values(version=GraphState.version + 1)
    )
    if result.rowcount == 0:
        session.connection().execute(GraphState.__table__.insert().values(id=1, version=2))


def read_graph_version(session: Session) -> int:
    """Return the current ``graph_version`` (one primary-key lookup)."""
    version = session.connection().execute(
        GraphState.__table__.select().with_only_columns(GraphState.version).where(
            GraphState.id == 1
        )
    ).scalar()
    return int(version or 1)


def bump_public_content_version(session: Session) -> None:
    """Increase the public-content version by one in the session's current transaction.

    Call it in the transaction that changes what public pages show besides the graph (a
    story published, withdrawn or unpublished by a rewrite): cached public pages are keyed
    by it, so every process serves the change on its next request. The row is made on the
    first bump (as version 2: a database that never bumped reads as version 1); two first
    bumps at once both count, through the dialect's "insert or update" where it has one.

    Parameters
    ----------
    session : Session
        The session whose transaction is changing the public content.
    """
    connection = session.connection()
    table = GraphState.__table__
    result = connection.execute(update(table).where(table.c.id == PUBLIC_CONTENT_ROW)
                                .values(version=table.c.version + 1))
    if result.rowcount:
        return
    statement: postgresql.Insert | sqlite.Insert
    if connection.dialect.name == "postgresql":
        statement = postgresql.insert(table)
    elif connection.dialect.name == "sqlite":
        statement = sqlite.insert(table)
    else:  # pragma: no cover - the service runs on PostgreSQL and SQLite only
        connection.execute(table.insert().values(id=PUBLIC_CONTENT_ROW, version=2))
        return
    connection.execute(statement.values(id=PUBLIC_CONTENT_ROW, version=2)
                       .on_conflict_do_update(index_elements=[table.c.id],
                                              set_={"version": table.c.version + 1}))


def read_versions(session: Session) -> tuple[int, int]:
    """Return ``(graph_version, public-content version)`` read together in one query.

    Both count from 1; a row not made yet reads as 1. ``read_graph_version`` stays the way
    to read the graph's version alone.

    Examples
    --------
    >>> read_versions(session)  # the seed pathway loaded once, no story published yet
    (2, 1)
    """
    table = GraphState.__table__
    rows = dict(session.connection().execute(
        select(table.c.id, table.c.version).where(
            table.c.id.in_((GRAPH_ROW, PUBLIC_CONTENT_ROW)))).all())
    return int(rows.get(GRAPH_ROW) or 1), int(rows.get(PUBLIC_CONTENT_ROW) or 1)


@event.listens_for(Session, "before_flush")
def _bump_version_on_graph_change(session: Session, flush_context, instances) -> None:
    """Bump ``graph_version`` in the same transaction as any unit-of-work change to the graph."""
    changed = any(isinstance(obj, GRAPH_MODELS) for obj in session.new) or any(
        isinstance(obj, GRAPH_MODELS) for obj in session.deleted
    ) or any(
        isinstance(obj, GRAPH_MODELS) and session.is_modified(obj) for obj in session.dirty
    )
    if changed:
        bump_graph_version(session)
