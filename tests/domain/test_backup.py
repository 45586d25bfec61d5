"""``pathways backup`` and ``pathways restore``: the demo partnership backed up and restored
into an empty database, every table compared row by row, on both engines."""

import pytest
from click.testing import CliRunner
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from pathways.backup import restore, tables_with_rows
from pathways.cli import cli
from pathways.db import make_engine
from tests.recipes import DEMO, TOY_PATHWAY


def run(database_url, *args):
    return CliRunner().invoke(cli, list(args), env={"DATABASE_URL": database_url},
                              catch_exceptions=False)


def every_row(url: str) -> dict[str, list[tuple]]:
    """Every table's rows, sorted, by table name (the schema's public tables)."""
    engine = make_engine(url)
    try:
        rows = {}
        with engine.connect() as connection:
            for table in sorted(inspect(connection).get_table_names()):
                result = connection.execute(text(f'SELECT * FROM "{table}"'))
                rows[table] = sorted((tuple(row) for row in result), key=repr)
        return rows
    finally:
        engine.dispose()


@pytest.fixture
def demo_url(database_for):
    return database_for(DEMO)


@pytest.fixture
def file_name(database_engine):
    return "pathways.backup" if database_engine == "postgresql" else "pathways.sqlite3"


def test_a_backup_restores_into_an_empty_database_row_for_row(
        demo_url, database_for, tmp_path, file_name):
    backup_file = tmp_path / file_name
    made = run(demo_url, "backup", str(backup_file))
    assert made.exit_code == 0, made.output
    assert f"Backed up to {backup_file}" in made.output
    empty = database_for(None)
    restored = run(empty, "restore", str(backup_file))
    assert restored.exit_code == 0, restored.output
    before, after = every_row(demo_url), every_row(empty)
    assert sorted(after) == sorted(before)
    filled = {table for table, rows in before.items() if rows}
    assert {"people", "apprenticeships", "audit_events", "nodes"} <= filled
    for table in before:
        assert after[table] == before[table], f"{table} differs"


def test_restore_refuses_a_database_holding_rows_unless_forced(
        demo_url, database_for, database_templates, tmp_path, file_name):
    backup_file = tmp_path / file_name
    assert run(demo_url, "backup", str(backup_file)).exit_code == 0
    target = database_for(TOY_PATHWAY)
    database_templates.spoil(target)  # replaced wholesale: never reset for another test
    refused = run(target, "restore", str(backup_file))
    assert refused.exit_code == 1 and "the database is not empty" in refused.output
    assert f"{backup_file}: the database is not empty" in refused.output
    assert every_row(target)["people"] == [] and len(every_row(target)["nodes"]) == 9
    forced = run(target, "restore", "--force", str(backup_file))
    assert forced.exit_code == 0, forced.output
    assert every_row(target) == every_row(demo_url)


def test_a_migrated_database_without_rows_counts_as_empty(database_url):
    engine = make_engine(database_url)
    try:
        assert inspect(engine).get_table_names() and tables_with_rows(engine) == []
    finally:
        engine.dispose()


def test_backup_refuses_to_overwrite_a_file_unless_forced(database_url, tmp_path):
    existing = tmp_path / "kept"
    existing.write_text("yesterday's backup")
    refused = run(database_url, "backup", str(existing))
    assert refused.exit_code == 1 and "exists" in refused.output
    assert existing.read_text() == "yesterday's backup"
    assert run(database_url, "backup", "--force", str(existing)).exit_code == 0
    assert existing.stat().st_size > 1000
    assert run(database_url, "backup", str(tmp_path / "no-such-folder" / "b")).exit_code == 1


def test_restore_refuses_a_file_that_is_not_a_backup_of_this_kind(database_url, tmp_path):
    for content in (b"", b"id,name\n1,Someone\n", b"PGDMP\x01", b"SQLite format 3\x00"):
        odd = tmp_path / "odd"
        odd.write_bytes(content)
        refused = run(database_url, "restore", str(odd))
        assert (refused.exit_code == 1 and "is not a backup" in refused.output) or (
            refused.exit_code == 1 and "could not be read" in refused.output), refused.output
    missing = run(database_url, "restore", str(tmp_path / "missing"))
    assert missing.exit_code == 1 and "is not a file" in missing.output


def test_without_the_postgresql_tools_the_error_says_what_to_install(
        database_url, database_engine, tmp_path, monkeypatch):
    if database_engine != "postgresql":
        pytest.skip("SQLite needs no tools")
    monkeypatch.setattr("pathways.backup.shutil.which", lambda tool: None)
    failed = run(database_url, "backup", str(tmp_path / "b"))
    assert failed.exit_code == 5 and "pg_dump was not found" in failed.output
    assert "postgresql-client" in failed.output and not (tmp_path / "b").exists()


def test_an_sqlite_backup_never_restores_over_itself(database_url, database_engine):
    if database_engine != "sqlite":
        pytest.skip("an SQLite file only")
    engine = make_engine(database_url)
    with pytest.raises(Exception, match="is the database itself"):
        restore(engine, engine.url.database, force=True)
    engine.dispose()


def test_a_database_restored_over_is_dropped_after_its_test_not_reset(
        database_engine, database_templates, tmp_path):
    if database_engine == "sqlite":
        pytest.skip("SQLite copies are files that go with the test's folder: nothing to reset")
    url = database_templates.copy(database_engine, TOY_PATHWAY, tmp_path)
    database_templates.spoil(url)
    database_templates.release(url)
    name = make_url(url).database
    admin = make_engine(database_templates.postgres_url)
    try:
        with admin.connect() as connection:
            left = connection.execute(text("SELECT count(*) FROM pg_database WHERE datname = :n"),
                                      {"n": name}).scalar()
    finally:
        admin.dispose()
    assert left == 0
    again = database_templates.copy(database_engine, TOY_PATHWAY, tmp_path)
    assert make_url(again).database != name and len(every_row(again)["nodes"]) == 9
    database_templates.release(again)
