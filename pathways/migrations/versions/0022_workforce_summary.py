"""the partnership's workforce summary, worked out nightly

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-02 16:20:00

``workforce_summaries`` holds each partnership's workforce figures as worked out for a day by
``pathways workforce-summary`` (nightly): the raw counts the partnership's workforce board
and forecast are made from, as JSON, one row a partnership (``pathways.workforce.summary``).
"""

import sqlalchemy as sa
from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('workforce_summaries',
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('refreshed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_workforce_summaries_partnership_id_partnerships'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('partnership_id', name=op.f('pk_workforce_summaries'))
    )


def downgrade() -> None:
    op.drop_table('workforce_summaries')
