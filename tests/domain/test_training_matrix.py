"""The training matrix, the compliance report and the expiring list, against hand counts."""

from datetime import date

import pytest
from sqlalchemy import insert

from pathways import policy
from pathways.models import Role, TrainingRecord, TrainingSubject
from pathways.people.accounts import create_person
from pathways.training.compliance import compliance_report, expiring_within, partnership_summary
from pathways.training.latest import refill_latest
from pathways.training.matrix import MatrixFilters, training_matrix
from pathways.training.requirements import add_requirement
from pathways.training.status import TrainingStatus
from pathways.training.subjects import set_expiring_window, set_interval
from seed.training import load_subjects
from tests.factories import make_people
from tests.querycount import counting
from tests.recipes import TOY_WITH_PEOPLE

TODAY = date(2026, 6, 15)
EXPIRED, MISSING = TrainingStatus.EXPIRED, TrainingStatus.MISSING
SOON, UP = TrainingStatus.EXPIRING_SOON, TrainingStatus.UP_TO_DATE

#: Who holds which role: Home care (staff, colleague, manager) are care workers, Reablement
#: (other_team, champion) senior care workers.
ROLES = {"staff": "care-worker", "colleague": "care-worker", "manager": "care-worker",
         "other_team": "senior-care-worker", "champion": "senior-care-worker"}
REQUIRED = {"care-worker": ("fire-safety", "safeguarding-adults", "care-certificate"),
            "senior-care-worker": ("fire-safety", "medication")}
#: (person, subject, completed on): fire safety and medication every 12 months,
#: safeguarding 12, the Care Certificate never expires.
RECORDS = [
    ("staff", "fire-safety", date(2025, 6, 14)),          # expired yesterday
    ("staff", "safeguarding-adults", date(2026, 1, 10)),  # up to date
    ("staff", "care-certificate", date(2020, 1, 1)),      # never expires
    ("colleague", "fire-safety", date(2025, 8, 1)),       # expires in 47 days: soon
    ("manager", "fire-safety", date(2026, 5, 1)),
    ("manager", "safeguarding-adults", date(2026, 5, 1)),
    ("manager", "care-certificate", date(2019, 3, 3)),
    ("other_team", "fire-safety", date(2024, 6, 1)),      # older: the later one counts
    ("other_team", "fire-safety", date(2025, 6, 15)),     # expires today: soon
    ("other_team", "medication", date(2024, 1, 1)),       # expired
]


@pytest.fixture
def database_url(database_for):
    return database_for(TOY_WITH_PEOPLE)


def build(session, people, records=RECORDS):
    load_subjects(session)
    council = people["staff"].organisation
    for key, role in ROLES.items():
        people[key].current_role_id = role
    for role, subjects in REQUIRED.items():
        for subject in subjects:
            add_requirement(session, None, council, session.get(Role, role),
                            session.get(TrainingSubject, subject))
    session.execute(insert(TrainingRecord), [
        {"person_id": people[key].id, "subject_id": subject, "completed_on": day,
         "organisation_id": council.id} for key, subject, day in records])
    refill_latest(session)  # as any bulk writer of records does
    return council


@pytest.fixture
def world(session):
    people = make_people(session)
    people["council"] = build(session, people)
    return people


def everyone(world):
    return policy.training_people_filter(world["lnd"], world["council"])


def statuses(matrix):
    return {row.name: {cell.subject_id: cell.status for cell in row.cells if cell.status}
            for row in matrix.rows}


def test_cells_hold_the_latest_completion_and_its_status(session, world):
    matrix = training_matrix(session, world["council"], everyone(world), TODAY)
    assert [s.id for s in matrix.subjects] == [
        "care-certificate", "fire-safety", "medication", "safeguarding-adults"]
    assert statuses(matrix) == {
        "other team": {"fire-safety": SOON, "medication": EXPIRED},
        "staff": {"fire-safety": EXPIRED, "safeguarding-adults": UP, "care-certificate": UP},
        "champion": {"fire-safety": MISSING, "medication": MISSING},
        "colleague": {"fire-safety": SOON, "safeguarding-adults": MISSING,
                      "care-certificate": MISSING},
        "manager": {"fire-safety": UP, "safeguarding-adults": UP, "care-certificate": UP},
    }
    other = matrix.rows[0]
    fire = next(cell for cell in other.cells if cell.subject_id == "fire-safety")
    assert (fire.completed_on, fire.expires_on) == (date(2025, 6, 15), date(2026, 6, 15))
    assert next(c for c in other.cells if c.subject_id == "care-certificate").status is None


def test_most_urgent_first(session, world):
    matrix = training_matrix(session, world["council"], everyone(world), TODAY)
    assert [row.name for row in matrix.rows] == [
        "other team", "staff", "champion", "colleague", "manager"]
    assert [row.worst for row in matrix.rows] == [EXPIRED, EXPIRED, MISSING, MISSING, UP]


def test_percentages_per_subject_and_team_match_hand_counts(session, world):
    matrix = training_matrix(session, world["council"], everyone(world), TODAY)
    assert {c.key: (c.required, c.compliant, c.percent) for c in matrix.by_subject} == {
        "fire-safety": (5, 3, 60), "safeguarding-adults": (3, 2, 66),
        "care-certificate": (3, 2, 66), "medication": (2, 0, 0)}
    assert [(c.label, c.required, c.compliant, c.percent) for c in matrix.by_team] == [
        ("Home care", 9, 6, 66), ("Reablement", 4, 1, 25)]


def test_filters_by_team_role_and_status(session, world):
    council, people = world["council"], everyone(world)
    reablement = world["other_team"].team_id
    by_team = training_matrix(session, council, people, TODAY, MatrixFilters(team_id=reablement))
    assert [row.name for row in by_team.rows] == ["other team", "champion"]
    assert [(c.label, c.required) for c in by_team.by_team] == [("Reablement", 4)]
    by_role = training_matrix(session, council, people, TODAY,
                              MatrixFilters(role_id="care-worker"))
    assert [row.name for row in by_role.rows] == ["staff", "colleague", "manager"]
    missing = training_matrix(session, council, people, TODAY, MatrixFilters(status=MISSING))
    assert [row.name for row in missing.rows] == ["champion", "colleague"]
    soon = training_matrix(session, council, people, TODAY, MatrixFilters(status=SOON))
    assert [row.name for row in soon.rows] == ["other team", "colleague"]


def test_a_manager_sees_their_team_only(session, world):
    mine = policy.training_people_filter(world["manager"], world["council"])
    matrix = training_matrix(session, world["council"], mine, TODAY)
    assert [row.name for row in matrix.rows] == ["staff", "colleague", "manager"]


def test_pages_of_people(session, world):
    council, people = world["council"], everyone(world)
    first = training_matrix(session, council, people, TODAY, per_page=2)
    assert (first.total, first.number, first.before) == (5, 1, None)
    assert [row.name for row in first.rows] == ["other team", "staff"]
    second = training_matrix(session, council, people, TODAY, after=first.after, number=2,
                             per_page=2)
    last = training_matrix(session, council, people, TODAY, after=second.after, number=3,
                           per_page=2)
    assert (last.number, [row.name for row in last.rows], last.after) == (3, ["manager"], None)
    back = training_matrix(session, council, people, TODAY, before=last.before, number=2,
                           per_page=2)
    assert [row.name for row in back.rows] == [row.name for row in second.rows]
    assert len({row.name for row in first.rows + second.rows + last.rows}) == 5
    edited = training_matrix(session, council, people, TODAY, after="not a cursor", number=9,
                             per_page=2)
    assert (edited.number, [row.name for row in edited.rows]) == (1, ["other team", "staff"])


def test_the_day_moves_every_status(session, world):
    council, people = world["council"], everyone(world)
    before = statuses(training_matrix(session, council, people, date(2026, 6, 14)))
    assert before["staff"]["fire-safety"] is SOON          # its expiry day
    assert before["manager"]["fire-safety"] is UP
    earlier = statuses(training_matrix(session, council, people, date(2026, 4, 30)))
    assert earlier["manager"]["fire-safety"] is MISSING    # not completed yet


def test_an_organisations_own_interval_and_window_change_statuses(session, world):
    council, people = world["council"], everyone(world)
    set_interval(session, None, council, session.get(TrainingSubject, "safeguarding-adults"), 3)
    set_expiring_window(session, council, 30)
    found = statuses(training_matrix(session, council, people, TODAY))
    assert found["staff"]["safeguarding-adults"] is EXPIRED   # 10 January + 3 months
    assert found["colleague"]["fire-safety"] is UP            # 47 days off: not within 30
    assert found["other team"]["fire-safety"] is SOON


def test_the_matrix_asks_the_same_queries_whatever_the_size(engine, session, world):
    council, people = world["council"], everyone(world)
    with counting(engine) as small:
        training_matrix(session, council, people, TODAY)
    for number in range(30):
        person = create_person(session, email=f"extra{number}@example.org",
                               name=f"Extra {number}", organisation=council, roles=["staff"],
                               team=world["staff"].team)
        person.current_role_id = "care-worker"
    session.flush()
    with counting(engine) as large:
        matrix = training_matrix(session, council, people, TODAY)
    assert matrix.total == 35
    assert large.count == small.count, large.statements
    with counting(engine) as deep:  # the second page, by keyset
        second = training_matrix(session, council, people, TODAY, after=matrix.after,
                                 number=2)
    assert deep.count == small.count, deep.statements
    assert len(second.rows) == 35 - 25 and second.after is None and second.before
    assert not {row.person_id for row in second.rows} & {row.person_id for row in matrix.rows}


def test_the_compliance_report_lists_everyone_and_totals(session, world):
    report = compliance_report(session, world["council"], TODAY).as_json()
    assert report["as_of"] == "2026-06-15" and report["expiring_window_days"] == 90
    assert [p["email"] for p in report["people"]] == [
        "champion@example.org", "colleague@example.org", "manager@example.org",
        "other_team@example.org", "staff@example.org"]
    staff = report["people"][-1]["subjects"]
    assert staff == [
        {"subject": "care-certificate", "status": "up_to_date", "completed_on": "2020-01-01",
         "expires_on": None},
        {"subject": "fire-safety", "status": "expired", "completed_on": "2025-06-14",
         "expires_on": "2026-06-14"},
        {"subject": "safeguarding-adults", "status": "up_to_date",
         "completed_on": "2026-01-10", "expires_on": "2027-01-10"}]
    assert {s["id"]: (s["required"], s["compliant"]) for s in report["subjects"]} == {
        "care-certificate": (3, 2), "fire-safety": (5, 3), "medication": (2, 0),
        "safeguarding-adults": (3, 2)}


def test_who_expires_within_30_60_and_90_days_soonest_first(session, world):
    council, people = world["council"], everyone(world)
    within = {days: [(row.name, row.subject.id, row.expires_on)
                     for row in expiring_within(session, council, people, TODAY, days)]
              for days in (30, 60, 90)}
    assert within[30] == [("other team", "fire-safety", date(2026, 6, 15))]
    assert within[60] == within[90] == [("other team", "fire-safety", date(2026, 6, 15)),
                                        ("colleague", "fire-safety", date(2026, 8, 1))]


def carers(session, council, records, without=5):
    """Add care workers to the council: ``records`` with fire safety on those days, then
    ``without`` with none."""
    days = [*records, *([None] * without)]
    for number, day in enumerate(days):
        person = create_person(session, email=f"carer{number}@example.org",
                               name=f"Carer {number}", organisation=council, roles=["staff"])
        person.current_role_id = "care-worker"
        if day is not None:
            session.add(TrainingRecord(person_id=person.id, subject_id="fire-safety",
                                       completed_on=day))
    refill_latest(session)


def test_the_partnership_summary_suppresses_small_groups(session, world):
    council = world["council"]
    carers(session, council, [date(2026, 1, 1)] * 5)
    summary = partnership_summary(session, council.partnership_id, TODAY)
    assert [o.name for o in summary.organisations] == ["Sunrise Care", "Testshire Council"]
    fire = summary.cells[(council.id, "fire-safety")]
    # 15 required: 8 compliant (5 carers, colleague, other team, manager), 7 not
    assert (fire.required, fire.compliant, fire.percent) == (15, 8, 53)
    medication = summary.cells[(council.id, "medication")]
    assert (medication.required, medication.compliant, medication.percent) == (
        "fewer than 5", "fewer than 5", None)
    certificate = summary.cells[(council.id, "care-certificate")]
    # 13 required, 2 held: the 2 and the 11 without are suppressed together
    assert (certificate.required, certificate.compliant, certificate.percent) == (
        13, "fewer than 5", None)


def test_the_partnership_summary_counts_each_organisation_at_its_own_interval(session, world):
    council = world["council"]
    carers(session, council, [date(2025, 1, 1)] * 5)
    before = partnership_summary(session, council.partnership_id, TODAY).cells[
        (council.id, "fire-safety")]
    assert (before.required, before.compliant) == (15, "fewer than 5")  # 3 at 12 months
    set_interval(session, None, council, session.get(TrainingSubject, "fire-safety"), 24,
                 reason="Drills every quarter")
    fire = partnership_summary(session, council.partnership_id, TODAY).cells[
        (council.id, "fire-safety")]
    assert (fire.required, fire.compliant, fire.percent) == (15, 9, 60)
