"""each person's latest completion per subject, and the partnership's training summary

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 11:45:00

``training_latest`` holds each person's latest completion of each subject (the record with
the latest day, the highest id among those of one day), filled here from the records and kept
from now on by the services that write records (``pathways.training.latest``).
``training_summary_runs``, ``training_summary_cells`` and ``training_summary_totals`` hold the
partnership summary worked out by ``pathways training-summary`` (nightly): per organisation
and subject, and per subject for the partnership, the people required and compliant.
"""

import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

#: Each person and subject's latest record: the latest day, the highest id of that day.
FILL = """
INSERT INTO training_latest (person_id, subject_id, completed_on, record_id)
SELECT r.person_id, r.subject_id, r.completed_on, max(r.id)
FROM training_records r
JOIN (SELECT person_id, subject_id, max(completed_on) AS last
      FROM training_records GROUP BY person_id, subject_id) m
  ON m.person_id = r.person_id AND m.subject_id = r.subject_id AND m.last = r.completed_on
GROUP BY r.person_id, r.subject_id, r.completed_on
"""


def upgrade() -> None:
    op.create_table('training_latest',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.String(length=80), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_training_latest_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['record_id'], ['training_records.id'], name=op.f('fk_training_latest_record_id_training_records'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subject_id'], ['training_subjects.id'], name=op.f('fk_training_latest_subject_id_training_subjects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', 'subject_id', name=op.f('pk_training_latest')),
    sa.UniqueConstraint('record_id', name=op.f('uq_training_latest_record_id'))
    )
    op.create_index(op.f('ix_training_latest_subject_id'), 'training_latest', ['subject_id'], unique=False)
    op.create_table('training_summary_runs',
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('refreshed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_training_summary_runs_partnership_id_partnerships'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('partnership_id', name=op.f('pk_training_summary_runs'))
    )
    op.create_table('training_summary_cells',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.String(length=80), nullable=False),
    sa.Column('required', sa.Integer(), nullable=False),
    sa.Column('compliant', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_training_summary_cells_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subject_id'], ['training_subjects.id'], name=op.f('fk_training_summary_cells_subject_id_training_subjects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organisation_id', 'subject_id', name=op.f('pk_training_summary_cells'))
    )
    op.create_table('training_summary_totals',
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.String(length=80), nullable=False),
    sa.Column('required', sa.Integer(), nullable=False),
    sa.Column('compliant', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_training_summary_totals_partnership_id_partnerships'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subject_id'], ['training_subjects.id'], name=op.f('fk_training_summary_totals_subject_id_training_subjects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('partnership_id', 'subject_id', name=op.f('pk_training_summary_totals'))
    )
    op.execute(FILL)


def downgrade() -> None:
    op.drop_table('training_summary_totals')
    op.drop_table('training_summary_cells')
    op.drop_table('training_summary_runs')
    op.drop_index(op.f('ix_training_latest_subject_id'), table_name='training_latest')
    op.drop_table('training_latest')
