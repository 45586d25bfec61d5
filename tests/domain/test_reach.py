"""What can I reach from here, and what leads into a role."""

from pathways.options import make_options
from pathways.reach import reachable_from, ways_into, ways_on
from tests.factories import toy_graph


def months_by_node(found):
    return {r.node: r.months for r in found}


def test_reach_orders_by_time_and_respects_prerequisites():
    G = toy_graph()
    found = reachable_from(G, "care-worker", make_options(G))
    reached = months_by_node(found)
    assert reached["care-cert"] == 3
    assert reached["senior-care-worker"] == 4  # via the certificate, not 14 months direct
    assert reached["social-worker"] == 38
    assert "care-worker" not in reached
    assert [r.months for r in found] == sorted(r.months for r in found)


def test_reach_within_months_and_options():
    G = toy_graph()
    assert set(months_by_node(reachable_from(G, "care-worker",
                                             make_options(G, within_months=4)))) == {
        "care-cert", "senior-care-worker"}
    no_fees = months_by_node(reachable_from(G, "care-worker", make_options(G, max_self_funded=0)))
    assert "sw-degree" not in no_fees and no_fees["social-worker"] == 62


def test_reach_uses_held_qualifications():
    G = toy_graph()
    found = months_by_node(reachable_from(G, "care-worker", make_options(G, have=["diploma-l3"])))
    assert found["practitioner"] == 2
    assert found["diploma-l3"] == 0


def test_ways_into_and_on():
    G = toy_graph()
    assert [s for s, _ in ways_into(G, "social-worker")] == ["sw-degree", "sw-apprenticeship"]
    assert [t for t, _ in ways_on(G, "care-worker")] == ["care-cert", "senior-care-worker",
                                                          "sw-degree"]
