"""Commands on the career graph: set-up, seed, import and export, validate, routes, render."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from ..db import upgrade_schema
from ..document import load_document
from ..errors import InvalidInput, Problem
from ..explain import format_gbp, format_months
from ..interchange.readers import read_graph
from ..interchange.store import ImportResult, import_document
from ..interchange.writers import write_graph
from ..lookup import resolve_node
from ..options import make_options
from ..reach import reachable_from
from ..render import render_svg, select_nodes, to_dot
from ..routes import distinct_routes, routes_between
from ..serialise import reach_to_dict, routes_to_dict
from ..validation import validate_document
from ..vocabulary import FAMILIES
from .base import cli
from .context import CliContext, pass_context
from .people_commands import seed_demo_people


@cli.command("init-db")
@pass_context
def init_db(ctx: CliContext) -> None:
    """Create or upgrade the database schema (Alembic migrations)."""
    upgrade_schema(ctx.engine)
    click.echo(f"Database schema is up to date ({ctx.engine.url.render_as_string()}).")


@cli.command("seed")
@click.option("--if-empty", is_flag=True, help="Only seed a database with no graph yet.")
@click.option("--demo", is_flag=True,
              help="Then load the fictional demo partnership and print its accounts "
                   "(development only: skipped when PATHWAYS_ENV is production).")
@pass_context
def seed_command(ctx: CliContext, if_empty: bool, demo: bool) -> None:
    """Load the real adult social care pathway from seed/ (replaces the stored graph)."""
    import seed  # seed depends on pathways, so it is looked up only when this command runs
    import seed.training

    upgrade_schema(ctx.engine)
    result = None
    with ctx.session() as session:
        if if_empty and not seed.graph_is_empty(session):
            click.echo("The database already holds a graph; left as it is.")
        else:
            result = seed.load_pathway(session)
        subjects = seed.training.load_subjects(session)
    if result is not None:
        _report_import(result, "Seeded the career pathway")
    if subjects:
        click.echo(f"Added {subjects} training subjects of the shared standard.")
    if demo and os.environ.get("PATHWAYS_ENV", "development") == "production":
        click.echo("PATHWAYS_ENV is production: the demo people were not loaded.", err=True)
    elif demo:
        seed_demo_people(ctx)


@cli.command("import-graph")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--replace", is_flag=True,
              help="Replace the whole stored graph (default: merge by id).")
@pass_context
def import_graph(ctx: CliContext, path: Path, replace: bool) -> None:
    """Import a graph from a JSON file or a folder with nodes.csv and edges.csv.

    All-or-nothing: any problem and nothing is written.
    """
    document = read_graph(path)
    bar = _ProgressBar()
    with ctx.session() as session:
        try:
            result = import_document(session, document, replace=replace, progress=bar.update)
        finally:
            bar.finish()
    _report_import(result, f"Imported {path}")


@cli.command("export-graph")
@click.argument("path", type=click.Path(path_type=Path))
@pass_context
def export_graph(ctx: CliContext, path: Path) -> None:
    """Export the graph to PATH: a .json file, or else a folder of CSV files."""
    with ctx.session() as session:
        document = load_document(session)
    written = write_graph(document, path)
    click.echo(f"Exported {len(document.nodes)} nodes and {len(document.edges)} edges "
               f"to {written}.")


@cli.command("validate")
@pass_context
def validate(ctx: CliContext) -> None:
    """Check the stored graph: errors exit non-zero, warnings are only reported."""
    with ctx.session() as session:
        report = validate_document(load_document(session).active())
    for finding in report.errors:
        click.echo(f"error: {finding}")
    for finding in report.warnings:
        click.echo(f"warning: {finding}")
    click.echo(f"{len(report.errors)} error(s), {len(report.warnings)} warning(s).")
    if report.errors:
        raise InvalidInput([Problem(f.where, f.message) for f in report.errors],
                           "The graph has errors")


def _route_options(function):
    """Add the options shared by ``route`` and ``reach``."""
    function = click.option("--have", "have", multiple=True, metavar="QUAL",
                            help="A qualification you hold (id or title); repeat for more.")(
        function)
    function = click.option("--earn-while-learning", is_flag=True,
                            help="Only steps where you keep earning.")(function)
    function = click.option("--max-self-funded", type=click.IntRange(min=0), default=None,
                            help="At most this many self-funded steps (0: none).")(function)
    function = click.option("--within-months", type=float, default=None,
                            help="Only what can be done within this many months.")(function)
    function = click.option("--json", "as_json", is_flag=True, help="Print JSON.")(function)
    return function


@cli.command("route")
@click.argument("source", metavar="FROM")
@click.argument("target", metavar="TO")
@click.option("--k", type=int, default=5, show_default=True, help="How many routes (1-10).")
@click.option("--by", type=click.Choice(["months", "cost", "steps"]), default="months",
              show_default=True, help="What the best route minimises.")
@click.option("--months-in-role", type=int, default=0, show_default=True,
              help="Whole months you have been in the FROM role: they count toward the "
                   "first step's experience.")
@_route_options
@pass_context
def route(ctx: CliContext, source: str, target: str, k: int, by: str, months_in_role: int,
          have: tuple[str, ...], earn_while_learning: bool, max_self_funded: int | None,
          within_months: float | None, as_json: bool) -> None:
    """Show the distinct kinds of route from FROM to TO (ids or titles), labelled.

    First the best for time, for cost to you and for months without pay, then the next
    kinds by --by; each the best of its kind, with other ways of the same kind.
    """
    G = ctx.graph()
    source_id, target_id = resolve_node(G, source), resolve_node(G, target)
    options = make_options(G, by=by, k=k, have=have, earn_while_learning=earn_while_learning,
                           max_self_funded=max_self_funded, within_months=within_months,
                           months_in_role=months_in_role)
    routes = distinct_routes(G, source_id, target_id, options)
    if as_json:
        click.echo(json.dumps(routes_to_dict(G, source_id, target_id, routes), indent=2))
        return
    click.echo(f"Routes from {G.nodes[source_id]['title']} to {G.nodes[target_id]['title']}:")
    for number, found in enumerate(routes, start=1):
        labels = f" [{'; '.join(found.labels)}]" if found.labels else ""
        click.echo(f"\n{number}. {format_months(found.total_months)}, "
                   f"{format_gbp(found.total_cost_gbp)} ({format_gbp(found.cost_to_you_gbp)} "
                   "for you to pay), "
                   f"{len(found.steps)} step{'' if len(found.steps) == 1 else 's'}{labels}")
        for step in found.steps:
            click.echo(f"   {step.number}. {step.explanation}")
        for via in found.also_via:
            if via:
                click.echo("   Also possible via "
                           + ", ".join(G.nodes[n]["title"] for n in via) + ".")


@cli.command("reach")
@click.argument("source", metavar="FROM")
@_route_options
@pass_context
def reach(ctx: CliContext, source: str, have: tuple[str, ...], earn_while_learning: bool,
          max_self_funded: int | None, within_months: float | None, as_json: bool) -> None:
    """List what you can reach from FROM, quickest first."""
    G = ctx.graph()
    source_id = resolve_node(G, source)
    options = make_options(G, have=have, earn_while_learning=earn_while_learning,
                           max_self_funded=max_self_funded, within_months=within_months)
    found = reachable_from(G, source_id, options)
    if as_json:
        click.echo(json.dumps(reach_to_dict(G, source_id, found), indent=2))
        return
    click.echo(f"From {G.nodes[source_id]['title']} you can reach {len(found)} roles and "
               "qualifications:")
    for item in found:
        node = G.nodes[item.node]
        click.echo(f"  {format_months(item.months):>18}  {node['title']} ({node['kind']})")


@cli.command("render")
@click.option("--out", "out", type=click.Path(path_type=Path), required=True,
              help="Where to write the SVG.")
@click.option("--from", "source", default=None, help="Highlight the best route from here...")
@click.option("--to", "target", default=None, help="...to here.")
@click.option("--family", "families", multiple=True, type=click.Choice(list(FAMILIES)),
              help="Only this family; repeat for more.")
@click.option("--level", "levels", multiple=True, type=click.IntRange(0, 8),
              help="Only this level; repeat for more.")
@pass_context
def render(ctx: CliContext, out: Path, source: str | None, target: str | None,
           families: tuple[str, ...], levels: tuple[int, ...]) -> None:
    """Draw the career map as SVG, optionally highlighting a route."""
    if bool(source) != bool(target):
        raise click.UsageError("give both --from and --to, or neither")
    G = ctx.graph()
    highlight: tuple[str, ...] = ()
    if source and target:
        best = routes_between(G, resolve_node(G, source), resolve_node(G, target),
                              make_options(G, k=1))[0]
        highlight = best.path
    svg = render_svg(to_dot(G, nodes=select_nodes(G, families, levels), highlight=highlight))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(svg, encoding="utf-8")
    click.echo(f"Wrote {out}.")


class _ProgressBar:
    """A progress bar on a terminal for large imports; silent otherwise."""

    THRESHOLD = 2000

    def __init__(self):
        self._bar = None
        self._done = 0

    def update(self, done: int, total: int) -> None:
        if total < self.THRESHOLD or not sys.stderr.isatty():
            return
        if self._bar is None:
            self._bar = click.progressbar(length=total, label="Writing", file=sys.stderr)
            self._bar.__enter__()
        self._bar.update(done - self._done)
        self._done = done

    def finish(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)


def _report_import(result: ImportResult, what: str) -> None:
    click.echo(f"{what}: {result.created} created, {result.updated} updated, "
               f"{result.deleted} deleted, {result.unchanged} unchanged.")
    for finding in result.warnings:
        click.echo(f"warning: {finding}", err=True)
