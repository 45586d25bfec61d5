"""training subjects, requirements and records

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 14:40:00

Reserved in the chain so that work on several areas can land in any order; until its area's
tables land, this revision changes nothing.
"""

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
