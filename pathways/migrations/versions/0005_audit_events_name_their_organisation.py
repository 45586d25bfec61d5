"""audit events name the organisation they concern

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 01:34:49.964459

Every audit event carries the organisation it concerns, so the audit log shows an event only
within the reader's reach. Older events get it where it can be worked out from what they are
about, by that record's organisation as it is now: a person's, a cohort's, the person
supported in a pairing... Events about the shared map keep none (as new ones do); any other
event left without one (its record deleted, or a kind not listed here) is shown to no one.
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

#: What each kind of event is about, and how to reach its organisation from it: the
#: FROM ... WHERE of a query whose ``thing`` is the record the event names by its id.
_PERSON = "people AS thing WHERE {match}", "thing.organisation_id"
_VIA_PERSON = ("{table} AS thing JOIN people ON people.id = thing.person_id WHERE {match}",
               "people.organisation_id")
_VIA_COHORT = ("apprenticeships AS thing JOIN cohorts ON cohorts.id = thing.cohort_id "
               "WHERE {match}", "cohorts.organisation_id")
_VIA_APPRENTICESHIP = (
    "{table} AS thing JOIN apprenticeships ON apprenticeships.id = thing.apprenticeship_id "
    "JOIN cohorts ON cohorts.id = apprenticeships.cohort_id WHERE {match}",
    "cohorts.organisation_id")
_OWN = "{table} AS thing WHERE {match}", "thing.organisation_id"
BACKFILL = {
    "person": ("people", _PERSON),
    "equality": ("people", _PERSON),
    "organisation": ("organisations", ("organisations AS thing WHERE {match}", "thing.id")),
    "programme": ("programmes", _OWN),
    "cohort": ("cohorts", _OWN),
    "post": ("posts", _OWN),
    "shadowing_place": ("shadowing_places", _OWN),
    "apprenticeship": ("apprenticeships", _VIA_COHORT),
    "otj_entry": ("otj_entries", _VIA_APPRENTICESHIP),
    "placement": ("placements", _VIA_APPRENTICESHIP),
    "pairing": ("champion_pairings", _VIA_PERSON),
    "shadowing_request": ("shadowing_requests", _VIA_PERSON),
    "career_story": ("career_stories", _VIA_PERSON),
    "mentoring_action": ("mentoring_actions", (
        "mentoring_actions AS thing "
        "JOIN mentoring_sessions ON mentoring_sessions.id = thing.session_id "
        "JOIN champion_pairings ON champion_pairings.id = mentoring_sessions.pairing_id "
        "JOIN people ON people.id = champion_pairings.person_id WHERE {match}",
        "people.organisation_id")),
}


def upgrade() -> None:
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisation_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_events_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_audit_events_organisation_id_organisations'), 'organisations', ['organisation_id'], ['id'])

    match = "CAST(thing.id AS VARCHAR(80)) = audit_events.entity_id"
    for kind, (table, (source, column)) in BACKFILL.items():
        # Table and column names come from BACKFILL above, never from input; the kind is bound.
        statement = (f"UPDATE audit_events SET organisation_id = "  # nosec B608
                     f"(SELECT {column} FROM {source.format(table=table, match=match)}) "
                     "WHERE entity_type = :kind AND organisation_id IS NULL")
        op.get_bind().execute(sa.text(statement), {"kind": kind})


def downgrade() -> None:
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_audit_events_organisation_id_organisations'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_audit_events_organisation_id'))
        batch_op.drop_column('organisation_id')
