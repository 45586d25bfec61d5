"""Career profiles: current role, qualifications held, target and route, equality data."""

from datetime import date, timedelta

import pytest

from pathways import clock
from pathways.errors import InvalidInput, NotFound
from pathways.interchange.store import save_document
from pathways.models import AuditEvent, EqualityRecord
from pathways.people.accounts import create_person
from pathways.people.profiles import (
    SUPPRESSED,
    add_qualification,
    chosen_route,
    equality_report,
    held_qualification_ids,
    remove_qualification,
    route_problems,
    save_equality,
    set_current_role,
    set_target,
)
from tests.factories import make_people, toy_document, toy_graph

EARN_WHILE_LEARNING = ["care-worker", "diploma-l3", "practitioner", "sw-apprenticeship",
                       "social-worker"]


@pytest.fixture
def G():
    return toy_graph()


@pytest.fixture
def people(session):
    save_document(session, toy_document())  # held qualifications point at the graph's rows
    return make_people(session)


@pytest.fixture
def staff(people):
    return people["staff"]


def problems_of(caught) -> list[tuple[str, str]]:
    return [(p.where, p.message) for p in caught.value.problems]


def audit_events(session, action=None):
    query = session.query(AuditEvent).filter(AuditEvent.entity_type.in_(["person", "equality"]))
    if action:
        query = query.filter_by(action=action)
    return query.order_by(AuditEvent.id).all()


def test_setting_the_current_role_and_start_date(session, G, people, staff):
    set_current_role(session, G, people["lnd"], staff, "care-worker", date(2021, 3, 27))
    assert (staff.current_role_id, staff.role_start_date) == ("care-worker", date(2021, 3, 27))
    event = audit_events(session, "update")[-1]
    assert event.actor_id == people["lnd"].id and event.entity_id == str(staff.id)
    assert event.details == {"fields": ["current_role_id", "role_start_date"],
                             "current_role_id": "care-worker"}


def test_a_new_role_does_not_keep_the_old_roles_start_date(session, G, staff):
    set_current_role(session, G, staff, staff, "care-worker", date(2021, 3, 27))
    with pytest.raises(InvalidInput) as caught:
        set_current_role(session, G, staff, staff, "senior-care-worker", date(2021, 3, 27))
    assert problems_of(caught) == [(
        "started_on", "27 March 2021 is when you started as Care worker: enter when you "
        "started as Senior care worker, or leave the date empty")]
    assert (staff.current_role_id, staff.role_start_date) == ("care-worker", date(2021, 3, 27))
    set_current_role(session, G, staff, staff, "senior-care-worker", date(2024, 6, 3))
    assert staff.role_start_date == date(2024, 6, 3)
    set_current_role(session, G, staff, staff, "senior-care-worker", date(2024, 6, 3))  # same


@pytest.mark.parametrize("role, started, where, message", [
    ("nobody", None, "role", "Choose a role from the career map"),
    ("", None, "role", "Choose a role from the career map"),
    ("care-cert", None, "role", "Care Certificate is not a role"),
    ("care-worker", clock.today() + timedelta(days=1), "started_on", "today or in the past"),
    ("care-worker", date(1900, 1, 1), "started_on", "after 1940"),
])
def test_a_bad_current_role_or_date_is_refused(session, G, staff, role, started, where,
                                                message):
    with pytest.raises(InvalidInput) as caught:
        set_current_role(session, G, staff, staff, role, started)
    assert any(w == where and message in m for w, m in problems_of(caught))
    assert staff.current_role_id is None and not audit_events(session, "update")


def test_adding_and_removing_a_qualification(session, G, staff):
    held = add_qualification(session, G, staff, staff, "diploma-l3", date(2019, 7, 14),
                             "  Certificate 12345  ")
    assert held.evidence == "Certificate 12345" and held.achieved_on == date(2019, 7, 14)
    assert held_qualification_ids(staff) == {"diploma-l3"}
    assert audit_events(session, "add-qualification")[0].details == {
        "qualification_id": "diploma-l3", "restored": False}
    remove_qualification(session, staff, staff, "diploma-l3")
    assert held_qualification_ids(staff) == frozenset()
    assert audit_events(session, "remove-qualification")
    with pytest.raises(NotFound):
        remove_qualification(session, staff, staff, "diploma-l3")


def test_a_removed_qualification_keeps_its_record_and_adding_it_again_restores_it(
        session, G, staff):
    add_qualification(session, G, staff, staff, "diploma-l3", date(2019, 7, 14), "Cert 12345")
    remove_qualification(session, staff, staff, "diploma-l3", today=date(2026, 11, 20))
    session.commit()
    [kept] = staff.qualification_history
    assert (kept.qualification_id, kept.achieved_on, kept.evidence, kept.removed_on) == (
        "diploma-l3", date(2019, 7, 14), "Cert 12345", date(2026, 11, 20))
    assert staff.qualifications == []
    restored = add_qualification(session, G, staff, staff, "diploma-l3", None, "New scan")
    session.commit()
    assert restored is kept and restored.removed_on is None
    assert (restored.achieved_on, restored.evidence) == (date(2019, 7, 14), "Cert 12345")
    assert held_qualification_ids(staff) == {"diploma-l3"}
    assert audit_events(session, "add-qualification")[-1].details["restored"] is True


@pytest.mark.parametrize("qualification, achieved, evidence, where", [
    ("nothing", None, "", "qualification"),
    ("care-worker", None, "", "qualification"),
    ("care-cert", clock.today() + timedelta(days=3), "", "achieved_on"),
    ("care-cert", None, "x" * 501, "evidence"),
])
def test_a_bad_qualification_is_refused(session, G, staff, qualification, achieved, evidence,
                                        where):
    with pytest.raises(InvalidInput) as caught:
        add_qualification(session, G, staff, staff, qualification, achieved, evidence)
    assert where in [w for w, _ in problems_of(caught)]
    assert staff.qualifications == []


def test_a_qualification_is_held_once(session, G, staff):
    add_qualification(session, G, staff, staff, "care-cert")
    with pytest.raises(InvalidInput) as caught:
        add_qualification(session, G, staff, staff, "care-cert")
    assert problems_of(caught) == [("qualification", "Care Certificate is already recorded")]


def test_setting_a_target_with_a_real_route(session, G, staff):
    set_current_role(session, G, staff, staff, "care-worker")
    add_qualification(session, G, staff, staff, "diploma-l3")
    set_target(session, G, staff, staff, "social-worker", EARN_WHILE_LEARNING)
    assert staff.target_role_id == "social-worker" and staff.chosen_route == EARN_WHILE_LEARNING
    route = chosen_route(G, staff)
    assert route.total_months == 40 and route.steps[0].kind == "held"
    assert audit_events(session, "update")[-1].details == {
        "fields": ["target_role_id", "chosen_route"], "target_role_id": "social-worker"}


def test_a_new_target_drops_a_route_to_the_old_one(session, G, staff):
    set_current_role(session, G, staff, staff, "care-worker")
    set_target(session, G, staff, staff, "social-worker",
               ["care-worker", "sw-degree", "social-worker"])
    set_target(session, G, staff, staff, "social-worker")  # same target: the route stays
    assert staff.chosen_route == ["care-worker", "sw-degree", "social-worker"]
    set_target(session, G, staff, staff, "senior-care-worker")
    assert staff.chosen_route is None
    set_target(session, G, staff, staff, None)
    assert staff.target_role_id is None


def test_changing_the_current_role_drops_a_route_from_the_old_one(session, G, staff):
    set_current_role(session, G, staff, staff, "care-worker")
    set_target(session, G, staff, staff, "social-worker",
               ["care-worker", "sw-degree", "social-worker"])
    set_current_role(session, G, staff, staff, "senior-care-worker")
    assert staff.chosen_route is None and staff.target_role_id == "social-worker"
    set_current_role(session, G, staff, staff, "social-worker")
    assert staff.target_role_id is None  # reached it


@pytest.mark.parametrize("route, message", [
    (["care-worker", "social-worker"], "There is no move from Care worker to Social worker"),
    (["senior-care-worker", "diploma-l3", "practitioner", "sw-apprenticeship", "social-worker"],
     "from the current role to the target role"),
    (["care-worker", "sw-degree"], "from the current role to the target role"),
    (["care-worker"], "from 1 to 20 steps"),
    (["care-worker", "nowhere", "social-worker"], "nowhere is not on the career map"),
    (["care-worker", "sw-degree", "care-worker", "sw-degree", "social-worker"],
     "same place twice"),
    # diploma-l3 is not held: no "already held" step to it
    (EARN_WHILE_LEARNING, "There is no move from Care worker to Level 3 Diploma"),
])
def test_a_chosen_route_must_be_a_real_path(session, G, staff, route, message):
    set_current_role(session, G, staff, staff, "care-worker")
    with pytest.raises(InvalidInput) as caught:
        set_target(session, G, staff, staff, "social-worker", route)
    assert message in problems_of(caught)[0][1]
    assert staff.target_role_id is None and staff.chosen_route is None


def test_a_route_must_meet_its_prerequisites(session, G, staff):
    set_current_role(session, G, staff, staff, "care-worker")
    # care-worker -> senior-care-worker needs the Care Certificate, neither held nor gained
    path = ["care-worker", "senior-care-worker", "diploma-l3", "practitioner",
            "sw-apprenticeship", "social-worker"]
    assert "neither held nor gained" in route_problems(G, staff, path, "social-worker")[0]
    add_qualification(session, G, staff, staff, "care-cert")
    assert route_problems(G, staff, path, "social-worker") == []


def test_a_route_needs_a_current_role_and_a_target_that_is_a_role(session, G, staff):
    with pytest.raises(InvalidInput, match="Set your current role"):
        set_target(session, G, staff, staff, "social-worker",
                   ["care-worker", "sw-degree", "social-worker"])
    for target in ("sw-degree", "nowhere"):
        with pytest.raises(InvalidInput):
            set_target(session, G, staff, staff, target)
    set_current_role(session, G, staff, staff, "care-worker")
    with pytest.raises(InvalidInput, match="different role"):
        set_target(session, G, staff, staff, "care-worker")


def test_a_route_that_no_longer_fits_is_not_shown(session, G, staff):
    set_current_role(session, G, staff, staff, "care-worker")
    add_qualification(session, G, staff, staff, "diploma-l3")
    set_target(session, G, staff, staff, "social-worker", EARN_WHILE_LEARNING)
    remove_qualification(session, staff, staff, "diploma-l3")
    assert chosen_route(G, staff) is None and staff.chosen_route == EARN_WHILE_LEARNING


def test_equality_answers_are_saved_apart_and_never_audited(session, staff):
    save_equality(session, staff, staff, {"age_band": "25-34", "sex": "", "ethnic_group": "mixed",
                                          "disability": "prefer-not-to-say"})
    record = session.get(EqualityRecord, staff.id)
    assert (record.age_band, record.sex, record.ethnic_group) == ("25-34", None, "mixed")
    event = audit_events(session)[-1]
    assert (event.action, event.entity_type, event.details) == ("update", "equality", None)
    assert "25-34" not in event.summary and "mixed" not in event.summary
    save_equality(session, staff, staff, {"age_band": None})
    assert session.get(EqualityRecord, staff.id).age_band is None


@pytest.mark.parametrize("answers, where", [
    ({"age_band": "ancient"}, "age_band"),
    ({"sex": "sometimes"}, "sex"),
    ({"religion": "none"}, "religion"),
])
def test_equality_answers_must_be_listed_ones(session, staff, answers, where):
    with pytest.raises(InvalidInput) as caught:
        save_equality(session, staff, staff, answers)
    assert [w for w, _ in problems_of(caught)] == [where]
    assert session.get(EqualityRecord, staff.id) is None


def test_nobody_else_gives_a_persons_equality_data(session, people, staff):
    with pytest.raises(InvalidInput, match="Only the person"):
        save_equality(session, people["admin"], staff, {"sex": "female"})


def test_equality_report_suppresses_groups_smaller_than_five(session, people):
    council = people["staff"].organisation
    everyone = list(people.values())
    for n in range(12):
        everyone.append(create_person(session, email=f"worker{n}@example.org", name=f"W {n}",
                                      organisation=council, roles=["staff"]))
    in_council = [p for p in everyone if p.organisation_id == council.id]
    assert len(in_council) == 20
    for n, person in enumerate(in_council[:16]):
        save_equality(session, person, person, {
            "sex": "female" if n < 9 else "male" if n < 15 else "prefer-not-to-say",
            "age_band": "25-34" if n < 5 else "45-54" if n < 10 else None})
    # someone outside the council, to show it is not counted
    outsider = people["outsider"]
    save_equality(session, outsider, outsider, {"sex": "male"})
    report = equality_report(session, [council.id])
    assert report["sex"] == {"female": 9, "male": 6, "prefer-not-to-say": SUPPRESSED,
                             "not-answered": SUPPRESSED}
    assert report["age_band"]["25-34"] == 5 and report["age_band"]["45-54"] == 5
    assert report["age_band"]["not-answered"] == 10
    assert report["age_band"]["16-24"] == SUPPRESSED  # none is still fewer than 5
    assert set(report["disability"].values()) == {SUPPRESSED, 20}


def test_equality_report_never_leaves_one_small_group_to_subtraction(session, people):
    council = people["staff"].organisation
    in_council = [p for p in people.values() if p.organisation_id == council.id]
    for n in range(13):
        in_council.append(create_person(session, email=f"w{n}@example.org", name=f"W {n}",
                                        organisation=council, roles=["staff"]))

    def answer(*counts):
        values = [v for v, c in zip(["yes", "no", "prefer-not-to-say", None], counts)
                  for _ in range(c)]
        for person, value in zip(in_council, values, strict=True):
            save_equality(session, person, person, {"disability": value})
        return equality_report(session, [council.id])["disability"]

    # two small groups (3 and none): neither can be worked out from the rest
    assert answer(11, 7, 3, 0) == {"yes": 11, "no": 7, "prefer-not-to-say": SUPPRESSED,
                                   "not-answered": SUPPRESSED}
    # one small group (1 not answered): the next smallest (5) is hidden with it
    assert answer(8, 7, 5, 1) == {"yes": 8, "no": 7, "prefer-not-to-say": SUPPRESSED,
                                  "not-answered": SUPPRESSED}
