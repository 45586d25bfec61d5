"""Fixtures shared by every test: the frozen clock, and databases on SQLite and PostgreSQL.

How to write a database test the fast way (README, "How the tests are set up"):

- ask for ``session`` (or ``engine``/``database_url``) to get a new, migrated, empty database
  of your own, on each engine;
- ask ``database_for(recipe)`` for one that already holds what a ``tests.recipes.Recipe``
  builds (the toy pathway, the seed pathway, the demo...): the recipe runs once per run and
  engine, and every test gets a copy;
- never migrate or load the seed in a test unless that is what it is about.
"""

from __future__ import annotations

import os
from collections import Counter

import pytest

from pathways.db import make_engine, make_session_factory
from tests import clock
from tests.databases import ENGINES, MIGRATED, TemplateDatabases
from tests.redis_server import redis_prefix  # noqa: F401 (a fixture for every test)

POSTGRES_SKIP_REASON = (
    "PostgreSQL runs skipped: TEST_DATABASE_URL is not set (CI sets it to the local server)"
)

# The root conftest.py freezes the clock (tests.clock) when pytest first imports it, before
# anything else is imported, so module-level constants see the frozen day too.


def _share_url_builders() -> None:
    """Compile each URL rule's builder once per process instead of once per app.

    The suite makes an app per test, and Werkzeug compiles two small Python functions for
    every URL rule of every new app (about 100 ms an app: a fifth of a web test). The
    function depends only on the rule's text, its defaults and ``append_unknown``, and takes
    the rule as an argument, so apps can share it. Tests only; skipped if Werkzeug changes.
    """
    from werkzeug.routing.rules import Rule

    original = getattr(Rule, "_compile_builder", None)
    if original is None or getattr(original, "shared", False):
        return
    built: dict = {}

    def compile_builder(self, append_unknown=True):
        key = (self.rule, tuple(self._trace), append_unknown,
               tuple(sorted((name, repr(value)) for name, value in (self.defaults or {}).items())))
        if key not in built:
            built[key] = original(self, append_unknown)
        return built[key]

    compile_builder.shared = True
    Rule._compile_builder = compile_builder


_share_url_builders()


def _share_parsed_rules() -> None:
    """Parse each URL rule's text once per process instead of once per app.

    Werkzeug parses every rule of every new app with a regular expression, part by part
    (``Rule._parse_rule``: about half of ``create_app``'s 17 ms). What it yields and records
    (the parts, the trace, the converters and arguments) depends only on the text and the
    map's converter classes; the converters keep the first app's map, which none of ours
    reads. Tests only; skipped if Werkzeug changes.
    """
    from werkzeug.routing.rules import Rule

    original = getattr(Rule, "_parse_rule", None)
    if original is None or getattr(original, "shared", False):
        return
    parsed: dict = {}

    def parse_rule(self, rule):
        key = (rule, tuple(sorted(self.map.converters.items())))
        if key not in parsed:
            trace_from, converters_before = len(self._trace), dict(self._converters)
            parts = list(original(self, rule))
            parsed[key] = (parts, self._trace[trace_from:],
                           {name: converter for name, converter in self._converters.items()
                            if converters_before.get(name) is not converter})
            return parts
        parts, trace, converters = parsed[key]
        self._trace.extend(trace)
        self._converters.update(converters)
        self.arguments.update(converters)
        return list(parts)

    parse_rule.shared = True
    Rule._parse_rule = parse_rule


_share_parsed_rules()


#: What a dialect must agree on for a statement compiled by one engine to run on another: its
#: kind, the server it found, how it writes parameters and names, and its JSON functions.
DIALECT_SETTINGS = ("server_version_info", "paramstyle", "positional", "label_length",
                    "max_identifier_length", "default_schema_name", "implicit_returning",
                    "use_insertmanyvalues", "insertmanyvalues_page_size", "is_async",
                    "_json_serializer", "_json_deserializer", "dbapi")


def _share_compiled_statements() -> None:
    """Compile each SQL statement once per process and kind of database, not once per test.

    SQLAlchemy keeps compiled statements per engine, keyed by the engine's dialect object; the
    suite makes an engine per test (a database of its own), so every test compiled every
    statement it ran afresh: about a fifth of a web test's time. Here every engine uses one
    cache, and dialects of one kind with the same ``DIALECT_SETTINGS`` count as the same
    (hashed by their kind, so the hash never changes when a dialect meets its server).
    Tests only; ``TEST_SHARED_STATEMENTS=0`` turns it off.
    """
    from sqlalchemy import util
    from sqlalchemy.engine import Engine
    from sqlalchemy.engine.default import DefaultDialect

    if os.environ.get("TEST_SHARED_STATEMENTS") == "0" or isinstance(
            Engine.__dict__.get("_compiled_cache"), property):
        return
    shared = util.LRUCache(5000)

    def cache(engine):  # an engine made with query_cache_size=0 keeps none
        return None if engine.__dict__.get("_own_compiled_cache", shared) is None else shared

    def keep(engine, value) -> None:
        engine.__dict__["_own_compiled_cache"] = value

    def settings(dialect) -> tuple:
        return (type(dialect), *(getattr(dialect, name, None) for name in DIALECT_SETTINGS))

    Engine._compiled_cache = property(cache, keep)
    DefaultDialect.__hash__ = lambda self: hash(type(self))
    DefaultDialect.__eq__ = lambda self, other: (
        self is other or (isinstance(other, DefaultDialect) and settings(self) == settings(other)))


_share_compiled_statements()


def pytest_report_header(config):
    url = os.environ.get("TEST_DATABASE_URL")
    return [f"databases: sqlite{', postgresql (' + url + ')' if url else ''}"
            + ("" if url else f"  [{POSTGRES_SKIP_REASON}]"), clock.describe()]


def pytest_terminal_summary(terminalreporter):
    """Say once why tests were skipped, with how many, instead of a line per test."""
    reasons = Counter()
    for report in terminalreporter.stats.get("skipped", []):
        reasons[str(report.longrepr[-1]).removeprefix("Skipped: ")] += 1
    for reason, count in sorted(reasons.items()):
        terminalreporter.write_line(f"SKIPPED {count} test(s): {reason}", yellow=True)


#: Tests that share an expensive per-process set-up run on one pytest-xdist worker
#: (``--dist loadgroup``): the demo's templates, loaded on five days. Each browser test module
#: is a group of its own, so its server (module-scoped) starts once, while the modules share
#: both workers (each worker starts its own Chromium, in about a second).
XDIST_GROUPS = {"tests/domain/test_demo_seed.py": "demo", "tests/domain/test_audit.py": "demo"}
BROWSER_TESTS = "tests/browser/"
#: The longest tests (a minute or more each, one per engine and role) start first, so that on
#: two workers the short tests fill in around them rather than one worker finishing alone.
LONGEST_FIRST = ("tests/web/test_fuzz.py::test_hostile_input_never_gives_a_server_error",
                 "tests/web/test_load_and_faults.py::")


def pytest_collection_modifyitems(config, items):
    for item in items:
        path = item.nodeid.split("::")[0]
        for prefix, group in XDIST_GROUPS.items():
            if path.startswith(prefix):
                item.add_marker(pytest.mark.xdist_group(group))
        if path.startswith(BROWSER_TESTS):
            item.add_marker(pytest.mark.xdist_group(path))
    items.sort(key=lambda item: not item.nodeid.startswith(LONGEST_FIRST))


@pytest.fixture(scope="session")
def database_templates(tmp_path_factory):
    """This process's template databases (see ``tests.databases``)."""
    templates = TemplateDatabases(tmp_path_factory.mktemp("templates"),
                                  os.environ.get("TEST_DATABASE_URL"))
    yield templates
    templates.close()


@pytest.fixture(params=ENGINES)
def database_engine(request):
    """The engine a test runs on: every database test runs on both."""
    if request.param == "postgresql" and not os.environ.get("TEST_DATABASE_URL"):
        pytest.skip(POSTGRES_SKIP_REASON)
    return request.param


@pytest.fixture
def database_for(database_engine, database_templates, tmp_path):
    """``database_for(recipe)``: the URL of a new database of this test's holding ``recipe``.

    ``database_for(None)`` gives a blank database with no schema (for migration tests).
    Every database is given back after the test (see ``tests.databases``).
    """
    made = []

    def make(recipe=MIGRATED):
        url = database_templates.copy(database_engine, recipe, tmp_path)
        made.append(url)
        return url

    yield make
    for url in made:
        database_templates.release(url)


@pytest.fixture
def recipe_made(database_engine, database_templates):
    """``recipe_made(recipe)``: what ``recipe``'s build returned (after ``database_for(recipe)``).

    Rows in it are ``tests.databases.Stored``: ``attach(value, session)`` loads them.
    """
    return lambda recipe: database_templates.made(database_engine, recipe)


@pytest.fixture
def database_url(database_for):
    """The URL of a new database of this test's, migrated to head and empty."""
    return database_for()


@pytest.fixture
def engine(database_url):
    """An engine on this test's database."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine):
    """A session on this test's database; the test commits when it needs to."""
    session = make_session_factory(engine)()
    yield session
    session.rollback()
    session.close()

