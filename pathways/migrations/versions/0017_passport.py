"""signing keys, credential status lists, share links and accepted credentials (the passport)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 01:30:00

Reserved in the chain so that work on several areas can land in any order; until its area's
tables land, this revision changes nothing.
"""

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
