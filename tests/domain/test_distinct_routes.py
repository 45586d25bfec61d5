"""Distinct kinds of route, their labels, experience already gained, and routes named by ids."""

import itertools
import random
from dataclasses import replace

import networkx as nx
import pytest

from pathways.errors import InvalidInput, RouteNotFound
from pathways.options import make_options
from pathways.routes import (
    CHEAPEST,
    EARN_NOTHING_TO_PAY,
    FRONT,
    LEAST_UNPAID,
    MAX_STEPS,
    QUICKEST,
    distinct_routes,
    make_route,
    path_from_ids,
    routes_between,
)
from pathways.snapshot import graph_from_document
from tests.factories import make_document, make_edge, make_qualification, make_role, toy_graph


def kinds(routes):
    return [r.kind for r in routes]


def labelled(routes, label):
    return [r for r in routes if label in r.labels]


def degree_or_apprenticeship(extra_kinds=4):
    """Start to goal: a quick self-funded degree (37 months), a slow earn-while-you-learn
    apprenticeship (49), and ``extra_kinds`` courses that are slower than the degree and
    cost more, so they are dominated but quicker than the apprenticeship (40-43)."""
    nodes = [make_role("start"), make_role("goal"), make_role("other"),
             make_qualification("degree"), make_qualification("apprenticeship")]
    edges = [
        make_edge("start", "degree", 36, cost_gbp=9000, funding="self_funded"),
        make_edge("degree", "goal", 1),
        make_edge("start", "apprenticeship", 48, funding="levy", earn_while_learning=True),
        make_edge("apprenticeship", "goal", 1),
        # a near-variant of the degree: by way of another job first
        make_edge("start", "other", 2, kind="sideways"),
        make_edge("other", "degree", 36, cost_gbp=9000, funding="self_funded"),
    ]
    for number in range(extra_kinds):
        course = f"course-{number}"
        nodes.append(make_qualification(course))
        edges += [make_edge("start", course, 39 + number, cost_gbp=9500, funding="self_funded"),
                  make_edge(course, "goal", 1)]
    return graph_from_document(make_document(nodes, edges))


def test_the_slow_free_route_is_shown_beside_quicker_dearer_ones():
    G = degree_or_apprenticeship()
    plain = routes_between(G, "start", "goal", make_options(G))
    assert all("apprenticeship" not in r.path for r in plain)  # what the planner showed before
    routes = distinct_routes(G, "start", "goal", make_options(G))
    assert len(routes) == 5
    assert kinds(routes)[:2] == [("degree",), ("apprenticeship",)]
    assert routes[0].labels == (QUICKEST,)
    assert routes[1].labels == (EARN_NOTHING_TO_PAY,)
    assert [r.total_months for r in routes[2:]] == [40, 41, 42]  # then the next kinds by months
    assert all(r.labels == () for r in routes[2:])


def test_no_two_routes_are_of_one_kind_and_variants_fold_under_the_best():
    G = degree_or_apprenticeship()
    routes = distinct_routes(G, "start", "goal", make_options(G, k=10))
    assert len(set(kinds(routes))) == len(routes) == 6
    degree = routes[0]
    assert degree.path == ("start", "degree", "goal")
    assert degree.variants == (("start", "other", "degree", "goal"),)
    assert degree.also_via == (("other",),)


def test_front_survives_a_small_k():
    G = degree_or_apprenticeship()
    routes = distinct_routes(G, "start", "goal", make_options(G, k=2))
    assert kinds(routes) == [("degree",), ("apprenticeship",)]
    one = distinct_routes(G, "start", "goal", make_options(G, k=1))
    assert kinds(one) == [("degree",)]
    assert one[0].labels == ()  # nothing to compare it with


def test_the_front_comes_first_in_the_chosen_order():
    G = degree_or_apprenticeship()
    routes = distinct_routes(G, "start", "goal", make_options(G, by="cost"))
    assert kinds(routes)[:2] == [("apprenticeship",), ("degree",)]


def test_a_route_can_carry_several_labels():
    nodes = [make_role("start"), make_role("goal"), make_qualification("degree"),
             make_qualification("apprenticeship")]
    edges = [make_edge("start", "degree", 36, cost_gbp=9000, funding="self_funded"),
             make_edge("degree", "goal", 1),
             make_edge("start", "apprenticeship", 30, funding="levy", earn_while_learning=True),
             make_edge("apprenticeship", "goal", 1)]
    G = graph_from_document(make_document(nodes, edges))
    routes = distinct_routes(G, "start", "goal", make_options(G))
    assert [(r.kind, r.labels) for r in routes] == [
        (("apprenticeship",), (QUICKEST, EARN_NOTHING_TO_PAY)), (("degree",), ())]
    alone = distinct_routes(G, "start", "goal", make_options(G, earn_while_learning=True))
    assert [(r.kind, r.labels) for r in alone] == [  # what it is, not how it compares
        (("apprenticeship",), (EARN_NOTHING_TO_PAY,))]


def test_cheapest_and_least_time_without_pay_when_nothing_earns():
    nodes = [make_role("start"), make_role("goal"), make_qualification("full-time"),
             make_qualification("part-time")]
    edges = [make_edge("start", "full-time", 12, cost_gbp=9000, funding="self_funded"),
             make_edge("full-time", "goal", 1),
             make_edge("start", "part-time", 24, cost_gbp=3000, funding="self_funded"),
             make_edge("part-time", "goal", 1)]
    # part-time study: unpaid only for the months of study, like full-time, but cheaper
    G = graph_from_document(make_document(nodes, edges))
    routes = distinct_routes(G, "start", "goal", make_options(G))
    assert [(r.kind, r.labels) for r in routes] == [
        (("full-time",), (QUICKEST, LEAST_UNPAID)), (("part-time",), (CHEAPEST,))]
    assert [r.months_unpaid for r in routes] == [12, 24]
    assert [r.cost_to_you_gbp for r in routes] == [9000, 3000]


def test_costs_paid_by_others_are_not_the_persons():
    G = toy_graph()
    routes = distinct_routes(G, "care-worker", "social-worker", make_options(G))
    apprenticeship = next(r for r in routes if "sw-apprenticeship" in r.kind)
    assert apprenticeship.cost_to_you_gbp == 0 and apprenticeship.months_unpaid == 0
    degree = next(r for r in routes if "sw-degree" in r.kind)
    assert degree.cost_to_you_gbp == degree.total_cost_gbp == 9250
    assert degree.months_unpaid == 36


def test_ties_go_to_fewer_employer_changes_then_fewer_steps():
    nodes = [make_role(n) for n in ("start", "goal", "elsewhere", "beside", "a", "b")]
    edges = [
        # 10 months each way: by a change of employer, a sideways move, or two short moves
        make_edge("start", "elsewhere", 5, kind="change_of_employer"),
        make_edge("elsewhere", "goal", 5, kind="promotion"),
        make_edge("start", "beside", 5, kind="sideways"),
        make_edge("beside", "goal", 5, kind="promotion"),
        make_edge("start", "a", 3, kind="sideways"),
        make_edge("a", "b", 2, kind="sideways"),
        make_edge("b", "goal", 5, kind="promotion"),
    ]
    for order in (list(edges), list(reversed(edges))):  # whatever order the rows come in
        G = graph_from_document(make_document(nodes, order))
        best = distinct_routes(G, "start", "goal", make_options(G))[0]
        assert best.path == ("start", "beside", "goal")
        assert routes_between(G, "start", "goal", make_options(G, k=1))[0].path == best.path
        plain = routes_between(G, "start", "goal", make_options(G, k=3))
        assert [r.path[1] for r in plain] == ["beside", "a", "elsewhere"]


def test_options_still_filter():
    G = degree_or_apprenticeship()
    earning = distinct_routes(G, "start", "goal", make_options(G, earn_while_learning=True))
    assert kinds(earning) == [("apprenticeship",)]
    no_fees = distinct_routes(G, "start", "goal", make_options(G, max_self_funded=0))
    assert all(r.self_funded_steps == 0 for r in no_fees)
    quick = distinct_routes(G, "start", "goal", make_options(G, within_months=41))
    assert [r.total_months for r in quick] == [37, 40, 41]
    assert labelled(quick, EARN_NOTHING_TO_PAY) == []
    with pytest.raises(RouteNotFound):
        distinct_routes(G, "start", "goal", make_options(G, within_months=10))
    with pytest.raises(RouteNotFound):
        distinct_routes(G, "goal", "start", make_options(G))
    with pytest.raises(RouteNotFound):
        distinct_routes(G, "start", "start", make_options(G))


def test_held_qualifications_are_not_part_of_the_kind():
    G = toy_graph()
    routes = distinct_routes(G, "care-worker", "social-worker",
                             make_options(G, have=["diploma-l3"], k=10))
    assert all("diploma-l3" not in r.kind for r in routes)
    assert len(set(kinds(routes))) == len(routes)
    held = next(r for r in routes if "sw-apprenticeship" in r.kind)
    assert held.steps[0].kind == "held" and held.path[1] == "diploma-l3"


# --- Experience already in the role -------------------------------------------------------

def test_months_in_role_count_toward_the_first_gate():
    nodes = [make_role("care-worker"), make_role("senior-care-worker")]
    edges = [make_edge("care-worker", "senior-care-worker", 2, kind="promotion",
                       min_experience_months=12)]
    G = graph_from_document(make_document(nodes, edges))

    def first_step(months):
        options = make_options(G, months_in_role=months)
        route = distinct_routes(G, "care-worker", "senior-care-worker", options)[0]
        return route, route.steps[0]

    route, step = first_step(0)
    assert (step.min_experience_months, step.experience_counted, route.total_months) == (
        12, 0, 14)
    route, step = first_step(5)
    assert (step.min_experience_months, step.experience_counted, route.total_months) == (
        7, 5, 9)
    assert "count toward" in step.explanation
    route, step = first_step(40)
    assert (step.min_experience_months, step.experience_counted, route.total_months) == (
        0, 12, 2)
    assert "You already have the 1 year of experience it needs" in step.explanation


def test_months_in_role_change_which_route_is_quickest():
    nodes = [make_role("start"), make_role("goal"), make_role("senior"),
             make_qualification("course")]
    edges = [make_edge("start", "senior", 1, min_experience_months=24, kind="promotion"),
             make_edge("senior", "goal", 1, kind="promotion"),
             make_edge("start", "course", 12, funding="employer", earn_while_learning=True),
             make_edge("course", "goal", 1)]
    G = graph_from_document(make_document(nodes, edges))
    assert distinct_routes(G, "start", "goal", make_options(G))[0].kind == ("course",)
    seasoned = distinct_routes(G, "start", "goal", make_options(G, months_in_role=20))
    assert seasoned[0].path == ("start", "senior", "goal")
    assert seasoned[0].total_months == 6
    # only the first step: experience in a later role is not the person's
    assert routes_between(G, "start", "goal", make_options(G, months_in_role=20,
                                                           k=1))[0].total_months == 6


@pytest.mark.parametrize("bad", [-1, 601, 1.5, True, "12"])
def test_months_in_role_must_be_whole_months_in_range(bad):
    G = toy_graph()
    with pytest.raises(InvalidInput) as refused:
        make_options(G, months_in_role=bad)
    assert [p.where for p in refused.value.problems] == ["months_in_role"]
    assert "0 to 600" in str(refused.value)


# --- Routes named by their nodes ----------------------------------------------------------

def test_path_from_ids_accepts_a_route_of_moves():
    G = toy_graph()
    assert path_from_ids(G, "care-worker, sw-degree,social-worker") == (
        "care-worker", "sw-degree", "social-worker")
    route = distinct_routes(G, "volunteer", "social-worker", make_options(G))[0]
    assert path_from_ids(G, ",".join(route.path)) == route.path


@pytest.mark.parametrize(("ids", "message"), [
    ("", "at least two"),
    ("care-worker", "at least two"),
    ("care-worker,nowhere", "'nowhere'"),
    ("social-worker,sw-degree", "no move from Social worker to Social work degree"),
    ("care-worker,sw-degree,care-worker", "each place once"),
    (",".join(["care-worker"] * (MAX_STEPS + 2)), f"at most {MAX_STEPS} steps"),
])
def test_path_from_ids_refuses_what_is_not_a_route(ids, message):
    G = toy_graph()
    with pytest.raises(InvalidInput) as refused:
        path_from_ids(G, ids)
    assert message in str(refused.value)
    assert [p.where for p in refused.value.problems] == ["path"]


# --- Against every route, on small random graphs -------------------------------------------

def random_pathway(seed):
    rng = random.Random(seed)
    roles = [f"r{i}" for i in range(9)]
    quals = [f"q{i}" for i in range(4)]
    nodes = [make_role(r) for r in roles] + [make_qualification(q) for q in quals]
    edges = {}
    for _ in range(30):
        a, b = rng.sample(roles + quals, 2)
        if b in quals and a in quals:
            continue
        funding = rng.choice(["none", "self_funded", "levy", "employer"])
        cost = rng.choice([0, 1000, 5000]) if funding != "none" else 0
        requires = [rng.choice(quals)] if b in roles and rng.random() < 0.2 else []
        requires = [q for q in requires if q != a]
        edges[(a, b)] = make_edge(
            a, b, rng.randint(1, 24), cost_gbp=cost, funding=funding, requires=requires,
            kind=("study" if b in quals else "qualifies" if a in quals
                  else rng.choice(["sideways", "promotion", "change_of_employer"])),
            earn_while_learning=rng.random() < 0.6,
            min_experience_months=rng.choice([0, 0, 6, 12]))
    return graph_from_document(make_document(nodes, list(edges.values())))


def every_route(G, source, target, options):
    found = []
    for path in nx.all_simple_paths(G, source, target, cutoff=MAX_STEPS):
        route = make_route(G, path, options)
        if route is not None:
            found.append(route)
    return found


def order_key(route, criterion):
    first = {"months": route.total_months, "cost_to_you": route.cost_to_you_gbp,
             "months_unpaid": route.months_unpaid}[criterion]
    return first, route.total_months, route.employer_changes, len(route.steps)


@pytest.mark.parametrize("seed", range(30))
def test_distinct_routes_agree_with_every_route(seed):
    """The front holds each criterion's best, each route is the best of its kind, and the
    rest are the next kinds by months, as found by listing every simple path."""
    G = random_pathway(seed)
    options = make_options(G, k=10)
    everything = every_route(G, "r0", "r1", options)
    if not everything:
        with pytest.raises(RouteNotFound):
            distinct_routes(G, "r0", "r1", options)
        return
    routes = distinct_routes(G, "r0", "r1", options)
    assert len(set(kinds(routes))) == len(routes)
    best_of_kind = {}
    for route in sorted(everything, key=lambda r: order_key(r, "months")):
        best_of_kind.setdefault(route.kind, route)
    for route in routes:
        assert order_key(route, "months") == order_key(best_of_kind[route.kind], "months")
        for variant in route.variants:
            other = make_route(G, variant, options)
            assert other.kind == route.kind
            assert order_key(other, "months") >= order_key(route, "months")
    shown = {r.kind for r in routes}
    for criterion in FRONT:  # each criterion's best is of a kind shown
        best = min(order_key(r, criterion) for r in everything)
        assert min(order_key(r, criterion) for r in everything if r.kind in shown) == best
    assert len(routes) == min(10, len(best_of_kind))
    missing = [k for k in best_of_kind if k not in shown]
    if missing:  # the kinds left out are no better than the ones filled in
        worst_shown = max(order_key(r, "months") for r in routes if not r.labels)
        assert all(order_key(best_of_kind[k], "months") >= worst_shown for k in missing)


# --- On the seed pathway ----------------------------------------------------------------

def is_university(step):
    return step.kind == "study" and step.funding == "self_funded" and not step.earn_while_learning


def earns_and_pays_nothing(route):
    return route.months_unpaid == 0 and route.cost_to_you_gbp == 0 and all(
        s.earn_while_learning for s in route.steps)


def test_care_worker_to_social_worker_shows_university_and_apprenticeship(_pathway_graph):
    """The issue's case: by default both the self-funded university degree and the
    earn-while-you-learn apprenticeship are shown, labelled, on the first screen."""
    G = _pathway_graph
    routes = distinct_routes(G, "care-worker", "social-worker", make_options(G))
    assert len(routes) <= 5 and len(set(kinds(routes))) == len(routes)
    assert any(is_university(s) for r in routes for s in r.steps)  # the degree route
    quickest = labelled(routes, QUICKEST)
    assert len(quickest) == 1 and routes[0] == quickest[0]
    earning = labelled(routes, EARN_NOTHING_TO_PAY)
    assert len(earning) == 1 and earns_and_pays_nothing(earning[0])
    assert any(G.nodes[q].get("standard_code") for q in earning[0].kind)  # an apprenticeship
    assert routes.index(earning[0]) < 3  # on the first screen


SEED_PAIRS = [("care-worker", "social-worker"), ("care-worker", "registered-manager"),
              ("career-changer", "social-worker"), ("volunteer", "principal-social-worker"),
              ("healthcare-support-worker", "registered-nurse-care-home"),
              ("ot-support-worker", "occupational-therapist"),
              ("care-worker", "senior-care-worker"), ("new-care-worker", "deputy-manager")]


@pytest.mark.parametrize("options", [{}, {"earn_while_learning": True}, {"by": "cost"},
                                     {"by": "steps"}, {"months_in_role": 24}])
@pytest.mark.parametrize(("source", "target"), SEED_PAIRS)
def test_seed_routes_are_distinct_labelled_and_tie_broken(_pathway_graph, source, target,
                                                          options):
    G = _pathway_graph
    if source not in G or target not in G:
        pytest.skip("not in this seed")
    chosen = make_options(G, **options)
    try:
        routes = distinct_routes(G, source, target, chosen)
    except RouteNotFound:
        return
    assert len(set(kinds(routes))) == len(routes) <= chosen.k
    assert labelled(routes, QUICKEST)
    assert all(r.path[0] == source and r.path[-1] == target for r in routes)
    for route in routes:
        for variant in route.variants:  # the route shown is the best of its kind
            other = make_route(G, variant, chosen)
            assert other.kind == route.kind
            assert order_key(other, "months") >= order_key(route, "months") or (
                chosen.by != "months")
    by_months = replace(chosen, by="months")
    quickest = min(r.total_months for r in routes_between(G, source, target, by_months))
    assert labelled(routes, QUICKEST)[0].total_months == quickest


def test_plain_top_five_would_repeat_a_kind_on_the_seed(_pathway_graph):
    """The problem distinct routes solve: the five quickest are mostly one kind."""
    G = _pathway_graph
    plain = routes_between(G, "care-worker", "social-worker", make_options(G))
    assert len({r.kind for r in plain}) < len(plain)
    pairs = itertools.combinations(distinct_routes(G, "care-worker", "social-worker"), 2)
    assert all(a.kind != b.kind for a, b in pairs)


# --- Backward searches kept with the snapshot ------------------------------------------------

def answers(G, sources, target, **options):
    found = {}
    for source in sources:
        try:
            routes = distinct_routes(G, source, target, make_options(G, **options))
        except RouteNotFound:
            routes = []
        found[source] = [(r.path, r.labels, r.variants) for r in routes]
    return found


@pytest.mark.parametrize("seed", range(8))
def test_a_kept_backward_search_gives_the_answers_of_a_fresh_one(seed):
    from pathways import kinds

    G = random_pathway(seed)
    sources = [n for n in G if n != "r1"]
    kept = answers(G, sources, "r1")  # each query resumes the one kept for r1
    from pathways.reachability import could_reach

    if any(could_reach(G, source, "r1") for source in sources):  # else none searched
        assert ("r1", "x_months") in kinds._shared[G]
    fresh = {}
    for source in sources:
        kinds._shared.pop(G, None)
        fresh.update(answers(G, [source], "r1"))
    assert kept == fresh
    # queries whose distances depend on the start never use (or change) the kept one
    held = answers(G, sources, "r1", months_in_role=12)
    assert set(kinds._shared.get(G, {})) <= {("r1", "x_months"), ("r1", "x_front")}
    assert held.keys() == kept.keys()


def test_threads_sharing_a_backward_search_agree(_pathway_graph):
    from concurrent.futures import ThreadPoolExecutor

    from pathways import kinds

    G = _pathway_graph
    sources = ["care-worker", "career-changer", "volunteer", "healthcare-support-worker",
               "ot-support-worker", "senior-care-worker"] * 3
    sources = [s for s in sources if s in G]
    expected = {s: answers(G, [s], "social-worker")[s] for s in set(sources)}
    kinds._shared.pop(G, None)
    with ThreadPoolExecutor(max_workers=6) as pool:
        got = list(pool.map(lambda s: (s, answers(G, [s], "social-worker")[s]), sources))
    assert all(found == expected[source] for source, found in got)
