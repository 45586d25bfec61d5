"""placements of university students, not only of apprentices

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 05:10:00

A placement belongs to an apprenticeship or to a student of a university programme placed
with the organisation (``placement_students``: a name, a university and a course, no
account). Exactly one of the two is set.
"""

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('placement_students',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('university', sa.String(length=200), nullable=False),
    sa.Column('qualification_id', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_placement_students_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['qualification_id'], ['nodes.id'], name=op.f('fk_placement_students_qualification_id_nodes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_placement_students'))
    )
    with op.batch_alter_table('placement_students', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_placement_students_organisation_id'), ['organisation_id'], unique=False)
    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.alter_column('apprenticeship_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('student_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_placements_student_id_placement_students'), 'placement_students', ['student_id'], ['id'], ondelete='CASCADE')
        batch_op.create_index(batch_op.f('ix_placements_student_id'), ['student_id'], unique=False)
        batch_op.create_check_constraint(op.f('ck_placements_one_learner'), '(apprenticeship_id IS NULL) <> (student_id IS NULL)')


def downgrade() -> None:
    op.execute("DELETE FROM placements WHERE apprenticeship_id IS NULL")
    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_placements_one_learner'), type_='check')
        batch_op.drop_index(batch_op.f('ix_placements_student_id'))
        batch_op.drop_constraint(batch_op.f('fk_placements_student_id_placement_students'), type_='foreignkey')
        batch_op.drop_column('student_id')
        batch_op.alter_column('apprenticeship_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('placement_students', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_placement_students_organisation_id'))
    op.drop_table('placement_students')
