"""The partnership's training summary: per organisation and subject, the share compliant.

At region size (5,000 organisations, 250,000 people, 25 subjects: 6.25 million required
cells) no live query answers within a second: even joining each required cell to the
person's latest completion (``training_latest``) reads millions of rows. So the summary is
**worked out nightly** (``refresh_summary``, ``pathways training-summary``) into
``training_summary_cells`` (per organisation and subject: people required, compliant) and
``training_summary_totals`` (per subject for the partnership), and the page reads those
(``summary_page``: the totals, then a page of organisations by name, by keyset) and says
which day they are for. Statuses change with the days as well as with the records, so a
snapshot of a day is what a summary can be; the organisation's own pages stay live.

The counts are the same as the live ``partnership_summary`` (``counts_query``): each
organisation at its own intervals, compliant meaning up to date or expiring soon on the day,
a completion later than the day counting as none. The stored counts are raw; suppression is
applied where they are shown (``shown_cell``): under 5 required shows no counts, and the
compliant and the others are suppressed together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, Select, and_, case, delete, func, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .. import clock
from ..models import (
    Organisation,
    Partnership,
    Person,
    TrainingInterval,
    TrainingLatest,
    TrainingRequirement,
    TrainingSubject,
    TrainingSummaryCell,
    TrainingSummaryRun,
    TrainingSummaryTotal,
)
from ..paging import Key, KeysetPage, keyset_page
from ..suppression import SMALLEST_GROUP, SUPPRESSED, Shown, is_shown, suppress, suppress_group
from .status import StatusBounds

#: Organisations a page of the summary.
PER_PAGE = 25
#: The summary's order of organisations: by name (unique), then id.
BY_NAME = [Key(Organisation.name), Key(Organisation.id)]


@dataclass(frozen=True)
class SummaryCell:
    """An organisation's (or the partnership's) compliance with one subject, as the summary
    may show it."""

    required: Shown
    compliant: Shown
    percent: int | None


def shown_cell(required: int, compliant: int) -> SummaryCell:
    """Return the counts of a cell as they may be shown: suppressed under 5.

    Examples
    --------
    >>> shown_cell(15, 8)
    SummaryCell(required=15, compliant=8, percent=53)
    >>> shown_cell(13, 2)
    SummaryCell(required=13, compliant='fewer than 5', percent=None)
    >>> shown_cell(4, 4)
    SummaryCell(required='fewer than 5', compliant='fewer than 5', percent=None)
    """
    parts = suppress_group({"compliant": compliant, "not": required - compliant})
    shown = required >= SMALLEST_GROUP and is_shown(parts["compliant"])
    return SummaryCell(suppress(required), parts["compliant"] if shown else SUPPRESSED,
                       (100 * compliant // required) if shown else None)


def counts_query(session: Session, partnership_id: int, today: date) -> Select:
    """Return the SQL of every organisation and subject of a partnership with people
    required: ``organisation_id``, ``subject_id``, ``required``, ``compliant`` on ``today``.

    One pass over the active people of the partnership, their role's requirements and
    their latest completion of each (``training_latest``); the interval is the
    organisation's own where it has one, and each interval's bounds are worked out here
    (one branch per distinct interval, not per subject).
    """
    own = select(TrainingInterval).subquery("own")
    interval = case((own.c.organisation_id.is_(None), TrainingSubject.refresh_months),
                    else_=own.c.refresh_months)
    last = TrainingLatest.completed_on
    required = (select(Person.organisation_id.label("organisation_id"),
                       TrainingRequirement.subject_id.label("subject_id"),
                       interval.label("months"), last.label("last"))
                .join(TrainingRequirement, and_(
                    TrainingRequirement.organisation_id == Person.organisation_id,
                    TrainingRequirement.role_id == Person.current_role_id))
                .join(TrainingSubject, TrainingSubject.id == TrainingRequirement.subject_id)
                .outerjoin(own, and_(own.c.organisation_id == Person.organisation_id,
                                     own.c.subject_id == TrainingRequirement.subject_id))
                .outerjoin(TrainingLatest, and_(
                    TrainingLatest.person_id == Person.id,
                    TrainingLatest.subject_id == TrainingRequirement.subject_id))
                .join(Organisation, Organisation.id == Person.organisation_id)
                .where(Organisation.partnership_id == partnership_id,
                       Person.active.is_not(False))
                .subquery("required"))
    intervals = set(session.scalars(select(TrainingSubject.refresh_months).distinct()))
    intervals |= set(session.scalars(select(TrainingInterval.refresh_months).distinct()))
    whens: list[tuple[ColumnElement[bool], int]] = [(required.c.last.is_(None), 0),
                                                    (required.c.last > today, 0)]
    for months in sorted(months for months in intervals if months is not None):
        bounds = StatusBounds.on(today, 0, months)
        whens.append((and_(required.c.months == months,
                           required.c.last < bounds.expired_before), 0))
    compliant = case(*whens, else_=literal(1))
    return (select(required.c.organisation_id, required.c.subject_id,
                   func.count().label("required"), func.sum(compliant).label("compliant"))
            .group_by(required.c.organisation_id, required.c.subject_id))


@dataclass(frozen=True)
class SummaryRun:
    """What one refresh of a partnership's summary stored."""

    partnership_id: int
    as_of: date
    cells: int
    subjects: int


def refresh_summary(session: Session, partnership_id: int, today: date,
                    now: datetime | None = None) -> SummaryRun:
    """Work out a partnership's training summary on ``today`` and store it, replacing the
    one before.

    Parameters
    ----------
    partnership_id
        Whose organisations.
    today
        The day the statuses are for.
    now
        When it was worked out (shown on the page; default: now).

    Returns
    -------
    SummaryRun
        The day and how many organisation x subject cells and subjects were stored.

    Two refreshes of one partnership at once queue: the first statement takes the
    partnership's run row (an upsert locks it until commit), so the second replaces the
    first's rows whole rather than mixing with them.

    Examples
    --------
    >>> from pathways.models import Partnership
    >>> session.add(Partnership(id=3, name="Region"))
    >>> refresh_summary(session, 3, date(2026, 6, 1))
    SummaryRun(partnership_id=3, as_of=datetime.date(2026, 6, 1), cells=0, subjects=0)
    """
    row = {"partnership_id": partnership_id, "as_of": today,
           "refreshed_at": now or clock.now()}
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.flush()
    upsert = dialect.insert(TrainingSummaryRun).values(row)
    session.execute(upsert.on_conflict_do_update(
        index_elements=["partnership_id"],
        set_={"as_of": upsert.excluded.as_of, "refreshed_at": upsert.excluded.refreshed_at}))
    members = select(Organisation.id).where(Organisation.partnership_id == partnership_id)
    session.execute(delete(TrainingSummaryCell)
                    .where(TrainingSummaryCell.organisation_id.in_(members))
                    .execution_options(synchronize_session=False))
    session.execute(delete(TrainingSummaryTotal)
                    .where(TrainingSummaryTotal.partnership_id == partnership_id)
                    .execution_options(synchronize_session=False))
    counted = counts_query(session, partnership_id, today).subquery("counted")
    session.execute(TrainingSummaryCell.__table__.insert().from_select(
        ["organisation_id", "subject_id", "required", "compliant"],
        select(counted.c.organisation_id, counted.c.subject_id, counted.c.required,
               counted.c.compliant)))
    session.execute(TrainingSummaryTotal.__table__.insert().from_select(
        ["partnership_id", "subject_id", "required", "compliant"],
        select(literal(partnership_id), TrainingSummaryCell.subject_id,
               func.sum(TrainingSummaryCell.required), func.sum(TrainingSummaryCell.compliant))
        .where(TrainingSummaryCell.organisation_id.in_(members))
        .group_by(TrainingSummaryCell.subject_id)))
    subjects = session.scalar(select(func.count()).where(
        TrainingSummaryTotal.partnership_id == partnership_id)) or 0
    cells = session.scalar(select(func.count()).where(
        TrainingSummaryCell.organisation_id.in_(members))) or 0
    session.expire_all()
    return SummaryRun(partnership_id, today, cells, subjects)


def refresh_summaries(session: Session, today: date, now: datetime | None = None
                      ) -> list[tuple[str, SummaryRun]]:
    """Refresh the training summary of every partnership (by name); return what each stored.
    The caller commits after each or at the end."""
    return [(name, refresh_summary(session, partnership_id, today, now))
            for partnership_id, name in session.execute(
                select(Partnership.id, Partnership.name).order_by(Partnership.name)).all()]


@dataclass(frozen=True)
class SubjectTotal:
    """One subject's compliance across the partnership, as it may be shown.

    It reads as a row of a compliance table as the matrix's ``Compliance`` does (``key``,
    ``label``, ``required``, ``compliant``, ``percent``: None when suppressed), so both
    pages draw it with one macro (``training/compliance.html``).
    """

    subject: TrainingSubject
    cell: SummaryCell

    @property
    def key(self) -> str:
        """The subject's id."""
        return self.subject.id

    @property
    def label(self) -> str:
        """The subject's title."""
        return self.subject.title

    @property
    def required(self) -> Shown:
        """How many people it is required of, or that it is fewer than 5."""
        return self.cell.required

    @property
    def compliant(self) -> Shown:
        """How many of them are compliant, or that it is suppressed."""
        return self.cell.compliant

    @property
    def percent(self) -> int | None:
        """The compliant share in whole per cent, None when suppressed."""
        return self.cell.percent


@dataclass(frozen=True)
class SummaryPage:
    """The stored summary of a partnership: its day, the totals per subject, and a page of
    organisations with their cells (None for ``as_of``: never worked out yet)."""

    as_of: date | None
    refreshed_at: datetime | None
    totals: list[SubjectTotal]
    organisations: KeysetPage
    cells: dict[tuple[int, str], SummaryCell]

    @property
    def subjects(self) -> list[TrainingSubject]:
        """The summary's columns: every subject required somewhere in the partnership."""
        return [total.subject for total in self.totals]


def summary_page(session: Session, partnership_id: int, *, after: str | None = None,
                 before: str | None = None, number: int = 1, per_page: int = PER_PAGE
                 ) -> SummaryPage:
    """Return the stored summary of a partnership with one page of its organisations.

    Five queries whatever the size: the run, the totals with their subjects, the count and
    the page of organisations (by name, keyset: ``after``/``before`` are the cursors of
    ``KeysetPage``), and the page's cells.

    Examples
    --------
    >>> from pathways.models import Partnership
    >>> session.add(Partnership(id=4, name="Coast"))
    >>> found = summary_page(session, 4)
    >>> found.as_of, found.totals, found.organisations.rows
    (None, [], [])
    """
    run = session.get(TrainingSummaryRun, partnership_id)
    totals = [SubjectTotal(subject, shown_cell(required, compliant))
              for subject, required, compliant in session.execute(
                  select(TrainingSubject, TrainingSummaryTotal.required,
                         TrainingSummaryTotal.compliant)
                  .join(TrainingSummaryTotal,
                        TrainingSummaryTotal.subject_id == TrainingSubject.id)
                  .where(TrainingSummaryTotal.partnership_id == partnership_id)
                  .order_by(TrainingSubject.title)).all()]
    organisations = keyset_page(
        session, select(Organisation).where(Organisation.partnership_id == partnership_id),
        BY_NAME, after=after, before=before, number=number, per_page=per_page)
    ids = [organisation.id for organisation in organisations.rows]
    cells = {(organisation_id, subject_id): shown_cell(required, compliant)
             for organisation_id, subject_id, required, compliant in session.execute(
                 select(TrainingSummaryCell.organisation_id, TrainingSummaryCell.subject_id,
                        TrainingSummaryCell.required, TrainingSummaryCell.compliant)
                 .where(TrainingSummaryCell.organisation_id.in_(ids)))} if ids else {}
    return SummaryPage(run.as_of if run else None, run.refreshed_at if run else None,
                       totals, organisations, cells)
