"""Search: the words people use for roles, whole words, and related roles (issue 12)."""

import pytest

import seed
from pathways.document import complete_document
from pathways.interchange.readers import read_graph
from pathways.lookup import search, words
from pathways.snapshot import graph_from_document
from pathways.vocabulary import COMMON_WORDS


@pytest.fixture(scope="module")
def G():
    return graph_from_document(complete_document(read_graph(seed.PATHWAY_DIR)))


def found(G, query):
    return [r.node for r in search(G, query).results]


@pytest.mark.parametrize("query, first", [
    ("carer", "care-worker"), ("Carers", "care-worker"), ("PA", "personal-assistant"),
    ("support worker", "support-worker"), ("senior carer", "senior-care-worker"),
    ("care WORKER", "care-worker"), ("how to become a nurse", "registered-nurse-care-home"),
    ("domiciliary", "home-care-worker"), ("HCA", "healthcare-support-worker"),
    ("ST0510", "social-work-degree-apprenticeship"), ("occup", "ot-assistant-practitioner"),
])
def test_search_finds_roles_by_the_words_people_use(G, query, first):
    assert found(G, query)[0] == first


def test_carer_finds_the_care_and_support_roles(G):
    assert {"care-worker", "home-care-worker", "support-worker",
            "shared-lives-carer"} <= set(found(G, "carer"))


def test_support_worker_finds_every_support_worker_and_care_workers(G):
    hits = found(G, "support worker")
    assert hits[0] == "support-worker"
    assert {"healthcare-support-worker", "reablement-support-worker", "care-worker"} <= set(hits)


def test_care_matches_whole_words_and_never_career_changer(G):
    hits = found(G, "care")
    assert "care-worker" in hits and "career-changer" not in hits
    assert "career-changer" in found(G, "career")


def test_a_word_no_title_uses_matches_the_start_of_longer_words(G):
    assert "occupational-therapist" in found(G, "occupat")
    assert "social-worker" in found(G, "soc worker")


def test_a_single_match_comes_with_related_roles_but_no_starting_points(G):
    answer = search(G, "PA")
    assert [r.node for r in answer.results] == ["personal-assistant"]
    related = [r.node for r in answer.related]
    assert "care-worker" in related and "enhanced-care-worker" in related
    assert all(G.nodes[n]["family"] != "entry_routes" for n in related)
    assert all(n not in found(G, "PA") for n in related)


def test_nothing_typed_finds_nothing(G):
    assert search(G, "  ").results == () and search(G, "zzzz").results == ()


def test_every_common_word_means_nodes_that_exist_in_the_seed(G):
    for phrase, ids in COMMON_WORDS.items():
        assert ids and all(node in G for node in ids), phrase
        assert words(phrase), phrase
