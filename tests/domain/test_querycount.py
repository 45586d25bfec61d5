"""The statement counter the fixed-query page tests use counts what an engine runs."""

from sqlalchemy import create_engine, text

from tests.querycount import counting


def test_every_statement_run_inside_the_block_is_counted_and_none_after():
    engine = create_engine("sqlite://")
    with counting(engine) as seen, engine.connect() as connection:
        connection.execute(text("select 1"))
        connection.execute(text("select 2"))
    with engine.connect() as connection:
        connection.execute(text("select 3"))
    assert seen.count == 2
    assert seen.statements == ["select 1", "select 2"]
