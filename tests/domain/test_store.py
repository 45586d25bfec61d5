"""The graph in SQL: saving, merging, replacing, all-or-nothing, and graph_version."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from pathways.document import GraphDocument, load_document
from pathways.errors import InvalidInput
from pathways.interchange.store import import_document, save_document
from pathways.models import Base, Qualification, Role, Transition, read_graph_version
from tests.factories import make_edge, make_qualification, make_role, toy_document


@pytest.fixture
def stored(session):
    """The toy pathway, saved and committed."""
    save_document(session, toy_document())
    session.commit()
    return session


def counts(session):
    return (session.scalar(select(func.count()).select_from(Role)),
            session.scalar(select(func.count()).select_from(Qualification)),
            session.scalar(select(func.count()).select_from(Transition)))


def test_migrations_match_the_models(engine):
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def test_saved_graph_loads_back_the_same(stored):
    assert load_document(stored).canonical() == toy_document().canonical()
    assert counts(stored) == (5, 4, 10)
    edge = stored.scalars(select(Transition).where(Transition.target_id == "sw-apprenticeship"))
    assert edge.one().requires == ["diploma-l3"]


def test_import_bumps_the_version_and_a_no_change_import_does_not(stored):
    version = read_graph_version(stored)
    result = import_document(stored, toy_document())
    assert (result.created, result.updated, result.deleted) == (0, 0, 0)
    assert read_graph_version(stored) == version
    import_document(stored, GraphDocument({"new-role": make_role("new-role")}))
    assert read_graph_version(stored) == version + 1


def test_merge_adds_and_updates_by_id_and_keeps_the_rest(stored):
    incoming = GraphDocument(
        {"care-worker": make_role("care-worker", "Care and support worker",
                                  family="care_and_support")},
        {("care-worker", "sw-degree"): make_edge("care-worker", "sw-degree", 48, cost_gbp=9535,
                                                 funding="bursary")})
    result = import_document(stored, incoming)
    assert (result.created, result.updated, result.deleted) == (0, 2, 0)
    document = load_document(stored)
    assert document.nodes["care-worker"]["title"] == "Care and support worker"
    assert document.edges[("care-worker", "sw-degree")]["funding"] == "bursary"
    assert len(document.nodes) == 9


def test_replace_makes_the_stored_graph_exactly_the_file(stored):
    small = GraphDocument({"volunteer": make_role("volunteer", family="entry_routes",
                                                  top_of_ladder=True)}, {})
    result = import_document(stored, small, replace=True)
    assert result.deleted == 18
    assert counts(stored) == (1, 0, 0)


def test_changed_requirements_are_rewritten(stored):
    edge = make_edge("practitioner", "sw-apprenticeship", 36, funding="levy",
                     requires=["care-cert", "diploma-l3"])
    import_document(stored, GraphDocument({}, {("practitioner", "sw-apprenticeship"): edge}))
    stored.commit()
    assert load_document(stored).edges[("practitioner", "sw-apprenticeship")]["requires"] == [
        "care-cert", "diploma-l3"]


def test_an_invalid_result_writes_nothing(stored):
    before = load_document(stored).canonical()
    version = read_graph_version(stored)
    bad = GraphDocument(
        {"new-role": make_role("new-role")},
        {("new-role", "ghost"): make_edge("new-role", "ghost")})
    with pytest.raises(InvalidInput, match="unknown node 'ghost'"):
        import_document(stored, bad)
    stored.rollback()
    assert load_document(stored).canonical() == before
    assert read_graph_version(stored) == version


def test_orm_changes_bump_the_version_in_the_same_transaction(stored):
    version = read_graph_version(stored)
    stored.get(Role, "care-worker").title = "Care worker (home care)"
    stored.flush()
    assert read_graph_version(stored) == version + 1
    stored.rollback()
    assert read_graph_version(stored) == version
    stored.add(Qualification(id="peps-1", title="PEPS stage 1"))
    stored.commit()
    assert read_graph_version(stored) == version + 1
    stored.delete(stored.get(Qualification, "peps-1"))
    stored.commit()
    assert read_graph_version(stored) == version + 2


def test_a_clean_read_does_not_bump(stored):
    version = read_graph_version(stored)
    stored.get(Role, "care-worker").title = stored.get(Role, "care-worker").title
    stored.commit()
    assert read_graph_version(stored) == version


def test_database_refuses_negative_months(stored):
    from sqlalchemy.exc import IntegrityError

    stored.add(Transition(source_id="care-worker", target_id="volunteer", kind="sideways",
                          months=-1))
    with pytest.raises(IntegrityError):
        stored.flush()


def test_qualification_nodes_keep_their_fields(stored):
    apprenticeship = stored.get(Qualification, "sw-apprenticeship")
    assert apprenticeship.is_apprenticeship and apprenticeship.funding_band_gbp == 24000
    assert not stored.get(Qualification, "care-cert").is_apprenticeship
    assert make_qualification("x")["kind"] == "qualification"


def test_the_whole_history_runs_up_down_and_up_again(database_for):
    """The one test that replays every migration (every other test copies a migrated template)."""
    from sqlalchemy import inspect

    from pathways.db import downgrade_schema, make_engine, upgrade_schema

    engine = make_engine(database_for(None))
    upgrade_schema(engine)
    at_head = set(inspect(engine).get_table_names())
    assert {"nodes", "transitions", "people", "apprenticeships", "career_stories"} <= at_head
    downgrade_schema(engine)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade_schema(engine)
    assert set(inspect(engine).get_table_names()) == at_head
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    engine.dispose()


def test_upgrading_a_populated_database_keeps_every_row(database_for):
    """Migrations rebuild tables on SQLite: the graph's rows must survive (regression)."""
    from pathways.db import make_engine, session_scope, upgrade_schema

    engine = make_engine(database_for(None))
    upgrade_schema(engine, "0001")
    with engine.begin() as connection:  # rows as the first release wrote them
        connection.exec_driver_sql(
            "INSERT INTO nodes (id, kind, title, description, citation, note) VALUES "
            "('a', 'role', 'A', '', '', ''), ('b', 'role', 'B', '', '', ''), "
            "('q', 'qualification', 'Q', '', '', '')")
        connection.exec_driver_sql(
            "INSERT INTO transitions (id, source_id, target_id, kind, months, cost_gbp, funding, "
            "earn_while_learning, min_experience_months, citation, note) VALUES "
            "(1, 'a', 'b', 'promotion', 1, 0, 'none', true, 0, '', ''), "
            "(2, 'a', 'q', 'study', 3, 0, 'none', true, 0, '', '')")
        connection.exec_driver_sql(
            "INSERT INTO transition_requirements (transition_id, qualification_id) VALUES (1, 'q')")
    upgrade_schema(engine)
    with session_scope(engine) as session:
        document = load_document(session)
    assert sorted(document.edges) == [("a", "b"), ("a", "q")]
    assert document.edges[("a", "b")]["requires"] == ["q"]
    assert not document.nodes["a"]["retired"]
    engine.dispose()


def test_replacing_drops_a_required_qualification_that_a_staying_move_needed(engine):
    """Regression: the seed replacing the toy graph failed on a RESTRICT foreign key."""
    from pathways.db import session_scope
    from pathways.interchange.store import import_document
    from tests.factories import make_document, toy_document

    with session_scope(engine) as session:
        import_document(session, toy_document())
    toy = toy_document()
    nodes = [n for k, n in toy.nodes.items() if k != "care-cert"]
    edges = [dict(e, requires=[r for r in e.get("requires", []) if r != "care-cert"])
             for (s, t), e in toy.edges.items() if "care-cert" not in (s, t)]
    with session_scope(engine) as session:
        import_document(session, make_document(nodes, edges), replace=True)
    with session_scope(engine) as session:
        stored = load_document(session)
        assert "care-cert" not in stored.nodes
        assert stored.edges[("care-worker", "senior-care-worker")]["requires"] == []


# The migration round trip CI runs on both engines (issue 14) ------------------------------

#: The last head released before the region-scale work: a database made by that release is
#: upgraded in place, keeping its data.
PREVIOUS_RELEASE = "0011"


def alembic_check(engine) -> None:
    """Run ``alembic check``: raises when the models and the migrated schema differ."""
    from alembic import command

    from pathways.db import alembic_config

    with engine.connect() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.check(config)


def every_row(engine, columns_of: dict[str, list[str]]) -> dict[str, list[tuple]]:
    """Each table's rows (only the columns named), sorted."""
    from sqlalchemy import text

    found = {}
    with engine.connect() as connection:
        for table, columns in columns_of.items():
            listed = ", ".join(f'"{column}"' for column in columns)
            rows = connection.execute(text(f'SELECT {listed} FROM "{table}"'))
            found[table] = sorted((tuple(row) for row in rows), key=repr)
    return found


def test_the_newest_migration_goes_down_one_step_and_up_again(database_url):
    from sqlalchemy import inspect

    from pathways.db import downgrade_schema, make_engine, migration_heads, upgrade_schema

    engine = make_engine(database_url)
    try:
        alembic_check(engine)
        at_head = set(inspect(engine).get_table_names())
        downgrade_schema(engine, "-1")
        with engine.connect() as connection:
            assert MigrationContext.configure(connection).get_current_heads() != tuple(
                migration_heads())
        upgrade_schema(engine)
        assert set(inspect(engine).get_table_names()) == at_head
        alembic_check(engine)
    finally:
        engine.dispose()


def test_data_of_the_previous_release_survives_the_upgrade(database_for):
    """The demo partnership taken down to the previous release's schema, then up to head:
    every row of every table that release had is still there, column for column."""
    from sqlalchemy import inspect

    from pathways.db import downgrade_schema, make_engine, schema_revisions, upgrade_schema
    from tests.recipes import DEMO

    engine = make_engine(database_for(DEMO))
    try:
        downgrade_schema(engine, PREVIOUS_RELEASE)
        with engine.connect() as connection:
            assert schema_revisions(connection) == {PREVIOUS_RELEASE}
        schema = inspect(engine)
        columns_of = {table: [column["name"] for column in schema.get_columns(table)]
                      for table in schema.get_table_names() if table != "alembic_version"}
        before = every_row(engine, columns_of)
        assert sum(len(rows) > 0 for rows in before.values()) >= 20
        assert len(before["people"]) > 10 and before["apprenticeships"]
        upgrade_schema(engine)
        engine.dispose()
        assert every_row(engine, columns_of) == before
        alembic_check(engine)
    finally:
        engine.dispose()
