"""Drawing the career map: Graphviz DOT from a snapshot, and SVG from ``dot`` with a timeout.

Every label is escaped: titles go into HTML-like labels through ``html.escape`` and into
quoted attributes with backslashes and quotes escaped, so ``<``, ``>``, quotes and
backslashes in data can neither break the picture nor inject markup.
"""

from __future__ import annotations

import html
import itertools
import shutil

# Runs Graphviz's dot with a fixed argument list and no shell; the graph goes in on stdin.
import subprocess  # nosec B404
import textwrap
import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable, Sequence

import networkx as nx

from .errors import PathwayError
from .vocabulary import FAMILIES

DOT_TIMEOUT_SECONDS = 10

#: Fill colours by family: light tints of a colour-blind-safe palette (Okabe-Ito).
FAMILY_COLOURS: dict[str, str] = {
    "entry_routes": "#e8e8e8",
    "care_and_support": "#fbe3b8",
    "social_work": "#c9e4f6",
    "occupational_therapy": "#c7eadf",
    "nursing": "#f7d3e4",
    "management_and_leadership": "#f3e9a6",
    "commissioning": "#d9d2ec",
    "learning_and_development": "#f6cdb5",
}
NO_FAMILY_COLOUR = "#ffffff"


class RenderError(PathwayError):
    """Graphviz could not draw the map."""


def quoted(text: str) -> str:
    """Return ``text`` as a DOT double-quoted string, backslashes and quotes escaped."""
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def html_label(*lines: str) -> str:
    """Return an HTML-like DOT label of escaped lines: the first bold and wrapped, the rest small.

    Examples
    --------
    >>> html_label("Care <worker>", "Level 2")
    '<<B>Care &lt;worker&gt;</B><BR/><FONT POINT-SIZE="11">Level 2</FONT>>'
    """
    lines = tuple(line for line in lines if line)
    if not lines:
        return '<&nbsp;>'
    title = textwrap.wrap(lines[0], WRAP_AT, break_long_words=False) or [lines[0]]
    body = "<BR/>".join(f"<B>{html.escape(part, quote=True)}</B>" for part in title)
    body += "".join(f'<BR/><FONT POINT-SIZE="{SUBTITLE_POINTS}">{html.escape(r, quote=True)}'
                    "</FONT>" for r in lines[1:])
    return f"<{body}>"


def node_subtitle(node: dict) -> str:
    """Return the small second line of a node's box: level and standard code."""
    parts = []
    if node.get("standard_code"):
        parts.append(f"Apprenticeship {node['standard_code']}")
    if node.get("level") is not None:
        parts.append(f"Level {node['level']}")
    return " · ".join(parts)


def select_nodes(G: nx.DiGraph, families: Iterable[str] | None = None,
                 levels: Iterable[int] | None = None) -> list[str]:
    """Return the ids of nodes in the given families and levels (all when None), sorted."""
    families = set(families) if families else None
    levels = set(levels) if levels else None
    return sorted(
        n for n, d in G.nodes(data=True)
        if (families is None or d.get("family") in families)
        and (levels is None or d.get("level") in levels)
    )


def neighbourhood(G: nx.DiGraph, centre: str,
                  steps: int = 2) -> tuple[list[str], set[tuple[str, str]]]:
    """Return a focused view: ``centre``, what leads straight to it and what is ``steps`` on.

    Parameters
    ----------
    G : networkx.DiGraph
    centre : str
        A node of ``G``.
    steps : int
        How many moves onward to include (at least 1).

    Returns
    -------
    (list of str, set of (str, str))
        The node ids, sorted, and the moves worth drawing between them: those into
        ``centre`` and those that take one more step away from it.

    Examples
    --------
    >>> nodes, moves = neighbourhood(G, "care-worker", steps=1)
    >>> "senior-care-worker" in nodes and ("care-worker", "senior-care-worker") in moves
    True
    """
    distance = nx.single_source_shortest_path_length(G, centre, cutoff=max(1, steps))
    moves = {(p, centre) for p in G.pred[centre]}
    moves |= {(u, v) for u, v in G.edges(distance)
              if v in distance and distance[v] == distance[u] + 1}
    return sorted(set(distance) | set(G.pred[centre])), moves


def around_route(G: nx.DiGraph, path: Sequence[str]) -> tuple[list[str], set[tuple[str, str]]]:
    """Return a route's view: its places and where each could also lead, with those moves.

    Examples
    --------
    >>> nodes, moves = around_route(G, ["care-worker", "senior-care-worker"])
    >>> "home-care-worker" in nodes and ("care-worker", "senior-care-worker") in moves
    True
    """
    nodes = set(path)
    moves = set(itertools.pairwise(path))
    for node_id in path:
        nodes.update(G.succ[node_id])
        moves.update((node_id, target) for target in G.succ[node_id])
    return sorted(nodes), moves


def to_dot(G: nx.DiGraph, *, nodes: Sequence[str] | None = None,
           highlight: Sequence[str] = (), link: Callable[[str, dict], str] | None = None,
           legend: bool = False, ladder: bool = True, focus: str | None = None,
           moves: Collection[tuple[str, str]] | None = None) -> str:
    """Return the DOT source of the map, laid out as a ladder.

    Each family is a labelled band (a Graphviz cluster) and moves run left to right, so a
    column is a step along a career and a family's roles stack in its band. (The seed's
    levels are qualification levels, the same for most of a profession's roles, so they
    cannot be the rungs of a ladder.)

    Parameters
    ----------
    G : networkx.DiGraph
    nodes : sequence of str, optional
        The nodes to draw (default all); edges are drawn between drawn nodes.
    highlight : sequence of str
        A route's node ids: its nodes and moves are drawn bold, and always included.
    link : callable, optional
        ``link(node_id, node_data) -> url`` to make each node a link.
    legend : bool
        Add a legend of family colours (the family columns are labelled anyway).
    ladder : bool
        Families as bands and moves left to right; without it, a plain top-to-bottom
        drawing. (The planner's small route maps need no layout: ``pathways.route_map``.)
    focus : str, optional
        A node to mark as the centre of a focused view (drawn with a double border).
    moves : collection of (str, str), optional
        Draw only these moves (and the route's); default every move between drawn nodes.

    Returns
    -------
    str

    Examples
    --------
    >>> to_dot(G).startswith("digraph")
    True
    """
    chosen = list(nodes) if nodes is not None else sorted(G)
    chosen_set = set(chosen) | set(highlight)
    route_edges = set(itertools.pairwise(highlight))
    lines = [
        "digraph career_map {",
        f'  graph [rankdir={"LR" if ladder else "TB"}, bgcolor="transparent", nodesep=0.25, '
        'ranksep=0.5, '
        f'fontname="Helvetica,Arial,sans-serif", fontsize={TITLE_POINTS}];',
        '  node [shape=box, style="rounded,filled", fontname="Helvetica,Arial,sans-serif", '
        f'fontsize={TITLE_POINTS}, color="#505a5f", penwidth=1, margin="0.12,0.06"];',
        '  edge [color="#8a9296", arrowsize=0.7, fontname="Helvetica,Arial,sans-serif"];',
    ]
    node_lines = {node_id: _node_line(G, node_id, highlight, link, focus)
                  for node_id in sorted(chosen_set)}
    if ladder:
        lines.extend(_ladder(G, chosen_set, node_lines))
    else:
        lines.extend(node_lines.values())
    for source, target in G.edges():
        if source in chosen_set and target in chosen_set and (
                moves is None or (source, target) in moves or (source, target) in route_edges):
            attrs = {"id": quoted(f"edge-{source}--{target}")}
            if (source, target) in route_edges:
                # A heavy weight pulls the route's moves short and straight, so the route
                # sits close together on the whole map and the page can zoom to it.
                attrs.update(penwidth="4", color=quoted("#0b0c0c"), weight="50",
                             **{"class": quoted("highlighted")})
            elif G.edges[source, target]["kind"] in ("sideways", "change_of_employer"):
                attrs["style"] = "dashed"
            lines.append(f"  {quoted(source)} -> {quoted(target)} [{_attrs(attrs)}];")
    if legend:
        lines.extend(_legend(G, chosen_set))
    lines.append("}")
    return "\n".join(lines) + "\n"


#: Point sizes of a node's title and its second line: at the SVG's natural size (1 pt is
#: 4/3 px) they are 17.3 px and 14.7 px tall, so the page may zoom out to 82% and keep
#: every label at 12 px or more (``MIN_LABEL_POINTS``).
TITLE_POINTS = 13
SUBTITLE_POINTS = 11
#: The smallest text on the map, in points: the page's script never zooms out below the
#: scale at which this is 12 px.
MIN_LABEL_POINTS = SUBTITLE_POINTS
#: Titles are wrapped onto lines of at most this many characters, so nodes stay narrow.
WRAP_AT = 18


def _node_line(G: nx.DiGraph, node_id: str, highlight: Sequence[str],
               link: Callable[[str, dict], str] | None, focus: str | None) -> str:
    data = G.nodes[node_id]
    attrs = {
        "id": quoted(f"node-{node_id}"),
        "label": html_label(data["title"], node_subtitle(data)),
        "fillcolor": quoted(FAMILY_COLOURS.get(data.get("family") or "", NO_FAMILY_COLOUR)),
        "tooltip": quoted(data["title"]),
    }
    classes = []
    if data["kind"] == "qualification":
        attrs["shape"] = "note"
        attrs["style"] = quoted("filled")
    if link is not None:
        attrs["URL"] = quoted(link(node_id, data))
        attrs["target"] = quoted("_top")
    if node_id == focus:
        attrs["peripheries"] = "2"
        classes.append("focus")
    if node_id in highlight:
        attrs["penwidth"] = "4"
        attrs["color"] = quoted("#0b0c0c")
        classes.append("highlighted")
    if classes:
        attrs["class"] = quoted(" ".join(classes))
    return f"  {quoted(node_id)} [{_attrs(attrs)}];"


def _ladder(G: nx.DiGraph, chosen: set[str], node_lines: dict[str, str]) -> list[str]:
    """Return DOT for the nodes grouped in a labelled cluster (a column) per family."""
    lines: list[str] = []
    by_family: dict[str, list[str]] = {}
    for node_id in sorted(chosen):
        by_family.setdefault(G.nodes[node_id].get("family") or "", []).append(node_id)
    order = [*FAMILIES, ""]
    for family in sorted(by_family, key=lambda f: order.index(f) if f in order else len(order)):
        if not family or family not in FAMILIES:
            lines.extend(node_lines[n] for n in by_family[family])
            continue
        lines.append(f"  subgraph {quoted('cluster_' + family)} {{")
        lines.append(f"    label={quoted(FAMILIES[family])}; labeljust=l; "
                     'style="rounded"; color="#b1b4b6"; penwidth=1; margin=10;')
        lines.extend("  " + node_lines[n] for n in by_family[family])
        lines.append("  }")
    return lines


def _attrs(attrs: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in attrs.items())


def _legend(G: nx.DiGraph, shown: set[str]) -> list[str]:
    families = [f for f in FAMILIES if any(G.nodes[n].get("family") == f for n in shown)]
    if not families:
        return []
    lines = ["  subgraph cluster_legend {", '    label="Families"; fontsize=11; '
             'color="#b1b4b6"; style="rounded";']
    for family in families:
        lines.append(f"    {quoted('legend-' + family)} [label={quoted(FAMILIES[family])}, "
                     f"fillcolor={quoted(FAMILY_COLOURS[family])}, fontsize=9];")
    lines.append("  }")
    return lines


def dot_available() -> bool:
    """Whether the Graphviz ``dot`` program is installed."""
    return shutil.which("dot") is not None


def render_svg(dot_source: str, timeout: float = DOT_TIMEOUT_SECONDS) -> str:
    """Run ``dot -Tsvg`` on ``dot_source`` and return the SVG text.

    Raises
    ------
    RenderError
        When ``dot`` is missing, fails, or takes longer than ``timeout`` seconds.
    """
    dot = shutil.which("dot")
    if dot is None:
        raise RenderError("Graphviz is not installed: install the 'graphviz' package "
                          "(it provides the dot program).")
    try:
        finished = subprocess.run(  # nosec B603
            [dot, "-Tsvg"], input=dot_source.encode("utf-8"), capture_output=True,
            timeout=timeout, check=False)
    except FileNotFoundError:
        raise RenderError("Graphviz is not installed: install the 'graphviz' package "
                          "(it provides the dot program).") from None
    except subprocess.TimeoutExpired:
        raise RenderError(f"Drawing the map took longer than {timeout:g} seconds.") from None
    if finished.returncode != 0:
        message = finished.stderr.decode("utf-8", "replace").strip()
        raise RenderError(f"Graphviz could not draw the map: {message}")
    return finished.stdout.decode("utf-8")


class MapCache:
    """Rendered SVG maps by (graph version, view), least recently used dropped first.

    A new graph version makes new keys, so a changed graph is never drawn from an old
    picture; old entries age out.

    Parameters
    ----------
    link : callable, optional
        ``link(node_id, node_data) -> url`` for every map this cache draws.
    maxsize : int
        How many pictures to keep.
    timeout : float
        Seconds ``dot`` may run.
    """

    def __init__(self, link: Callable[[str, dict], str] | None = None, maxsize: int = 64,
                 timeout: float = DOT_TIMEOUT_SECONDS):
        self.link, self.maxsize, self.timeout = link, maxsize, timeout
        self._entries: OrderedDict[tuple, str] = OrderedDict()
        self._lock = threading.Lock()
        self.renders = 0

    def svg(self, G: nx.DiGraph, *, families: Iterable[str] = (), levels: Iterable[int] = (),
            highlight: Sequence[str] = (), focus: str | None = None, steps: int = 2,
            near_route: bool = False) -> str:
        """Return the SVG of the map of ``G`` for these filters and highlighted route.

        With ``near_route`` the map shows the route and where each of its places could also
        lead (``around_route``). With ``focus`` it shows
        that node's neighbourhood (``neighbourhood(G, focus, steps)``). Otherwise the map
        holds the nodes of the chosen families and levels (all when none are chosen).
        """
        key = (G.graph.get("version"), tuple(sorted(set(families))),
               tuple(sorted(set(levels))), tuple(highlight),
               focus if focus in G else None, steps if focus in G else 0,
               near_route and bool(highlight))
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        if key[6]:
            nodes, moves = around_route(G, highlight)
            dot = to_dot(G, nodes=nodes, moves=moves, highlight=highlight, link=self.link)
        elif key[4] is not None:
            nodes, moves = neighbourhood(G, key[4], steps)
            dot = to_dot(G, nodes=nodes, moves=moves, highlight=highlight, link=self.link,
                         focus=key[4])
        else:
            dot = to_dot(G, nodes=select_nodes(G, key[1] or None, key[2] or None),
                         highlight=highlight, link=self.link)
        svg = render_svg(dot, timeout=self.timeout)
        with self._lock:
            self.renders += 1
            self._entries[key] = svg
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)
        return svg
