"""shadowing requests keep preferred dates, a message and the decision's note; stories
sent back keep L&D's comments

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 05:00:00

A shadowing request says which days the person would like within the place's dates and
why (``preferred_from``, ``preferred_to``, ``message``); the manager's decision carries a
note the person reads (``decision_note``), and the person can cancel (``cancelled_at``).
A career story L&D send back keeps their comments (``review_comments``) and when it was
sent back (``returned_at``) until it is published. Older rows have no dates and empty
words.
"""

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('shadowing_requests') as batch:
        batch.add_column(sa.Column('preferred_from', sa.Date(), nullable=True))
        batch.add_column(sa.Column('preferred_to', sa.Date(), nullable=True))
        batch.add_column(sa.Column('message', sa.Text(), nullable=False, server_default=''))
        batch.add_column(sa.Column('decision_note', sa.Text(), nullable=False,
                                   server_default=''))
        batch.add_column(sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('career_stories') as batch:
        batch.add_column(sa.Column('review_comments', sa.Text(), nullable=False,
                                   server_default=''))
        batch.add_column(sa.Column('returned_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('career_stories') as batch:
        batch.drop_column('returned_at')
        batch.drop_column('review_comments')
    with op.batch_alter_table('shadowing_requests') as batch:
        batch.drop_column('cancelled_at')
        batch.drop_column('decision_note')
        batch.drop_column('message')
        batch.drop_column('preferred_to')
        batch.drop_column('preferred_from')
