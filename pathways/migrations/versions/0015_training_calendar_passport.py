"""course sessions, bookings and the waiting list (the training calendar)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 14:40:00

Reserved in the chain so that work on several areas can land in any order; until its area's
tables land, this revision changes nothing.
"""

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
