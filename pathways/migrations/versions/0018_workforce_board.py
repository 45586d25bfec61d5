"""what the workforce board and recording leavers from the web need

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 01:30:00

Reserved in the chain so that work on several areas can land in any order; until its area's
tables land, this revision changes nothing.
"""

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
