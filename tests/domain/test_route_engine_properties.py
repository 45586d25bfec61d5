"""The route engine on random graphs (Hypothesis): the same routes as before, and as listing
every route; "no route" known from reachability exactly when there is none."""

import itertools
import os
import tempfile

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from pathways.errors import RouteNotFound
from pathways.options import HELD, RouteOptions
from pathways.reachability import ReachIndex, could_reach
from pathways.routes import (
    MAX_STEPS,
    _search,
    distinct_routes,
    explain_route,
    fits,
    make_route,
    routes_between,
)
from pathways.snapshot import graph_from_document
from tests.factories import make_document, make_edge, make_qualification, make_role

set_hypothesis_home_dir(os.path.join(tempfile.gettempdir(), f"pathways-hypothesis-{os.getuid()}"))

ROLES = [f"r{i}" for i in range(6)]
QUALIFICATIONS = [f"q{i}" for i in range(3)]
PLACES = ROLES + QUALIFICATIONS
FUNDING = ["none", "self_funded", "levy", "employer"]


@st.composite
def pathways(draw):
    """A small random pathway: roles, qualifications, moves with prerequisites and costs."""
    pairs = draw(st.lists(st.tuples(st.sampled_from(PLACES), st.sampled_from(PLACES)).filter(
        lambda p: p[0] != p[1] and not (p[0] in QUALIFICATIONS and p[1] in QUALIFICATIONS)),
        min_size=10, max_size=30, unique=True))
    edges = []
    for a, b in pairs:
        funding = draw(st.sampled_from(FUNDING))
        requires = draw(st.lists(st.sampled_from(QUALIFICATIONS), max_size=1)) if (
            b in ROLES) else []
        edges.append(make_edge(
            a, b, draw(st.integers(0, 24)), funding=funding,
            cost_gbp=draw(st.sampled_from([0, 500, 3000])) if funding != "none" else 0,
            requires=[q for q in requires if q != a],
            kind=("study" if b in QUALIFICATIONS else "qualifies" if a in QUALIFICATIONS
                  else draw(st.sampled_from(["sideways", "promotion", "change_of_employer"]))),
            earn_while_learning=draw(st.sampled_from([True, True, False])),
            min_experience_months=draw(st.sampled_from([0, 0, 6, 12]))))
    nodes = [make_role(r) for r in ROLES] + [make_qualification(q) for q in QUALIFICATIONS]
    return graph_from_document(make_document(nodes, edges), version=1)


@st.composite
def queries(draw):
    source, target = draw(st.sampled_from(ROLES)), draw(st.sampled_from(ROLES + QUALIFICATIONS))
    options = RouteOptions(
        by=draw(st.sampled_from(["months", "cost", "steps"])), k=draw(st.integers(1, 6)),
        have=frozenset(draw(st.lists(st.sampled_from(QUALIFICATIONS), max_size=2))),
        earn_while_learning=draw(st.sampled_from([False, False, False, True])),
        max_self_funded=draw(st.sampled_from([None, None, None, 0, 1])),
        within_months=draw(st.sampled_from([None, None, None, 40, 80])),
        months_in_role=draw(st.sampled_from([0, 0, 6])))
    return source, target, options


def order_key(route, by):
    """The engine's order: its criterion, then months, employer changes and steps."""
    steps = sum(1 for s in route.steps if s.kind != HELD)
    first = {"months": 0, "cost": route.total_cost_gbp, "steps": steps}[by]
    return first, route.total_months, route.employer_changes, steps


def every_route(G, source, target, options):
    """Every valid route, found by listing every simple path (and each held start)."""
    starts = [(source,)] + [(source, q) for q in options.have if q != source]
    found = []
    for start in starts:
        if start[-1] == target:
            paths = [start]
        else:
            others = G.subgraph([n for n in G if n not in start[:-1]])
            paths = [start[:-1] + tuple(p) for p in
                     nx.all_simple_paths(others, start[-1], target, cutoff=MAX_STEPS)]
        for path in paths:
            if any(n in options.have for n in path[len(start):]):
                continue  # nobody studies what they hold
            if options.earn_while_learning or options.max_self_funded == 0:
                moves = [G.edges[u, v] for u, v in itertools.pairwise(path[len(start) - 1:])]
                if options.earn_while_learning and not all(
                        m["earn_while_learning"] for m in moves):
                    continue
                if options.max_self_funded == 0 and any(
                        m["funding"] == "self_funded" for m in moves):
                    continue
            route = make_route(G, path, options)
            if route is not None and (options.within_months is None
                                      or route.total_months <= options.within_months):
                found.append(route)
    return found


@settings(max_examples=50, deadline=None, derandomize=True)
@given(pathways(), queries())
def test_the_k_best_routes_are_the_best_of_every_route_and_as_before(G, query):
    source, target, options = query
    if source == target:
        return
    expected = sorted(order_key(r, options.by) for r in every_route(G, source, target, options))
    try:
        got = routes_between(G, source, target, options)
    except RouteNotFound:
        got = []
    assert [order_key(r, options.by) for r in got] == expected[:options.k]
    assert len({r.path for r in got}) == len(got)
    try:  # the corridor search the engine used before (and falls back on) agrees
        before = _search(G, source, target, options, options.by, options.k, distinct=False)
    except RouteNotFound:
        before = []
    assert [order_key(r, options.by) for r in before] == [order_key(r, options.by) for r in got]


@settings(max_examples=30, deadline=None, derandomize=True)
@given(pathways(), queries())
def test_distinct_routes_say_no_route_exactly_when_there_is_none(G, query):
    source, target, options = query
    if source == target:
        return
    possible = bool(every_route(G, source, target, options))
    try:
        distinct_routes(G, source, target, options)
        answered = True
    except RouteNotFound:
        answered = False
    assert answered == possible
    if possible:  # reachability never says no to a pair a route joins
        assert could_reach(G, source, target, options.have)


@settings(max_examples=25, deadline=None, derandomize=True)
@given(pathways())
def test_reachability_agrees_with_networkx(G):
    index = ReachIndex(G)
    for source, target in itertools.product(G, G):
        assert index.reaches(source, target) == (source == target or nx.has_path(
            G, source, target))


@settings(max_examples=50, deadline=None, derandomize=True)
@given(pathways(), queries())
def test_a_path_fits_exactly_when_make_route_makes_it_within_the_time(G, query):
    """``fits`` (what the planner's search asks of each candidate) agrees with making the
    route and checking its months, on every simple path from the start; and a route made
    without its words gains exactly make_route's words from ``explain_route``."""
    source, _, options = query
    for target in PLACES:
        if target == source:
            continue
        for path in nx.all_simple_paths(G, source, target, cutoff=MAX_STEPS):
            route = make_route(G, path, options)
            made = route is not None and (options.within_months is None
                                          or route.total_months <= options.within_months)
            assert fits(G, path, options) == made, path
            bare = make_route(G, path, options, explain=False)
            assert (bare is None) == (route is None)
            if route is not None:
                assert explain_route(G, bare) == route
