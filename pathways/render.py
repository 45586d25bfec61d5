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
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence

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
    """Return an HTML-like DOT label of escaped lines, the first in bold."""
    escaped = [html.escape(line, quote=True) for line in lines if line]
    if not escaped:
        return '<&nbsp;>'
    first, rest = escaped[0], escaped[1:]
    body = f"<B>{first}</B>" + "".join(f'<BR/><FONT POINT-SIZE="9">{r}</FONT>' for r in rest)
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


def to_dot(G: nx.DiGraph, *, nodes: Sequence[str] | None = None,
           highlight: Sequence[str] = (), link: Callable[[str, dict], str] | None = None,
           legend: bool = True) -> str:
    """Return the DOT source of the map.

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
        Add a legend of family colours.

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
        '  graph [rankdir=TB, bgcolor="transparent", nodesep=0.25, ranksep=0.6, '
        'fontname="Helvetica,Arial,sans-serif"];',
        '  node [shape=box, style="rounded,filled", fontname="Helvetica,Arial,sans-serif", '
        'fontsize=11, color="#505a5f", penwidth=1];',
        '  edge [color="#8a9296", arrowsize=0.6, fontname="Helvetica,Arial,sans-serif"];',
    ]
    for node_id in sorted(chosen_set):
        data = G.nodes[node_id]
        attrs = {
            "id": quoted(f"node-{node_id}"),
            "label": html_label(data["title"], node_subtitle(data)),
            "fillcolor": quoted(FAMILY_COLOURS.get(data.get("family") or "", NO_FAMILY_COLOUR)),
            "tooltip": quoted(data["title"]),
        }
        if data["kind"] == "qualification":
            attrs["shape"] = "note"
            attrs["style"] = quoted("filled")
        if link is not None:
            attrs["URL"] = quoted(link(node_id, data))
            attrs["target"] = quoted("_top")
        if node_id in highlight:
            attrs["penwidth"] = "3"
            attrs["color"] = quoted("#0b0c0c")
            attrs["class"] = quoted("highlighted")
        lines.append(f"  {quoted(node_id)} [{_attrs(attrs)}];")
    for source, target in G.edges():
        if source in chosen_set and target in chosen_set:
            attrs = {"id": quoted(f"edge-{source}--{target}")}
            if (source, target) in route_edges:
                attrs.update(penwidth="3", color=quoted("#0b0c0c"),
                             **{"class": quoted("highlighted")})
            elif G.edges[source, target]["kind"] in ("sideways", "change_of_employer"):
                attrs["style"] = "dashed"
            lines.append(f"  {quoted(source)} -> {quoted(target)} [{_attrs(attrs)}];")
    if legend:
        lines.extend(_legend(G, chosen_set))
    lines.append("}")
    return "\n".join(lines) + "\n"


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
            highlight: Sequence[str] = (), only_route: bool = False) -> str:
        """Return the SVG of the map of ``G`` for these filters and highlighted route.

        With ``only_route`` the map shows the highlighted route alone (a small map).
        """
        key = (G.graph.get("version"), tuple(sorted(set(families))),
               tuple(sorted(set(levels))), tuple(highlight), only_route)
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        nodes = list(highlight) if only_route else select_nodes(G, key[1] or None, key[2] or None)
        svg = render_svg(to_dot(G, nodes=nodes, highlight=highlight, link=self.link,
                                legend=not only_route), timeout=self.timeout)
        with self._lock:
            self.renders += 1
            self._entries[key] = svg
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)
        return svg
