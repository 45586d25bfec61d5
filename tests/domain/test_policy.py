"""The permission policy on real rows: pairings looked up, and the SQL reach filter.

Every decision is also tested on plain objects in ``tests/domain/test_policy_decisions.py``.
"""

import pytest

from pathways.policy import (
    ALLOW,
    FORBID,
    HIDE,
    can_edit_graph,
    can_edit_person,
    can_read_audit,
    can_view_person,
)
from tests.factories import make_people


@pytest.fixture
def people(session):
    return make_people(session)


#: actor -> {subject: expected decision for viewing the subject's profile}
VIEW = {
    "staff": {"staff": ALLOW, "colleague": HIDE, "manager": HIDE, "partner_staff": HIDE,
              "outsider": HIDE},
    "manager": {"staff": ALLOW, "colleague": ALLOW, "other_team": FORBID, "partner_staff": HIDE},
    "champion": {"staff": ALLOW, "colleague": HIDE, "other_team": HIDE},
    "lnd": {"staff": ALLOW, "other_team": ALLOW, "partner_staff": HIDE, "outsider": HIDE},
    "partnership_lnd": {"staff": ALLOW, "partner_staff": ALLOW, "outsider": HIDE},
    "admin": {"staff": ALLOW, "manager": ALLOW, "partner_staff": HIDE, "outsider": HIDE},
    "outsider": {"staff": HIDE, "outsider": ALLOW},
}


@pytest.mark.parametrize("actor, subject, expected",
                         [(a, s, d) for a, row in VIEW.items() for s, d in row.items()])
def test_who_may_see_whom(session, people, actor, subject, expected):
    assert can_view_person(session, people[actor], people[subject]) is expected


def test_only_the_person_lnd_and_admins_edit_a_profile(session, people):
    assert can_edit_person(session, people["staff"], people["staff"]) is ALLOW
    assert can_edit_person(session, people["manager"], people["staff"]) is FORBID
    assert can_edit_person(session, people["champion"], people["staff"]) is FORBID
    assert can_edit_person(session, people["lnd"], people["staff"]) is ALLOW
    assert can_edit_person(session, people["staff"], people["colleague"]) is HIDE


def test_an_ended_pairing_hides_the_person_again(session, people):
    from pathways.models import ChampionPairing

    pairing = session.query(ChampionPairing).one()
    pairing.status = "ended"
    session.flush()
    assert can_view_person(session, people["champion"], people["staff"]) is HIDE


def test_graph_editing_and_audit_reading(people):
    assert [bool(can_edit_graph(people[k])) for k in (
        "staff", "manager", "lnd", "partnership_lnd", "admin")] == [False, False, True, False,
                                                                    False]
    assert [bool(can_read_audit(people[k])) for k in ("lnd", "admin")] == [False, True]


@pytest.mark.parametrize("actor", ["manager", "staff", "lnd", "champion"])
def test_the_sql_team_filter_keeps_exactly_the_people_managed(session, people, actor):
    from sqlalchemy import select

    from pathways.models import Person
    from pathways.policy import manages, team_filter

    me = people[actor]
    listed = set(session.scalars(select(Person.email).where(team_filter(me))))
    assert listed == {p.email for p in session.scalars(select(Person)) if manages(me, p)}
    assert bool(listed) is (actor == "manager")


@pytest.mark.parametrize("actor", ["staff", "lnd", "partnership_lnd", "partner_staff",
                                   "outsider"])
def test_the_sql_reach_filter_keeps_exactly_the_people_within_reach(session, people, actor):
    from sqlalchemy import select

    from pathways.models import Person
    from pathways.people.access import organisations_in_reach
    from pathways.policy import reach_filter, within_reach

    me = people[actor]
    listed = set(session.scalars(select(Person.email).where(
        reach_filter(me, Person.organisation_id))))
    assert listed == {p.email for p in session.scalars(select(Person)) if within_reach(me, p)}
    reached = [o.id for o in organisations_in_reach(session, me)]
    assert reached[0] == me.organisation_id  # their own first
    assert set(reached) == set(session.scalars(
        select(Person.organisation_id).where(reach_filter(me, Person.organisation_id))))
