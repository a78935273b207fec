"""the inbox: conversations the user marked done or snoozed

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inbox_marks",
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("conversation", sa.String(length=600), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("marked_at", sa.BigInteger(), nullable=False),
        sa.Column("newest_at", sa.BigInteger(), nullable=False),
        sa.Column("until", sa.BigInteger(), nullable=True),
        sa.CheckConstraint("state IN ('done', 'snoozed')", name=op.f("ck_inbox_marks_state")),
        sa.PrimaryKeyConstraint("platform", "conversation", name=op.f("pk_inbox_marks")),
    )


def downgrade() -> None:
    op.drop_table("inbox_marks")
