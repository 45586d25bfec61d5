"""indexes behind every list's filter and sort; the audit log by organisation and time

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 14:40:00

The audit log is read within reach, newest first, a page at a time by keyset
(``ix_audit_events_organisation_id_at``); by kind within reach, and its kinds skipped through
one probe each (``ix_audit_events_entity_type_organisation_id``); by who did it
(``ix_audit_events_actor_id``). The people lists by name, within an organisation
(``ix_people_organisation_id_name``) and across a partnership (``ix_people_name``).
"""

from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_audit_events_organisation_id_at', 'audit_events',
                    ['organisation_id', 'at', 'id'], unique=False)
    op.create_index('ix_audit_events_entity_type_organisation_id', 'audit_events',
                    ['entity_type', 'organisation_id', 'at', 'id'], unique=False)
    op.create_index(op.f('ix_audit_events_actor_id'), 'audit_events', ['actor_id'],
                    unique=False)
    op.create_index('ix_people_organisation_id_name', 'people', ['organisation_id', 'name', 'id'],
                    unique=False)
    op.create_index('ix_people_name', 'people', ['name', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_people_name', table_name='people')
    op.drop_index('ix_people_organisation_id_name', table_name='people')
    op.drop_index(op.f('ix_audit_events_actor_id'), table_name='audit_events')
    op.drop_index('ix_audit_events_entity_type_organisation_id', table_name='audit_events')
    op.drop_index('ix_audit_events_organisation_id_at', table_name='audit_events')
