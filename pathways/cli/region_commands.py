"""Generating a region-sized demo partnership (``generate-demo``), for benchmarks and trials."""

from __future__ import annotations

import os
import sys
import time
from contextlib import nullcontext

import click

from .. import clock
from ..demo_region import RegionSize, generate_region
from ..errors import InvalidInput, Problem
from .base import cli
from .context import CliContext, pass_context

DEFAULT = RegionSize()


@cli.command("generate-demo")
@click.option("--organisations", type=click.IntRange(min=1), default=DEFAULT.organisations,
              show_default=True, help="Employers in the partnership.")
@click.option("--staff", type=click.IntRange(min=1), default=DEFAULT.staff, show_default=True,
              help="People, at least twice the employers.")
@click.option("--apprentices", type=click.IntRange(min=0), default=DEFAULT.apprentices,
              show_default=True, help="Staff enrolled on an apprenticeship.")
@click.option("--sessions", type=click.IntRange(min=0), default=DEFAULT.sessions,
              show_default=True, help="Mentoring sessions (five to a pairing).")
@click.option("--seed", type=int, default=1, show_default=True,
              help="The same seed and sizes give the same data; one region per seed.")
@pass_context
def generate_demo(ctx: CliContext, organisations: int, staff: int, apprentices: int,
                  sessions: int, seed: int) -> None:
    """Fill the database with a generated partnership (defaults: North-West-sized).

    The pathway must be loaded first (pathways seed). Development and benchmarks only:
    refused when PATHWAYS_ENV is production. Everything is written in one transaction.
    """
    if os.environ.get("PATHWAYS_ENV", "development") == "production":
        raise InvalidInput([Problem("PATHWAYS_ENV", "is production: generated people do not "
                                    "belong in a live database")],
                           "The demo region was not generated")
    size = RegionSize(organisations, staff, apprentices, sessions)
    started = time.perf_counter()
    bar = (click.progressbar(length=size.total, label="Generating", file=sys.stderr)
           if sys.stderr.isatty() else nullcontext())
    with bar as shown, ctx.engine.begin() as connection:
        made = generate_region(connection, size, seed=seed, today=clock.today(),
                               now=clock.now(), progress=shown.update if shown else None)
    rows = ", ".join(f"{count:,} {table}" for table, count in made.rows.items())
    click.echo(f"Generated the partnership 'Demo region (seed {seed})' (id "
               f"{made.partnership_id}) in {time.perf_counter() - started:.1f} s: {rows}.")
