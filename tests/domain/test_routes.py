"""The route engine on a small pathway: best routes, options, personalisation, pruning."""

import math

import networkx as nx
import pytest

from pathways.corridor import Dijkstra, corridor_graph
from pathways.errors import InvalidInput, RouteNotFound, UnknownNode
from pathways.options import make_options
from pathways.routes import routes_between
from pathways.snapshot import graph_from_document
from tests.factories import toy_graph


@pytest.fixture(scope="module")
def G():
    return toy_graph()


def paths(routes):
    return [r.path for r in routes]


def test_best_route_by_months_takes_the_quickest(G):
    best = routes_between(G, "care-worker", "social-worker", make_options(G))[0]
    assert best.path == ("care-worker", "sw-degree", "social-worker")
    assert best.total_months == 38
    assert best.total_cost_gbp == 9250
    assert best.self_funded_steps == 1


def test_routes_come_best_first_and_are_distinct(G):
    routes = routes_between(G, "care-worker", "social-worker", make_options(G, k=5))
    months = [r.total_months for r in routes]
    assert months == sorted(months)
    assert len(set(paths(routes))) == len(routes) == 2


def test_best_route_by_cost_avoids_fees(G):
    best = routes_between(G, "care-worker", "social-worker", make_options(G, by="cost"))[0]
    assert "sw-apprenticeship" in best.path
    assert best.total_cost_gbp == 0


def test_best_route_by_steps_counts_moves(G):
    best = routes_between(G, "volunteer", "social-worker", make_options(G, by="steps"))[0]
    assert len(best.steps) == 3


def test_earn_while_learning_only_drops_unpaid_study(G):
    routes = routes_between(G, "care-worker", "social-worker",
                            make_options(G, earn_while_learning=True))
    assert all("sw-degree" not in r.path for r in routes)
    assert all(step.earn_while_learning for r in routes for step in r.steps)


def test_no_self_funded_steps(G):
    routes = routes_between(G, "care-worker", "social-worker", make_options(G, max_self_funded=0))
    assert routes and all(r.self_funded_steps == 0 for r in routes)


def test_within_months_bounds_the_total(G):
    routes = routes_between(G, "care-worker", "social-worker", make_options(G, within_months=40))
    assert paths(routes) == [("care-worker", "sw-degree", "social-worker")]
    with pytest.raises(RouteNotFound):
        routes_between(G, "care-worker", "social-worker",
                       make_options(G, within_months=40, earn_while_learning=True))


def test_prerequisites_must_be_met_in_order(G):
    # care-worker -> senior-care-worker directly needs the Care Certificate first
    routes = routes_between(G, "care-worker", "senior-care-worker", make_options(G, k=5))
    assert ("care-worker", "senior-care-worker") not in paths(routes)
    assert paths(routes) == [("care-worker", "care-cert", "senior-care-worker")]


def test_held_qualifications_satisfy_prerequisites_and_drop_study(G):
    options = make_options(G, have=["care-cert"], k=5)
    routes = routes_between(G, "care-worker", "senior-care-worker", options)
    assert ("care-worker", "senior-care-worker") in paths(routes)
    held_first = next(r for r in routes if r.path[1] == "care-cert")
    assert held_first.steps[0].kind == "held"
    assert held_first.total_months == 1  # no study time for what you hold
    direct = next(r for r in routes if r.path == ("care-worker", "senior-care-worker"))
    assert direct.steps[0].requires[0].met_by == "held"


def test_held_qualification_shortens_the_route_to_social_worker(G):
    options = make_options(G, have=["Level 3 Diploma in Adult Care"], earn_while_learning=True)
    best = routes_between(G, "care-worker", "social-worker", options)[0]
    assert best.path == ("care-worker", "diploma-l3", "practitioner", "sw-apprenticeship",
                         "social-worker")
    assert best.total_months == 40
    assert "already hold" in best.steps[0].explanation


def test_every_step_is_explained(G):
    best = routes_between(G, "care-worker", "social-worker",
                          make_options(G, earn_while_learning=True))[0]
    texts = [s.explanation for s in best.steps]
    assert any("ST0510" in t and "earn while you learn" in t for t in texts)
    assert any("Needs Level 3 Diploma in Adult Care (from step" in t for t in texts)
    assert any("gained at step" in reason for reason in best.why)


def test_step_months_include_the_experience_needed_first():
    G = toy_graph()
    options = make_options(G, have=["care-cert"])
    direct = next(r for r in routes_between(G, "care-worker", "senior-care-worker",
                                        make_options(G, have=["care-cert"], k=5))
              if len(r.path) == 2)
    assert direct.total_months == 14
    assert options.have == frozenset({"care-cert"})


def corridor(G, source, target, options, bound):
    backward = Dijkstra(G._pred, {target: 0}, options.weight, options, forward=False)
    forward = Dijkstra(G._succ, {source: 0}, options.weight, options, forward=True)
    backward.run(bound)
    forward.run(bound)
    return corridor_graph(G, source, target, options, forward, backward, bound)


def test_search_is_pruned_to_nodes_between_start_and_goal(G):
    search = corridor(G, "care-worker", "senior-care-worker", make_options(G), math.inf)
    assert set(search) == {"care-worker", "care-cert", "senior-care-worker"}
    assert nx.get_edge_attributes(search, "w")  # weights carried explicitly


def test_corridor_leaves_out_what_is_too_far(G):
    options = make_options(G)
    assert "sw-apprenticeship" in corridor(G, "care-worker", "social-worker", options, 62)
    near = corridor(G, "care-worker", "social-worker", options, 40)
    assert set(near) == {"care-worker", "sw-degree", "social-worker"}


def test_routes_beyond_the_first_corridor_are_still_found():
    G = toy_graph()
    routes = routes_between(G, "volunteer", "social-worker", make_options(G, k=3))
    assert [r.total_months for r in routes] == [39, 63]


@pytest.mark.parametrize("bad", [
    {"k": 11}, {"k": 0}, {"by": "happiness"}, {"within_months": -1},
    {"within_months": 10_000}, {"max_self_funded": -1},
])
def test_hostile_options_are_refused_with_a_reason(G, bad):
    with pytest.raises(InvalidInput) as refused:
        make_options(G, **bad)
    assert next(iter(bad)) in str(refused.value)


def test_holding_a_role_is_refused(G):
    with pytest.raises(InvalidInput, match="is a role"):
        make_options(G, have=["care-worker"])


def test_unknown_names_suggest_close_matches(G):
    with pytest.raises(UnknownNode) as unknown:
        make_options(G, have=["care certficate"])
    assert "Care Certificate" in unknown.value.suggestions


def test_no_route_is_a_clear_error(G):
    with pytest.raises(RouteNotFound, match="No route from Social worker"):
        routes_between(G, "social-worker", "volunteer", make_options(G))
    with pytest.raises(RouteNotFound, match="already there"):
        routes_between(G, "care-worker", "care-worker", make_options(G))


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("by", ["months", "cost", "steps"])
def test_corridor_search_agrees_with_plain_k_shortest_paths(seed, by):
    """On random role graphs, the pruned search returns the same k best totals as Yen's."""
    import itertools
    import random

    from pathways.snapshot import graph_from_document
    from tests.factories import make_document, make_edge, make_role

    rng = random.Random(seed)
    ids = [f"r{i}" for i in range(25)]
    edges = {}
    for _ in range(70):
        a, b = rng.sample(ids, 2)
        cost = rng.choice([0, 0, 500, 2000])
        edges[(a, b)] = make_edge(a, b, rng.randint(0, 30), kind="sideways", cost_gbp=cost,
                                  funding="employer" if cost else "none")
    G = graph_from_document(make_document([make_role(i) for i in ids], list(edges.values())))
    source, target = "r0", "r1"
    weight = {"months": "w_months", "cost": "w_cost", "steps": "w_steps"}[by]
    try:
        plain = list(itertools.islice(nx.shortest_simple_paths(G, source, target, weight=weight),
                                      5))
    except nx.NetworkXNoPath:
        plain = []
    expected = [nx.path_weight(G, p, weight) for p in plain]
    if not plain:
        with pytest.raises(RouteNotFound):
            routes_between(G, source, target, make_options(G, by=by))
        return
    routes = routes_between(G, source, target, make_options(G, by=by))
    got = [nx.path_weight(G, list(r.path), weight) for r in routes]
    assert got == expected


def test_synthetic_region_copies_roles_and_shares_qualifications():
    from pathways.synthetic import synthetic_region
    from pathways.validation import validate_document
    from tests.factories import toy_document

    region = synthetic_region(toy_document(), 3)
    assert len(region.nodes) == 3 * 5 + 4
    assert ("org000-care-worker", "org001-care-worker") in region.edges
    assert ("org002-care-worker", "org000-care-worker") in region.edges  # a ring
    assert ("org001-care-worker", "sw-degree") in region.edges
    assert validate_document(region).ok
    G = graph_from_document(region)
    best = routes_between(G, "org000-care-worker", "org002-social-worker", make_options(G))[0]
    assert best.path[-1] == "org002-social-worker"
