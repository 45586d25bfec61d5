"""course sessions, bookings and the waiting list (the training calendar)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 14:40:00

Course sessions an organisation runs (``course_sessions``: a training subject on a day, from
a start to an end time in England, at a venue or online, with a capacity and a trainer; a
cancelled one keeps its reason), the places and waiting-list places people hold on them
(``course_bookings``: one row per person and session; attendance links the training record
it made) and the digest of each person's secret calendar-feed token (``calendar_feeds``).
"""

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('calendar_feeds',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('token_digest', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_calendar_feeds_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', name=op.f('pk_calendar_feeds')),
    sa.UniqueConstraint('token_digest', name=op.f('uq_calendar_feeds_token_digest'))
    )
    op.create_table('course_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.String(length=80), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('starts_at', sa.Time(), nullable=False),
    sa.Column('ends_at', sa.Time(), nullable=False),
    sa.Column('venue', sa.String(length=300), nullable=False),
    sa.Column('online_link', sa.String(length=500), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('trainer_id', sa.Integer(), nullable=True),
    sa.Column('trainer_name', sa.String(length=200), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('cancel_reason', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['people.id'], name=op.f('fk_course_sessions_created_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_course_sessions_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['subject_id'], ['training_subjects.id'], name=op.f('fk_course_sessions_subject_id_training_subjects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['trainer_id'], ['people.id'], name=op.f('fk_course_sessions_trainer_id_people'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_sessions'))
    )
    op.create_index('ix_course_sessions_organisation_id_held_on', 'course_sessions', ['organisation_id', 'held_on'], unique=False)
    op.create_index(op.f('ix_course_sessions_subject_id'), 'course_sessions', ['subject_id'], unique=False)
    op.create_index(op.f('ix_course_sessions_trainer_id'), 'course_sessions', ['trainer_id'], unique=False)
    op.create_table('course_bookings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('booked_by_id', sa.Integer(), nullable=True),
    sa.Column('queued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['booked_by_id'], ['people.id'], name=op.f('fk_course_bookings_booked_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_course_bookings_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['record_id'], ['training_records.id'], name=op.f('fk_course_bookings_record_id_training_records'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['session_id'], ['course_sessions.id'], name=op.f('fk_course_bookings_session_id_course_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_bookings')),
    sa.UniqueConstraint('record_id', name=op.f('uq_course_bookings_record_id')),
    sa.UniqueConstraint('session_id', 'person_id', name=op.f('uq_course_bookings_session_id'))
    )
    op.create_index(op.f('ix_course_bookings_person_id'), 'course_bookings', ['person_id'], unique=False)
    op.create_index('ix_course_bookings_session_id_state_queued_at', 'course_bookings', ['session_id', 'state', 'queued_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_course_bookings_session_id_state_queued_at', table_name='course_bookings')
    op.drop_index(op.f('ix_course_bookings_person_id'), table_name='course_bookings')
    op.drop_table('course_bookings')
    op.drop_index(op.f('ix_course_sessions_trainer_id'), table_name='course_sessions')
    op.drop_index(op.f('ix_course_sessions_subject_id'), table_name='course_sessions')
    op.drop_index('ix_course_sessions_organisation_id_held_on', table_name='course_sessions')
    op.drop_table('course_sessions')
    op.drop_table('calendar_feeds')
