"""training subjects, requirements and records

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 14:40:00

The partnership's catalogue of training subjects (``training_subjects``: the shared standard
has no partnership), an organisation's own refresh intervals (``training_intervals``, with
the reason for one longer than the standard) and expiring-soon window
(``training_settings``), the subjects each role needs at an organisation
(``training_requirements``) and what people completed (``training_records``; expiry is
worked out from the interval where it is looked at, never stored).
"""

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('training_subjects',
    sa.Column('id', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=True),
    sa.Column('refresh_months', sa.Integer(), nullable=True),
    sa.Column('interval_basis', sa.String(length=20), nullable=False),
    sa.Column('level', sa.String(length=40), nullable=False),
    sa.Column('accredited', sa.Boolean(), nullable=False),
    sa.Column('interval_note', sa.Text(), nullable=False),
    sa.Column('who_needs_it', sa.Text(), nullable=False),
    sa.Column('learning_outcomes', sa.Text(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_training_subjects_partnership_id_partnerships')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_subjects')),
    sa.UniqueConstraint('title', name=op.f('uq_training_subjects_title'))
    )
    with op.batch_alter_table('training_subjects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_subjects_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('training_intervals',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.String(length=80), nullable=False),
    sa.Column('refresh_months', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('set_by_id', sa.Integer(), nullable=True),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_training_intervals_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['set_by_id'], ['people.id'], name=op.f('fk_training_intervals_set_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['subject_id'], ['training_subjects.id'], name=op.f('fk_training_intervals_subject_id_training_subjects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organisation_id', 'subject_id', name=op.f('pk_training_intervals'))
    )
    op.create_table('training_settings',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('expiring_window_days', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_training_settings_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('organisation_id', name=op.f('pk_training_settings'))
    )
    op.create_table('training_requirements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('role_id', sa.String(length=80), nullable=False),
    sa.Column('subject_id', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_training_requirements_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['role_id'], ['nodes.id'], name=op.f('fk_training_requirements_role_id_nodes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subject_id'], ['training_subjects.id'], name=op.f('fk_training_requirements_subject_id_training_subjects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_requirements')),
    sa.UniqueConstraint('organisation_id', 'role_id', 'subject_id', name=op.f('uq_training_requirements_organisation_id'))
    )
    with op.batch_alter_table('training_requirements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_requirements_subject_id'), ['subject_id'], unique=False)

    op.create_table('training_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.String(length=80), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=False),
    sa.Column('provider', sa.String(length=200), nullable=False),
    sa.Column('evidence', sa.String(length=500), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_training_records_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_training_records_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['people.id'], name=op.f('fk_training_records_recorded_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['subject_id'], ['training_subjects.id'], name=op.f('fk_training_records_subject_id_training_subjects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_records'))
    )
    with op.batch_alter_table('training_records', schema=None) as batch_op:
        batch_op.create_index('ix_training_records_person_id_subject_id_completed_on', ['person_id', 'subject_id', 'completed_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_records_subject_id'), ['subject_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('training_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_records_subject_id'))
        batch_op.drop_index('ix_training_records_person_id_subject_id_completed_on')
    op.drop_table('training_records')
    with op.batch_alter_table('training_requirements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_requirements_subject_id'))
    op.drop_table('training_requirements')
    op.drop_table('training_settings')
    op.drop_table('training_intervals')
    with op.batch_alter_table('training_subjects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_subjects_partnership_id'))
    op.drop_table('training_subjects')
