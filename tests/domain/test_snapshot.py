"""The snapshot and its cache: frozen, rebuilt when graph_version moves, seen across processes."""

import subprocess
import sys
import textwrap

import networkx as nx
import pytest

from pathways.interchange.store import save_document
from pathways.models import Role
from pathways.snapshot import GraphCache, build_graph
from tests.factories import toy_document


@pytest.fixture
def stored(session):
    save_document(session, toy_document())
    session.commit()
    return session


def test_snapshot_is_frozen_and_tagged_with_its_version(stored):
    G = build_graph(stored)
    assert nx.is_frozen(G)
    with pytest.raises(nx.NetworkXError):
        G.add_node("x")
    assert G.graph["version"] >= 2
    assert G.edges["care-worker", "senior-care-worker"]["w_months"] == 14


def test_cache_reuses_the_snapshot_until_the_version_moves(stored):
    cache = GraphCache()
    first = cache.get(stored)
    assert cache.get(stored) is first and cache.builds == 1
    stored.get(Role, "care-worker").title = "Home care worker"
    stored.commit()
    second = cache.get(stored)
    assert second is not first and cache.builds == 2
    assert second.nodes["care-worker"]["title"] == "Home care worker"
    assert first.nodes["care-worker"]["title"] == "Care worker"  # never mutated in place


def test_a_change_in_another_process_is_seen(stored, database_url):
    cache = GraphCache()
    assert cache.get(stored).nodes["care-worker"]["title"] == "Care worker"
    stored.commit()  # end this session's transaction so the next read sees new commits
    script = textwrap.dedent(f"""
        from pathways.db import make_engine, session_scope
        from pathways.models import Role
        with session_scope(make_engine({database_url!r})) as session:
            session.get(Role, "care-worker").title = "Changed elsewhere"
    """)
    subprocess.run([sys.executable, "-c", script], check=True)
    assert cache.get(stored).nodes["care-worker"]["title"] == "Changed elsewhere"


def test_max_age_trusts_the_snapshot_for_a_while(stored):
    cache = GraphCache(max_age_seconds=3600)
    first = cache.get(stored)
    stored.get(Role, "care-worker").title = "Home care worker"
    stored.commit()
    assert cache.get(stored) is first
    cache.clear()
    assert cache.get(stored).nodes["care-worker"]["title"] == "Home care worker"
