"""qualifications say their entry requirements

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 04:25:00

What a qualification asks of people before they start (English and maths at Level 2, an
Access to HE Diploma or A levels, a degree), in words. Roles have none, so the column is
empty for them.
"""

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("nodes") as batch:
        batch.add_column(sa.Column("entry_requirements", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("nodes") as batch:
        batch.drop_column("entry_requirements")
