"""notifications: the in-app list, email preferences, the outgoing email queue, reminders sent

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 05:10:00

A person's notifications (read or not), whether they want email per kind, each email on its
way (attempts and the time of the next try: the queue is this table) and the key of each
reminder sent, unique, so the scheduled reminders go out once (``pathways.notifications``).
"""

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'notifications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('recipient_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('text', sa.String(length=500), nullable=False),
        sa.Column('link', sa.String(length=500), nullable=False),
        sa.Column('about_type', sa.String(length=40), nullable=False),
        sa.Column('about_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['recipient_id'], ['people.id'],
                                name=op.f('fk_notifications_recipient_id_people'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    )
    op.create_index('ix_notifications_recipient_id_id', 'notifications',
                    ['recipient_id', 'id'], unique=False)
    op.create_table(
        'notification_preferences',
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('email', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['person_id'], ['people.id'],
                                name=op.f('fk_notification_preferences_person_id_people'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('person_id', 'kind', name=op.f('pk_notification_preferences')),
    )
    op.create_table(
        'outgoing_emails',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('notification_id', sa.Integer(), nullable=False),
        sa.Column('to', sa.String(length=254), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['notification_id'], ['notifications.id'],
                                name=op.f('fk_outgoing_emails_notification_id_notifications'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outgoing_emails')),
    )
    op.create_index(op.f('ix_outgoing_emails_notification_id'), 'outgoing_emails',
                    ['notification_id'], unique=False)
    op.create_index('ix_outgoing_emails_state_next_attempt_at', 'outgoing_emails',
                    ['state', 'next_attempt_at'], unique=False)
    op.create_table(
        'sent_reminders',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('about_id', sa.Integer(), nullable=False),
        sa.Column('recipient_id', sa.Integer(), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['recipient_id'], ['people.id'],
                                name=op.f('fk_sent_reminders_recipient_id_people'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sent_reminders')),
        sa.UniqueConstraint('kind', 'about_id', 'recipient_id', 'due_on',
                            name=op.f('uq_sent_reminders_kind')),
    )
    op.create_index(op.f('ix_sent_reminders_recipient_id'), 'sent_reminders',
                    ['recipient_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_sent_reminders_recipient_id'), table_name='sent_reminders')
    op.drop_table('sent_reminders')
    op.drop_index('ix_outgoing_emails_state_next_attempt_at', table_name='outgoing_emails')
    op.drop_index(op.f('ix_outgoing_emails_notification_id'), table_name='outgoing_emails')
    op.drop_table('outgoing_emails')
    op.drop_table('notification_preferences')
    op.drop_index('ix_notifications_recipient_id_id', table_name='notifications')
    op.drop_table('notifications')
