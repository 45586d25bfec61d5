"""indexes behind every list's filter and sort; the audit log by organisation and time

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 14:40:00

Reserved in the chain so that work on several areas can land in any order; until its area's
tables land, this revision changes nothing.
"""

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
