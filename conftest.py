"""pytest's set-up for the docstring examples in ``pathways`` (the tests have tests/conftest.py).

``pytest`` runs the examples as doctests (``--doctest-modules``, see pyproject.toml). Besides
the module's own names, an example may use:

- ``G``: the seed career pathway as a graph (built once per run: examples must not change it);
- ``session``: a new in-memory SQLite database of the example's own, holding the schema and
  the seed pathway, with ``council`` (an organisation), ``lnd`` (its learning and development
  lead) and ``me`` (a care worker there).

Nothing here depends on the date, and neither may the examples.
"""

from __future__ import annotations

import os
import re

import pytest
from _pytest.doctest import DoctestItem

from tests import clock

# Freeze the clock for the whole run, doctests included, as the first thing pytest imports:
# pytest loads the conftest.py files of its arguments (tests/web/conftest.py...) before any
# pytest_configure hook runs, and what they import may read the clock at import time.
clock.start()

# A test never needs a commit to survive a power cut: SQLite skips the disk sync at each
# commit (6 ms each on this machine; PostgreSQL's test databases likewise, tests/databases.py).
os.environ.setdefault("SQLITE_SYNCHRONOUS", "NORMAL")


#: Alembic runs these (env.py reads Alembic's context when imported); they hold no examples.
collect_ignore = ["pathways/migrations"]

_NEEDS_DATABASE = re.compile(r"\b(session|connection|council|lnd|me)\b")


@pytest.fixture(scope="session")
def _pathway_graph():
    """The seed pathway as the app's snapshot builds it."""
    from sqlalchemy.orm import Session

    import seed
    from pathways.db import make_engine
    from pathways.models import Base
    from pathways.snapshot import build_graph

    engine = make_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        seed.load_pathway(session)
        return build_graph(session)


def _example_database() -> dict:
    """A new in-memory database with the seed pathway and three people's worth of set-up."""
    from sqlalchemy.orm import Session

    import seed
    from pathways.db import make_engine
    from pathways.models import Base
    from pathways.people.accounts import create_organisation, create_person

    engine = make_engine("sqlite://")
    Base.metadata.create_all(engine)
    session = Session(engine)
    seed.load_pathway(session)
    council = create_organisation(session, "Northshire Council")
    lnd = create_person(session, email="lee@northshire.example", name="Lee Dale",
                        organisation=council, roles=["lnd"])
    me = create_person(session, email="ann@northshire.example", name="Ann Lee",
                       organisation=council, roles=["staff"])
    me.current_role_id = "care-worker"
    session.commit()
    from pathways import clock
    return {"session": session, "connection": session.connection(), "council": council,
            "lnd": lnd, "me": me, "day": clock.today(), "moment": clock.now()}


@pytest.fixture(autouse=True)
def _doctest_names(request):
    """Give a doctest ``G``, and a database when its examples name one (others get nothing)."""
    if not isinstance(request.node, DoctestItem):
        yield
        return
    namespace = request.getfixturevalue("doctest_namespace")
    added = {"G": request.getfixturevalue("_pathway_graph")}
    source = "".join(example.source for example in request.node.dtest.examples)
    if _NEEDS_DATABASE.search(source):
        added |= _example_database()
    namespace.update(added)
    yield
    for name in added:
        namespace.pop(name, None)
    if "session" in added:
        added["session"].close()
