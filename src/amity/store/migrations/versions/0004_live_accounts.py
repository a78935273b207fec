"""live accounts: connections, sync state and queue, API ids, notifications; account figures

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

ACCOUNT_COLUMNS = (
    ("followers_count", sa.Integer),
    ("following_count", sa.Integer),
    ("posts_count", sa.Integer),
    ("is_bot", sa.Boolean),
    ("is_group", sa.Boolean),
)


def upgrade() -> None:
    with op.batch_alter_table("accounts", recreate="never") as batch:
        for name, kind in ACCOUNT_COLUMNS:
            batch.add_column(sa.Column(name, kind(), nullable=True))
    op.create_table(
        "connections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("service", sa.Text(), nullable=False),
        sa.Column("transport", sa.String(length=16), nullable=False),
        sa.Column("secret_name", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("state_detail", sa.Text(), nullable=True),
        sa.Column("checked_at", sa.BigInteger(), nullable=True),
        sa.Column("connected_at", sa.BigInteger(), nullable=False),
        sa.Column("last_sync_at", sa.BigInteger(), nullable=True),
        sa.Column("last_sync_run_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "state IN ('ok', 'expired', 'revoked', 'unreachable')",
            name=op.f("ck_connections_state"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_connections_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["last_sync_run_id"],
            ["import_runs.id"],
            name=op.f("fk_connections_last_sync_run_id_import_runs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_connections")),
        sa.UniqueConstraint("account_id", name=op.f("uq_connections_account_id")),
    )
    for name, columns in (
        ("sync_state", (sa.Column("stream", sa.String(length=32), nullable=False),)),
        (
            "sync_queue",
            (
                sa.Column("kind", sa.String(length=16), nullable=False),
                sa.Column("item", sa.String(length=512), nullable=False),
            ),
        ),
        (
            "api_ids",
            (
                sa.Column("kind", sa.String(length=8), nullable=False),
                sa.Column("api_id", sa.String(length=128), nullable=False),
            ),
        ),
    ):
        _connection_table(name, columns)
    op.create_index(
        "ix_sync_queue_connection_id_kind_at", "sync_queue", ["connection_id", "kind", "at"]
    )
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("platform_id", sa.String(length=600), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("post_platform_id", sa.String(length=512), nullable=True),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("raw", sa.Text(), nullable=True),
        sa.Column("import_run_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_notifications_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["accounts.id"], name=op.f("fk_notifications_actor_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["import_run_id"],
            ["import_runs.id"],
            name=op.f("fk_notifications_import_run_id_import_runs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint(
            "platform",
            "account_id",
            "platform_id",
            name=op.f("uq_notifications_platform_account_id_platform_id"),
        ),
    )
    op.create_index(
        "ix_notifications_account_id_created_at",
        "notifications",
        ["account_id", "created_at"],
    )


def _connection_table(name: str, key_columns: tuple[sa.Column[str], ...]) -> None:
    """Create one of the tables keyed by a connection and its own columns."""
    extra = {
        "sync_state": (
            sa.Column("state", sa.Text(), nullable=False),
            sa.Column("updated_at", sa.BigInteger(), nullable=False),
        ),
        "sync_queue": (sa.Column("at", sa.BigInteger(), nullable=False),),
        "api_ids": (sa.Column("platform_id", sa.String(length=512), nullable=False),),
    }[name]
    op.create_table(
        name,
        sa.Column("connection_id", sa.Integer(), nullable=False),
        *key_columns,
        *extra,
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connections.id"],
            name=op.f(f"fk_{name}_connection_id_connections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "connection_id", *(column.name for column in key_columns), name=op.f(f"pk_{name}")
        ),
    )


def downgrade() -> None:
    op.drop_index("ix_notifications_account_id_created_at", table_name="notifications")
    op.drop_index("ix_sync_queue_connection_id_kind_at", table_name="sync_queue")
    for name in ("notifications", "api_ids", "sync_queue", "sync_state", "connections"):
        op.drop_table(name)
    # In place (SQLite 3.35+ drops columns itself): rebuilding the accounts table, as batch
    # mode would, is refused while posts and interactions point at it.
    with op.batch_alter_table("accounts", recreate="never") as batch:
        for name, _ in reversed(ACCOUNT_COLUMNS):
            batch.drop_column(name)
