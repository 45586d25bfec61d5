"""Editing the graph one record at a time: checked, validated whole, locked, audited, versioned."""

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from pathways.db import make_session_factory
from pathways.errors import EditConflict, InvalidInput, NotFound
from pathways.graph_editing import (
    create_node,
    create_transition,
    delete_transition,
    restore_node,
    retire_node,
    update_node,
    update_transition,
)
from pathways.interchange.store import save_document
from pathways.models import AuditEvent, Node, Transition, read_graph_version
from pathways.options import make_options
from pathways.routes import routes_between
from pathways.snapshot import build_graph
from tests.factories import make_people, toy_document


@pytest.fixture
def stored(session):
    """The toy pathway saved, and an L&D person to edit it."""
    save_document(session, toy_document())
    session.commit()
    return session


@pytest.fixture
def lnd(stored):
    person = make_people(stored)["lnd"]
    stored.commit()
    return person


def move(session, source, target) -> Transition:
    return session.scalars(select(Transition).filter_by(source_id=source, target_id=target)).one()


def counts(session) -> tuple[int, int, int, int]:
    """Nodes, moves, audit events and the graph version: what a refused edit must not change."""
    return (session.scalar(select(func.count()).select_from(Node)),
            session.scalar(select(func.count()).select_from(Transition)),
            session.scalar(select(func.count()).select_from(AuditEvent)),
            read_graph_version(session))


def audit_events(session, action=None) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id)
    if action:
        query = query.filter_by(action=action)
    return list(session.scalars(query))


def refused(session, call, *args, **kwargs) -> InvalidInput:
    """Call a service that must refuse; check nothing was written; return the refusal."""
    before = counts(session)
    with pytest.raises(InvalidInput) as refusal:
        call(session, *args, **kwargs)
    session.rollback()
    assert counts(session) == before
    return refusal.value


# Roles and qualifications

def test_create_role_adds_the_row_audits_it_bumps_the_version_and_warns(stored, lnd):
    version = read_graph_version(stored)
    result = create_node(stored, lnd, {"id": "cook", "kind": "role", "title": "Cook",
                                       "family": "care_and_support", "pay_min_gbp": 22000})
    stored.commit()
    cook = stored.get(Node, "cook")
    assert cook.kind == "role" and cook.pay_min_gbp == 22000 and cook.lock_version == 1
    assert read_graph_version(stored) == version + 1
    assert {w.code for w in result.warnings} == {"unreachable", "dead-end"}
    assert all("cook" in w.where for w in result.warnings)  # only the warnings it added
    event = audit_events(stored, "create")[-1]
    assert (event.actor_id, event.entity_type, event.entity_id) == (lnd.id, "role", "cook")
    assert set(event.details["fields"]) == {"id", "kind", "title", "family", "pay_min_gbp"}


def test_create_qualification_from_form_text(stored, lnd):
    create_node(stored, lnd, {"id": "lead-adult-care", "kind": "qualification",
                              "title": "Lead adult care worker", "level": "3",
                              "standard_code": "ST0006", "duration_months": "18",
                              "registration_body": ""}, text=True)
    stored.commit()
    qualification = stored.get(Node, "lead-adult-care")
    assert qualification.is_apprenticeship and qualification.duration_months == 18
    assert audit_events(stored)[-1].entity_type == "qualification"


def test_bad_fields_are_refused_together_and_nothing_is_written(stored, lnd):
    refusal = refused(stored, create_node, lnd, {
        "id": "Not An Id", "kind": "qualification", "title": "", "level": "eleven",
        "pay_min_gbp": "20000", "standard_code": "12345"}, text=True)
    assert {p.where for p in refusal.problems} == {
        "id", "title", "level", "pay_min_gbp", "standard_code"}
    assert "applies to roles only" in str(refusal)


def test_a_used_id_is_refused(stored, lnd):
    refusal = refused(stored, create_node, lnd, {"id": "care-worker", "kind": "qualification",
                                                 "title": "Care work"})
    assert refusal.problems[0].where == "id" and "Care worker" in refusal.problems[0].message


def test_update_node_changes_only_what_differs(stored, lnd):
    version = read_graph_version(stored)
    result = update_node(stored, lnd, "care-worker", {"title": "Home care worker",
                                                      "level": "2", "note": ""}, 1, text=True)
    stored.commit()
    assert sorted(result.changed) == ["level", "title"]
    role = stored.get(Node, "care-worker")
    assert (role.title, role.level, role.lock_version) == ("Home care worker", 2, 2)
    assert read_graph_version(stored) == version + 1
    event = audit_events(stored, "update")[-1]
    assert event.entity_id == "care-worker" and sorted(event.details["fields"]) == [
        "level", "title"]


def test_update_node_without_a_change_writes_nothing(stored, lnd):
    before = counts(stored)
    result = update_node(stored, lnd, "care-worker", {"title": "Care worker"}, 1)
    stored.commit()
    assert result.changed == [] and counts(stored) == before


def test_update_node_refuses_an_invalid_graph(stored, lnd):
    refusal = refused(stored, update_node, lnd, "care-worker",
                      {"pay_min_gbp": 30000, "pay_max_gbp": 20000}, 1)
    assert "pay_min_gbp (30000) is more than pay_max_gbp (20000)" in str(refusal)
    assert stored.get(Node, "care-worker").pay_min_gbp is None


def test_update_node_keeps_id_kind_and_retired(stored, lnd):
    refusal = refused(stored, update_node, lnd, "care-worker", {"id": "carer", "retired": True}, 1)
    assert {p.where for p in refusal.problems} == {"id", "retired"}
    refusal = refused(stored, update_node, lnd, "volunteer", {"kind": "qualification"}, 1)
    assert {p.where for p in refusal.problems} == {"kind"}


def test_an_unknown_node_is_not_found(stored, lnd):
    with pytest.raises(NotFound):
        update_node(stored, lnd, "astronaut", {"title": "Astronaut"}, 1)
    with pytest.raises(NotFound):
        retire_node(stored, lnd, "astronaut", 1)


def test_a_stale_expected_version_is_a_conflict(stored, lnd):
    update_node(stored, lnd, "care-worker", {"title": "Home care worker"}, 1)
    stored.commit()
    before = counts(stored)
    with pytest.raises(EditConflict) as conflict:
        update_node(stored, lnd, "care-worker", {"level": 2}, 1)
    message = str(conflict.value)
    assert message.startswith("Someone else changed Home care worker while you were editing")
    assert "Your changes were not saved" in message
    stored.rollback()
    assert counts(stored) == before and stored.get(Node, "care-worker").level is None


def test_two_sessions_editing_the_same_row_conflict_at_flush(stored, lnd, engine):
    factory = make_session_factory(engine)
    first, second = factory(), factory()
    try:
        loaded = second.get(Node, "care-worker")  # held: the identity map keeps it as loaded
        update_node(first, lnd, "care-worker", {"title": "Home care worker"}, 1)
        first.commit()
        with pytest.raises(EditConflict, match="Someone else changed Care worker") as conflict:
            update_node(second, None, "care-worker", {"level": 2}, 1)  # passes the check
        assert isinstance(conflict.value.__cause__, StaleDataError)
        second.rollback()
        second.refresh(loaded)
        assert (loaded.title, loaded.level, loaded.lock_version) == ("Home care worker", None, 2)
    finally:
        first.close()
        second.close()


def test_retired_nodes_leave_the_snapshot_and_routes_and_come_back(stored, lnd):
    G = build_graph(stored)
    best = routes_between(G, "care-worker", "social-worker", make_options(G))[0]
    assert "sw-degree" in best.path
    result = retire_node(stored, lnd, "sw-degree", 1)
    stored.commit()
    assert result.changed == ["retired"] and stored.get(Node, "sw-degree").retired
    G = build_graph(stored)
    assert "sw-degree" not in G and not G.has_edge("care-worker", "sw-degree")
    routes = routes_between(G, "care-worker", "social-worker", make_options(G, k=5))
    assert routes and all("sw-degree" not in r.path for r in routes)
    assert stored.scalar(select(func.count()).select_from(Transition)) == 10  # moves kept

    restore_node(stored, lnd, "sw-degree", 2)
    stored.commit()
    G = build_graph(stored)
    assert G.has_edge("care-worker", "sw-degree")
    assert [e.action for e in audit_events(stored)][-2:] == ["retire", "restore"]


def test_retiring_a_qualification_moves_still_need_is_refused_clearly(stored, lnd):
    refusal = refused(stored, retire_node, lnd, "care-cert", 1)
    assert str(refusal).startswith("Care Certificate cannot be retired")
    assert [(p.where, p.message) for p in refusal.problems] == [(
        "move from Care worker to Senior care worker",
        "needs Care Certificate: change or delete that move first")]
    assert not stored.get(Node, "care-cert").retired


def test_retiring_the_only_way_to_earn_a_requirement_is_refused(stored, lnd):
    refusal = refused(stored, retire_node, lnd, "senior-care-worker", 1)
    assert "which no move leads to" in str(refusal)  # diploma-l3, needed for the apprenticeship


def test_retire_with_a_stale_version_is_a_conflict(stored, lnd):
    with pytest.raises(EditConflict):
        retire_node(stored, lnd, "sw-degree", 5)


# Moves

def test_create_transition_fills_defaults_and_joins_the_snapshot(stored, lnd):
    version = read_graph_version(stored)
    result = create_transition(stored, lnd, {"source": "volunteer", "target": "care-cert",
                                             "months": "2", "cost_gbp": "0"}, text=True)
    stored.commit()
    row = result.record
    assert (row.kind, row.funding, row.earn_while_learning) == ("study", "none", False)
    assert read_graph_version(stored) == version + 1
    assert build_graph(stored).has_edge("volunteer", "care-cert")
    event = audit_events(stored)[-1]
    assert (event.entity_type, event.entity_id) == ("transition", str(row.id))
    assert event.details["source"] == "volunteer" and "months" in event.details["fields"]


def test_create_transition_refusals(stored, lnd):
    refusal = refused(stored, create_transition, lnd,
                      {"source": "care-worker", "target": "care-cert", "months": 1})
    assert "there is already a move from Care worker to Care Certificate" in str(refusal)
    refusal = refused(stored, create_transition, lnd,
                      {"source": "care-cert", "target": "diploma-l3", "months": 1})
    assert "put the role in between" in str(refusal)
    refusal = refused(stored, create_transition, lnd,
                      {"source": "volunteer", "target": "diploma-l3", "months": 1,
                       "cost_gbp": 500, "months_typo": 3})
    assert {p.where for p in refusal.problems} == {""}  # the unknown field
    refusal = refused(stored, create_transition, lnd,
                      {"source": "volunteer", "target": "diploma-l3", "months": 1,
                       "cost_gbp": 500})
    assert "does not say who pays" in str(refusal)
    refusal = refused(stored, create_transition, lnd,
                      {"source": "volunteer", "target": "nowhere", "months": -1})
    assert {p.where for p in refusal.problems} == {"months"}
    refusal = refused(stored, create_transition, lnd,
                      {"source": "volunteer", "target": "nowhere", "months": 1})
    assert "unknown node 'nowhere'" in str(refusal)


def test_moves_to_retired_nodes_are_refused(stored, lnd):
    retire_node(stored, lnd, "sw-degree", 1)
    stored.commit()
    refusal = refused(stored, create_transition, lnd,
                      {"source": "senior-care-worker", "target": "sw-degree", "months": 36})
    assert refusal.problems[0].where == "target" and "is retired" in str(refusal)


def test_update_transition_changes_requirements_and_moves_the_lock_version(stored, lnd):
    row = move(stored, "volunteer", "care-worker")
    result = update_transition(stored, lnd, row.id, {"requires": "care-cert"}, 1, text=True)
    stored.commit()
    assert result.changed == ["requires"]
    assert row.requires == ["care-cert"] and row.lock_version == 2
    assert build_graph(stored).edges["volunteer", "care-worker"]["requires"] == ["care-cert"]
    result = update_transition(stored, lnd, row.id, {"requires": [], "months": 3}, 2)
    stored.commit()
    assert sorted(result.changed) == ["months", "requires"] and row.requires == []
    assert row.lock_version == 3  # one UPDATE for both
    assert [e.details["fields"] for e in audit_events(stored, "update")] == [
        ["requires"], ["months", "requires"]]


def test_update_transition_keeps_its_ends_and_checks_the_version(stored, lnd):
    row = move(stored, "volunteer", "care-worker")
    refusal = refused(stored, update_transition, lnd, row.id, {"target": "practitioner"}, 1)
    assert refusal.problems[0].where == "target"
    with pytest.raises(EditConflict, match="the move from Volunteer to Care worker"):
        update_transition(stored, lnd, row.id, {"months": 2}, 3)
    with pytest.raises(NotFound):
        update_transition(stored, lnd, 9999, {"months": 2}, 1)


def test_delete_transition(stored, lnd):
    row = move(stored, "care-worker", "sw-degree")
    version = read_graph_version(stored)
    delete_transition(stored, lnd, row.id, 1)
    stored.commit()
    assert not build_graph(stored).has_edge("care-worker", "sw-degree")
    assert read_graph_version(stored) == version + 1
    assert audit_events(stored)[-1].action == "delete"


def test_deleting_the_only_way_to_earn_a_requirement_is_refused(stored, lnd):
    row = move(stored, "care-worker", "care-cert")
    refusal = refused(stored, delete_transition, lnd, row.id, 1)
    assert "cannot be deleted" in str(refusal) and "nobody can earn it" in str(refusal)


def test_delete_of_a_move_changed_in_another_session_is_a_conflict(stored, lnd, engine):
    factory = make_session_factory(engine)
    first, second = factory(), factory()
    try:
        loaded = move(second, "care-worker", "sw-degree")
        row_id = loaded.id
        update_transition(first, None, row_id, {"months": 40}, 1)
        first.commit()
        with pytest.raises(EditConflict) as conflict:
            delete_transition(second, None, row_id, 1)
        assert isinstance(conflict.value.__cause__, StaleDataError)
        second.rollback()
        assert second.get(Transition, row_id) is not None
    finally:
        first.close()
        second.close()


def test_a_stale_edit_is_merged_field_by_field_onto_the_saved_record():
    from pathways.graph_editing import FieldChange, merge_edit

    loaded = {"title": "Care worker", "level": "", "note": "", "pay": "20000"}
    saved = {"title": "Home care worker", "level": "2", "note": "", "pay": "21000"}
    yours = {"title": "Care worker", "level": "3", "note": "Survey", "pay": "21000"}
    start, changes = merge_edit(loaded, saved, yours)
    # Their title and pay, their level (a clash), your note.
    assert start == {"title": "Home care worker", "level": "2", "note": "Survey",
                     "pay": "21000"}
    assert changes == [FieldChange("title", "Care worker", "Home care worker", "Care worker",
                                   False),
                       FieldChange("level", "", "2", "3", True),
                       FieldChange("pay", "20000", "21000", "21000", False)]  # same change
    # Without the record as loaded nothing can be told apart: your input is kept.
    start, changes = merge_edit(None, saved, yours)
    assert start == yours
    assert [(c.name, c.was, c.clash) for c in changes] == [
        ("title", None, True), ("level", None, True), ("note", None, True)]
