"""A route's small map drawn straight as SVG: shape, accessibility and hostile labels."""

import xml.etree.ElementTree as ET

from pathways.route_map import route_svg
from pathways.snapshot import graph_from_document
from tests.factories import make_document, make_edge, make_qualification, make_role, toy_graph

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = 'Care <b>worker</b> & "lead" </svg><script>alert(1)</script> \\N ]]>'


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # raises when the picture is not well-formed XML


def test_a_route_is_a_column_of_boxes_joined_by_arrows():
    G = toy_graph()
    path = ["care-worker", "sw-degree", "social-worker"]
    root = _parse(route_svg(G, path, title="Route 1", ident="route-1-map"))
    boxes = root.findall(f"{SVG}g[@class='node highlighted']")
    arrows = root.findall(f"{SVG}g[@class='edge']")
    assert [b.get("id") for b in boxes] == [f"route-1-map-place-{n}" for n in (1, 2, 3)]
    assert len(arrows) == 2
    texts = [" ".join(t.text for t in b.findall(f"{SVG}text")) for b in boxes]
    assert texts[0] == "Care worker" and texts[2] == "Social worker"
    tops = [float(b.find(f"{SVG}text").get("y")) for b in boxes]
    assert tops == sorted(tops) and len(set(tops)) == 3  # top to bottom
    assert float(root.get("height")) > tops[-1]  # the last box is inside the picture
    # A qualification is drawn as a note (a path with a folded corner), a role as a box.
    assert boxes[1].find(f"{SVG}path") is not None and boxes[0].find(f"{SVG}rect") is not None


def test_the_picture_is_an_image_named_and_described_by_its_places():
    G = toy_graph()
    root = _parse(route_svg(G, ["volunteer", "care-worker"], title="Route 2 drawn as a map",
                            ident="route-2-map"))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "route-2-map-title route-2-map-desc"
    assert root.find(f"{SVG}title").get("id") == "route-2-map-title"
    assert root.find(f"{SVG}title").text == "Route 2 drawn as a map"
    assert root.find(f"{SVG}desc").text == "From Volunteer, then Care worker."


def test_moves_that_are_not_a_step_up_are_dashed():
    G = graph_from_document(make_document(
        [make_role("a"), make_role("b"), make_qualification("held"), make_role("c")],
        [make_edge("a", "b", kind="sideways"), make_edge("held", "c"),
         make_edge("b", "c")]), version=1)
    sideways = _parse(route_svg(G, ["a", "b", "c"]))
    lines = [g.find(f"{SVG}line") for g in sideways.findall(f"{SVG}g[@class='edge']")]
    assert [line.get("stroke-dasharray") for line in lines] == ["6 4", None]
    held = _parse(route_svg(G, ["a", "held", "c"]))  # a qualification held: not a move
    assert held.find(f"{SVG}g[@class='edge']/{SVG}line").get("stroke-dasharray") == "6 4"


def test_hostile_titles_and_ids_are_escaped_and_the_svg_parses():
    G = graph_from_document(make_document(
        [make_role("volunteer", HOSTILE, family="entry_routes"),
         make_role("top", "Top</text><a href='x'>", top_of_ladder=True)],
        [make_edge("volunteer", "top")]), version=1)
    svg = route_svg(G, ["volunteer", "top"], title='Route "1" <img>', ident='r" onload="x')
    root = _parse(svg)
    assert "<script>" not in svg and "<img>" not in svg and "<a " not in svg
    assert 'onload="' not in svg
    drawn = "".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "Care <b>worker</b>" in drawn and "alert(1)" in drawn  # shown as text
    assert root.find(f"{SVG}title").text == 'Route "1" <img>'
    assert HOSTILE in root.find(f"{SVG}desc").text
    assert not list(root.iter(f"{SVG}script")) and not list(root.iter(f"{SVG}a"))


def test_long_titles_wrap_and_the_box_grows_to_hold_them():
    title = "Registered manager of a very large adult social care service in the region"
    G = graph_from_document(make_document(
        [make_role("a"), make_role("b", title)], [make_edge("a", "b")]), version=1)
    root = _parse(route_svg(G, ["a", "b"]))
    second = root.findall(f"{SVG}g[@class='node highlighted']")[1]
    lines = [t.text for t in second.findall(f"{SVG}text")]
    assert len(lines) >= 3 and " ".join(lines) == title
    assert all(len(line) <= 24 for line in lines)
    rect = second.find(f"{SVG}rect")
    last = max(float(t.get("y")) for t in second.findall(f"{SVG}text"))
    assert float(rect.get("y")) + float(rect.get("height")) > last
