"""identity decisions: the user's merges and rejections of accounts as one person

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "identity_decisions",
        sa.Column("first_platform", sa.String(length=16), nullable=False),
        sa.Column("first_platform_id", sa.String(length=512), nullable=False),
        sa.Column("second_platform", sa.String(length=16), nullable=False),
        sa.Column("second_platform_id", sa.String(length=512), nullable=False),
        sa.Column("decision", sa.String(length=8), nullable=False),
        sa.Column("decided_at", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "decision IN ('merged', 'rejected')", name=op.f("ck_identity_decisions_decision")
        ),
        sa.PrimaryKeyConstraint(
            "first_platform",
            "first_platform_id",
            "second_platform",
            "second_platform_id",
            name=op.f("pk_identity_decisions"),
        ),
    )


def downgrade() -> None:
    op.drop_table("identity_decisions")
