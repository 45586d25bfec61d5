"""Fixtures shared by every test: databases on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections import Counter

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from pathways.db import make_engine, make_session_factory, normalise_url, upgrade_schema

POSTGRES_SKIP_REASON = (
    "PostgreSQL runs skipped: TEST_DATABASE_URL is not set (CI sets it to the local server)"
)


def pytest_report_header(config):
    url = os.environ.get("TEST_DATABASE_URL")
    return [f"databases: sqlite{', postgresql (' + url + ')' if url else ''}"
            + ("" if url else f"  [{POSTGRES_SKIP_REASON}]")]


def pytest_terminal_summary(terminalreporter):
    """Say once why tests were skipped, with how many, instead of a line per test."""
    reasons = Counter()
    for report in terminalreporter.stats.get("skipped", []):
        reasons[str(report.longrepr[-1]).removeprefix("Skipped: ")] += 1
    for reason, count in sorted(reasons.items()):
        terminalreporter.write_line(f"SKIPPED {count} test(s): {reason}", yellow=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """The URL of a new, empty database: an SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}"
        return
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip(POSTGRES_SKIP_REASON)
    base = normalise_url(base)
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def engine(database_url):
    """An engine on a new database with the schema migrated to head."""
    engine = make_engine(database_url)
    upgrade_schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine):
    """A session on the new database; the test commits when it needs to."""
    session = make_session_factory(engine)()
    yield session
    session.rollback()
    session.close()
