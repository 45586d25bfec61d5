"""The matrix read from each person's latest completion as kept (``training_latest``) says
what the records themselves say: every cell, the order and count of people under every
filter, the compliance per subject and per team, and the expiring lists, on generated data
with expired, expiring soon, missing, up to date and not required cells (both engines).

The reference is ``cells_query``: each cell's latest completion found among the records up to
the day, the matrix's definition before the kept table was used for it.
"""

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from pathways import policy
from pathways.models import Person, Role, TrainingRecord, TrainingSubject
from pathways.people.accounts import create_person, team_named
from pathways.training.compliance import expiring_within
from pathways.training.latest import refill_latest
from pathways.training.matrix import (
    URGENCY,
    MatrixFilters,
    cells_query,
    latest_cells,
    people_condition,
    setting_for,
    training_matrix,
)
from pathways.training.records import record_training
from pathways.training.requirements import add_requirement
from pathways.training.status import TrainingStatus
from pathways.training.subjects import set_expiring_window, set_interval
from seed.training import load_subjects
from tests.databases import attach
from tests.recipes import TOY_PATHWAY, world_on

TODAY = date(2026, 6, 15)
#: Roles and what each requires: fire safety and basic life support expire every 12
#: months, safeguarding every 36 (12 at this organisation), the Care Certificate never.
REQUIRED = {"care-worker": ("fire-safety", "safeguarding-adults", "care-certificate"),
            "senior-care-worker": ("fire-safety", "basic-life-support"),
            "social-worker": ("safeguarding-adults",)}
SUBJECTS = sorted({subject for subjects in REQUIRED.values() for subject in subjects})


def build_region(session, people):
    """Sixty people in three teams (and none) and four roles (one requiring nothing, and
    none), with 0 to 3 records a subject spread over four years, some recorded one by one
    (``record_training``) and some in bulk and refilled, as the import does. Returns the
    council and ``make_people``'s people."""
    rng = random.Random(14)
    load_subjects(session)
    council = people["staff"].organisation
    teams = [team_named(session, council, name) for name in ("Home care", "Reablement",
                                                              "Night team")] + [None]
    for role, subjects in REQUIRED.items():
        for subject in subjects:
            add_requirement(session, None, council, session.get(Role, role),
                            session.get(TrainingSubject, subject))
    set_interval(session, None, council, session.get(TrainingSubject, "safeguarding-adults"),
                 12)
    set_expiring_window(session, council, 60)
    roles = [*REQUIRED, "volunteer", None]
    bulk = []
    for number in range(60):
        person = create_person(session, email=f"gen{number:02d}@example.org",
                               name=f"gen {number:02d}", organisation=council,
                               roles=["staff"], team=rng.choice(teams))
        person.current_role_id = rng.choice(roles)
        person.active = number % 17 != 0  # a few who left: never in the matrix
        session.flush()
        for subject in SUBJECTS:
            for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
                day = TODAY - timedelta(days=rng.randrange(0, 4 * 365))
                if rng.random() < 0.5:
                    record_training(session, None, person, session.get(TrainingSubject, subject),
                                    day, today=TODAY)
                else:
                    bulk.append(TrainingRecord(person_id=person.id, subject_id=subject,
                                               completed_on=day, organisation_id=council.id))
    session.add_all(bulk)
    refill_latest(session, {record.person_id for record in bulk})
    return council, people


#: The toy pathway, ``make_people``'s people and the generated region: built once per process
#: and engine (every test here only reads it), each test getting a copy.
REGION = world_on(TOY_PATHWAY, "training_matrix_region", build_region)


@pytest.fixture
def database_url(database_for):
    return database_for(REGION)


@pytest.fixture
def region(session, recipe_made):
    """The council and the people of ``build_region``, in the test's session."""
    return attach(recipe_made(REGION), session)


def test_every_cell_is_the_latest_record_and_its_status(session, region):
    council, _people = region
    setting = setting_for(session, council, TODAY)
    everyone = Person.organisation_id == council.id
    old = {(p, s): (last, urgency) for p, s, last, urgency in
           session.execute(cells_query(setting, people_condition(everyone, MatrixFilters())))}
    new = {(p, s): (last, urgency) for p, _team, s, last, urgency in
           session.execute(latest_cells(setting, people_condition(everyone, MatrixFilters())))}
    assert new == old
    seen = {URGENCY[urgency] for _last, urgency in new.values()}
    assert seen == set(TrainingStatus)  # expired, missing, expiring soon and up to date
    required = {s for _p, s in new}
    assert required == set(SUBJECTS)


def reference(session, council, viewer, filters):
    """The matrix's people, their order and the compliance, worked out here from the
    records' cells (``cells_query``)."""
    setting = setting_for(session, council, TODAY)
    cells = session.execute(cells_query(setting, people_condition(viewer, filters))).all()
    teams = dict(session.execute(select(Person.id, Person.team_id)).all())
    names = dict(session.execute(select(Person.id, Person.name)).all())
    worst: dict[int, int] = {}
    urgent: dict[int, int] = {}
    statuses: dict[int, set] = {}
    by_subject: dict[str, list[int]] = {}
    by_team: dict[int | None, list[int]] = {}
    for person_id, subject_id, _last, urgency in cells:
        worst[person_id] = min(worst.get(person_id, 9), urgency)
        urgent[person_id] = urgent.get(person_id, 0) + (urgency <= 1)
        statuses.setdefault(person_id, set()).add(URGENCY[urgency])
        compliant = urgency >= TrainingStatus.EXPIRING_SOON.urgency
        for counts in (by_subject.setdefault(subject_id, [0, 0]),
                       by_team.setdefault(teams[person_id], [0, 0])):
            counts[0] += 1
            counts[1] += compliant
    kept = [person_id for person_id in worst
            if filters.status is None or filters.status in statuses[person_id]]
    order = sorted(kept, key=lambda p: (worst[p], -urgent[p], names[p], p))
    return order, by_subject, by_team


@pytest.mark.parametrize("filters", [
    MatrixFilters(), MatrixFilters(role_id="care-worker"),
    *(MatrixFilters(status=status) for status in TrainingStatus)],
    ids=["everyone", "care-workers", *(status.value for status in TrainingStatus)])
def test_the_matrix_equals_the_records_computation(session, region, filters):
    council, people = region
    for viewer in (people["lnd"], people["manager"]):
        seen = policy.training_people_filter(viewer, council)
        order, by_subject, by_team = reference(session, council, seen, filters)
        listed, after, number = [], None, 1
        while True:
            page = training_matrix(session, council, seen, TODAY, filters, after=after,
                                   number=number, per_page=7)
            assert page.total == len(order)
            listed += [row.person_id for row in page.rows]
            if page.after is None:
                break
            after, number = page.after, number + 1
        assert listed == order
        assert {c.key: [c.required, c.compliant] for c in page.by_subject} == by_subject
        assert [c.key for c in page.by_subject] == [
            s.id for s in page.subjects if s.id in by_subject]
        assert {c.key: [c.required, c.compliant] for c in page.by_team} == {
            ("" if team is None else str(team)): counts for team, counts in by_team.items()}


def test_the_page_cells_equal_the_records_computation(session, region):
    council, people = region
    everyone = policy.training_people_filter(people["lnd"], council)
    setting = setting_for(session, council, TODAY)
    old = {(p, s): (last, URGENCY[urgency]) for p, s, last, urgency in
           session.execute(cells_query(setting, people_condition(everyone, MatrixFilters())))}
    found = training_matrix(session, council, everyone, TODAY, per_page=200)
    shown = {(row.person_id, cell.subject_id): (cell.completed_on, cell.status)
             for row in found.rows for cell in row.cells if cell.status is not None}
    assert shown == old
    assert any(cell.status is None for row in found.rows for cell in row.cells)  # not required


@pytest.mark.parametrize("days", [30, 60, 90])
def test_the_expiring_list_equals_the_records_computation(session, region, days):
    council, people = region
    everyone = policy.training_people_filter(people["lnd"], council)
    setting = setting_for(session, council, TODAY)
    window = type(setting)(council, TODAY, days, setting.subjects, setting.intervals)
    soon = TrainingStatus.EXPIRING_SOON.urgency
    old = {(p, s, last) for p, s, last, urgency in session.execute(
        cells_query(window, people_condition(everyone, MatrixFilters()))) if urgency == soon}
    found = expiring_within(session, council, everyone, TODAY, days)
    assert {(row.person_id, row.subject.id, row.completed_on) for row in found} == old
    assert found and [row.expires_on for row in found] == sorted(row.expires_on for row in found)
