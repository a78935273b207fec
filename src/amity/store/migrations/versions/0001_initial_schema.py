"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("display_name", sa.Text(), nullable=True),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
    )
    op.create_table(
        "post_payloads",
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("platform_id", sa.String(length=512), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("platform", "platform_id", name=op.f("pk_post_payloads")),
    )
    op.create_table(
        "threads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=512), nullable=False),
        sa.Column("root_post_id", sa.Integer(), nullable=True),
        sa.Column("post_count", sa.Integer(), nullable=False),
        sa.Column("first_at", sa.BigInteger(), nullable=False),
        sa.Column("last_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_threads")),
        sa.UniqueConstraint("platform", "key", name=op.f("uq_threads_platform_key")),
    )
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("platform_id", sa.String(length=512), nullable=False),
        sa.Column("handle", sa.String(length=512), nullable=True),
        sa.Column("display_name", sa.Text(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("bio", sa.Text(), nullable=True),
        sa.Column("website", sa.Text(), nullable=True),
        sa.Column("avatar_url", sa.Text(), nullable=True),
        sa.Column("created_at", sa.BigInteger(), nullable=True),
        sa.Column("is_own", sa.Boolean(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("raw", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_accounts_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
        sa.UniqueConstraint(
            "platform", "platform_id", name=op.f("uq_accounts_platform_platform_id")
        ),
    )
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.create_index("ix_accounts_handle", ["handle"], unique=False)
        batch_op.create_index("ix_accounts_person_id", ["person_id"], unique=False)

    op.create_table(
        "import_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(length=32), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("own_account_id", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.BigInteger(), nullable=False),
        sa.Column("finished_at", sa.BigInteger(), nullable=True),
        sa.Column("counts", sa.Text(), nullable=False),
        sa.Column("new", sa.Text(), nullable=False),
        sa.Column("problem_count", sa.Integer(), nullable=False),
        sa.Column("problems", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["own_account_id"], ["accounts.id"], name=op.f("fk_import_runs_own_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_runs")),
    )
    op.create_table(
        "posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("platform_id", sa.String(length=512), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=True),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("reply_to_platform_id", sa.String(length=512), nullable=True),
        sa.Column("reply_to_post_id", sa.Integer(), nullable=True),
        sa.Column("reply_to_account_id", sa.Integer(), nullable=True),
        sa.Column("source_thread_key", sa.String(length=512), nullable=True),
        sa.Column("thread_id", sa.Integer(), nullable=True),
        sa.Column("quote_of_platform_id", sa.String(length=512), nullable=True),
        sa.Column("boost_of_platform_id", sa.String(length=512), nullable=True),
        sa.Column("boost_of_account_id", sa.Integer(), nullable=True),
        sa.Column("links", sa.Text(), nullable=False),
        sa.Column("hashtags", sa.Text(), nullable=False),
        sa.Column("mention_count", sa.Integer(), nullable=False),
        sa.Column("media_count", sa.Integer(), nullable=False),
        sa.Column("reply_count", sa.Integer(), nullable=True),
        sa.Column("boost_count", sa.Integer(), nullable=True),
        sa.Column("like_count", sa.Integer(), nullable=True),
        sa.Column("import_run_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_posts_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["boost_of_account_id"],
            ["accounts.id"],
            name=op.f("fk_posts_boost_of_account_id_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["import_run_id"], ["import_runs.id"], name=op.f("fk_posts_import_run_id_import_runs")
        ),
        sa.ForeignKeyConstraint(
            ["reply_to_account_id"],
            ["accounts.id"],
            name=op.f("fk_posts_reply_to_account_id_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["reply_to_post_id"], ["posts.id"], name=op.f("fk_posts_reply_to_post_id_posts")
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"], ["threads.id"], name=op.f("fk_posts_thread_id_threads")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_posts")),
        sa.UniqueConstraint("platform", "platform_id", name=op.f("uq_posts_platform_platform_id")),
    )
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_posts_account_id_created_at", ["account_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_posts_reply_to_platform_id", ["platform", "reply_to_platform_id"], unique=False
        )
        batch_op.create_index("ix_posts_thread_id", ["thread_id"], unique=False)

    op.create_table(
        "interactions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("post_platform_id", sa.String(length=512), nullable=True),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("occurred_at", sa.BigInteger(), nullable=True),
        sa.Column("key", sa.String(length=1100), nullable=False),
        sa.Column("raw", sa.Text(), nullable=True),
        sa.Column("import_run_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["accounts.id"], name=op.f("fk_interactions_actor_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["import_run_id"],
            ["import_runs.id"],
            name=op.f("fk_interactions_import_run_id_import_runs"),
        ),
        sa.ForeignKeyConstraint(
            ["post_id"], ["posts.id"], name=op.f("fk_interactions_post_id_posts")
        ),
        sa.ForeignKeyConstraint(
            ["target_id"], ["accounts.id"], name=op.f("fk_interactions_target_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interactions")),
        sa.UniqueConstraint("platform", "key", name=op.f("uq_interactions_platform_key")),
    )
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_interactions_actor_id_occurred_at", ["actor_id", "occurred_at"], unique=False
        )
        batch_op.create_index("ix_interactions_post_id", ["post_id"], unique=False)
        batch_op.create_index(
            "ix_interactions_target_id_occurred_at", ["target_id", "occurred_at"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.drop_index("ix_interactions_target_id_occurred_at")
        batch_op.drop_index("ix_interactions_post_id")
        batch_op.drop_index("ix_interactions_actor_id_occurred_at")

    op.drop_table("interactions")
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.drop_index("ix_posts_thread_id")
        batch_op.drop_index("ix_posts_reply_to_platform_id")
        batch_op.drop_index("ix_posts_account_id_created_at")

    op.drop_table("posts")
    op.drop_table("import_runs")
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_index("ix_accounts_person_id")
        batch_op.drop_index("ix_accounts_handle")

    op.drop_table("accounts")
    op.drop_table("threads")
    op.drop_table("post_payloads")
    op.drop_table("people")
