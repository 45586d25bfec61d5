"""A region-sized demo partnership, generated: employers, staff, apprentices and mentoring.

``pathways generate-demo`` fills a database with made-up data the size of a real partnership
(by default the North West: 5,000 employers, 250,000 staff, 20,000 apprentices, 100,000
mentoring sessions) for benchmarks, scale tests and trying the pages at size. The pathway
(roles and qualifications) must be loaded first (``pathways seed``).

The same sizes, seed and day give the same rows: one ``random.Random(seed)`` decides
everything, ids are given explicitly (from one past the largest already stored) and dates
count back from ``today``. Rows are written with :mod:`pathways.bulk` (``COPY`` on
PostgreSQL), streamed table by table, in the caller's transaction.

What it makes, per employer: two teams, an L&D lead (also a manager) and a career champion
(the first ``2 × organisations`` people), one apprenticeship programme and one cohort. The
other staff are spread unevenly (a few large employers, many small ones), about 6% managers
and 2% more champions; half hold a qualification. Apprentices are staff enrolled in their
employer's cohort; mentoring sessions come five to a pairing of a champion and a colleague
(of the same employer where it has one). The first person is the partnership's
administrator. Nobody has a password: set one with ``pathways create-user`` or a reset.
"""

from __future__ import annotations

import math
import random
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import Connection, select, text

from . import bulk
from .apprenticeships.rules import funding_rule_year, required_otj_hours
from .dates import add_months
from .errors import InvalidInput, Problem
from .models import (
    Apprenticeship,
    ChampionPairing,
    ChampionProfile,
    Cohort,
    HeldQualification,
    MentoringSession,
    Node,
    Organisation,
    Partnership,
    Person,
    PersonRole,
    Programme,
    StatusChange,
    Team,
    Transition,
)

SUMMARY = "The demo region was not generated"
SESSIONS_PER_PAIRING = 5
TEAMS_PER_ORGANISATION = 2
TEAM_NAMES = ("Home care", "Reablement", "Residential care", "Day services",
              "Supported living", "Extra care", "Learning disability", "Community support")
FIRST_NAMES = ("Ann", "Bob", "Chloe", "Dev", "Ella", "Femi", "Grace", "Hamza", "Isla", "Jack",
               "Kiran", "Leah", "Mo", "Nia", "Owen", "Priya", "Quinn", "Rosa", "Sam", "Tom",
               "Uma", "Vik", "Wren", "Yusuf", "Zara", "Aled", "Beth", "Cai", "Dina", "Eli")
LAST_NAMES = ("Lee", "Hale", "Patel", "Khan", "Jones", "Smith", "Evans", "Okafor", "Brown",
              "Taylor", "Wilson", "Ahmed", "Clarke", "Davies", "Hughes", "Murphy", "Nowak",
              "Price", "Shah", "Walker", "Young", "Ali", "Begum", "Cooper", "Doyle")
MODES = ("in_person", "video", "phone")
TOPICS = ("Next steps towards the target role", "Qualifications to start", "Shadowing ideas",
          "Confidence at work", "Applying for an apprenticeship")


@dataclass(frozen=True)
class RegionSize:
    """How much to make; the defaults are a North-West-sized partnership."""

    organisations: int = 5000
    staff: int = 250_000
    apprentices: int = 20_000
    sessions: int = 100_000

    @property
    def total(self) -> int:
        """The units of progress: employers, people, apprentices and sessions."""
        return self.organisations + self.staff + self.apprentices + self.sessions


@dataclass(frozen=True)
class GeneratedRegion:
    """What was made: the partnership's id and the rows written per table."""

    partnership_id: int
    rows: dict[str, int]


def partnership_name(seed: int) -> str:
    """The generated partnership's name for ``seed`` (a second run with it is refused)."""
    return f"Demo region (seed {seed})"


def generate_region(connection: Connection, size: RegionSize, *, seed: int, today: date,
                    now: datetime,
                    progress: Callable[[int], None] | None = None) -> GeneratedRegion:
    """Write a generated partnership of ``size`` into the database.

    Parameters
    ----------
    connection : Connection
        In a transaction the caller commits; the pathway must be loaded.
    size : RegionSize
    seed : int
        The same seed, size and day give the same rows.
    today, now : date, datetime
        Dates count back from ``today``; ``now`` stamps the rows' creation.
    progress : callable, optional
        Called with the employers, people, apprentices and sessions written, as they go
        (``size.total`` in all).

    Returns
    -------
    GeneratedRegion

    Raises
    ------
    InvalidInput
        Sizes out of range, no pathway loaded, or this seed's region already there.

    Examples
    --------
    >>> generate_region(connection, RegionSize(3, 30, 4, 10), seed=1, today=day, now=moment)
    GeneratedRegion(partnership_id=1, rows={'partnerships': 1, 'organisations': 3, ...})
    """
    plan = _Plan(connection, size, seed, today, now, progress or (lambda count: None))
    return plan.write()


class _Plan:
    """The state of one generation: the random stream, first ids and who is who."""

    def __init__(self, connection: Connection, size: RegionSize, seed: int, today: date,
                 now: datetime, progress: Callable[[int], None]):
        self.connection, self.size, self.today, self.now = connection, size, today, now
        self.progress = progress
        self.rng, self.seed = random.Random(seed), seed  # nosec B311: made-up data, repeatable
        self.name = partnership_name(seed)
        _check(connection, size, self.name)
        self.roles = list(connection.scalars(select(Node.id).where(
            Node.kind == "role", Node.retired.is_(False)).order_by(Node.id)))
        self.qualifications = list(connection.scalars(select(Node.id).where(
            Node.kind == "qualification", Node.retired.is_(False)).order_by(Node.id)))
        self.families = {node: family for node, family in connection.execute(
            select(Node.id, Node.family).where(Node.kind == "role"))}
        self.programmes = _apprenticeship_programmes(connection)
        problems = []
        if not self.roles or not self.qualifications:
            problems.append(Problem("pathway", "no roles or qualifications are stored: load "
                                    "the pathway first (pathways seed)"))
        elif size.apprentices and not self.programmes:
            problems.append(Problem("pathway", "no apprenticeship leads to a role, so there is "
                                    "nothing to enrol apprentices on"))
        if problems:
            raise InvalidInput(problems, SUMMARY)
        self.first = {table.name: bulk.next_id(connection, table) for table in (
            Partnership.__table__, Organisation.__table__, Team.__table__, Person.__table__,
            HeldQualification.__table__, Programme.__table__, Cohort.__table__,
            Apprenticeship.__table__, StatusChange.__table__, ChampionPairing.__table__,
            MentoringSession.__table__)}
        #: Each person's employer (0-based) and whether they lead it (L&D or champion).
        self.employer = array("i")
        self.champions: list[int] = []
        self.by_employer: list[list[int]] = [[] for _ in range(size.organisations)]

    def write(self) -> GeneratedRegion:
        tables = [
            (Partnership.__table__, self._partnership(), False),
            (Organisation.__table__, self._organisations(), True),
            (Team.__table__, self._teams(), False),
            (Person.__table__, self._people(), True),
            (PersonRole.__table__, self._access(), False),
            (HeldQualification.__table__, self._held(), False),
            (ChampionProfile.__table__, self._champion_profiles(), False),
            (Programme.__table__, self._programme_rows(), False),
            (Cohort.__table__, self._cohorts(), False),
            (Apprenticeship.__table__, self._apprenticeships(), True),
            (StatusChange.__table__, self._status_changes(), False),
            (ChampionPairing.__table__, self._pairings(), False),
            (MentoringSession.__table__, self._sessions(), True),
        ]
        rows = {}
        for table, generated, counted in tables:
            rows[table.name] = bulk.write_rows(self.connection, table, generated,
                                               progress=self.progress if counted else None)
            if "id" in table.c and table.name in self.first:
                bulk.advance_sequence(self.connection, table)
        if self.connection.dialect.name == "postgresql":
            self.connection.execute(text("ANALYZE"))
        return GeneratedRegion(self.first["partnerships"], rows)

    # Employers and people -------------------------------------------------------------------

    def _partnership(self) -> Iterator[dict]:
        yield {"id": self.first["partnerships"], "name": self.name}

    def _organisations(self) -> Iterator[dict]:
        for number in range(self.size.organisations):
            yield {"id": self.first["organisations"] + number,
                   "name": f"Demo employer {number + 1:05d} ({self.name})",
                   "partnership_id": self.first["partnerships"]}

    def _teams(self) -> Iterator[dict]:
        for number in range(self.size.organisations * TEAMS_PER_ORGANISATION):
            yield {"id": self.first["teams"] + number,
                   "organisation_id": self.first["organisations"]
                   + number // TEAMS_PER_ORGANISATION,
                   "name": TEAM_NAMES[number % len(TEAM_NAMES)]}

    def _people(self) -> Iterator[dict]:
        rng, organisations = self.rng, self.size.organisations
        for number in range(self.size.staff):
            if number < 2 * organisations:  # each employer's L&D lead, then its champion
                employer = number % organisations
            else:  # a few large employers, many small ones
                employer = min(organisations - 1, int(organisations * rng.random() ** 2))
            self.employer.append(employer)
            self.by_employer[employer].append(number)
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            role = rng.choice(self.roles)
            yield {"id": self.first["people"] + number,
                   "email": f"{first}.{last}.{number + 1}@employer{employer + 1}."
                            f"region{self.seed}.example".lower(),
                   "name": f"{first} {last}", "staff_id": f"S{number + 1:07d}",
                   "organisation_id": self.first["organisations"] + employer,
                   "team_id": self.first["teams"] + employer * TEAMS_PER_ORGANISATION
                   + rng.randrange(TEAMS_PER_ORGANISATION),
                   "active": True, "session_generation": 0, "current_role_id": role,
                   "role_start_date": self.today - timedelta(days=rng.randrange(30, 3650)),
                   "target_role_id": rng.choice(self.roles) if rng.random() < 0.4 else None,
                   "created_at": self.now}

    def _access(self) -> Iterator[dict]:
        rng, organisations = self.rng, self.size.organisations
        for number in range(self.size.staff):
            person = self.first["people"] + number
            roles = ["staff"]
            if number < organisations:
                roles += ["lnd", "manager"]
            elif number < 2 * organisations or rng.random() < 0.02:
                roles.append("champion")
                self.champions.append(number)
            elif rng.random() < 0.06:
                roles.append("manager")
            if number == 0:
                roles.append("admin")
            for role in roles:
                yield {"person_id": person, "role": role,
                       "scope": "partnership" if number == 0 and role in ("admin", "lnd")
                       else "organisation"}

    def _held(self) -> Iterator[dict]:
        rng, number_held = self.rng, 0
        for number in range(self.size.staff):
            if rng.random() < 0.5:
                yield {"id": self.first["held_qualifications"] + number_held,
                       "person_id": self.first["people"] + number,
                       "qualification_id": rng.choice(self.qualifications),
                       "achieved_on": self.today - timedelta(days=rng.randrange(30, 3650)),
                       "evidence": "Generated"}
                number_held += 1

    def _champion_profiles(self) -> Iterator[dict]:
        rng = self.rng
        for number in self.champions:
            role = rng.choice(self.roles)
            yield {"person_id": self.first["people"] + number,
                   "specialisms": [self.families.get(role) or "care_and_support"],
                   "roles_held": [role], "capacity": 3,
                   "open_to_partnership": rng.random() < 0.3, "availability": ""}

    # Apprenticeships ------------------------------------------------------------------------

    def _programme_rows(self) -> Iterator[dict]:
        for number in range(self.size.organisations):
            qualification, role, _, _ = self.programmes[number % len(self.programmes)]
            yield {"id": self.first["programmes"] + number,
                   "organisation_id": self.first["organisations"] + number,
                   "name": f"Apprenticeship in {qualification}", "qualification_id": qualification,
                   "provider_name": "Demo College", "provider_kind": "college",
                   "leads_to_role_id": role}

    def _cohort_dates(self, number: int) -> tuple[date, date]:
        _, _, months, _ = self.programmes[number % len(self.programmes)]
        year = self.today.year - (1 if self.today.month >= 9 else 2)
        start = date(year, 9, 1)
        return start, add_months(start, months)

    def _cohorts(self) -> Iterator[dict]:
        for number in range(self.size.organisations):
            start, end = self._cohort_dates(number)
            yield {"id": self.first["cohorts"] + number,
                   "organisation_id": self.first["organisations"] + number,
                   "programme_id": self.first["programmes"] + number,
                   "name": f"Cohort {start.year}", "start_date": start, "planned_end_date": end,
                   "budget_kind": "levy"}

    def _apprentice_numbers(self) -> list[int]:
        leads = 2 * self.size.organisations
        return sorted(self.rng.sample(range(leads, self.size.staff), self.size.apprentices))

    def _apprenticeships(self) -> Iterator[dict]:
        self.apprentices = self._apprentice_numbers()
        hours = Decimal("37.5")
        for index, number in enumerate(self.apprentices):
            employer = self.employer[number]
            start, end = self._cohort_dates(employer)
            _, role, _, minimum = self.programmes[employer % len(self.programmes)]
            yield {"id": self.first["apprenticeships"] + index,
                   "cohort_id": self.first["cohorts"] + employer,
                   "person_id": self.first["people"] + number, "start_date": start,
                   "planned_end_date": end, "weekly_hours": hours,
                   "funding_year": funding_rule_year(start),
                   "otj_required_hours": required_otj_hours(start, end, float(hours),
                                                            minimum).hours,
                   "status": "active", "guaranteed_role_id": role, "created_at": self.now}

    def _status_changes(self) -> Iterator[dict]:
        for index, number in enumerate(self.apprentices):
            start, _ = self._cohort_dates(self.employer[number])
            yield {"id": self.first["apprenticeship_status_changes"] + index,
                   "apprenticeship_id": self.first["apprenticeships"] + index,
                   "from_status": None, "to_status": "active", "effective_on": start,
                   "reason": "Enrolled", "recorded_at": self.now}

    # Mentoring ------------------------------------------------------------------------------

    def _pairings(self) -> Iterator[dict]:
        rng, count = self.rng, math.ceil(self.size.sessions / SESSIONS_PER_PAIRING)
        leads, seen = 2 * self.size.organisations, set()
        self.pairs: list[int] = []
        for index in range(count):
            champion = self.champions[index % len(self.champions)]
            colleagues = self.by_employer[self.employer[champion]]
            for _ in range(20):  # a colleague not yet paired with this champion
                if len(colleagues) > 2:
                    person = rng.choice(colleagues)
                else:
                    person = rng.randrange(leads, self.size.staff)
                if person != champion and (champion, person) not in seen:
                    break
            else:
                continue
            seen.add((champion, person))
            self.pairs.append(champion)
            started = self.now - timedelta(days=rng.randrange(60, 400))
            yield {"id": self.first["champion_pairings"] + len(self.pairs) - 1,
                   "champion_id": self.first["people"] + champion,
                   "person_id": self.first["people"] + person, "status": "active",
                   "requested_at": started, "respond_by": (started + timedelta(days=10)).date(),
                   "responded_at": started + timedelta(days=2),
                   "goals": rng.choice(TOPICS), "meeting_frequency": "Monthly",
                   "agreed_until": self.today + timedelta(days=rng.randrange(30, 365))}

    def _sessions(self) -> Iterator[dict]:
        rng, pairs = self.rng, len(self.pairs)
        if not pairs:
            return
        for index in range(min(self.size.sessions, pairs * SESSIONS_PER_PAIRING)):
            pairing, order = index % pairs, index // pairs
            held = self.today - timedelta(days=30 * order + rng.randrange(1, 28))
            yield {"id": self.first["mentoring_sessions"] + index,
                   "pairing_id": self.first["champion_pairings"] + pairing,
                   "held_on": held, "duration_minutes": rng.choice((30, 45, 60)),
                   "mode": rng.choice(MODES), "topics": rng.choice(TOPICS),
                   "private_notes": "", "next_session_on": held + timedelta(days=30),
                   "recorded_by_id": self.first["people"] + self.pairs[pairing]}


def _apprenticeship_programmes(connection: Connection) -> list[tuple[str, str, int, int | None]]:
    """Each apprenticeship with a role it qualifies for: (id, role, months, minimum hours)."""
    qualification = Node.__table__.alias("qualification")
    role = Node.__table__.alias("role")
    found = connection.execute(
        select(qualification.c.id, role.c.id, qualification.c.duration_months,
               qualification.c.otj_min_hours)
        .join(Transition, Transition.source_id == qualification.c.id)
        .join(role, role.c.id == Transition.target_id)
        .where(qualification.c.standard_code.is_not(None), role.c.kind == "role",
               qualification.c.retired.is_(False), role.c.retired.is_(False))
        .order_by(qualification.c.id, role.c.id)).all()
    chosen: dict[str, tuple[str, str, int, int | None]] = {}
    for qualification_id, role_id, months, minimum in found:
        chosen.setdefault(qualification_id, (qualification_id, role_id,
                                             max(13, round(months or 24)), minimum))
    return list(chosen.values())


def _check(connection: Connection, size: RegionSize, name: str) -> None:
    """Refuse sizes that cannot make a region, and a seed already generated here."""
    problems = []
    for field in ("organisations", "staff", "apprentices", "sessions"):
        if getattr(size, field) < (1 if field in ("organisations", "staff") else 0):
            problems.append(Problem(field, "must be a whole number, at least "
                                    f"{1 if field in ('organisations', 'staff') else 0}"))
    if size.staff < 2 * size.organisations:
        problems.append(Problem("staff", "must be at least twice the organisations (each has "
                                "an L&D lead and a career champion)"))
    elif size.apprentices > size.staff - 2 * size.organisations:
        problems.append(Problem("apprentices", "must be at most the staff other than each "
                                "employer's L&D lead and champion "
                                f"({size.staff - 2 * size.organisations})"))
    if connection.scalar(select(Partnership.id).where(Partnership.name == name)) is not None:
        problems.append(Problem("seed", f"the region of this seed is already here ({name}): "
                                "use another seed or an empty database"))
    if problems:
        raise InvalidInput(problems, SUMMARY)
