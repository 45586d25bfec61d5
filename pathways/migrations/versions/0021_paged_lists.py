"""indexes behind the team page, the audit log's person filter and its people lookup

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02 11:50:00

The team page reads a team by name a page at a time by keyset: ``ix_people_team_id_name``
(team, name, id) replaces the index on the team alone. The audit log's person filter finds
the people whose name begins with the words typed (any case: ``ix_people_name_folded`` on
``lower(name)``) or whose email does (the email's own unique index), then the events by
them (``ix_audit_events_actor_id_at``, replacing the index on the actor alone) or about them
(``ix_audit_events_entity_type_entity_id``), newest first.
"""

import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index('ix_people_team_id', table_name='people')
    op.create_index('ix_people_team_id_name', 'people', ['team_id', 'name', 'id'], unique=False)
    op.create_index('ix_people_name_folded', 'people', [sa.text('lower(name)'), 'id'],
                    unique=False)
    op.drop_index('ix_audit_events_actor_id', table_name='audit_events')
    op.create_index('ix_audit_events_actor_id_at', 'audit_events', ['actor_id', 'at', 'id'],
                    unique=False)
    op.create_index('ix_audit_events_entity_type_entity_id', 'audit_events',
                    ['entity_type', 'entity_id', 'at', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_audit_events_entity_type_entity_id', table_name='audit_events')
    op.drop_index('ix_audit_events_actor_id_at', table_name='audit_events')
    op.create_index('ix_audit_events_actor_id', 'audit_events', ['actor_id'], unique=False)
    op.drop_index('ix_people_name_folded', table_name='people')
    op.drop_index('ix_people_team_id_name', table_name='people')
    op.create_index('ix_people_team_id', 'people', ['team_id'], unique=False)
