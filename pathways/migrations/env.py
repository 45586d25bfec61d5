"""Alembic environment: runs on a connection handed over by ``pathways.db.upgrade_schema``."""

from alembic import context

from pathways.db import make_engine
from pathways.models import Base

target_metadata = Base.metadata


def run_migrations(connection) -> None:
    """Run the migrations on ``connection``."""
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:
    with make_engine().begin() as own_connection:
        run_migrations(own_connection)
