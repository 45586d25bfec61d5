"""The ``pathways`` command group and the one place where errors become exit codes.

Exit codes: 0 success; 1 invalid input or data (every problem listed); 2 wrong usage
(click's own); 3 unknown role or qualification (close matches suggested); 4 no route;
5 the database or Graphviz could not be used; 6 refused by a rule of the domain (nothing
written).
"""

from __future__ import annotations

import click
from sqlalchemy.exc import SQLAlchemyError

from ..errors import InvalidInput, NotFound, PathwayError, Refused, RouteNotFound
from .context import CliContext

EXIT_CODES: list[tuple[type[BaseException], int]] = [
    (InvalidInput, 1),
    (NotFound, 3),
    (RouteNotFound, 4),
    (Refused, 6),
    (PathwayError, 5),
    (SQLAlchemyError, 5),
]


class PathwaysGroup(click.Group):
    """A click group that turns domain errors into a message and an exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (PathwayError, SQLAlchemyError) as error:
            code = next(c for kind, c in EXIT_CODES if isinstance(error, kind))
            message = str(error).splitlines()[0] if isinstance(error, SQLAlchemyError) else error
            if isinstance(error, SQLAlchemyError):
                message = (f"The database could not be used: {message}\n"
                           "Check DATABASE_URL, and run 'pathways init-db' on a new database.")
            click.echo(f"Error: {message}", err=True)
            ctx.exit(code)


@click.group(cls=PathwaysGroup)
@click.option("--database-url", envvar="DATABASE_URL", default=None, metavar="URL",
              help="SQLAlchemy database URL (default: DATABASE_URL, else the embedded "
                   "SQLite file in instance/).")
@click.version_option(package_name="pathways")
@click.pass_context
def cli(ctx: click.Context, database_url: str | None) -> None:
    """Career pathways for English adult social care."""
    ctx.obj = CliContext(database_url)
    ctx.call_on_close(ctx.obj.close)
