"""Role pages on the seed pathway: how to become one, where it leads, and compare's ways in."""

import re
from html import unescape

import pytest

from pathways.explain import format_months
from pathways.journeys import STARTING_POINTS
from tests.recipes import SEED_PATHWAY, holding


@pytest.fixture
def database_url(request, database_for):
    """A database of its own holding the seed pathway (and people when asked for)."""
    return database_for(holding(request, SEED_PATHWAY))


@pytest.fixture
def G(app):
    from webapp.extensions import current_graph

    with app.test_request_context():
        return current_graph()


def section(page, start_id: str, end_id: str) -> str:
    text = page.text
    return text[text.index(f'id="{start_id}"'):text.index(f'id="{end_id}"')]


def journeys(html: str) -> dict[tuple[str, str], list[str]]:
    """Each journey's routes as their visible text, by (from, to)."""
    found = {}
    for start, goal, body in re.findall(
            r'<ul class="govuk-list app-journey" data-from="([^"]+)" data-to="([^"]+)">(.*?)</ul>',
            html, re.S):
        items = re.findall(r"<li[^>]*>(.*?)</li>", body, re.S)
        found[(start, goal)] = [" ".join(unescape(re.sub(r"<[^>]+>", " ", i)).split())
                                for i in items]
    return found


def test_how_to_become_a_social_worker_lists_routes_from_the_usual_starts(client, G):
    page = client.get("/roles/social-worker")
    assert page.status_code == 200
    become = section(page, "how-to-become", "where-it-leads")
    assert "How to become a social worker" in become
    found = journeys(become)
    starts = [s for s in STARTING_POINTS if s in G]
    assert [start for start, _ in found] == starts
    for start in starts:
        routes = found[(start, "social-worker")]
        assert routes and len(routes) <= 3
        assert any(r.count("→") >= 2 for r in routes)  # multi-step, not just the last move
        assert all("for you to pay" in r for r in routes)
        assert f'href="/routes?from={start}&amp;to=social-worker"' in become
    from_care_worker = found[("care-worker", "social-worker")]
    assert any(r.startswith("Quickest") for r in from_care_worker)
    assert any("Earn while you learn, nothing to pay" in r for r in from_care_worker)


def test_where_it_leads_goes_a_level_up(client, G):
    page = client.get("/roles/care-worker")
    leads = page.text.split('id="where-it-leads"')[1]
    found = journeys(leads)
    assert found
    level = G.nodes["care-worker"]["level"]
    for (start, goal), routes in found.items():
        assert start == "care-worker" and G.nodes[goal]["level"] > level
        assert routes


def test_signed_in_people_also_see_the_way_from_their_own_role(client, people, enter, G):
    enter("staff")
    client.post("/profile/role", data={"role": "senior-care-worker"})
    page = client.get("/roles/registered-manager")
    become = section(page, "how-to-become", "where-it-leads")
    title = G.nodes["senior-care-worker"]["title"]
    assert f"From {title} (your current role)" in unescape(become)
    assert ("senior-care-worker", "registered-manager") in journeys(become)


def test_journeys_are_worked_out_once_per_graph_version(app, client, people, enter):
    enter("staff")
    client.get("/roles/social-worker")  # signed in: no page cache
    answers = app.extensions["graph_answers"]
    computed = answers.computed
    assert computed >= len(STARTING_POINTS)
    again = client.get("/roles/social-worker")
    assert again.status_code == 200 and answers.computed == computed


def test_graph_answers_are_kept_by_version():
    import networkx as nx

    from webapp.page_cache import GraphAnswers

    answers, calls = GraphAnswers(maxsize=2), []

    def work():
        calls.append(1)
        return len(calls)

    old, new = nx.DiGraph(version=1), nx.DiGraph(version=2)
    assert answers.get(old, ("x",), work) == 1 and answers.get(old, ("x",), work) == 1
    assert answers.get(new, ("x",), work) == 2  # the graph changed: worked out again
    answers.get(new, ("y",), work)
    assert answers.get(old, ("x",), work) == 4  # the oldest dropped beyond maxsize


def test_compare_shows_each_way_in_with_what_it_takes(client, G):
    page = client.get("/compare?roles=senior-care-worker,social-worker")
    assert page.status_code == 200
    table = page.text.split("<table")[1].split("</table>")[0]
    cells = re.findall(r'<ul class="govuk-list govuk-body-s app-ways-in">(.*?)</ul>', table,
                       re.S)
    assert len(cells) == 2
    for role, cell in zip(["senior-care-worker", "social-worker"], cells, strict=True):
        ways = re.findall(r"<li>(.*?)</li>", cell, re.S)
        assert len(ways) == len(G.pred[role])  # every way in, each an alternative
        for source, data in G.pred[role].items():
            way = next(w for w in ways if f'/{source}"' in w)
            if data["min_experience_months"]:
                assert f"after {format_months(data['min_experience_months'])} there" in way
            for needed in data["requires"]:
                assert f'/{needed}"' in way


def test_experience_in_the_profile_shortens_the_first_gate(client, people, enter):
    from pathways import clock
    from pathways.dates import add_months

    anonymous = client.get("/routes?from=care-worker&to=social-worker")
    assert "of experience it needs as Care worker" not in anonymous.text
    enter("staff")
    started = add_months(clock.today(), -30)
    client.post("/profile/role", data={"role": "care-worker", "started_on": [
        str(started.day), str(started.month), str(started.year)]})
    page = client.get("/routes?to=social-worker&mine=no")
    assert 'value="30"' in page.text
    words = " ".join(unescape(re.sub(r"<[^>]+>", " ", page.text)).split())
    assert re.search(r"You already have the [^.]+ of experience it needs as Care worker", words)
    headings = re.findall(r'id="route-\d-heading">Route \d: ([^<]+)</h3>', page.text)
    before = re.findall(r'id="route-\d-heading">Route \d: ([^<]+)</h3>', anonymous.text)
    assert headings != before  # a gate met shortens a route
