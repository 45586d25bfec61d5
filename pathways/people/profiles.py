"""Career profiles: where a person is, what they hold, where they want to go and how.

Services take the acting person, validate against the graph snapshot ``G``, change rows,
flush and record an audit event; the caller commits. Who may call them for whom is decided
in ``pathways.policy`` by the caller.

Equality data is optional, kept in its own table, reported only in aggregate with groups
smaller than :data:`SMALLEST_GROUP` suppressed (``pathways.suppression``), and never
written to audit details.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date

import networkx as nx
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit, clock
from ..dates import months_between
from ..errors import InvalidInput, NotFound, Problem
from ..models import EqualityRecord, HeldQualification, Person
from ..options import MAX_MONTHS, RouteOptions
from ..routes import MAX_STEPS, Route, make_route
from ..suppression import SMALLEST_GROUP as SMALLEST_GROUP  # the rule, re-exported
from ..suppression import SUPPRESSED as SUPPRESSED
from ..suppression import Shown, suppress_group

MAX_EVIDENCE = 500
EARLIEST_DATE = date(1940, 1, 1)
PREFER_NOT_TO_SAY = ("prefer-not-to-say", "Prefer not to say")

#: The equality questions: column -> (question, allowed answers as (value, label)).
#: Bands and groups follow the Office for National Statistics' 2021 Census for England.
EQUALITY_QUESTIONS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "age_band": ("What is your age?", (
        ("16-24", "16 to 24"), ("25-34", "25 to 34"), ("35-44", "35 to 44"),
        ("45-54", "45 to 54"), ("55-64", "55 to 64"), ("65-plus", "65 or over"),
        PREFER_NOT_TO_SAY)),
    "sex": ("What is your sex?", (
        ("female", "Female"), ("male", "Male"), PREFER_NOT_TO_SAY)),
    "ethnic_group": ("What is your ethnic group?", (
        ("asian", "Asian, Asian British or Asian Welsh"),
        ("black", "Black, Black British, Black Welsh, Caribbean or African"),
        ("mixed", "Mixed or multiple ethnic groups"),
        ("white", "White"),
        ("other", "Other ethnic group"),
        PREFER_NOT_TO_SAY)),
    "disability": ("Do you consider yourself to have a disability?", (
        ("yes", "Yes"), ("no", "No"), PREFER_NOT_TO_SAY)),
}
NOT_ANSWERED = "not-answered"
#: The age groups of the equality and age report (as Somerset asks), from the ONS age bands
#: people give (no date of birth is stored): group -> (label, the bands it holds).
AGE_GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "under-25": ("Under 25", ("16-24",)),
    "25-54": ("25 to 54", ("25-34", "35-44", "45-54")),
    "55-plus": ("55 or over", ("55-64", "65-plus")),
}


def held_qualification_ids(person: Person) -> frozenset[str]:
    """Return the ids of the qualifications ``person`` holds."""
    return frozenset(held.qualification_id for held in person.qualifications)


def months_in_current_role(person: Person, today: date | None = None) -> int:
    """Return the whole months ``person`` has been in their current role (0 when unknown).

    Counted from the profile's ``role_start_date`` to ``today`` (default: the clock's),
    a month ending on the same day of a later month, and at most ``MAX_MONTHS``.

    Examples
    --------
    >>> from pathways.models import Person
    >>> carer = Person(current_role_id="care-worker", role_start_date=date(2022, 3, 25))
    >>> months_in_current_role(carer, date(2022, 4, 24)), months_in_current_role(carer,
    ...                                                                       date(2022, 4, 25))
    (0, 1)
    >>> months_in_current_role(carer, date(2026, 11, 24))
    55
    """
    start = person.role_start_date
    if start is None or person.current_role_id is None:
        return 0
    today = today or clock.today()
    months = months_between(start, today) - (today.day < start.day)
    return max(0, min(months, MAX_MONTHS))


def _check_node(G: nx.DiGraph, node_id: str | None, kind: str, where: str) -> list[Problem]:
    if not node_id or node_id not in G:
        return [Problem(where, f"Choose a {kind} from the career map")]
    if G.nodes[node_id]["kind"] != kind:
        return [Problem(where, f"{G.nodes[node_id]['title']} is not a {kind}")]
    return []


def _check_date(value: date | None, where: str, what: str) -> list[Problem]:
    if value is None:
        return []
    if value > clock.today():
        return [Problem(where, f"{what} must be today or in the past")]
    if value < EARLIEST_DATE:
        return [Problem(where, f"{what} must be after {EARLIEST_DATE:%Y}")]
    return []


def set_current_role(session: Session, G: nx.DiGraph, actor: Person, person: Person,
                     role_id: str, start_date: date | None = None) -> None:
    """Set the role a person is in now and when they started it.

    A chosen route that no longer starts at the current role is cleared. A new role cannot
    keep the old one's start date (the form shows it, so it is easily left as it was): the
    start of the new role is asked for, or left empty.

    Raises
    ------
    InvalidInput
        For a role not on the map, a start date in the future or before 1940, or the
        previous role's start date given for a different role.
    """
    problems = _check_node(G, role_id, "role", "role")
    problems += _check_date(start_date, "started_on", "The start date")
    if (not problems and start_date is not None and person.current_role_id is not None
            and role_id != person.current_role_id and start_date == person.role_start_date):
        old = G.nodes[person.current_role_id]["title"] if person.current_role_id in G \
            else person.current_role_id
        problems.append(Problem(
            "started_on", f"{start_date.day} {start_date:%B %Y} is when you started as {old}: "
            f"enter when you started as {G.nodes[role_id]['title']}, or leave the date empty"))
    if problems:
        raise InvalidInput(problems, "The current role was not changed")
    person.current_role_id = role_id
    person.role_start_date = start_date
    changed = ["current_role_id", "role_start_date"]
    if person.chosen_route and person.chosen_route[0] != role_id:
        person.chosen_route = None
        changed.append("chosen_route")
    if person.target_role_id == role_id:
        person.target_role_id = None
        changed.append("target_role_id")
    session.flush()
    audit.record(session, actor, "update", "person", person.id, "current role changed",
                 {"fields": changed, "current_role_id": role_id}, concerns=person)


def add_qualification(session: Session, G: nx.DiGraph, actor: Person, person: Person,
                      qualification_id: str, achieved_on: date | None = None,
                      evidence: str = "") -> HeldQualification:
    """Record that a person holds a qualification, when they achieved it and the evidence seen.

    A qualification removed earlier is restored with its stored date and evidence (what is
    given fills only what it lacks).

    Raises
    ------
    InvalidInput
        For a qualification not on the map or already held, a date in the future, or
        evidence longer than 500 characters.
    """
    evidence = (evidence or "").strip()
    problems = _check_node(G, qualification_id, "qualification", "qualification")
    if not problems and qualification_id in held_qualification_ids(person):
        problems.append(Problem("qualification",
                                f"{G.nodes[qualification_id]['title']} is already recorded"))
    problems += _check_date(achieved_on, "achieved_on", "The date achieved")
    if len(evidence) > MAX_EVIDENCE:
        problems.append(Problem("evidence", f"Evidence must be {MAX_EVIDENCE} characters or fewer"))
    if problems:
        raise InvalidInput(problems, "The qualification was not added")
    restored = any(h.qualification_id == qualification_id and h.removed_on is not None
                   for h in person.qualification_history)
    held = person.hold_qualification(qualification_id, achieved_on, evidence)
    session.flush()
    audit.record(session, actor, "add-qualification", "person", person.id,
                 f"holds {qualification_id}" + (" again (restored)" if restored else ""),
                 {"qualification_id": qualification_id, "restored": restored},
                 concerns=person)
    session.expire(person, ["qualification_history"])
    return held


def remove_qualification(session: Session, actor: Person, person: Person,
                         qualification_id: str, today: date | None = None) -> None:
    """Remove a qualification from what a person holds, keeping its record.

    The row stays, dated ``removed_on`` (today), with its achieved date and evidence: it no
    longer counts anywhere (routes, educators, reports), the profile lists it as removed, and
    adding it again restores it.

    Raises
    ------
    NotFound
        When the person does not hold it.
    """
    held = next((h for h in person.qualifications if h.qualification_id == qualification_id),
                None)
    if held is None:
        raise NotFound(f"No held qualification {qualification_id!r} to remove")
    held.removed_on = today or clock.today()
    session.flush()
    session.expire(person, ["qualifications", "qualification_history"])
    audit.record(session, actor, "remove-qualification", "person", person.id,
                 f"no longer holds {qualification_id}", {"qualification_id": qualification_id},
                 concerns=person)


def route_problems(G: nx.DiGraph, person: Person, path: list[str],
                   target_role_id: str | None = None) -> list[str]:
    """Return why ``path`` is not a route this person can take on the map (empty when it is).

    A route starts at the current role and ends at the target; each step is a move on the
    map, or the zero-time "already held" step from the start to a qualification held; the
    prerequisites of each move are held or gained earlier on the route.
    """
    target = target_role_id or person.target_role_id
    held = held_qualification_ids(person)
    if not person.current_role_id:
        return ["Set your current role before choosing a route"]
    if len(path) < 2 or len(path) - 1 > MAX_STEPS:
        return [f"A route has from 1 to {MAX_STEPS} steps"]
    if path[0] != person.current_role_id or path[-1] != target:
        return ["A route must go from the current role to the target role"]
    if len(set(path)) != len(path):
        return ["A route must not visit the same place twice"]
    unknown = [node for node in path if node not in G]
    if unknown:
        return [f"{', '.join(unknown)} is not on the career map"]
    for u, v in itertools.pairwise(path):
        if not G.has_edge(u, v) and not (u == path[0] and v in held):
            return [f"There is no move from {G.nodes[u]['title']} to {G.nodes[v]['title']}"]
    if make_route(G, path, RouteOptions(have=held)) is None:
        return ["The route needs qualifications that are neither held nor gained before"]
    return []


def set_target(session: Session, G: nx.DiGraph, actor: Person, person: Person,
               target_role_id: str | None, route: list[str] | None = None) -> None:
    """Set the role a person wants to reach and, optionally, the route they chose to it.

    ``target_role_id`` None clears the target and the route. A new target without a route
    clears a route chosen for another target.

    Raises
    ------
    InvalidInput
        For a target not on the map or the same as the current role, or a route that is
        not a real path on the map from the current role to the target.

    Examples
    --------
    >>> set_target(session, G, me, me, "social-worker",
    ...            ["care-worker", "social-work-degree-university",
    ...             "newly-qualified-social-worker", "asye", "social-worker"])
    >>> me.target_role_id
    'social-worker'
    """
    if target_role_id is None:
        person.target_role_id = person.chosen_route = None
        session.flush()
        audit.record(session, actor, "update", "person", person.id, "target cleared",
                     {"fields": ["target_role_id", "chosen_route"]},
                     concerns=person)
        return
    problems = _check_node(G, target_role_id, "role", "target")
    if not problems and target_role_id == person.current_role_id:
        problems.append(Problem("target", "The target must be a different role from the current"
                                          " one"))
    if not problems and route is not None:
        problems += [Problem("route", message)
                     for message in route_problems(G, person, list(route), target_role_id)]
    if problems:
        raise InvalidInput(problems, "The target was not changed")
    changed = ["target_role_id"]
    if route is not None or (person.chosen_route and person.chosen_route[-1] != target_role_id):
        person.chosen_route = list(route) if route is not None else None
        changed.append("chosen_route")
    person.target_role_id = target_role_id
    session.flush()
    audit.record(session, actor, "update", "person", person.id, "target changed",
                 {"fields": changed, "target_role_id": target_role_id},
                 concerns=person)


def chosen_route(G: nx.DiGraph, person: Person) -> Route | None:
    """Return the person's chosen route explained step by step, or None if none still fits."""
    path = person.chosen_route
    if not path or route_problems(G, person, list(path)):
        return None
    return make_route(G, list(path), RouteOptions(have=held_qualification_ids(person)))


def equality_answers(session: Session, person: Person) -> dict[str, str | None]:
    """Return the person's own equality answers by question (None where not answered)."""
    record = session.get(EqualityRecord, person.id)
    return {field: getattr(record, field) if record else None for field in EQUALITY_QUESTIONS}


def save_equality(session: Session, actor: Person, person: Person,
                  answers: Mapping[str, str | None]) -> None:
    """Save a person's own optional equality answers (a blank answer is no answer).

    Only the person may give them. The audit event says that answers were saved, never what.

    Raises
    ------
    InvalidInput
        For an answer that is not one of those listed, an unknown question, or someone
        answering for another person.
    """
    problems = []
    if actor.id != person.id:
        problems.append(Problem("person", "Only the person can give their equality data"))
    cleaned: dict[str, str | None] = {}
    for field, value in answers.items():
        if field not in EQUALITY_QUESTIONS:
            problems.append(Problem(field, "Unknown question"))
            continue
        allowed = {v for v, _ in EQUALITY_QUESTIONS[field][1]}
        if value and value not in allowed:
            problems.append(Problem(field, "Choose one of the answers listed"))
        cleaned[field] = value or None
    if problems:
        raise InvalidInput(problems, "The equality data was not saved")
    record = session.get(EqualityRecord, person.id)
    if record is None:
        record = EqualityRecord(person_id=person.id)
        session.add(record)
    for field, value in cleaned.items():
        setattr(record, field, value)
    session.flush()
    audit.record(session, actor, "update", "equality", person.id, "equality data saved",
                 concerns=person)


def equality_report(session: Session, organisation_ids: Iterable[int]
                    ) -> dict[str, dict[str, Shown]]:
    """Count the equality answers of the active people in some organisations, suppressed.

    Every answer (and "not-answered") is listed for every question, and the age bands again
    in the report's :data:`AGE_GROUPS` (as ``"age_group"``, first). A count below 5 is
    reported as ``"fewer than 5"``; when that leaves exactly one suppressed count in a
    question, the next smallest is suppressed too, so no count can be worked out from the
    others and the headcount (``pathways.suppression.suppress_group``).

    Examples
    --------
    With only two people, every count is suppressed:

    >>> equality_report(session, [council.id])["sex"]  # doctest: +NORMALIZE_WHITESPACE
    {'female': 'fewer than 5', 'male': 'fewer than 5', 'prefer-not-to-say': 'fewer than 5',
     'not-answered': 'fewer than 5'}
    """
    columns = [getattr(EqualityRecord, field) for field in EQUALITY_QUESTIONS]
    rows = session.execute(
        select(Person.id, *columns)
        .outerjoin(EqualityRecord, EqualityRecord.person_id == Person.id)
        .where(Person.organisation_id.in_(list(organisation_ids)), Person.active.is_(True))
    ).all()
    group_of = {band: group for group, (_, bands) in AGE_GROUPS.items() for band in bands}
    band_at = list(EQUALITY_QUESTIONS).index("age_band") + 1
    ages = Counter(group_of.get(row[band_at], row[band_at] or NOT_ANSWERED) for row in rows)
    report = {"age_group": suppress_group(
        {value: ages.get(value, 0) for value in (*AGE_GROUPS, PREFER_NOT_TO_SAY[0],
                                                 NOT_ANSWERED)})}
    for index, (field, (_, options)) in enumerate(EQUALITY_QUESTIONS.items(), start=1):
        counts = Counter(row[index] or NOT_ANSWERED for row in rows)
        cells = {value: counts.get(value, 0) for value, _ in options}
        cells[NOT_ANSWERED] = counts.get(NOT_ANSWERED, 0)
        report[field] = suppress_group(cells)
    return report
