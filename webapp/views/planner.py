"""Planning: the route planner, what can I reach, and comparing roles."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, render_template, request
from flask_login import current_user
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from pathways import clock
from pathways.errors import InvalidInput, RouteNotFound
from pathways.journeys import entry_requirements
from pathways.options import make_options
from pathways.people.profiles import (
    held_qualification_ids,
    months_in_current_role,
    route_problems,
)
from pathways.reach import reachable_from, ways_into
from pathways.route_map import route_svg
from pathways.routes import map_path
from pathways.vocabulary import FAMILIES

from ..auth import public, signed_in
from ..extensions import current_graph, route_answers
from ..forms import CompareForm, ReachForm, RouteForm
from ..page_cache import cached_page, graph_answer
from ..people_forms import PersonalRouteForm
from .shared import choices, error_list, resolve_field

blueprint = Blueprint("planner", __name__)

MAX_COMPARED = 3
#: Time bands for "what can I reach", in months: (upper bound, label).
TIME_BANDS = [(0, "Straight away"), (12, "Within a year"), (36, "In 1 to 3 years"),
              (60, "In 3 to 5 years"), (float("inf"), "In more than 5 years")]


def _titles(G):
    return choices(G, "role") + choices(G, "qualification")


@blueprint.get("/routes")
@public
@cached_page
def routes():
    """Plan routes between two places, with options, each step explained.

    Signed in, the planner starts from the person's current role and heads for their
    target when the address does not say, uses the qualifications they hold unless the
    form says not to, and offers to make a route theirs.
    """
    G = current_graph()
    me = signed_in() if current_user.is_authenticated else None
    args, prefilled = _personal_args(G, me)
    form = PersonalRouteForm(args) if me else RouteForm(args)
    form.have.choices = choices(G, "qualification")
    held = _held(G, me, form)
    found, message, source, target, options = [], None, None, None, None
    from_profile = False
    submitted = "from" in request.args or prefilled  # "to" alone pre-fills (from a role page)
    if submitted and form.validate():
        source, target = resolve_field(G, form.source), resolve_field(G, form.target)
        if (form.months_in_role.data is None and me is not None and source is not None
                and source == me.current_role_id and me.role_start_date is not None):
            form.months_in_role.data = months_in_current_role(me, clock.today())
            from_profile = True
        if source and target:
            try:
                options = make_options(
                    G, by=form.by.data or "months", k=5, have=[*(form.have.data or []), *held],
                    earn_while_learning=form.earn_while_learning.data,
                    max_self_funded=0 if form.no_self_funded.data else None,
                    within_months=form.within_years.data * 12 if form.within_years.data else None,
                    months_in_role=form.months_in_role.data or 0)
                found = route_answers().distinct(G, source, target, options)
            except RouteNotFound as no_route:
                message = str(no_route)
            except InvalidInput as invalid:
                form.source.errors = [*form.source.errors, *(str(p) for p in invalid.problems)]
    errors = error_list(form) if submitted else []
    small_maps = [_small_map(G, route.path, number)
                  for number, route in enumerate(found, start=1)]
    choosable = [bool(me) and not route_problems(G, me, list(r.path), r.path[-1]) for r in found]
    return render_template("routes.html", G=G, form=form, routes=found, small_maps=small_maps,
                           message=message, source=source, target=target, options=options,
                           error_list=errors, titles=_titles(G), me=me, held=sorted(held),
                           choosable=choosable, map_paths=[map_path(r) for r in found],
                           from_profile=from_profile), (400 if errors else 200)


def _small_map(G, path: tuple[str, ...], number: int) -> Markup:
    """Return route ``number``'s small map: SVG drawn without Graphviz, kept per graph version."""
    title = f"Route {number} drawn as a map, top to bottom"
    svg = graph_answer(("route_map", path, number),
                       partial(route_svg, G, path, title=title, ident=f"route-{number}-map"))
    # Markup: route_svg escapes every piece of text it draws.
    return Markup(svg)  # nosec B704


def _personal_args(G, me) -> tuple[MultiDict, bool]:
    """Return the query with ``from`` and ``to`` filled from the profile when not given,
    and whether both ends came that way or were given (so the routes can be shown)."""
    args = MultiDict(request.args)
    if me is None:
        return args, False
    if "from" not in args and me.current_role_id in G:
        args["from"] = G.nodes[me.current_role_id]["title"]
    if "to" not in args and me.target_role_id in G:
        args["to"] = G.nodes[me.target_role_id]["title"]
    return args, "from" in args and "to" in args


def _held(G, me, form) -> frozenset[str]:
    """Return the qualifications the signed-in person holds, unless the form says not to."""
    if me is None or form.mine.data == "no":
        return frozenset()
    return frozenset(q for q in held_qualification_ids(me) if q in G)


@blueprint.get("/reach")
@public
@cached_page
def reach():
    """List what someone can reach from a role, grouped by family and by time."""
    G = current_graph()
    form = ReachForm(request.args)
    groups: dict[str, dict[str, list]] = {}
    source = None
    submitted = "from" in request.args
    if submitted and form.validate():
        source = resolve_field(G, form.source)
        if source:
            options = make_options(G, within_months=form.within_months.data)
            found = reachable_from(G, source, options)
            for item in found:
                family = G.nodes[item.node].get("family") or ""
                band = next(label for bound, label in TIME_BANDS if item.months <= bound)
                groups.setdefault(FAMILIES.get(family, "Other"), {}).setdefault(band, []).append(
                    item)
    errors = error_list(form) if submitted else []
    return render_template("reach.html", G=G, form=form, groups=groups, source=source,
                           bands=[label for _, label in TIME_BANDS], error_list=errors,
                           titles=_titles(G)), (400 if errors else 200)


@blueprint.get("/compare")
@public
@cached_page
def compare():
    """Compare up to three roles side by side."""
    G = current_graph()
    role_choices = choices(G, "role")
    wanted = [part.strip() for value in request.args.getlist("roles") for part in value.split(",")
              if part.strip()]
    form = CompareForm(request.args)
    form.roles.choices = role_choices
    form.roles.data = wanted
    known = [r for r in wanted if r in G and G.nodes[r]["kind"] == "role"]
    unknown = [r for r in wanted if r not in known]
    # Each problem is said beside the roles (the GOV.UK field error) and in the summary.
    form.roles.errors = [
        *([f"We could not find these roles: {', '.join(unknown)}"] if unknown else []),
        *([f"Choose up to {MAX_COMPARED} roles to compare"] if len(known) > MAX_COMPARED
          else [])]
    errors: list[dict] = [{"text": message, "href": f"#{form.roles.id}"}
                          for message in form.roles.errors]
    source = resolve_field(G, form.source) if form.source.data else None
    errors += [{"text": m, "href": f"#{form.source.id}"} for m in form.source.errors]
    columns = []
    if not errors:
        for role_id in known:
            months = None
            if source and source != role_id:
                try:
                    best = route_answers().best(G, source, role_id, make_options(G, k=1))[0]
                    months = best.total_months
                except RouteNotFound:
                    months = None
            into = ways_into(G, role_id)
            columns.append({
                "id": role_id, "node": G.nodes[role_id], "months": months,
                "qualifications": [s for s, _ in into if G.nodes[s]["kind"] == "qualification"],
                "ways_in": entry_requirements(G, role_id),
            })
    return render_template("compare.html", G=G, form=form, columns=columns, source=source,
                           error_list=errors, titles=_titles(G)), (400 if errors else 200)
