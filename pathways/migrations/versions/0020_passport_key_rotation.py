"""passport keys rotate: several per organisation, one current; credentials name their key

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 11:45:00

``passport_keys`` may hold several keys of an organisation: the unique organisation becomes
a partial unique index on the current key (``retired_at IS NULL``), and each key gains when it
was retired and withdrawn (with the reason). ``passport_credentials`` gains the ``kid`` of the
key that signed each credential, filled in for those already issued (each organisation had
one key).
"""

import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

CURRENT = sa.text('retired_at IS NULL')


def upgrade() -> None:
    with op.batch_alter_table('passport_keys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('withdrawal_reason', sa.Text(), nullable=False,
                                      server_default=''))
        batch_op.drop_constraint('uq_passport_keys_organisation_id', type_='unique')
        batch_op.create_index(batch_op.f('ix_passport_keys_organisation_id'),
                              ['organisation_id'], unique=False)
    with op.batch_alter_table('passport_keys', schema=None) as batch_op:
        batch_op.alter_column('withdrawal_reason', server_default=None)
    op.create_index('uq_passport_keys_current', 'passport_keys', ['organisation_id'],
                    unique=True, sqlite_where=CURRENT, postgresql_where=CURRENT)

    with op.batch_alter_table('passport_credentials', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kid', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_passport_credentials_kid'), ['kid'],
                              unique=False)
    op.execute(sa.text(
        'UPDATE passport_credentials SET kid = (SELECT passport_keys.kid FROM passport_keys '
        'WHERE passport_keys.organisation_id = passport_credentials.organisation_id)'))


def downgrade() -> None:
    with op.batch_alter_table('passport_credentials', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_passport_credentials_kid'))
        batch_op.drop_column('kid')

    # Only the current keys survive: the schema before held one key per organisation.
    op.execute(sa.text('DELETE FROM passport_keys WHERE retired_at IS NOT NULL'))
    op.drop_index('uq_passport_keys_current', table_name='passport_keys')
    with op.batch_alter_table('passport_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_passport_keys_organisation_id'))
        batch_op.create_unique_constraint('uq_passport_keys_organisation_id',
                                          ['organisation_id'])
        batch_op.drop_column('withdrawal_reason')
        batch_op.drop_column('withdrawn_at')
        batch_op.drop_column('retired_at')
