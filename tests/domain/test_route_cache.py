"""Route answers kept per (graph version, query), in the process and shared through Redis."""

import pytest

from pathways.errors import RouteNotFound
from pathways.options import RouteOptions
from pathways.route_cache import (
    LocalStore,
    RedisStore,
    RouteAnswers,
    answer_key,
    decode_answer,
    encode_answer,
    redis_store,
)
from pathways.routes import distinct_routes, routes_between
from pathways.snapshot import graph_from_document
from tests.factories import make_document, make_edge, make_role, toy_document, toy_graph
from tests.redis_server import REDIS_TEST_URL

OPTIONS = [RouteOptions(), RouteOptions(by="cost", k=3),
           RouteOptions(have=frozenset({"care-cert"})),
           RouteOptions(months_in_role=18, earn_while_learning=True),
           RouteOptions(max_self_funded=0, within_months=120)]


@pytest.mark.parametrize("options", OPTIONS)
def test_an_encoded_answer_reads_back_as_the_same_routes(options):
    G = toy_graph()
    for search in (distinct_routes, routes_between):
        routes = search(G, "volunteer", "social-worker", options)
        assert decode_answer(encode_answer(routes)) == routes


def test_an_answer_is_worked_out_once_per_graph_version_and_query():
    G = toy_graph()
    answers = RouteAnswers()
    first = answers.distinct(G, "care-worker", "social-worker", RouteOptions())
    assert answers.distinct(G, "care-worker", "social-worker", RouteOptions()) == first
    assert (answers.computed, answers.hits) == (1, 1)
    answers.distinct(G, "care-worker", "social-worker", RouteOptions(by="cost"))
    answers.best(G, "care-worker", "social-worker", RouteOptions())
    assert answers.computed == 3  # another option, another search: other answers


def test_no_route_is_an_answer_kept_too():
    G = toy_graph()
    answers = RouteAnswers()
    for _ in range(2):
        with pytest.raises(RouteNotFound, match="No route from Social worker to Volunteer"):
            answers.distinct(G, "social-worker", "volunteer", RouteOptions())
    assert (answers.computed, answers.hits) == (1, 1)


def test_a_new_graph_version_never_gets_an_old_answer():
    document = toy_document()
    before = graph_from_document(document, version=1)
    answers = RouteAnswers()
    old = answers.distinct(before, "care-worker", "social-worker", RouteOptions())
    edges = dict(document.edges)
    for key, edge in edges.items():
        if key[1] == "sw-degree":
            edges[key] = {**edge, "months": edge["months"] + 100}
    after = graph_from_document(type(document)(document.nodes, edges), version=2)
    new = answers.distinct(after, "care-worker", "social-worker", RouteOptions())
    assert answers.computed == 2
    assert new == distinct_routes(after, "care-worker", "social-worker", RouteOptions())
    assert new != old


def test_keys_differ_by_version_and_every_option():
    G, other = toy_graph(), graph_from_document(toy_document(), version=7)
    keys = {answer_key(G, "distinct", "a", "b", options) for options in OPTIONS}
    keys |= {answer_key(G, "best", "a", "b", RouteOptions()),
             answer_key(G, "distinct", "b", "a", RouteOptions()),
             answer_key(other, "distinct", "a", "b", RouteOptions())}
    assert len(keys) == len(OPTIONS) + 3
    assert answer_key(other, "distinct", "a", "b", RouteOptions()).startswith("v7:")
    held = RouteOptions(have=frozenset({"x", "y"}))
    assert answer_key(G, "best", "a", "b", held) == answer_key(
        G, "best", "a", "b", RouteOptions(have=frozenset({"y", "x"})))


def test_the_local_store_drops_the_least_recently_used():
    store = LocalStore(maxsize=2)
    store.put("a", b"1")
    store.put("b", b"2")
    assert store.get("a") == b"1"
    store.put("c", b"3")
    assert (store.get("a"), store.get("b"), store.get("c")) == (b"1", None, b"3")
    off = LocalStore(maxsize=0)
    off.put("a", b"1")
    assert off.get("a") is None


def test_an_unreadable_answer_is_worked_out_again():
    G = toy_graph()
    store = LocalStore()
    answers = RouteAnswers(store)
    store.put(answer_key(G, "distinct", "care-worker", "social-worker", RouteOptions()),
              b"not json")
    found = answers.distinct(G, "care-worker", "social-worker", RouteOptions())
    assert found == distinct_routes(G, "care-worker", "social-worker", RouteOptions())
    assert answers.computed == 1


class BrokenRedis:
    """A Redis client whose every call fails, counting the calls."""

    def __init__(self):
        self.calls = 0

    def get(self, key):
        import redis

        self.calls += 1
        raise redis.ConnectionError("down")

    set = get


def test_a_failing_shared_store_is_left_alone_and_the_answer_still_comes(caplog):
    G = toy_graph()
    client = BrokenRedis()
    answers = RouteAnswers(LocalStore(maxsize=0), RedisStore(client, retry_after=60))
    for _ in range(3):
        found = answers.distinct(G, "care-worker", "social-worker", RouteOptions())
        assert found == distinct_routes(G, "care-worker", "social-worker", RouteOptions())
    assert client.calls == 1  # asked once, then rested
    assert "Redis failed (ConnectionError)" in caplog.text


def test_an_unreachable_redis_costs_one_short_timeout():
    G = toy_graph()
    answers = RouteAnswers(shared=redis_store("redis://127.0.0.1:9/0", timeout=0.2))
    assert answers.distinct(G, "care-worker", "social-worker", RouteOptions())
    assert answers.computed == 1


def test_processes_sharing_redis_work_an_answer_out_once(redis_prefix):
    G = toy_graph()
    one = RouteAnswers(LocalStore(), redis_store(REDIS_TEST_URL, prefix=redis_prefix))
    two = RouteAnswers(LocalStore(), redis_store(REDIS_TEST_URL, prefix=redis_prefix))
    found = one.distinct(G, "volunteer", "social-worker", RouteOptions())
    assert two.distinct(G, "volunteer", "social-worker", RouteOptions()) == found
    with pytest.raises(RouteNotFound):
        one.distinct(G, "social-worker", "volunteer", RouteOptions())
    with pytest.raises(RouteNotFound):
        two.distinct(G, "social-worker", "volunteer", RouteOptions())
    assert (one.computed, two.computed, two.hits) == (2, 0, 2)
    newer = graph_from_document(toy_document(), version=2)
    two.distinct(newer, "volunteer", "social-worker", RouteOptions())
    assert two.computed == 1  # a new graph version: worked out again


def test_answers_in_redis_expire(redis_prefix):
    import redis

    G = toy_graph()
    answers = RouteAnswers(shared=redis_store(REDIS_TEST_URL, prefix=redis_prefix, seconds=90))
    answers.best(G, "care-worker", "social-worker", RouteOptions())
    client = redis.Redis.from_url(REDIS_TEST_URL)
    (key,) = list(client.scan_iter(redis_prefix + "*"))
    assert 0 < client.ttl(key) <= 90
    client.close()


def test_a_tiny_graph_with_one_move():
    G = graph_from_document(make_document([make_role("a"), make_role("b")],
                                          [make_edge("a", "b")]), version=3)
    answers = RouteAnswers()
    assert [r.path for r in answers.best(G, "a", "b", RouteOptions())] == [("a", "b")]
