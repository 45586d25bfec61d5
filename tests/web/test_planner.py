"""The route planner, what can I reach, and compare: good answers and every bad input."""

import pytest


def test_route_planner_form_without_a_query(client):
    page = client.get("/routes")
    assert page.status_code == 200
    assert 'name="from"' in page.text and 'list="place-titles"' in page.text
    assert "govuk-error-summary" not in page.text


def test_route_planner_explains_each_step_and_totals(client):
    page = client.get("/routes?from=Care+worker&to=Social+worker")
    assert page.status_code == 200
    assert "2 routes from Care worker to Social worker" in page.text
    assert "Route 1: 3 years 2 months, £9,250, 2 steps" in page.text
    assert "Study Social work degree" in page.text
    assert "Why this order" in page.text
    assert 'href="/map?path=care-worker,sw-degree,social-worker"' in page.text
    assert page.text.count('class="node highlighted"') == 3 + 7  # a small map per route


def test_route_page_draws_its_small_maps_without_a_subprocess(client, monkeypatch):
    import re
    import subprocess
    import xml.etree.ElementTree as ET

    def refuse(*args, **kwargs):
        raise AssertionError(f"the route page ran a subprocess: {args!r}")

    monkeypatch.setattr(subprocess, "run", refuse)
    monkeypatch.setattr(subprocess, "Popen", refuse)
    page = client.get("/routes?from=volunteer&to=social-worker")
    assert page.status_code == 200
    svgs = re.findall(r"<svg xmlns.*?</svg>", page.text, re.S)
    assert len(svgs) == 2  # one small map per route, each well-formed and named
    for number, svg in enumerate(svgs, start=1):
        root = ET.fromstring(svg)
        assert root.get("role") == "img"
        assert root.get("aria-labelledby") == f"route-{number}-map-title route-{number}-map-desc"
    assert 'id="route-1-map-desc">From Volunteer, then ' in page.text


def test_planning_a_route_opens_the_answer_at_the_results(client):
    page = client.get("/routes?from=Care+worker&to=Social+worker")
    # The form asks for the answer at #results (a fragment moves focus and the reading
    # position there, not back to the top and 17 tabs from the first step) ...
    assert 'action="/routes#results"' in page.text
    # ... which holds the results and can take focus.
    results = page.text[page.text.index('id="results"'):]
    assert results.startswith('id="results" tabindex="-1"')
    assert results.index("2 routes from Care worker") < results.index("</main>")


@pytest.mark.parametrize("field, value, message", [
    ("within_years", "abc", "Enter a number of years from 1 to 50"),
    ("months_in_role", "lots", "Enter a whole number of months from 0 to 600"),
])
def test_text_for_a_number_gets_one_message(client, field, value, message):
    page = client.get(f"/routes?from=Care+worker&to=Social+worker&{field}={value}")
    assert page.status_code == 400
    summary = page.text[page.text.index("govuk-error-summary__list"):]
    summary = summary[:summary.index("</ul>")]
    assert summary.count("<li>") == 1 and message in summary
    assert "Not a valid integer value" not in page.text
    assert page.text.count("govuk-error-message") == 1


def test_route_planner_shows_each_kind_of_route_once_labelled(client):
    page = client.get("/routes?from=volunteer&to=social-worker")
    results = page.text.split('id="results"')[1]
    assert "2 routes from Volunteer to Social worker" in results
    first, second = results.split('id="route-2"')
    assert ">Quickest</strong>" in first and "Study Social work degree" in first
    assert ">Earn while you learn, nothing to pay</strong>" in second
    assert "Social worker (integrated degree)" in second
    assert "£9,250 for you to pay · 3 years without pay" in first  # the degree's study
    assert "£0 for you to pay · no time without pay" in second


def test_the_map_link_names_the_route_by_its_places(client):
    from pathways.routes import path_from_ids
    from pathways.snapshot import graph_from_document
    from tests.factories import toy_document

    page = client.get("/routes?from=care-worker&to=social-worker&by=cost&no_self_funded=y"
                      "&have=care-cert")
    links = [link.replace("&amp;", "&") for link in
             __import__("re").findall(r'href="/map\?path=([^"]+)"', page.text)]
    assert links  # every route shown links to exactly its own places
    G = graph_from_document(toy_document())
    for link in links:
        path = path_from_ids(G, link)
        assert path[-1] == "social-worker" and "sw-degree" not in path
    held = client.get("/routes?from=care-worker&to=senior-care-worker&have=care-cert")
    assert 'href="/map?path=care-cert,senior-care-worker"' in held.text  # held: not a move


def test_route_planner_months_in_role(client):
    page = client.get("/routes?from=care-worker&to=social-worker&months_in_role=18")
    assert page.status_code == 200 and 'name="months_in_role"' in page.text
    assert 'value="18"' in page.text
    bad = client.get("/routes?from=care-worker&to=social-worker&months_in_role=601")
    assert bad.status_code == 400
    assert "Enter a whole number of months from 0 to 600" in bad.text


def test_route_planner_options_change_the_routes(client):
    page = client.get("/routes?from=care-worker&to=social-worker&earn_while_learning=y")
    assert "1 route from" in page.text and "sw-degree" not in page.text.split('id="results"')[1]
    cheap = client.get("/routes?from=care-worker&to=social-worker&by=cost&no_self_funded=y")
    assert "Route 1: 5 years 2 months, £0" in cheap.text
    held = client.get("/routes?from=care-worker&to=social-worker&have=diploma-l3"
                      "&earn_while_learning=y")
    assert "Route 1: 3 years 4 months" in held.text and "Already held" in held.text


def test_route_planner_within_years(client):
    page = client.get("/routes?from=care-worker&to=social-worker&within_years=3"
                      "&earn_while_learning=y")
    assert page.status_code == 200 and "No route from Care worker" in page.text


@pytest.mark.parametrize("query, message", [
    ("from=&to=social-worker", "Enter where you are now"),
    ("from=care-worker", "Enter where you want to get to"),
    ("from=care+wroker&to=social-worker",
     "We could not find ‘care wroker’. Did you mean Care worker"),
    ("from=care-worker&to=social-worker&within_years=0", "Enter a number of years from 1 to 50"),
    ("from=care-worker&to=social-worker&within_years=5000", "Enter a number of years from 1 to 50"),
    ("from=care-worker&to=social-worker&within_years=soon", "Enter a number of years from 1 to 50"),
    ("from=care-worker&to=social-worker&by=happiness", "Not a valid choice"),
    ("from=care-worker&to=social-worker&have=nonsense", "is not a valid choice"),
    ("from=care-worker&to=social-worker&have=care-worker", "is not a valid choice"),
])
def test_route_planner_bad_input_shows_the_error_summary(client, query, message):
    page = client.get(f"/routes?{query}")
    assert page.status_code == 400
    assert "govuk-error-summary" in page.text
    assert message in page.text.replace("&#39;", "'")


def test_route_planner_same_place_and_no_route(client):
    page = client.get("/routes?from=care-worker&to=care-worker")
    assert page.status_code == 200 and "already there" in page.text
    page = client.get("/routes?from=social-worker&to=volunteer")
    assert "No route from Social worker to Volunteer" in page.text


def test_reach_groups_by_family_and_time(client):
    page = client.get("/reach?from=care-worker&within_months=40")
    assert page.status_code == 200
    text = page.text
    assert "From Care worker" in text
    assert "Within a year" in text and "In 3 to 5 years" in text
    assert "In more than 5 years" not in text  # bounded by within_months=40
    assert "In 1 to 3 years" in text and 'href="/roles/social-worker"' in text


@pytest.mark.parametrize("query, message", [
    ("from=", "Enter where you are now"),
    ("from=nobody", "We could not find"),
    ("from=care-worker&within_months=-3", "Enter a number of months from 1 to 600"),
    ("from=care-worker&within_months=100000", "Enter a number of months from 1 to 600"),
])
def test_reach_bad_input(client, query, message):
    page = client.get(f"/reach?{query}")
    assert page.status_code == 400 and message in page.text


def test_reach_with_nothing_in_reach(client):
    page = client.get("/reach?from=social-worker")
    assert "Nothing can be reached from Social worker" in page.text


def test_compare_up_to_three_roles(client):
    page = client.get("/compare?roles=care-worker,social-worker,practitioner&from=volunteer")
    assert page.status_code == 200
    table = page.text.split("<table")[1].split("</table>")[0]
    assert "Comparing 3 roles" in table
    assert "Social Work England" in table
    assert "Typical time from Volunteer" in table and "3 years 3 months" in table
    assert 'href="/qualifications/diploma-l3"' in table  # what practitioners need


def test_compare_accepts_repeated_parameters(client):
    page = client.get("/compare?roles=care-worker&roles=senior-care-worker")
    assert "Comparing 2 roles" in page.text


@pytest.mark.parametrize("query, message", [
    ("roles=a,b", "We could not find these roles: a, b"),
    ("roles=care-cert", "We could not find these roles: care-cert"),
    ("roles=volunteer,care-worker,social-worker,practitioner", "Choose up to 3 roles"),
    ("roles=care-worker&from=nobody", "We could not find"),
])
def test_compare_bad_input(client, query, message):
    page = client.get(f"/compare?{query}")
    assert page.status_code == 400 and message in page.text


def test_four_roles_to_compare_get_an_error_beside_the_roles(client):
    page = client.get("/compare?roles=volunteer&roles=care-worker&roles=social-worker"
                      "&roles=practitioner")
    assert page.status_code == 400
    assert 'href="#roles">Choose up to 3 roles to compare</a>' in page.text  # the summary
    field = page.text[page.text.index('<div class="govuk-form-group govuk-form-group--error">'):]
    assert field.index('id="roles-error"') < field.index('name="roles"')  # on the field
    assert "Choose up to 3 roles to compare</p>" in field
    assert 'aria-describedby="roles-error"' in field


PAGES = ["/", "/map", "/roles/care-worker", "/qualifications/sw-apprenticeship",
         "/routes?from=care-worker&to=social-worker", "/reach?from=care-worker",
         "/compare?roles=care-worker,social-worker&from=volunteer", "/search?q=worker"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_issue_a_small_fixed_number_of_queries(app, client, path):
    """Warm: one query checks the graph version; the pages read only the snapshot."""
    from sqlalchemy import event

    from webapp.extensions import db

    if path == "/map":
        pytest.importorskip("shutil").which("dot") or pytest.skip("Graphviz is not installed")
    client.get(path)  # warm the snapshot and the map cache
    path += ("&" if "?" in path else "?") + "miss=1"  # a page-cache miss: the page is rendered
    statements = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert len(statements) <= 1, statements
