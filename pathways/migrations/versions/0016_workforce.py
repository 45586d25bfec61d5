"""role history, leavers, starters, establishment and agency use

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 14:40:00

Each spell of a person in a role at an organisation (``role_spells``): when it began and
ended, the role it came from and the kind of move, a starter's previous sector, and a
leaver's reason and destination. Posts say whether agency staff cover them
(``posts.agency_cover``).
"""

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('role_spells',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('role_id', sa.String(length=80), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('move', sa.String(length=20), nullable=False),
    sa.Column('from_role_id', sa.String(length=80), nullable=True),
    sa.Column('previous_sector', sa.String(length=20), nullable=True),
    sa.Column('destination', sa.String(length=20), nullable=True),
    sa.Column('leave_reason', sa.String(length=20), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ended_on IS NULL OR ended_on > started_on', name=op.f('ck_role_spells_ends_after_start')),
    sa.CheckConstraint('destination IS NULL OR ended_on IS NOT NULL', name=op.f('ck_role_spells_left_on_a_day')),
    sa.ForeignKeyConstraint(['from_role_id'], ['nodes.id'], name=op.f('fk_role_spells_from_role_id_nodes')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_role_spells_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_role_spells_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['role_id'], ['nodes.id'], name=op.f('fk_role_spells_role_id_nodes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_role_spells'))
    )
    with op.batch_alter_table('role_spells', schema=None) as batch_op:
        batch_op.create_index('ix_role_spells_organisation_ended_on', ['organisation_id', 'ended_on'], unique=False)
        batch_op.create_index('ix_role_spells_organisation_role', ['organisation_id', 'role_id'], unique=False)
        batch_op.create_index('ix_role_spells_person_started_on', ['person_id', 'started_on'], unique=False)
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agency_cover', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_column('agency_cover')
    with op.batch_alter_table('role_spells', schema=None) as batch_op:
        batch_op.drop_index('ix_role_spells_person_started_on')
        batch_op.drop_index('ix_role_spells_organisation_role')
        batch_op.drop_index('ix_role_spells_organisation_ended_on')
    op.drop_table('role_spells')
