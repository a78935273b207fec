"""merged people: a person merged into another keeps its number, pointing at the one kept

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # In place: rebuilding the people table, as batch mode would, is refused while accounts and
    # the user's notes point at it.
    with op.batch_alter_table("people", recreate="never") as batch:
        batch.add_column(sa.Column("merged_into", sa.Integer(), nullable=True))


def downgrade() -> None:
    # People merged away had no accounts left; without the column they would be nobody.
    op.execute("DELETE FROM people WHERE merged_into IS NOT NULL")
    with op.batch_alter_table("people", recreate="never") as batch:
        batch.drop_column("merged_into")
