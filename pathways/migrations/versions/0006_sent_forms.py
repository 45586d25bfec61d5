"""sent forms: the one-time tokens of form posts that created something

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 04:40:00

A retry of a form post that creates something (after a dropped connection, a double click)
finds its token here and creates nothing twice (``pathways.submissions``).
"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'sent_forms',
        sa.Column('token', sa.String(length=64), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('led_to', sa.String(length=2000), nullable=True),
        sa.PrimaryKeyConstraint('token', name=op.f('pk_sent_forms')),
    )
    with op.batch_alter_table('sent_forms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sent_forms_sent_at'), ['sent_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('sent_forms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sent_forms_sent_at'))
    op.drop_table('sent_forms')
