"""signing keys, credential status lists, share links and accepted credentials (the passport)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 01:30:00

Each organisation's Ed25519 signing key (``passport_keys``: the public key, the private key
encrypted, the next free entry of its revocation list), the training records issued as
credentials (``passport_credentials``: each with its entry in the issuer's status list and
when it was revoked), the secret share links people make (``passport_shares``: a digest of the
secret and the credentials shared) and the credentials a receiving organisation accepted
(``passport_acceptances``: one per credential and person, with the training record made).
"""

import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('passport_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('kid', sa.String(length=64), nullable=False),
    sa.Column('public_x', sa.String(length=64), nullable=False),
    sa.Column('private_pem', sa.Text(), nullable=False),
    sa.Column('next_status_index', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_passport_keys_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_passport_keys')),
    sa.UniqueConstraint('kid', name=op.f('uq_passport_keys_kid')),
    sa.UniqueConstraint('organisation_id', name=op.f('uq_passport_keys_organisation_id'))
    )
    op.create_table('passport_shares',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('token_digest', sa.String(length=64), nullable=False),
    sa.Column('credentials', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_passport_shares_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_passport_shares')),
    sa.UniqueConstraint('token_digest', name=op.f('uq_passport_shares_token_digest'))
    )
    with op.batch_alter_table('passport_shares', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_passport_shares_person_id'), ['person_id'], unique=False)

    op.create_table('passport_acceptances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('credential_id', sa.String(length=64), nullable=False),
    sa.Column('issuer_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('token', sa.Text(), nullable=False),
    sa.Column('accepted_by_id', sa.Integer(), nullable=True),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['accepted_by_id'], ['people.id'], name=op.f('fk_passport_acceptances_accepted_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['issuer_id'], ['organisations.id'], name=op.f('fk_passport_acceptances_issuer_id_organisations')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_passport_acceptances_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_passport_acceptances_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['record_id'], ['training_records.id'], name=op.f('fk_passport_acceptances_record_id_training_records'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_passport_acceptances')),
    sa.UniqueConstraint('credential_id', 'person_id', name=op.f('uq_passport_acceptances_credential_id'))
    )
    with op.batch_alter_table('passport_acceptances', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_passport_acceptances_person_id'), ['person_id'], unique=False)

    op.create_table('passport_credentials',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('credential_id', sa.String(length=64), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=True),
    sa.Column('subject_id', sa.String(length=80), nullable=False),
    sa.Column('status_index', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('token', sa.Text(), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.Column('revocation_reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_passport_credentials_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_passport_credentials_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['record_id'], ['training_records.id'], name=op.f('fk_passport_credentials_record_id_training_records'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['people.id'], name=op.f('fk_passport_credentials_revoked_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['subject_id'], ['training_subjects.id'], name=op.f('fk_passport_credentials_subject_id_training_subjects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_passport_credentials')),
    sa.UniqueConstraint('credential_id', name=op.f('uq_passport_credentials_credential_id')),
    sa.UniqueConstraint('organisation_id', 'status_index', name=op.f('uq_passport_credentials_organisation_id'))
    )
    with op.batch_alter_table('passport_credentials', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_passport_credentials_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_passport_credentials_record_id'), ['record_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('passport_credentials', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_passport_credentials_record_id'))
        batch_op.drop_index(batch_op.f('ix_passport_credentials_person_id'))

    op.drop_table('passport_credentials')
    with op.batch_alter_table('passport_acceptances', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_passport_acceptances_person_id'))

    op.drop_table('passport_acceptances')
    with op.batch_alter_table('passport_shares', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_passport_shares_person_id'))

    op.drop_table('passport_shares')
    op.drop_table('passport_keys')
