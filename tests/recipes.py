"""What test databases can hold before a test starts (see ``tests.databases``).

A module picks one by overriding the ``database_url`` fixture::

    @pytest.fixture
    def database_url(database_for):
        return database_for(SEED_PATHWAY)

Each recipe runs once per run and engine; tests get copies. Recipes hold data many tests only
read or build on; what a test is about, it makes itself (``tests.factories``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy.orm import Session

from pathways import clock
from tests.databases import MIGRATED, Recipe, attach


def _toy(session) -> None:
    from pathways.interchange.store import save_document
    from tests.factories import toy_document

    save_document(session, toy_document())


def _seed(session) -> None:
    from seed import load_pathway

    load_pathway(session)


def _toy_with_people(session) -> None:
    from tests.factories import make_people

    _toy(session)
    make_people(session)


def _seed_with_people(session) -> None:
    from tests.factories import make_people

    _seed(session)
    make_people(session)


def demo_on(day: date) -> Recipe:
    """The seed pathway and the demo partnership, loaded on ``day``."""
    from seed import load_pathway
    from seed.demo import load_demo

    def build(session) -> None:
        load_pathway(session)
        assert load_demo(session, today=day), "the demo was already loaded"
    return Recipe(f"demo_{day:%Y%m%d}", build)


def world_on(pathway: Recipe, name: str, build: Callable[[Session, dict], object]) -> Recipe:
    """A recipe: ``pathway``, ``make_people``'s people, then ``build(session, people)``.

    For a "world" many tests of a module share (people, cohorts, pairings): built once per
    process and engine; what ``build`` returns (ids, or rows as ``Stored``) comes back from
    the ``recipe_made`` fixture. Give each world its own ``name``.
    """
    def make(session) -> object:
        from tests.factories import make_people

        assert pathway.build is not None
        pathway.build(session)
        people = make_people(session)
        session.flush()
        return build(session, people)
    return Recipe(name, make)


def seed_world(name: str, build: Callable[[Session, dict], object]) -> Recipe:
    """A world on the seed pathway (see ``world_on``)."""
    return world_on(SEED_PATHWAY, name, build)


def world_fixtures(world: Recipe, pathway: Recipe) -> tuple:
    """A module's ``database_url`` and ``world`` fixtures for a world its tests share::

        database_url, world = world_fixtures(WORLD, SEED_PATHWAY)

    A test that asks for ``world`` gets a copy of the world and what its build returned; any
    other test gets ``pathway`` (with the people if it uses them: see ``world_or_pathway``).
    """
    import pytest

    @pytest.fixture
    def database_url(request, database_for) -> str:
        return world_or_pathway(request, database_for, world, pathway)

    @pytest.fixture(name="world")
    def made(recipe_made, database_url) -> object:
        return recipe_made(world)

    return database_url, made


def ids_of(people: dict) -> dict[str, int]:
    """``make_people``'s people by short name, as ids."""
    return {key: person.id for key, person in people.items()}


def world_or_pathway(request, database_for, world: Recipe, pathway: Recipe) -> str:
    """The URL of a database holding ``world`` for a test that asks for the ``world`` fixture,
    else ``pathway`` (with the people if the test uses them)."""
    if "world" in request.fixturenames:
        return database_for(world)
    return database_for(holding(request, pathway))


#: The small toy pathway of ``tests.factories.toy_document``.
TOY_PATHWAY = Recipe("toy", _toy)
#: The toy pathway and ``tests.factories.make_people`` (which then finds them, not makes them).
TOY_WITH_PEOPLE = Recipe("toy_people", _toy_with_people)
#: The real pathway of English adult social care (``seed/pathway``).
SEED_PATHWAY = Recipe("seed", _seed)
#: The seed pathway and ``make_people``: what ``make_cohort_world`` builds on.
SEED_WITH_PEOPLE = Recipe("seed_people", _seed_with_people)
#: The seed pathway and the demo partnership, loaded on the suite's (frozen) today.
DEMO = demo_on(clock.today())

def _cohort_objects(session, people: dict) -> dict:
    from tests.factories import make_cohort_world

    return make_cohort_world(session, people=people)


#: The seed pathway, ``make_people`` and ``make_cohort_world``'s programme, cohort, post and
#: educator, as rows (``attached_world`` loads them in the test's session).
COHORT_OBJECTS = world_on(SEED_PATHWAY, "cohort_objects", _cohort_objects)


def attached_world(made: dict, session: Session) -> dict:
    """A world's rows loaded in the test's ``session``; its graph ``G`` a copy of its own."""
    world = attach(made, session)
    assert isinstance(world, dict)
    if "G" in world:
        world["G"] = world["G"].copy()
    return world


#: Fixtures whose tests use ``make_people``'s people.
USES_PEOPLE = {"people", "world"}


def holding(request, pathway: Recipe) -> Recipe:
    """``pathway`` (``TOY_PATHWAY`` or ``SEED_PATHWAY``), with the people if the test uses them.

    A test "uses them" when it asks, directly or through other fixtures, for a fixture named in
    ``USES_PEOPLE``: ``make_people`` then finds them in the copy instead of making them.
    """
    if USES_PEOPLE.isdisjoint(request.fixturenames):
        return pathway
    return {TOY_PATHWAY: TOY_WITH_PEOPLE, SEED_PATHWAY: SEED_WITH_PEOPLE}[pathway]


__all__ = [
    "COHORT_OBJECTS",
    "DEMO",
    "MIGRATED",
    "SEED_PATHWAY",
    "SEED_WITH_PEOPLE",
    "TOY_PATHWAY",
    "TOY_WITH_PEOPLE",
    "Recipe",
    "attached_world",
    "demo_on",
    "holding",
    "ids_of",
    "seed_world",
    "world_fixtures",
    "world_on",
    "world_or_pathway",
]
