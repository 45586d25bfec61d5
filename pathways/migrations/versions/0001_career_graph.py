"""The career graph: nodes (roles and qualifications), transitions, requirements, graph_state.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "nodes",
        sa.Column("id", sa.String(80), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("family", sa.String(40), nullable=True),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("citation", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("cwp_category", sa.String(40), nullable=True),
        sa.Column("pay_min_gbp", sa.Integer(), nullable=True),
        sa.Column("pay_max_gbp", sa.Integer(), nullable=True),
        sa.Column("registration_body", sa.String(80), nullable=True),
        sa.Column("top_of_ladder", sa.Boolean(), nullable=True),
        sa.Column("duration_months", sa.Float(), nullable=True),
        sa.Column("standard_code", sa.String(10), nullable=True),
        sa.Column("funding_band_gbp", sa.Integer(), nullable=True),
        sa.Column("otj_min_hours", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nodes")),
    )
    op.create_index(op.f("ix_nodes_kind"), "nodes", ["kind"])
    op.create_table(
        "transitions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.String(80), nullable=False),
        sa.Column("target_id", sa.String(80), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("months", sa.Float(), nullable=False),
        sa.Column("cost_gbp", sa.Numeric(12, 2), nullable=False),
        sa.Column("funding", sa.String(20), nullable=False),
        sa.Column("earn_while_learning", sa.Boolean(), nullable=False),
        sa.Column("min_experience_months", sa.Integer(), nullable=False),
        sa.Column("citation", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.CheckConstraint("months >= 0", name=op.f("ck_transitions_months_not_negative")),
        sa.CheckConstraint("cost_gbp >= 0", name=op.f("ck_transitions_cost_not_negative")),
        sa.CheckConstraint(
            "min_experience_months >= 0", name=op.f("ck_transitions_experience_not_negative")
        ),
        sa.CheckConstraint("source_id <> target_id", name=op.f("ck_transitions_no_self_loop")),
        sa.ForeignKeyConstraint(
            ["source_id"], ["nodes.id"], name=op.f("fk_transitions_source_id_nodes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"], ["nodes.id"], name=op.f("fk_transitions_target_id_nodes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transitions")),
        sa.UniqueConstraint("source_id", "target_id", name=op.f("uq_transitions_source_id")),
    )
    op.create_index(op.f("ix_transitions_target_id"), "transitions", ["target_id"])
    op.create_table(
        "transition_requirements",
        sa.Column("transition_id", sa.Integer(), nullable=False),
        sa.Column("qualification_id", sa.String(80), nullable=False),
        sa.ForeignKeyConstraint(
            ["transition_id"], ["transitions.id"],
            name=op.f("fk_transition_requirements_transition_id_transitions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["qualification_id"], ["nodes.id"],
            name=op.f("fk_transition_requirements_qualification_id_nodes"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint(
            "transition_id", "qualification_id", name=op.f("pk_transition_requirements")
        ),
    )
    op.create_index(
        op.f("ix_transition_requirements_qualification_id"),
        "transition_requirements", ["qualification_id"],
    )
    graph_state = op.create_table(
        "graph_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_graph_state")),
    )
    op.bulk_insert(graph_state, [{"id": 1, "version": 1}])


def downgrade() -> None:
    op.drop_table("graph_state")
    op.drop_table("transition_requirements")
    op.drop_table("transitions")
    op.drop_table("nodes")
