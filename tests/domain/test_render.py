"""Drawing the map: escaping hostile labels, filters, highlighting, and dot's failures."""

import shutil
import xml.etree.ElementTree as ET

import pytest

from pathways.render import (
    RenderError,
    html_label,
    neighbourhood,
    quoted,
    render_svg,
    select_nodes,
    to_dot,
)
from pathways.snapshot import graph_from_document
from tests.factories import make_document, make_edge, make_role, toy_graph

needs_dot = pytest.mark.skipif(shutil.which("dot") is None,
                               reason="Graphviz dot is not installed (make install adds it)")
HOSTILE = 'Care <b>worker</b> & "lead" \\N \\" >'


def hostile_graph():
    return graph_from_document(make_document(
        [make_role("volunteer", HOSTILE, family="entry_routes"),
         make_role("top", "Top</B><BR/>", top_of_ladder=True)],
        [make_edge("volunteer", "top")]), version=1)


def test_labels_are_escaped_for_html_like_labels_and_quoted_strings():
    assert html_label("<b>&") == "<<B>&lt;b&gt;&amp;</B>>"
    assert quoted('a"b\\c') == '"a\\"b\\\\c"'


@needs_dot
def test_hostile_titles_make_a_valid_svg_showing_the_text():
    svg = render_svg(to_dot(hostile_graph(), link=lambda n, data: f"/roles/{n}"))
    root = ET.fromstring(svg.encode())  # parses: the SVG is not broken
    texts = "".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert "Care <b>worker</b>" in texts and "Top</B><BR/>" in texts
    assert "<b>worker" not in svg  # markup arrives escaped, never as tags
    assert 'href="/roles/volunteer"' in svg


@needs_dot
def test_route_is_highlighted_and_filters_apply():
    G = toy_graph()
    path = ("care-worker", "sw-degree", "social-worker")
    dot = to_dot(G, nodes=select_nodes(G, families=["social_work"]), highlight=path)
    svg = render_svg(dot)
    assert svg.count('class="node highlighted"') == 3
    assert svg.count('class="edge highlighted"') == 2
    assert '"diploma-l3"' not in dot  # not in the family and not on the route


def test_select_nodes_by_level():
    assert select_nodes(toy_graph(), levels=[6]) == ["sw-apprenticeship", "sw-degree"]


def test_dot_failures_become_render_errors(monkeypatch):
    if shutil.which("dot"):
        with pytest.raises(RenderError, match="could not draw"):
            render_svg("digraph { this is not dot")
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(RenderError, match="Graphviz is not installed"):
        render_svg("digraph {}")


@needs_dot
def test_dot_runs_with_a_timeout():
    big = "digraph {" + " ".join(f"n{i} -> n{(i * 7) % 3000};" for i in range(3000)) + "}"
    with pytest.raises(RenderError, match="longer than"):
        render_svg(big, timeout=0.001)


@needs_dot
def test_map_cache_keys_by_version_and_view():
    from pathways.render import MapCache

    cache = MapCache()
    G = toy_graph()
    first = cache.svg(G, families=["social_work"])
    assert cache.svg(G, families=["social_work"]) is first and cache.renders == 1
    cache.svg(G)
    newer = graph_from_document(make_document(
        [make_role("volunteer", "Volunteer renamed", family="entry_routes", top_of_ladder=True)],
        []), version=G.graph["version"] + 1)
    assert "Volunteer renamed" in cache.svg(newer) and cache.renders == 3


def test_long_titles_wrap_and_every_line_is_escaped():
    label = html_label("Senior <healthcare> support worker apprenticeship", "Level 3")
    assert label.count("<B>") == 4 and "<B>&lt;healthcare&gt;</B>" in label
    assert '<FONT POINT-SIZE="11">Level 3</FONT>' in label


def test_neighbourhood_is_what_leads_in_and_what_is_steps_on():
    G = toy_graph()
    nodes, moves = neighbourhood(G, "care-worker", steps=1)
    assert nodes == ["care-cert", "care-worker", "senior-care-worker", "sw-degree", "volunteer"]
    assert ("volunteer", "care-worker") in moves and ("care-worker", "care-cert") in moves
    assert ("care-cert", "senior-care-worker") not in moves  # not a step further away
    nodes, _ = neighbourhood(G, "care-worker", steps=2)
    assert "social-worker" in nodes and "practitioner" not in nodes


@needs_dot
def test_map_is_a_ladder_of_family_bands_focused_or_around_a_route():
    from pathways.render import MapCache

    G = toy_graph()
    dot = to_dot(G)
    assert "rankdir=LR" in dot and 'subgraph "cluster_social_work"' in dot
    cache = MapCache(link=lambda n, data: f"/roles/{n}")
    focused = cache.svg(G, focus="care-worker", steps=1)
    assert 'class="node focus"' in focused and "/roles/practitioner" not in focused
    route = ("care-worker", "sw-degree", "social-worker")
    near = cache.svg(G, highlight=route, near_route=True)
    assert "/roles/senior-care-worker" in near and "/roles/practitioner" not in near
    assert cache.svg(G, highlight=route).count('class="node highlighted"') == 3
