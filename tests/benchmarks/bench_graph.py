"""Benchmarks of the career graph: routes, the snapshot from SQL, and import.

Targets (issue: the career pathway graph): 5 best routes on the seed p95 <= 5 ms; on the
50-organisation region p95 <= 25 ms and at least 2x faster than plain
``networkx.shortest_simple_paths`` on the unpruned graph in the same run; building the
snapshot from SQL for that region <= 1 s; importing it <= 10 s on SQLite.

Issue 14: the engine must beat plain Yen's on the seed too, where most pairs of roles have
no route or fewer than 5: every ordered pair of roles is timed (our two searches and plain
Yen's interleaved, best of 3), split by whether the pair has a route (``pair_mix``).

Distinct routes (issue 12: the planner's default answer, ``distinct_routes`` with k=5:
the front over months, cost to you and months without pay, then the next kinds by
months) have the same targets: seed p95 <= 5 ms; 50 organisations p95 <= 25 ms and at
least 2x faster than the same plain baseline (the first 5 simple paths by months, which
are mostly one kind of route). Also printed: how many distinct kinds the plain first 5
hold, and how many routes the distinct answer holds. Distinct routes are timed warm (the
snapshot keeps each goal's backward searches, as a running server does once a goal has
been asked about: ``pathways.kinds.shared_backward``) and cold (forgotten before each call).
"""

from __future__ import annotations

import contextlib
import itertools
import math
import tempfile
import time
from pathlib import Path

import networkx as nx

import seed
from pathways import kinds
from pathways.db import make_engine, session_scope, upgrade_schema
from pathways.document import complete_document
from pathways.errors import RouteNotFound
from pathways.interchange.readers import read_graph
from pathways.interchange.store import import_document
from pathways.options import make_options
from pathways.routes import distinct_routes, make_route, routes_between
from pathways.snapshot import build_graph, graph_from_document
from pathways.synthetic import org_id, synthetic_region

from .timing import p50, p95, row, sample

#: Journeys people ask about, by id in the seed pathway.
SEED_JOURNEYS = [
    ("care-worker", "social-worker"),
    ("care-worker", "registered-manager"),
    ("healthcare-support-worker", "registered-nurse-care-home"),
    ("ot-support-worker", "occupational-therapist"),
    ("volunteer", "principal-social-worker"),
]
REGION_SIZES = (10, 20, 50)


def seed_document():
    return complete_document(read_graph(seed.PATHWAY_DIR))


def route_timings(G, journeys, repeat):
    options = make_options(G, k=5)
    calls = itertools.cycle(journeys)

    def one():
        source, target = next(calls)
        routes_between(G, source, target, options)
    return sample(one, repeat)


def distinct_timings(G, journeys, repeat, *, cold=False):
    """Time distinct_routes; ``cold`` forgets the backward searches the snapshot keeps per
    goal before each call (a goal nobody has asked about since the graph last changed)."""
    options = make_options(G, k=5)
    calls = itertools.cycle(journeys)

    def one():
        source, target = next(calls)
        if cold:
            kinds._shared.pop(G, None)
        distinct_routes(G, source, target, options)
    return sample(one, repeat)


def kinds_shown(G, journeys):
    """Return the mean number of kinds among the plain first 5 paths, and the mean number
    of routes (all of distinct kinds) distinct_routes answers."""
    options = make_options(G, k=5)
    plain, distinct = [], []
    for source, target in journeys:
        paths = itertools.islice(nx.shortest_simple_paths(G, source, target,
                                                          weight="w_months"), 5)
        routes = [make_route(G, p, options) for p in paths]
        plain.append(len({r.kind for r in routes if r is not None}))
        distinct.append(len(distinct_routes(G, source, target, options)))
    return sum(plain) / len(plain), sum(distinct) / len(distinct)


def distinct_rows(name, distinct, cold, plain, target):
    ratio = p50(plain) / p50(distinct)
    mean_ratio = (sum(plain) / len(plain)) / (sum(distinct) / len(distinct))
    print(row(f"distinct routes (k=5), {name}", distinct, target))
    print(f"  speed-up over the plain baseline: median {ratio:.1f}x, mean {mean_ratio:.1f}x, "
          f"p95 {p95(plain) / p95(distinct):.1f}x")
    print(row("  the same, each goal's backward searches cold", cold))
    print(f"  cold speed-up over the plain baseline: median {p50(plain) / p50(cold):.1f}x, "
          f"p95 {p95(plain) / p95(cold):.1f}x")
    return ratio


def plain_timings(G, journeys, repeat):
    calls = itertools.cycle(journeys)

    def one():
        source, target = next(calls)
        list(itertools.islice(nx.shortest_simple_paths(G, source, target, weight="w_months"), 5))
    return sample(one, repeat)


def role_pairs(G, limit=None):
    """Return every ordered pair of different roles (the first ``limit`` of them)."""
    roles = sorted(n for n in G if G.nodes[n]["kind"] == "role")
    pairs = [(s, t) for s in roles for t in roles if s != t]
    return pairs[:limit] if limit else pairs


def pair_mix(G, pairs, repeat=3):
    """Time our two searches and plain Yen's on each pair, interleaved (best of ``repeat``
    each, so a busy machine slows all three alike); return timings by name and by whether
    the pair has a route."""
    options = make_options(G, k=5)

    def ours(search, source, target):
        with contextlib.suppress(RouteNotFound):
            search(G, source, target, options)

    def plain(source, target):
        with contextlib.suppress(nx.NetworkXNoPath):
            list(itertools.islice(nx.shortest_simple_paths(G, source, target,
                                                           weight="w_months"), 5))

    calls = {"k best (routes_between)": lambda s, t: ours(routes_between, s, t),
             "distinct (planner)": lambda s, t: ours(distinct_routes, s, t),
             "plain Yen's": plain}
    found: dict = {name: {"no route": [], "some route": []} for name in calls}
    for source, target in pairs:
        group = "some route" if nx.has_path(G, source, target) else "no route"
        for name, call in calls.items():
            best = math.inf
            for _ in range(repeat):
                start = time.perf_counter()
                call(source, target)
                best = min(best, (time.perf_counter() - start) * 1000)
            found[name][group].append(best)
    return found


def pair_mix_rows(name, found):
    """Print medians and ratios of ``pair_mix``'s timings against plain Yen's."""
    plain = found["plain Yen's"]
    print(f"  every pair of roles, {name}: {len(plain['no route'])} without a route, "
          f"{len(plain['some route'])} with")
    for search in ("k best (routes_between)", "distinct (planner)"):
        for group in ("no route", "some route"):
            ours, base = found[search][group], plain[group]
            if ours:
                print(f"    {search:<24} {group:<10} p50 {p50(ours):7.3f} ms (plain "
                      f"{p50(base):7.3f}): median {p50(base) / p50(ours):5.1f}x, "
                      f"total {sum(base) / sum(ours):5.1f}x")
        every = found[search]["no route"] + found[search]["some route"]
        base = plain["no route"] + plain["some route"]
        print(f"    {search:<24} all pairs  total {sum(every):8.1f} ms (plain "
              f"{sum(base):8.1f}): {sum(base) / sum(every):5.1f}x")


def region_journeys(size):
    far = org_id(size // 2)
    return [(f"{org_id(0)}-{s}", f"{far}-{t}") for s, t in SEED_JOURNEYS]


def main() -> dict:
    results: dict = {}
    base = seed_document()
    G = graph_from_document(base)
    journeys = [j for j in SEED_JOURNEYS if j[0] in G and j[1] in G]
    print(f"\n== Career graph (seed: {len(G)} nodes, {G.number_of_edges()} edges) ==")
    seed_routes = route_timings(G, journeys, 500)
    seed_plain = plain_timings(G, journeys, 500)
    print(row("5 best routes, seed graph", seed_routes, "(target p95 <= 5 ms)"))
    print(row("  baseline: plain shortest_simple_paths, seed", seed_plain))
    results["seed"] = {"p50": p50(seed_routes), "p95": p95(seed_routes)}
    seed_distinct = distinct_timings(G, journeys, 500)
    seed_cold = distinct_timings(G, journeys, 500, cold=True)
    distinct_rows("seed graph", seed_distinct, seed_cold, seed_plain, "(target p95 <= 5 ms)")
    plain_kinds, distinct_count = kinds_shown(G, journeys)
    print(f"  kinds among the plain first 5: {plain_kinds:.1f} on average; distinct routes "
          f"answered: {distinct_count:.1f} (all of different kinds)")
    results["seed_distinct"] = {"p50": p50(seed_distinct), "p95": p95(seed_distinct)}
    pair_mix_rows("seed", pair_mix(G, role_pairs(G)))

    for size in REGION_SIZES:
        region = synthetic_region(base, size)
        R = graph_from_document(region)
        pairs = [(s, t) for s, t in region_journeys(size) if s in R and t in R]
        repeat = 60 if size == 50 else 100
        pruned = route_timings(R, pairs, repeat)
        distinct = distinct_timings(R, pairs, repeat)
        cold = distinct_timings(R, pairs, repeat, cold=True)
        plain = plain_timings(R, pairs, max(10, repeat // 4))
        ratio = p50(plain) / p50(pruned)
        mean_ratio = (sum(plain) / len(plain)) / (sum(pruned) / len(pruned))
        with tempfile.TemporaryDirectory() as folder:
            engine = make_engine(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
            upgrade_schema(engine)
            start = time.perf_counter()
            with session_scope(engine) as session:
                import_document(session, region, replace=True)
            import_seconds = time.perf_counter() - start
            builds = []
            for _ in range(3):
                with session_scope(engine) as session:
                    start = time.perf_counter()
                    build_graph(session)
                    builds.append(time.perf_counter() - start)
            engine.dispose()
        build_seconds = sorted(builds)[1]
        print(f"\n-- region of {size} organisations: {len(R)} nodes, "
              f"{R.number_of_edges()} edges --")
        print(row(f"5 best routes, {size} organisations", pruned,
                  "(target p95 <= 25 ms at 50)" if size == 50 else ""))
        print(row("  baseline: plain shortest_simple_paths, unpruned", plain))
        print(f"  speed-up over the baseline: median {ratio:.1f}x, mean {mean_ratio:.1f}x, "
              f"p95 {p95(plain) / p95(pruned):.1f}x (target >= 2x)")
        distinct_ratio = distinct_rows(f"{size} organisations", distinct, cold, plain,
                                       "(target p95 <= 25 ms, >= 2x at 50)"
                                       if size == 50 else "")
        if size == REGION_SIZES[0]:
            pair_mix_rows(f"{size} organisations (the first 2,000)",
                          pair_mix(R, role_pairs(R, 2000), repeat=1))
        plain_kinds, distinct_count = kinds_shown(R, pairs)
        print(f"  kinds among the plain first 5: {plain_kinds:.1f} on average; distinct "
              f"routes answered: {distinct_count:.1f}")
        print(f"  snapshot from SQL (median of 3): {build_seconds:.3f} s (target <= 1 s at 50)")
        print(f"  import on SQLite: {import_seconds:.2f} s (target <= 10 s at 50)")
        results[size] = {"nodes": len(R), "edges": R.number_of_edges(),
                         "p50": p50(pruned), "p95": p95(pruned), "plain_p50": p50(plain),
                         "ratio": ratio, "build_s": build_seconds, "import_s": import_seconds,
                         "distinct_p50": p50(distinct), "distinct_p95": p95(distinct),
                         "distinct_ratio": distinct_ratio, "cold_p50": p50(cold),
                         "cold_p95": p95(cold)}

    small, large = results[REGION_SIZES[0]], results[REGION_SIZES[-1]]
    print(f"\nGrowth from {REGION_SIZES[0]} to {REGION_SIZES[-1]} organisations "
          f"({large['nodes'] / small['nodes']:.1f}x nodes): routes p50 "
          f"{large['p50'] / small['p50']:.1f}x, plain baseline p50 "
          f"{large['plain_p50'] / small['plain_p50']:.1f}x, snapshot "
          f"{large['build_s'] / small['build_s']:.1f}x, import "
          f"{large['import_s'] / small['import_s']:.1f}x")
    return results


if __name__ == "__main__":
    main()
