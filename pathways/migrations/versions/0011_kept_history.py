"""removed qualifications are kept; a gateway override is kept in the status history

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 05:05:00

Removing a held qualification now dates it (``removed_on``) rather than deleting the row, so
its achieved date and evidence stay, and adding it again restores them. A gateway recorded
before the required off-the-job hours were approved keeps the hours and L&D's reason
(``otj_override``) beside the move.
"""

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("held_qualifications") as batch:
        batch.add_column(sa.Column("removed_on", sa.Date(), nullable=True))
    with op.batch_alter_table("apprenticeship_status_changes") as batch:
        batch.add_column(sa.Column("otj_override", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("apprenticeship_status_changes") as batch:
        batch.drop_column("otj_override")
    # Removed qualifications would come back as held: delete them, as before this revision.
    op.execute("DELETE FROM held_qualifications WHERE removed_on IS NOT NULL")
    with op.batch_alter_table("held_qualifications") as batch:
        batch.drop_column("removed_on")
