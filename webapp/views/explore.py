"""The career map and the pages of roles and qualifications.

Role and qualification pages show the published career stories passing through them
("Real people, real careers"); a role's page also shows signed-in people the shadowing
places they could ask for. ``/map?story=<id>`` highlights a published story's route.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import networkx as nx
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from markupsafe import Markup

from pathways import clock
from pathways.errors import InvalidInput, RouteNotFound
from pathways.journeys import STARTING_POINTS, journey, where_it_leads
from pathways.mentoring.pages import PlaceOffered, places_to_shadow
from pathways.options import make_options
from pathways.reach import ways_into, ways_on
from pathways.render import FAMILY_COLOURS, NO_FAMILY_COLOUR
from pathways.routes import path_from_ids
from pathways.vocabulary import FAMILIES

from ..auth import public, signed_in
from ..extensions import current_graph, db, map_cache, route_answers
from ..forms import MapForm
from ..page_cache import (
    StoryCard,
    cached_page,
    graph_answer,
    published_story_card,
    published_story_cards,
)
from .shared import choices, error_list, inline_svg, resolve_field

blueprint = Blueprint("explore", __name__)


#: The role a map without filters or a route is centred on: where most careers in care start.
DEFAULT_FOCUS = "care-worker"
#: The map picture's accessible name: it is a group of links, not one image.
MAP_NAME = "Career map: each role and qualification is a link to its page"


@dataclass(frozen=True)
class MapView:
    """What the map shows: filters, a highlighted route (or story) or a focused view."""

    G: nx.DiGraph
    form: MapForm
    families: list[str]
    levels: list[int]
    highlight: tuple[str, ...] = ()
    message: str | None = None
    story: StoryCard | None = None
    focus: str | None = None
    steps: int = 2
    whole: bool = False
    asked_all: bool = False

    def svg(self) -> str:
        """Return the map picture for this view (from the per-process cache)."""
        return map_cache().svg(self.G, families=self.families, levels=self.levels,
                               highlight=self.highlight, focus=self.focus, steps=self.steps,
                               near_route=self.near_route)

    @property
    def near_route(self) -> bool:
        """Whether the map shows the route and where its places lead, not the whole map."""
        return bool(self.highlight) and self.whole and not self.asked_all and not (
            self.families or self.levels)


def _map_view() -> MapView:
    """Read the map's filters, route (or story) and focus from the query.

    ``path=a,b,c`` highlights exactly that route (node ids, each pair a move on the map);
    ``from``/``to``/``route`` highlight the n-th best route between two places;
    ``story=<id>`` a published story's route (404 for an id that is not a published story).
    ``focus=<id or title>`` centres the map on a place and what is ``steps`` (1-3) on;
    ``view=all`` shows the whole map. A route is shown with where each of its places could
    also lead (the whole map with ``view=all`` or filters). Without filters, route or
    ``view=all`` the map is centred on ``DEFAULT_FOCUS``.
    """
    G = current_graph()
    form = MapForm(request.args)
    form.family.choices = list(FAMILIES.items())
    form.validate()  # unknown families or levels are reported, and left out of the map
    families = [f for f in form.family.data or [] if f in FAMILIES]
    levels = [int(v) for v in form.level.data or [] if v in {c[0] for c in form.level.choices}]
    highlight: tuple[str, ...] = ()
    message = None
    story = _story_on_map()
    if story is not None:
        highlight = story.path_on(G)
    elif request.args.get("path"):
        highlight, message = _path_on_map(G, request.args["path"])
    elif form.source.data or form.target.data:
        source = resolve_field(G, form.source) if form.source.data else None
        target = resolve_field(G, form.target) if form.target.data else None
        if not (form.source.data and form.target.data):
            empty = form.target if form.source.data else form.source
            empty.errors = [*empty.errors, "Enter both ends of the route to highlight it"]
        elif source and target:
            number = form.route_number()
            try:
                found = route_answers().best(G, source, target, make_options(G, k=number))
                highlight = found[min(number, len(found)) - 1].path
            except RouteNotFound as no_route:
                message = str(no_route)
    focus = resolve_field(G, form.focus) if form.focus.data else None
    whole = request.args.get("view") == "all"
    if (focus is None and not form.focus.data and not whole and not families and not levels
            and not highlight and not request.args.get("path") and not form.source.data
            and not form.target.data and DEFAULT_FOCUS in G):
        focus = DEFAULT_FOCUS
    return MapView(G, form, families, levels, highlight, message, story, focus,
                   form.step_count(), whole=focus is None, asked_all=whole)


def _path_on_map(G: nx.DiGraph, text: str) -> tuple[tuple[str, ...], str | None]:
    """Return the route ``path=`` names (node ids joined by commas), or () and why not."""
    try:
        return path_from_ids(G, text), None
    except InvalidInput as refused:
        reasons = "; ".join(p.message for p in refused.problems)
        return (), f"No route is highlighted: {reasons}."


def _story_on_map() -> StoryCard | None:
    """Return the published story ``?story=`` names, None without one; 404 when unknown."""
    text = request.args.get("story")
    if text is None or text == "":
        return None
    story = published_story_card(text)
    if story is None:
        abort(404)
    return story


@blueprint.get("/map")
@public
@cached_page
def career_map():
    """Show the career map, a legend, filters, and the same roles and moves as text."""
    view = _map_view()
    G, families, levels, highlight = view.G, view.families, view.levels, view.highlight
    svg = view.svg()
    shown = [n for n in sorted(G, key=lambda n: G.nodes[n]["title"].casefold())
             if (not families or G.nodes[n].get("family") in families)
             and (not levels or G.nodes[n].get("level") in levels)]
    shown_set = set(shown) | set(highlight)
    by_family: dict[str, list] = {}
    for node_id in shown:
        moves = [(t, data) for t, data in ways_on(G, node_id) if t in shown_set]
        by_family.setdefault(G.nodes[node_id].get("family") or "", []).append(
            (node_id, G.nodes[node_id], moves))
    errors = error_list(view.form)
    bad_path = bool(request.args.get("path")) and not highlight and view.story is None
    # Markup: Graphviz's own SVG output, every label escaped before drawing.
    picture = Markup(inline_svg(svg, group=MAP_NAME))  # nosec B704
    args = request.args.to_dict(flat=False)
    return render_template(
        "map.html", G=G, form=view.form, svg=picture, by_family=by_family, view=view,
        highlight=highlight, message=view.message, error_list=errors, story=view.story,
        svg_url=url_for("explore.map_svg", **args),
        whole_url=url_for("explore.career_map", **{
            **{k: v for k, v in args.items() if k not in ("focus", "steps")}, "view": "all"}),
        titles=choices(G, "role") + choices(G, "qualification"),
    ), (400 if errors or bad_path else 200)


@blueprint.get("/map.svg")
@public
@cached_page
def map_svg():
    """Return the map picture itself (same filters, route and focus as ``/map``)."""
    view = _map_view()
    if error_list(view.form):
        abort(400, description="; ".join(e["text"] for e in error_list(view.form)))
    if request.args.get("path") and view.message:
        abort(400, description=view.message)
    return Response(view.svg(), mimetype="image/svg+xml",
                    headers={"Cache-Control": "public, max-age=60"})


@blueprint.get("/families.css")
@public
def family_colours():
    """Return the family colours as CSS classes, from the one table the map uses too."""
    rules = [f".app-family--{family} {{ background-color: {colour}; }}"
             for family, colour in FAMILY_COLOURS.items()]
    rules.append(f".app-family--none {{ background-color: {NO_FAMILY_COLOUR}; }}")
    return Response("\n".join(rules) + "\n", mimetype="text/css",
                    headers={"Cache-Control": "public, max-age=3600"})


def _node_or_404(node_id: str, kind: str):
    G = current_graph()
    if node_id not in G:
        abort(404)
    node = G.nodes[node_id]
    if node["kind"] != kind:
        area = "explore.role" if node["kind"] == "role" else "explore.qualification"
        return G, None, redirect(url_for(area, node_id=node_id), code=301)
    return G, node, None


@blueprint.get("/roles/<node_id>")
@public
@cached_page
def role(node_id: str):
    """Show a role: what it is, how to get in, and where you can go next."""
    G, node, moved = _node_or_404(node_id, "role")
    if moved:
        return moved
    into = ways_into(G, node_id)
    starts = list(STARTING_POINTS)
    me = signed_in() if current_user.is_authenticated else None
    if me is not None and me.current_role_id in G and me.current_role_id != node_id:
        starts.append(me.current_role_id)
    become = [graph_answer(("journey", start, node_id), partial(journey, G, start, node_id))
              for start in dict.fromkeys(starts) if start in G and start != node_id]
    leads = graph_answer(("leads", node_id), partial(where_it_leads, G, node_id))
    return render_template(
        "role.html", G=G, node_id=node_id, node=node, ways_in=into, ways_on=ways_on(G, node_id),
        become=become, leads=leads, mine=me.current_role_id if me else None,
        roles_in=[(s, d) for s, d in into if G.nodes[s]["kind"] == "role"],
        apprenticeships=[(s, d) for s, d in into if G.nodes[s].get("standard_code")],
        qualifications_in=[(s, d) for s, d in into if G.nodes[s]["kind"] == "qualification"],
        stories=published_story_cards(node_id),
        shadowing=_shadowing_places(node_id) if current_user.is_authenticated else None,
        shadowing_url=_shadowing_url())


@blueprint.get("/qualifications/<node_id>")
@public
@cached_page
def qualification(node_id: str):
    """Show a qualification: who can start it, what it takes, and what it qualifies you for."""
    G, node, moved = _node_or_404(node_id, "qualification")
    if moved:
        return moved
    return render_template("qualification.html", G=G, node_id=node_id, node=node,
                           ways_in=ways_into(G, node_id), ways_on=ways_on(G, node_id),
                           stories=published_story_cards(node_id))


def _shadowing_places(role_id: str) -> list[PlaceOffered]:
    """Return the open shadowing places for a role that the signed-in person could ask for."""
    return places_to_shadow(db.session, role_id, signed_in(), clock.today())


def _shadowing_url() -> str:
    """Return the address of the shadowing page (by path while that page is not there yet)."""
    if "development.shadowing" in current_app.view_functions:
        return url_for("development.shadowing")
    return "/shadowing"
