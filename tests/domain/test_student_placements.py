"""University students' placements, and practice educator supply against all placement demand."""

from datetime import date

import pytest
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError

from pathways.apprenticeships import placements
from pathways.apprenticeships.setup import enrol
from pathways.apprenticeships.students import add_student_placement, student_placements
from pathways.apprenticeships.supply import educator_supply
from pathways.errors import InvalidInput
from pathways.models import HeldQualification, Placement
from pathways.people.accounts import create_person
from pathways.suppression import SUPPRESSED
from tests.factories import make_cohort_world
from tests.recipes import SEED_PATHWAY, holding

TODAY = date(2026, 11, 24)
AUTUMN = (date(2026, 10, 1), date(2026, 12, 15))
SPRING = (date(2027, 1, 10), date(2027, 4, 20))


@pytest.fixture
def database_url(request, database_for):
    return database_for(holding(request, SEED_PATHWAY))


@pytest.fixture
def world(session):
    return make_cohort_world(session)


def student(session, world, *, course="social-work-degree-university", days=AUTUMN,
            educator=None, name="Priya Shah"):
    return add_student_placement(
        session, world["staff"].organisation, name=name, university="University of Somerset",
        qualification_id=course, setting="Adult social care, Taunton", start_date=days[0],
        end_date=days[1], educator=educator, actor=world["lnd"])


def test_a_student_placement_records_the_student_and_their_educator(session, world):
    placement = student(session, world, educator=world["educator"])
    assert placement.apprenticeship is None and placement.student.name == "Priya Shah"
    assert placement.student.university == "University of Somerset"
    assert placement.educator is world["educator"]
    assert student_placements(session, world["staff"].organisation) == [placement]


@pytest.mark.parametrize("changes, field", [
    ({"name": " "}, "name"), ({"university": ""}, "university"), ({"setting": ""}, "setting"),
    ({"qualification_id": "care-certificate"}, "qualification_id"),
    ({"qualification_id": "care-worker"}, "qualification_id"),
    ({"end_date": date(2026, 9, 1)}, "end_date"), ({"name": "a\x00b"}, "name"),
])
def test_a_bad_student_placement_names_the_field_and_writes_nothing(session, world, changes,
                                                                    field):
    values = {"name": "Priya", "university": "Uni", "qualification_id":
              "social-work-degree-university", "setting": "Team", "start_date": AUTUMN[0],
              "end_date": AUTUMN[1], **changes}
    with pytest.raises(InvalidInput) as refused:
        add_student_placement(session, world["staff"].organisation, **values)
    assert field in {problem.where for problem in refused.value.problems}
    assert student_placements(session, world["staff"].organisation) == []


def test_a_students_educator_must_hold_the_courses_accreditation_and_have_room(session, world):
    with pytest.raises(placements.EducatorRefused, match="holds none of rcot-apple"):
        student(session, world, course="ot-degree-university", educator=world["educator"])
    apprentice = enrol(session, world["cohort"], world["colleague"], start_date=date(2025, 9, 1),
                       planned_end_date=date(2028, 8, 31), weekly_hours=37)
    placements.add_placement(session, apprentice, setting="Hospital team",
                             start_date=AUTUMN[0], end_date=AUTUMN[1],
                             educator=world["educator"])
    with pytest.raises(placements.EducatorRefused, match="capacity is 1"):  # shared capacity
        student(session, world, educator=world["educator"])
    assert student_placements(session, world["staff"].organisation) == []  # nothing written


def test_a_placement_belongs_to_an_apprenticeship_or_a_student_never_both(session, world):
    session.add(Placement(setting="Nowhere", start_date=AUTUMN[0], end_date=AUTUMN[1]))
    with pytest.raises(IntegrityError):
        session.flush()


def test_supply_sets_capacity_against_apprentice_and_student_placements_per_term(session,
                                                                                 world):
    council = world["staff"].organisation
    apprentice = enrol(session, world["cohort"], world["colleague"], start_date=date(2025, 9, 1),
                       planned_end_date=date(2028, 8, 31), weekly_hours=37)
    placements.add_placement(session, apprentice, setting="Hospital team",
                             start_date=AUTUMN[0], end_date=AUTUMN[1])
    student(session, world, educator=world["educator"])
    student(session, world, days=SPRING, name="Tom Reed")
    student(session, world, course="ot-degree-university", days=SPRING, name="Ola Berg")
    second = create_person(session, email="pe2@example.org", name="Second Educator",
                           organisation=council, roles=["staff"])
    second.qualifications.extend([HeldQualification(qualification_id="peps-stage-1"),
                                  HeldQualification(qualification_id="peps-stage-2")])
    placements.set_capacity(session, second, 3)
    session.flush()
    social_work, ot = educator_supply(session, council, TODAY)
    assert (social_work.family, social_work.capacity) == ("social_work", 4)  # 1 + 3, once each
    assert social_work.educators == SUPPRESSED  # two people: a count of people is suppressed
    autumn, spring = social_work.terms[:2]
    assert (autumn.term.name, autumn.needed, autumn.without_educator) == ("Autumn 2026", 2, 1)
    assert (spring.term.name, spring.needed, spring.shortfall) == ("Spring 2027", 1, 0)
    assert (ot.family, ot.capacity, ot.terms[1].needed, ot.terms[1].shortfall) == (
        "occupational_therapy", 0, 1, 1)


def test_supply_takes_two_queries_whatever_the_numbers(session, world):
    for number in range(6):
        student(session, world, name=f"Student {number}")
    session.flush()
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(session.bind, "before_cursor_execute", listener)
    try:
        rows = educator_supply(session, world["staff"].organisation, TODAY)
    finally:
        event.remove(session.bind, "before_cursor_execute", listener)
    assert rows[0].terms[0].needed == 6 and rows[0].terms[0].shortfall == 5
    assert len(statements) == 2
