"""The audit log: every event names the organisation it concerns, and is read only within
reach of it (SQLite and PostgreSQL).

Regression (issue 11, item 1): an administrator of an unrelated council read every event of
the demo partnership but those about people and organisations: apprentices' emails, breaks
in learning and their reasons, off-the-job queries, who asked which champion.
"""

import pytest
from sqlalchemy import select

from pathways import audit
from pathways.models import AuditEvent, Organisation, Person
from pathways.people.accounts import create_organisation, create_person
from pathways.people.pages import audit_events, audit_kinds
from pathways.policy import audit_filter, reaches_organisation
from seed.demo import COUNCIL
from tests.recipes import DEMO


@pytest.fixture
def database_url(database_for):
    return database_for(DEMO)


def admin_of(session, organisation, key="auditor", scope="organisation") -> Person:
    return create_person(session, email=f"{key}@elsewhere.example", name=key,
                         organisation=organisation, roles=["admin"], scope=scope)


def readable(session, actor) -> list[AuditEvent]:
    return audit_events(session, actor, per_page=100_000).rows


def test_an_admin_of_an_unrelated_council_reads_nothing_of_the_partnership(session):
    elsewhere = create_organisation(session, "Elsewhere Borough Council")
    auditor = admin_of(session, elsewhere)
    session.flush()
    shown = readable(session, auditor)
    assert {event.organisation_id for event in shown} <= {elsewhere.id, None}
    assert {event.entity_type for event in shown
            if event.organisation_id is None} <= set(audit.MAP_ENTITIES)
    text = " ".join(f"{event.summary} {event.details}" for event in shown)
    for secret in ("northshire.example", "Maternity leave", "team meeting", "asked"):
        assert secret not in text
    assert [(e.action, e.entity_type) for e in shown] == [("create", "person"),
                                                         ("create", "organisation")]
    assert audit_kinds(session, auditor) == ["organisation", "person"]


def test_every_event_of_the_demo_names_its_organisation_unless_it_is_about_the_map(session):
    unnamed = session.scalars(select(AuditEvent.entity_type).where(
        AuditEvent.organisation_id.is_(None))).all()
    assert set(unnamed) <= set(audit.MAP_ENTITIES)
    council = session.scalars(select(Organisation).where(Organisation.name == COUNCIL)).one()
    status = session.scalars(select(AuditEvent).where(AuditEvent.action == "status")).first()
    assert status.organisation_id == council.id


def test_the_log_is_exactly_the_events_within_reach(session):
    """The SQL rule (``policy.audit_filter``) and ``policy.reaches`` agree on every event."""
    council = session.scalars(select(Organisation).where(Organisation.name == COUNCIL)).one()
    admin = session.scalars(select(Person).where(Person.email == "admin@northshire.example")
                            ).one()
    wide = admin_of(session, council, "wide_admin", scope="partnership")
    session.flush()
    organisations = {o.id: o for o in session.scalars(select(Organisation))}
    events = session.scalars(select(AuditEvent)).all()
    for actor in (admin, wide):
        expected = {e.id for e in events if e.organisation_id is not None and
                    reaches_organisation(actor, organisations[e.organisation_id])}
        assert {e.id for e in readable(session, actor)} == expected
        assert set(session.scalars(select(AuditEvent.id).where(audit_filter(actor)))) == (
            expected)
    assert len(readable(session, wide)) > len(readable(session, admin))  # the providers too


def test_map_events_are_read_by_every_administrator_and_other_unnamed_events_by_none(
        session):
    elsewhere = create_organisation(session, "Elsewhere Borough Council")
    auditor = admin_of(session, elsewhere)
    audit.record(session, None, "update", "role", "care-worker", "map change", concerns=None)
    orphan = AuditEvent(action="update", entity_type="apprenticeship", entity_id="999",
                        summary="an older event about a record since deleted")
    session.add(orphan)
    session.flush()
    summaries = [event.summary for event in readable(session, auditor)]
    assert "map change" in summaries and orphan.summary not in summaries


def test_an_event_must_name_its_organisation_unless_it_is_about_the_map(session):
    council = session.scalars(select(Organisation).where(Organisation.name == COUNCIL)).one()
    with pytest.raises(ValueError, match="must name its organisation"):
        audit.record(session, None, "update", "apprenticeship", 1, concerns=None)
    event = audit.record(session, None, "update", "cohort", 1, concerns=council)
    assert event.organisation_id == council.id
    person = session.scalars(select(Person).where(Person.organisation_id == council.id)).first()
    assert audit.record(session, None, "update", "person", person.id,
                        concerns=person).organisation_id == council.id


def test_the_migration_gives_older_events_their_organisation_where_it_can(database_for):
    """Migration 0005 fills in the organisation of the events written before it."""
    from sqlalchemy import text

    from pathways.db import make_engine, upgrade_schema

    engine = make_engine(database_for(None))
    upgrade_schema(engine, "0004")
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO organisations (id, name) VALUES (1, 'Council'), (2, 'Provider')"))
        connection.execute(text(
            "INSERT INTO people (id, email, name, organisation_id, active, session_generation, "
            "created_at) VALUES (10, 'a@example.org', 'A', 1, true, 0, :at), "
            "(11, 'b@example.org', 'B', 2, true, 0, :at)"), {"at": "2026-01-01 09:00:00+00"})
        connection.execute(text(
            "INSERT INTO champion_pairings (id, champion_id, person_id, status) "
            "VALUES (5, 10, 11, 'active')"))
        rows = [(1, "person", "10"), (2, "equality", "11"), (3, "organisation", "2"),
                (4, "pairing", "5"), (5, "role", "care-worker"), (6, "person", "404"),
                (7, "apprenticeship", "77")]
        for number, kind, entity in rows:
            connection.execute(text(
                "INSERT INTO audit_events (id, at, action, entity_type, entity_id, summary) "
                "VALUES (:id, :at, 'update', :kind, :entity, '')"),
                {"id": number, "at": "2026-01-01 09:00:00+00", "kind": kind, "entity": entity})
    upgrade_schema(engine)
    with engine.connect() as connection:
        found = dict(connection.execute(text(
            "SELECT id, organisation_id FROM audit_events ORDER BY id")).all())
    assert found == {1: 1, 2: 2, 3: 2, 4: 2, 5: None, 6: None, 7: None}
    engine.dispose()
