"""Commands for the people who run the service: backing the database up and restoring it."""

from __future__ import annotations

from pathlib import Path

import click

from ..backup import backup, restore
from .base import cli
from .context import CliContext, pass_context


@cli.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@pass_context
def backup_command(ctx: CliContext, file: Path, force: bool) -> None:
    """Back the database up to FILE while the service runs: SQLite's online backup (an
    SQLite file), or pg_dump's custom format on PostgreSQL (needs postgresql-client)."""
    backup(ctx.engine, file, overwrite=force)
    click.echo(f"Backed up to {file} ({file.stat().st_size:,} bytes).")


@cli.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True,
              help="Restore into a database that holds rows, replacing its tables.")
@pass_context
def restore_command(ctx: CliContext, file: Path, force: bool) -> None:
    """Restore a backup made by 'pathways backup' into the database, all or nothing.

    Refuses a database that holds any row unless --force. Stop the app servers first.
    """
    restore(ctx.engine, file, force=force)
    click.echo(f"Restored {file}. Run 'pathways init-db' if the backup predates this "
               "release (it upgrades the schema).")
