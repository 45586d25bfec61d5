"""The career map and the pages of roles and qualifications, with the test client."""

import shutil
import xml.etree.ElementTree as ET

import pytest

needs_dot = pytest.mark.skipif(shutil.which("dot") is None,
                               reason="Graphviz dot is not installed (make install adds it)")


@needs_dot
def test_map_shows_the_svg_with_links_a_legend_and_a_text_version(client):
    page = client.get("/map")
    assert page.status_code == 200
    assert "<svg" in page.text and 'href="/roles/care-worker"' in page.text
    assert 'href="/qualifications/sw-apprenticeship"' in page.text
    assert 'id="legend"' in page.text and "Social work" in page.text
    text_version = page.text.split('id="text-version"')[1]
    assert "Care worker" in text_version and "Study:" in text_version


@needs_dot
def test_map_filters_by_family_and_level(client):
    page = client.get("/map?family=social_work")
    svg = page.text.split("<svg")[1].split("</svg>")[0]
    assert "/roles/social-worker" in svg and "/roles/care-worker" not in svg
    page = client.get("/map?level=6")
    svg = page.text.split("<svg")[1].split("</svg>")[0]
    assert "/qualifications/sw-degree" in svg and "/roles/volunteer" not in svg


@needs_dot
def test_map_highlights_the_chosen_route(client):
    page = client.get("/map?from=care-worker&to=Social+worker")
    assert page.text.count('class="node highlighted"') == 3
    assert 'id="highlighted-route"' in page.text
    second = client.get("/map?from=care-worker&to=social-worker&route=2")
    assert second.text.count('class="node highlighted"') == 7


@needs_dot
def test_map_svg_is_the_image_itself(client):
    answer = client.get("/map.svg?from=care-worker&to=social-worker")
    assert answer.mimetype == "image/svg+xml"
    ET.fromstring(answer.data)  # well-formed
    assert b"highlighted" in answer.data


@needs_dot
@pytest.mark.parametrize("query, message", [
    ("from=nobody&to=social-worker", "We could not find"),
    ("from=care-worker", "Enter both ends of the route"),
])
def test_map_bad_route_input_shows_the_error_summary(client, query, message):
    page = client.get(f"/map?{query}")
    assert page.status_code == 400
    assert "govuk-error-summary" in page.text and message in page.text
    assert "<svg" in page.text  # the map is still drawn
    assert client.get(f"/map.svg?{query}").status_code == 400


@needs_dot
def test_map_says_when_there_is_no_route(client):
    page = client.get("/map?from=social-worker&to=volunteer")
    assert page.status_code == 200 and "No route from Social worker" in page.text


@needs_dot
def test_map_reports_unknown_filters_and_draws_the_rest(client):
    page = client.get("/map?family=pirates&family=social_work&level=99")
    assert page.status_code == 400 and "govuk-error-summary" in page.text
    assert "&#39;pirates&#39; is not a valid choice" in page.text
    svg = page.text.split("<svg")[1].split("</svg>")[0]
    assert "/roles/social-worker" in svg


@needs_dot
def test_map_svg_is_cached_by_graph_version(app, client):
    from pathways.models import Role
    from webapp.extensions import db, map_cache

    client.get("/map")
    with app.app_context():
        renders = map_cache().renders
    client.get("/map")
    with app.app_context():
        assert map_cache().renders == renders
        db.session.get(Role, "care-worker").title = "Home care worker"
        db.session.commit()
    page = client.get("/map")
    assert "Home care worker" in page.text
    with app.app_context():
        assert map_cache().renders == renders + 1


def test_role_page_shows_everything_about_the_role(client):
    page = client.get("/roles/social-worker")
    assert page.status_code == 200
    text = page.text
    assert "Registered with Social Work England" in text
    assert "What you need to get in" in text and "Where you can go next" in text
    assert "This is the top of this ladder." in text
    apprenticeships = text.split("Apprenticeships that lead here")[1]
    assert "ST0510" in apprenticeships and "£24,000" in apprenticeships
    assert "3 years" in apprenticeships


def test_role_page_lists_moves_with_time_cost_and_who_pays(client):
    page = client.get("/roles/care-worker")
    next_moves = page.text.split("Where you can go next</caption>")[1]
    assert "£9,250, Self-funded" in next_moves
    assert "1 year of experience first" in next_moves
    assert 'href="/qualifications/care-cert"' in next_moves


def test_qualification_page(client):
    page = client.get("/qualifications/sw-apprenticeship")
    assert page.status_code == 200
    assert "ST0510" in page.text and "£24,000" in page.text
    assert "Who can start it" in page.text and "What it qualifies you for" in page.text
    assert "Not published for this standard" in page.text


def test_unknown_and_mismatched_ids(client):
    assert client.get("/roles/nobody").status_code == 404
    assert client.get("/qualifications/nothing").status_code == 404
    moved = client.get("/roles/care-cert")
    assert moved.status_code == 301 and moved.location.endswith("/qualifications/care-cert")


def test_pages_escape_what_the_data_says(app, client):
    from pathways.models import Role
    from webapp.extensions import db

    with app.app_context():
        db.session.get(Role, "care-worker").title = 'Care <script>alert("x")</script> worker'
        db.session.commit()
    page = client.get("/roles/care-worker")
    assert "<script>alert" not in page.text
    assert "&lt;script&gt;alert" in page.text


def _svg(page) -> str:
    return page.text.split("<svg")[1].split("</svg>")[0]


@needs_dot
def test_map_opens_centred_on_care_worker_with_the_whole_map_a_click_away(client):
    page = client.get("/map")
    svg = _svg(page)
    assert 'id="node&#45;care&#45;worker" class="node focus"' in svg
    assert "/roles/volunteer" in svg  # leads straight to care worker
    assert "/qualifications/sw-degree" in svg and "/roles/social-worker" in svg  # two steps on
    assert "/roles/practitioner" not in svg  # three steps on
    assert 'href="/map?view=all"' in page.text and "Show the whole map" in page.text
    whole = _svg(client.get("/map?view=all"))
    assert "/roles/practitioner" in whole and 'class="node focus"' not in whole


@needs_dot
def test_map_focus_and_steps(client):
    svg = _svg(client.get("/map?focus=Senior+care+worker&steps=1"))
    assert 'id="node&#45;senior&#45;care&#45;worker" class="node focus"' in svg
    assert "/qualifications/diploma-l3" in svg
    assert "/roles/practitioner" not in svg
    assert "/roles/practitioner" in _svg(client.get("/map?focus=senior-care-worker&steps=2"))
    page = client.get("/map?focus=nowhere")
    assert page.status_code == 400 and "We could not find" in page.text


@needs_dot
def test_map_path_highlights_exactly_the_route_named(client):
    page = client.get("/map?path=care-worker,sw-degree,social-worker")
    assert page.status_code == 200
    assert page.text.count('class="node highlighted"') == 3
    assert page.text.count('class="edge highlighted"') == 2
    assert 'data-route="true"' in page.text
    near = _svg(page)  # the route, and where each of its places could also lead
    assert "/qualifications/care-cert" in near and "/roles/practitioner" not in near
    whole = client.get("/map?path=care-worker,sw-degree,social-worker&view=all")
    assert "/roles/practitioner" in _svg(whole)
    assert whole.text.count('class="node highlighted"') == 3
    answer = client.get("/map.svg?path=care-worker,sw-degree,social-worker")
    assert answer.status_code == 200 and answer.data.count(b'class="node highlighted"') == 3


@needs_dot
@pytest.mark.parametrize("path, message", [
    ("care-worker,social-worker", "there is no move from Care worker to Social worker"),
    ("care-worker,<script>", "nothing on the map has the id"),
    ("care-worker", "a route needs at least two places"),
    (",".join(["care-worker"] * 30), "a route has at most"),
    ("care-worker,sw-degree,care-worker", "each place once"),
])
def test_map_path_that_is_not_a_route_is_said_clearly(client, path, message):
    page = client.get("/map", query_string={"path": path})
    assert page.status_code == 400 and message in page.text
    assert "<script>" not in page.text.split("<main")[1]
    assert 'class="node highlighted"' not in page.text
    assert client.get("/map.svg", query_string={"path": path}).status_code == 400


@needs_dot
def test_map_is_a_named_group_of_links_with_zoom_buttons_and_a_skip_link(client):
    page = client.get("/map").text
    assert 'role="group" aria-label="Career map' in page and 'role="img"' not in page
    assert page.count('data-map-zoom="') == 4 and "<button" in page
    assert 'href="#text-version"' in page and 'id="text-version"' in page
    assert '<details class="govuk-details" id="map-filters">' in page  # closed by default
