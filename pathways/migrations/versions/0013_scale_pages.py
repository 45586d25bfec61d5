"""indexes and columns the fixed-query pages need

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 14:40:00

Reserved in the chain so that work on several areas can land in any order; until its area's
tables land, this revision changes nothing.
"""

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
