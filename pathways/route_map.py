"""A route's small map, drawn straight as SVG: a column of boxes joined by arrows.

A route is a path, so its picture needs no layout engine: each place is a box under the
last, an arrow between each pair. Drawing one costs a few hundred microseconds and no
subprocess, which is what lets the planner answer a new pair of places quickly; Graphviz
(``pathways.render``) still draws the career map, where the layout is the hard part.

Boxes use the map's family colours and shapes (a qualification has a folded corner) and
the route's heavy black border; a sideways move, a change of employer or a qualification
already held is a dashed arrow. Every piece of text is XML-escaped, and the picture is an
image with a title and a description (``role="img"``, ``aria-labelledby``) naming the
places in order, so a screen reader hears the route, not a list of shapes.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Sequence

import networkx as nx

from .render import FAMILY_COLOURS, NO_FAMILY_COLOUR, node_subtitle

#: The drawing's width, and a box's, in pixels (the page scales it down to a narrow column).
WIDTH = 280
BOX_WIDTH = 248
#: Font sizes in pixels: a place's title and its second line (at least 12 px when the
#: picture is scaled to a 320-pixel phone column).
TITLE_PX = 16
SUBTITLE_PX = 14
LINE_HEIGHT = 20
PADDING = 10
#: Height of the gap holding an arrow between two boxes.
ARROW_GAP = 34
#: Titles wrap onto lines of at most this many characters, so they fit the box.
WRAP_AT = 24
SUBTITLE_WRAP_AT = 30
BORDER = "#0b0c0c"
ARROW = "#505a5f"
#: Moves drawn with a dashed arrow: they change where you work, not what you can do.
DASHED_KINDS = frozenset({"sideways", "change_of_employer", "held"})


def route_svg(G: nx.DiGraph, path: Sequence[str], *, title: str = "Route",
              ident: str = "route-map") -> str:
    """Return an SVG picture of ``path``: its places top to bottom, joined by arrows.

    Parameters
    ----------
    G : networkx.DiGraph
        A snapshot from ``build_graph``; every node of ``path`` is in it.
    path : sequence of str
        The route's node ids in order (a step into a qualification already held need
        not be a move of the map).
    title : str
        The picture's accessible name; its description lists the places in order.
    ident : str
        A prefix for the ids inside the picture, unique on the page that shows it.

    Returns
    -------
    str
        An ``<svg>`` element (no XML prolog), to place inside a page as it is.

    Examples
    --------
    >>> svg = route_svg(G, ["care-worker", "senior-care-worker"], title="Route 1")
    >>> svg.startswith("<svg") and 'role="img"' in svg
    True
    """
    ident = _identifier(ident)
    boxes = [_box_lines(G, node_id) for node_id in path]
    heights = [PADDING * 2 + LINE_HEIGHT * len(lines) for lines, _ in boxes]
    height = sum(heights) + ARROW_GAP * max(0, len(path) - 1) + 4
    names = [G.nodes[n]["title"] for n in path]
    description = "From " + ", then ".join(names) + "." if names else "No places."
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-route-map" role="img" '
        f'width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
        f'aria-labelledby="{ident}-title {ident}-desc" '
        'font-family="Helvetica,Arial,sans-serif">',
        f'<title id="{ident}-title">{_text(title)}</title>',
        f'<desc id="{ident}-desc">{_text(description)}</desc>',
        f'<defs><marker id="{ident}-arrow" viewBox="0 0 10 10" refX="9" refY="5" '
        'markerWidth="8" markerHeight="8" orient="auto-start-reverse">'
        f'<path d="M 0 0 L 10 5 L 0 10 z" fill="{ARROW}"/></marker></defs>',
    ]
    left = (WIDTH - BOX_WIDTH) / 2
    top = 2.0
    for index, node_id in enumerate(path):
        if index:
            kind = _move_kind(G, path[index - 1], node_id)
            dashed = ' stroke-dasharray="6 4"' if kind in DASHED_KINDS else ""
            parts.append(
                f'<g class="edge" id="{ident}-move-{index}"><line x1="{WIDTH / 2:g}" '
                f'y1="{top:g}" x2="{WIDTH / 2:g}" y2="{top + ARROW_GAP - 3:g}" '
                f'stroke="{ARROW}" stroke-width="2"{dashed} '
                f'marker-end="url(#{ident}-arrow)"/></g>')
            top += ARROW_GAP
        lines, titled = boxes[index]
        parts.append(_box(G, node_id, lines, titled, left, top, heights[index],
                          f"{ident}-place-{index + 1}"))
        top += heights[index]
    parts.append("</svg>")
    return "".join(parts)


def _box_lines(G: nx.DiGraph, node_id: str) -> tuple[list[str], int]:
    """Return a box's lines (the title wrapped, then its second line) and how many are title."""
    data = G.nodes[node_id]
    title = textwrap.wrap(data["title"], WRAP_AT) or [data["title"] or " "]
    subtitle = textwrap.wrap(node_subtitle(data), SUBTITLE_WRAP_AT)
    return [*title, *subtitle], len(title)


def _box(G: nx.DiGraph, node_id: str, lines: list[str], titled: int, left: float,
         top: float, height: float, box_id: str) -> str:
    """Return one place's box: its shape, filled by family, and its lines of text."""
    data = G.nodes[node_id]
    fill = FAMILY_COLOURS.get(data.get("family") or "", NO_FAMILY_COLOUR)
    right, bottom = left + BOX_WIDTH, top + height
    stroke = f'fill="{fill}" stroke="{BORDER}" stroke-width="3"'
    if data["kind"] == "qualification":  # a note: the top right corner folded down
        fold = 12
        shape = (f'<path d="M {left:g} {top:g} H {right - fold:g} L {right:g} {top + fold:g} '
                 f'V {bottom:g} H {left:g} Z M {right - fold:g} {top:g} V {top + fold:g} '
                 f'H {right:g}" {stroke}/>')
    else:
        shape = (f'<rect x="{left:g}" y="{top:g}" width="{BOX_WIDTH}" height="{height:g}" '
                 f'rx="8" {stroke}/>')
    text = []
    for number, line in enumerate(lines):
        size = TITLE_PX if number < titled else SUBTITLE_PX
        weight = ' font-weight="bold"' if number < titled else ""
        baseline = top + PADDING + LINE_HEIGHT * number + 15
        text.append(f'<text x="{left + BOX_WIDTH / 2:g}" y="{baseline:g}" '
                    f'text-anchor="middle" font-size="{size}"{weight} fill="{BORDER}">'
                    f"{_text(line)}</text>")
    return f'<g class="node highlighted" id="{box_id}">{shape}{"".join(text)}</g>'


def _move_kind(G: nx.DiGraph, source: str, target: str) -> str:
    """Return the kind of the move ``source -> target`` ("held" when it is not on the map)."""
    if G.has_edge(source, target):
        return str(G.edges[source, target]["kind"])
    return "held"


def _text(value: object) -> str:
    return html.escape(str(value), quote=True)


def _identifier(value: str) -> str:
    """Return ``value`` as a safe id: letters, digits, ``-`` and ``_`` kept, others ``-``."""
    return "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "-" for c in value)

