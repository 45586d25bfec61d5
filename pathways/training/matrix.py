"""The training matrix: an organisation's people by the subjects their roles require.

Every cell is worked out in SQL: for each person and each subject their current role requires
at the organisation, their latest completion (``training_latest``, kept by every writer of
records, see ``pathways.training.latest``; the organisation's rows are read by a range of
its key per person), then its status by comparing that day with the subject's
``StatusBounds`` (see ``pathways.training.status``), joined as rows.
A page works the organisation's cells out twice, each one aggregate:

- the people (``GROUP BY`` person: the worst status and how many urgent cells), filtered by
  team, role and status, most urgent first (anyone with an expired subject, then missing,
  then expiring soon, then up to date; more urgent cells first within each), how many there
  are (a window count over the same groups) and the page of them by keyset;
- the compliance (``GROUP BY`` team and subject), which gives both the per-subject and the
  per-team percentages;

then the cells of the page's 25 people only. So a page asks the same few queries whatever
the size of the organisation, none of them a lookup per cell.

``cells_query`` is the same cells worked out from the records themselves (the latest
completion up to the day, per cell): the definition the kept table must agree with, used by
the compliance report, which may be for any past day (``pathways compliance --as-of``). The
pages are for today, and no completion is later than today (a record's day is never in the
future), so the two agree there; on a past day the kept latest may be later than the day,
and such a cell counts as missing, as in the partnership summary.

A subject is **compliant** for a person when it is up to date or expiring soon.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    Select,
    String,
    Subquery,
    and_,
    case,
    func,
    literal,
    or_,
    select,
    text,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import Session

from ..models import (
    Node,
    Organisation,
    Person,
    Team,
    TrainingLatest,
    TrainingRecord,
    TrainingRequirement,
    TrainingSubject,
)
from ..paging import Key, keyset_page
from .status import StatusBounds, TrainingStatus, expiry_date
from .subjects import expiring_window, intervals_for

#: People a page of the matrix.
PER_PAGE = 25
#: The urgency numbers SQL sorts by, from ``TrainingStatus.urgency``.
URGENCY = {status.urgency: status for status in TrainingStatus}
EXPIRED, MISSING, SOON, UP_TO_DATE = (TrainingStatus.EXPIRED.urgency,
                                      TrainingStatus.MISSING.urgency,
                                      TrainingStatus.EXPIRING_SOON.urgency,
                                      TrainingStatus.UP_TO_DATE.urgency)


@dataclass(frozen=True)
class MatrixFilters:
    """What the matrix is narrowed to: a team, a role, people with a subject in a status."""

    team_id: int | None = None
    role_id: str | None = None
    status: TrainingStatus | None = None


@dataclass(frozen=True)
class Cell:
    """One person's status for one subject (None: their role does not require it)."""

    subject_id: str
    status: TrainingStatus | None
    completed_on: date | None = None
    expires_on: date | None = None


@dataclass(frozen=True)
class MatrixRow:
    """A person of the matrix, with a cell for each of its subjects."""

    person_id: int
    name: str
    team: str
    role: str
    worst: TrainingStatus
    cells: list[Cell]


@dataclass(frozen=True)
class Compliance:
    """How many required cells of a group are compliant (up to date or expiring soon)."""

    key: str
    label: str
    required: int
    compliant: int

    @property
    def percent(self) -> int:
        """The compliant share, in whole per cent rounded down (100 only when all are)."""
        return math.floor(100 * self.compliant / self.required) if self.required else 0


@dataclass(frozen=True)
class Setting:
    """What a matrix of an organisation on a day rests on: subjects, intervals, window."""

    organisation: Organisation
    today: date
    window: int
    subjects: list[TrainingSubject]
    intervals: dict[str, int | None]

    def bounds(self, subject_id: str) -> StatusBounds:
        """Return the status bounds of one subject on the day."""
        return StatusBounds.on(self.today, self.window, self.intervals.get(subject_id))


@dataclass(frozen=True)
class Matrix:
    """A page of the matrix, with the percentages of everyone the filters keep."""

    setting: Setting
    rows: list[MatrixRow]
    number: int
    after: str | None
    before: str | None
    total: int
    by_subject: list[Compliance] = field(default_factory=list)
    by_team: list[Compliance] = field(default_factory=list)

    @property
    def subjects(self) -> list[TrainingSubject]:
        """The matrix's columns."""
        return self.setting.subjects


def setting_for(session: Session, organisation: Organisation, today: date) -> Setting:
    """Return the subjects an organisation requires of any role, their intervals and window."""
    subjects = list(session.scalars(
        select(TrainingSubject).where(TrainingSubject.id.in_(
            select(TrainingRequirement.subject_id).where(
                TrainingRequirement.organisation_id == organisation.id)))
        .order_by(TrainingSubject.title)))
    return Setting(organisation, today, expiring_window(session, organisation.id), subjects,
                   intervals_for(session, organisation.id, subjects))


def urgency_of(setting: Setting, subject_id: ColumnElement[str],
               last: ColumnElement[date]) -> ColumnElement[int]:
    """Return the SQL expression of a cell's urgency from its subject and latest completion.

    Subjects with the same interval share their bounds, so the expression has a branch per
    interval, not per subject.
    """
    by_interval: dict[int, list[str]] = {}
    for subject_id_, months in setting.intervals.items():
        if months is not None:
            by_interval.setdefault(months, []).append(subject_id_)
    whens: list[tuple[ColumnElement[bool], int]] = [(last.is_(None), MISSING)]
    for months, ids in sorted(by_interval.items()):
        bounds = StatusBounds.on(setting.today, setting.window, months)
        if bounds.expired_before is None or bounds.expiring_before is None:
            continue  # never: an interval always has bounds
        whens.append((and_(subject_id.in_(ids), last < bounds.expired_before), EXPIRED))
        whens.append((and_(subject_id.in_(ids), last < bounds.expiring_before), SOON))
    return case(*whens, else_=literal(UP_TO_DATE))


def cells_query(setting: Setting, people: ColumnElement[bool]) -> Select:
    """Return the SQL of every required cell of the people ``people`` selects.

    Columns: ``person_id``, ``subject_id``, ``last`` (the latest completion up to the day,
    or None) and ``urgency``.
    """
    last = (select(func.max(TrainingRecord.completed_on))
            .where(TrainingRecord.person_id == Person.id,
                   TrainingRecord.subject_id == TrainingRequirement.subject_id,
                   TrainingRecord.completed_on <= setting.today)
            .correlate(Person, TrainingRequirement).scalar_subquery())
    required = (select(Person.id.label("person_id"),
                       TrainingRequirement.subject_id.label("subject_id"), last.label("last"))
                .join(TrainingRequirement, and_(
                    TrainingRequirement.organisation_id == Person.organisation_id,
                    TrainingRequirement.role_id == Person.current_role_id))
                .where(people, Person.organisation_id == setting.organisation.id)
                .subquery("required"))
    return select(required.c.person_id, required.c.subject_id, required.c.last,
                  urgency_of(setting, required.c.subject_id, required.c.last).label("urgency"))


def bounds_of(setting: Setting) -> Subquery:
    """Return the SQL rows of each subject's status bounds on the day: ``subject_id``,
    ``expired_before`` and ``expiring_before`` (both None when it does not expire).

    Joined to the cells on the subject, a cell's status is two date comparisons, where
    ``urgency_of``'s branches compare its subject with a list of ids first.
    """
    rows = [select(literal(subject.id, String).label("subject_id"),
                   literal(bounds.expired_before, Date).label("expired_before"),
                   literal(bounds.expiring_before, Date).label("expiring_before"))
            for subject in setting.subjects
            for bounds in (setting.bounds(subject.id),)]
    if not rows:  # no subject is required: a row that joins no cell
        rows = [select(literal("", String).label("subject_id"),
                       literal(None, Date).label("expired_before"),
                       literal(None, Date).label("expiring_before"))]
    return union_all(*rows).subquery("bounds")


def without_jit(session: Session) -> None:
    """On PostgreSQL, compile no query of this transaction (``SET LOCAL jit = off``).

    The planner's price of a query over an organisation's cells grows with the organisation,
    and past its JIT thresholds (100,000; inlining and optimising past 500,000) compiling cost
    more than running: 15 ms to 0.7 s a query, for queries that run in 5-30 ms. Ends with
    the transaction.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))


def latest_cells(setting: Setting, people: ColumnElement[bool], *columns: ColumnElement
                 ) -> Select:
    """Return the SQL of every required cell of the people ``people`` selects, each with its
    person's latest completion as kept in ``training_latest``.

    Columns: ``person_id``, ``team_id``, ``subject_id``, ``last`` (the latest completion,
    None when there is none or it is later than the day), ``urgency``, then ``columns`` (of
    ``Person``, e.g. the name to order by).

    The kept rows are those of the people chosen (``kept``: one range of the table's key per
    person), joined to the cells. Joined to the cells directly, with every
    organisation's completions kept (two million rows in a region-sized copy), PostgreSQL
    hashed the whole table for each query: 0.9 s, against 10-30 ms.
    """
    bounds = bounds_of(setting)
    chosen = select(Person.id).where(people, Person.organisation_id == setting.organisation.id)
    found = (select(TrainingLatest.person_id, TrainingLatest.subject_id,
                    TrainingLatest.completed_on)
             .where(TrainingLatest.person_id.in_(chosen)).subquery("kept"))
    kept = found.c.completed_on
    last = case((kept <= setting.today, kept), else_=None)
    urgency = case((or_(kept.is_(None), kept > setting.today), MISSING),
                   (kept < bounds.c.expired_before, EXPIRED),
                   (kept < bounds.c.expiring_before, SOON), else_=literal(UP_TO_DATE))
    return (select(Person.id.label("person_id"), Person.team_id.label("team_id"),
                   TrainingRequirement.subject_id.label("subject_id"), last.label("last"),
                   urgency.label("urgency"), *columns)
            .join(TrainingRequirement, and_(
                TrainingRequirement.organisation_id == Person.organisation_id,
                TrainingRequirement.role_id == Person.current_role_id))
            .join(bounds, bounds.c.subject_id == TrainingRequirement.subject_id)
            .outerjoin(found, and_(found.c.person_id == Person.id,
                                   found.c.subject_id == TrainingRequirement.subject_id))
            .where(people, Person.organisation_id == setting.organisation.id))


def people_condition(base: ColumnElement[bool], filters: MatrixFilters) -> ColumnElement[bool]:
    """Return ``base`` narrowed by the team and role filters."""
    conditions = [base]
    if filters.team_id is not None:
        conditions.append(Person.team_id == filters.team_id)
    if filters.role_id is not None:
        conditions.append(Person.current_role_id == filters.role_id)
    conditions.append(Person.active.is_not(False))
    return and_(*conditions)


def training_matrix(session: Session, organisation: Organisation, people: ColumnElement[bool],
                    today: date, filters: MatrixFilters | None = None, *,
                    after: str | None = None, before: str | None = None, number: int = 1,
                    per_page: int = PER_PAGE) -> Matrix:
    """Return a page of an organisation's training matrix on ``today``.

    Parameters
    ----------
    organisation
        Whose people and requirements.
    people
        The SQL condition on ``Person`` of whom the viewer may see
        (``policy.training_people_filter``): everyone, or a manager's team.
    today
        The day the statuses are for.
    filters
        Team, role and status (people with at least one subject in it).
    after, before, number
        Where the page of people continues: a cursor of the page before (``after``) or
        after (``before``) and the page's number (``paging.keyset_page``; anything else is
        the first page).
    per_page
        How many people a page.

    Returns
    -------
    Matrix
        The page's rows (most urgent first), the cursors either side, how many people, and
        the compliance per subject and per team of everyone the team and role filters keep.
    """
    filters = filters or MatrixFilters()
    without_jit(session)
    setting = setting_for(session, organisation, today)
    condition = people_condition(people, filters)
    cells = latest_cells(setting, condition, Person.name.label("name")).subquery("cells")
    urgent = func.sum(case((cells.c.urgency <= MISSING, 1), else_=0))
    per_person = (select(cells.c.person_id, cells.c.name,
                         func.min(cells.c.urgency).label("worst"), urgent.label("urgent"),
                         func.count().over().label("total"))
                  .group_by(cells.c.person_id, cells.c.name))
    if filters.status is not None:
        per_person = per_person.having(
            func.sum(case((cells.c.urgency == filters.status.urgency, 1), else_=0)) > 0)
    ranked = per_person.subquery("ranked")
    keys = (Key(type_coerce(ranked.c.worst, Integer).label("worst_key")),
            Key(type_coerce(ranked.c.urgent, Integer).label("urgent_key"), descending=True),
            Key(ranked.c.name.label("name_key")), Key(ranked.c.person_id.label("id_key")))
    found = keyset_page(
        session, select(ranked.c.person_id, ranked.c.worst, ranked.c.name, ranked.c.total),
        keys, after=after, before=before, number=number, per_page=per_page,
        counted=(0, False))
    total = found.rows[0][-1] if found.rows else 0  # the window count: everyone the
    rows = _rows(session, setting, found.rows, people)  # filters keep, whatever the page
    by_subject, by_team = compliance(session, setting, cells)
    return Matrix(setting, rows, found.number, found.after, found.before, total, by_subject,
                  by_team)


def _rows(session: Session, setting: Setting, listed: Sequence, people: ColumnElement[bool]
          ) -> list[MatrixRow]:
    """Return the page's people with their team, role and cells (one query for every cell
    of the page)."""
    ids = [row[0] for row in listed]
    found: dict[int, dict[str, tuple[date | None, int]]] = {person_id: {} for person_id in ids}
    about: dict[int, tuple[str, str]] = {}
    if ids:
        cells = latest_cells(setting, and_(people, Person.id.in_(ids)),
                             Team.name.label("team"), Node.title.label("role"))
        cells = (cells.outerjoin(Team, Team.id == Person.team_id)
                 .outerjoin(Node, Node.id == Person.current_role_id))
        for person_id, _team_id, subject_id, last, urgency, team, role in session.execute(cells):
            found[person_id][subject_id] = (last, urgency)
            about[person_id] = (team or "", role or "")
    rows = []
    for person_id, worst, name, _total in listed:
        cells_ = []
        for subject in setting.subjects:
            held = found[person_id].get(subject.id)
            if held is None:
                cells_.append(Cell(subject.id, None))
                continue
            last, urgency = held
            expires = None if last is None else expiry_date(last, setting.intervals[subject.id])
            cells_.append(Cell(subject.id, URGENCY[urgency], last, expires))
        team, role = about.get(person_id, ("", ""))
        rows.append(MatrixRow(person_id, name, team, role, URGENCY[worst], cells_))
    return rows


def compliance_by_subject(session: Session, setting: Setting, cells) -> list[Compliance]:
    """Return each required subject's compliance among the cells (one ``GROUP BY``)."""
    counted = dict(((subject_id, (required, compliant)) for subject_id, required, compliant in
                    session.execute(select(cells.c.subject_id, func.count(),
                                           func.sum(case((cells.c.urgency >= SOON, 1),
                                                         else_=0)))
                                    .group_by(cells.c.subject_id))))
    return [Compliance(subject.id, subject.title, *counted[subject.id])
            for subject in setting.subjects if subject.id in counted]


def compliance(session: Session, setting: Setting, cells
               ) -> tuple[list[Compliance], list[Compliance]]:
    """Return the compliance per subject and per team among the cells (of ``latest_cells``),
    both from one ``GROUP BY`` team and subject (then the names of the teams counted, by
    their primary key: joining the teams to the groups made PostgreSQL hash every team of
    the region).

    Subjects come in the matrix's order (by title), teams by name with no team last.
    """
    grouped = session.execute(
        select(cells.c.team_id, cells.c.subject_id, func.count(),
               func.sum(case((cells.c.urgency >= SOON, 1), else_=0)))
        .group_by(cells.c.team_id, cells.c.subject_id)).all()
    subjects: dict[str, list[int]] = {}
    counted: dict[int | None, list[int]] = {}
    for team_id, subject_id, required, compliant in grouped:
        for counts in (subjects.setdefault(subject_id, [0, 0]),
                       counted.setdefault(team_id, [0, 0])):
            counts[0] += required
            counts[1] += compliant or 0
    named = [team_id for team_id in counted if team_id is not None]
    teams = session.execute(select(Team.id, Team.name).where(Team.id.in_(named))
                            .order_by(Team.name, Team.id)).all()
    by_subject = [Compliance(subject.id, subject.title, *subjects[subject.id])
                  for subject in setting.subjects if subject.id in subjects]
    by_team = [Compliance(str(team_id), name, *counted[team_id]) for team_id, name in teams]
    by_team += [Compliance("", "No team", *counted[None])] if None in counted else []
    return by_subject, by_team


def filter_choices(session: Session, organisation: Organisation, people: ColumnElement[bool]
                   ) -> tuple[list[tuple[int, str]], list[tuple[str, str]]]:
    """Return the teams and the roles (with requirements) the viewer may filter by."""
    teams = session.execute(
        select(Team.id, Team.name).where(Team.organisation_id == organisation.id,
                                         Team.id.in_(select(Person.team_id).where(people)))
        .order_by(Team.name)).all()
    roles = session.execute(
        select(Node.id, Node.title).where(Node.id.in_(
            select(TrainingRequirement.role_id).where(
                TrainingRequirement.organisation_id == organisation.id)))
        .order_by(Node.title)).all()
    return [(team_id, name) for team_id, name in teams], [(rid, t) for rid, t in roles]
