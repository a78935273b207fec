"""The one schema file: every table amity keeps, as SQLAlchemy Core tables.

Times are stored as integer Unix seconds (UTC): compact, the same on SQLite and PostgreSQL, and
ready for vectorised analysis. Lists (links, hashtags) and raw payloads are stored as JSON text
written with orjson. Each imported table has a natural key per platform so that import is an upsert.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

people = Table(
    "people",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("display_name", Text),
    Column("created_at", BigInteger, nullable=False),
    Column("merged_into", Integer),
)
"""A person merged into another keeps its row, with no accounts and ``merged_into`` set: its
number still finds the person it became, and is never given to anyone else. (No foreign key:
SQLite adds the column in place only without one, and the people table is too widely referenced
to rebuild.)"""

accounts = Table(
    "accounts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("platform", String(16), nullable=False),
    Column("platform_id", String(512), nullable=False),
    Column("handle", String(512)),
    Column("display_name", Text),
    Column("url", Text),
    Column("bio", Text),
    Column("website", Text),
    Column("avatar_url", Text),
    Column("created_at", BigInteger),
    Column("is_own", Boolean, nullable=False, default=False),
    Column("person_id", Integer, ForeignKey("people.id")),
    Column("raw", Text),
    Column("followers_count", Integer),
    Column("following_count", Integer),
    Column("posts_count", Integer),
    Column("is_bot", Boolean),
    Column("is_group", Boolean),
    UniqueConstraint("platform", "platform_id"),
    Index("ix_accounts_handle", "handle"),
    Index("ix_accounts_person_id", "person_id"),
)

import_runs = Table(
    "import_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("format", String(32), nullable=False),
    Column("path", Text, nullable=False),
    Column("own_account_id", Integer, ForeignKey("accounts.id")),
    Column("started_at", BigInteger, nullable=False),
    Column("finished_at", BigInteger),
    Column("counts", Text, nullable=False, default="{}"),
    Column("new", Text, nullable=False, default="{}"),
    Column("problem_count", Integer, nullable=False, default=0),
    Column("problems", Text, nullable=False, default="[]"),
)

threads = Table(
    "threads",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("platform", String(16), nullable=False),
    Column("key", String(512), nullable=False),
    Column("root_post_id", Integer),
    Column("post_count", Integer, nullable=False),
    Column("first_at", BigInteger, nullable=False),
    Column("last_at", BigInteger, nullable=False),
    UniqueConstraint("platform", "key"),
)

posts = Table(
    "posts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("platform", String(16), nullable=False),
    Column("platform_id", String(512), nullable=False),
    Column("account_id", Integer, ForeignKey("accounts.id"), nullable=False),
    Column("kind", String(8), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("text", Text, nullable=False),
    Column("html", Text),
    Column("language", String(16)),
    Column("visibility", String(16), nullable=False),
    Column("url", Text),
    Column("reply_to_platform_id", String(512)),
    Column("reply_to_post_id", Integer, ForeignKey("posts.id")),
    Column("reply_to_account_id", Integer, ForeignKey("accounts.id")),
    Column("source_thread_key", String(512)),
    Column("thread_id", Integer, ForeignKey("threads.id")),
    Column("quote_of_platform_id", String(512)),
    Column("boost_of_platform_id", String(512)),
    Column("boost_of_account_id", Integer, ForeignKey("accounts.id")),
    Column("links", Text, nullable=False, default="[]"),
    Column("hashtags", Text, nullable=False, default="[]"),
    Column("mention_count", Integer, nullable=False, default=0),
    Column("media_count", Integer, nullable=False, default=0),
    Column("reply_count", Integer),
    Column("boost_count", Integer),
    Column("like_count", Integer),
    Column("import_run_id", Integer, ForeignKey("import_runs.id")),
    UniqueConstraint("platform", "platform_id"),
    Index("ix_posts_account_id_created_at", "account_id", "created_at"),
    Index("ix_posts_reply_to_platform_id", "platform", "reply_to_platform_id"),
    Index("ix_posts_thread_id", "thread_id"),
)

post_payloads = Table(
    "post_payloads",
    metadata,
    Column("platform", String(16), primary_key=True),
    Column("platform_id", String(512), primary_key=True),
    Column("raw", Text, nullable=False),
)
"""Each post's payload exactly as its source gave it, apart from the posts so that scans of
``posts`` (every analysis) do not read kilobytes of JSON per row."""

interactions = Table(
    "interactions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("platform", String(16), nullable=False),
    Column("kind", String(12), nullable=False),
    Column("actor_id", Integer, ForeignKey("accounts.id"), nullable=False),
    Column("target_id", Integer, ForeignKey("accounts.id")),
    Column("post_platform_id", String(512)),
    Column("post_id", Integer, ForeignKey("posts.id")),
    Column("occurred_at", BigInteger),
    Column("key", String(1100), nullable=False),
    Column("raw", Text),
    Column("import_run_id", Integer, ForeignKey("import_runs.id")),
    UniqueConstraint("platform", "key"),
    Index("ix_interactions_actor_id_occurred_at", "actor_id", "occurred_at"),
    Index("ix_interactions_target_id_occurred_at", "target_id", "occurred_at"),
    Index("ix_interactions_post_id", "post_id"),
)

# -- what the user knows of people: their own data, written only by their own commands ---------

circle_pins = Table(
    "circle_pins",
    metadata,
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("circle", Integer, nullable=False),
    Column("pinned_at", BigInteger, nullable=False),
)
"""A circle the user put a person in by hand; it wins over the computed one."""

person_notes = Table(
    "person_notes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(8), nullable=False),
    Column("text", Text, nullable=False),
    Column("place", Text),
    Column("happened_on", String(10)),
    Column("created_at", BigInteger, nullable=False),
    Index("ix_person_notes_person_id", "person_id"),
)
"""Notes on a person (``kind`` 'note'), and times met in person (``kind`` 'met', with where and
the day, ``YYYY-MM-DD``, when known)."""

person_tags = Table(
    "person_tags",
    metadata,
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("tag", String(64), primary_key=True),
)

identity_decisions = Table(
    "identity_decisions",
    metadata,
    Column("first_platform", String(16), nullable=False),
    Column("first_platform_id", String(512), nullable=False),
    Column("second_platform", String(16), nullable=False),
    Column("second_platform_id", String(512), nullable=False),
    Column("decision", String(8), nullable=False),
    Column("decided_at", BigInteger, nullable=False),
    PrimaryKeyConstraint(
        "first_platform", "first_platform_id", "second_platform", "second_platform_id"
    ),
    CheckConstraint("decision IN ('merged', 'rejected')", name="decision"),
)
"""What the user decided about two accounts being one person: ``rejected`` (never suggest them
again) or ``merged``. Accounts are named by their natural keys, the pair in sorted order, so a
decision outlives any store id and holds across re-imports."""


# -- live accounts: connections to the networks, and what their syncs keep ------------------------

connections = Table(
    "connections",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", Integer, ForeignKey("accounts.id"), nullable=False, unique=True),
    Column("platform", String(16), nullable=False),
    Column("service", Text, nullable=False),
    Column("transport", String(16), nullable=False, default="network"),
    Column("secret_name", String(200), nullable=False),
    Column("state", String(16), nullable=False, default="ok"),
    Column("state_detail", Text),
    Column("checked_at", BigInteger),
    Column("connected_at", BigInteger, nullable=False),
    Column("last_sync_at", BigInteger),
    Column("last_sync_run_id", Integer, ForeignKey("import_runs.id")),
    CheckConstraint("state IN ('ok', 'expired', 'revoked', 'unreachable')", name="state"),
)
"""One of the user's accounts that amity may read from its network. ``service`` is the Mastodon
instance or the Bluesky PDS; ``transport`` is ``network``, or ``demo`` for the demo world's
servers, answered in process. Credentials are never here: they live in the workspace's
``secrets/`` folder (or an environment variable)."""


def _of_connection() -> Column[int]:
    """Return the key column of a table that belongs to a connection (gone with it)."""
    return Column(
        "connection_id",
        Integer,
        ForeignKey("connections.id", ondelete="CASCADE"),
        primary_key=True,
    )


sync_state = Table(
    "sync_state",
    metadata,
    _of_connection(),
    Column("stream", String(32), primary_key=True),
    Column("state", Text, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
)
"""Where each stream of a connection stands (its cursors, as JSON). A page of data and the state
after it are written in the same transaction, so a sync stopped anywhere resumes exactly."""

sync_queue = Table(
    "sync_queue",
    metadata,
    _of_connection(),
    Column("kind", String(16), primary_key=True),
    Column("item", String(512), primary_key=True),
    Column("at", BigInteger, nullable=False),
    Index("ix_sync_queue_connection_id_kind_at", "connection_id", "kind", "at"),
)
"""Follow-up work a sync found and has not done yet: threads whose context to fetch. ``at`` is
when the post it is about was written: the newest work is done first."""

api_ids = Table(
    "api_ids",
    metadata,
    _of_connection(),
    Column("kind", String(8), primary_key=True),
    Column("api_id", String(128), primary_key=True),
    Column("platform_id", String(512), nullable=False),
)
"""The ids a server's API uses for statuses and accounts (a Mastodon instance numbers every post
it knows its own way) beside amity's natural keys (status URI, actor URI)."""

notifications = Table(
    "notifications",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("platform", String(16), nullable=False),
    Column("platform_id", String(600), nullable=False),
    Column("account_id", Integer, ForeignKey("accounts.id"), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("actor_id", Integer, ForeignKey("accounts.id")),
    Column("post_platform_id", String(512)),
    Column("created_at", BigInteger, nullable=False),
    Column("raw", Text),
    Column("import_run_id", Integer, ForeignKey("import_runs.id")),
    UniqueConstraint("platform", "account_id", "platform_id"),
    Index("ix_notifications_account_id_created_at", "account_id", "created_at"),
)
"""Every notification a network sent the user's accounts, of every kind, unknown kinds too."""


# -- the inbox: what the user did with a conversation, written only by their own commands --------

inbox_marks = Table(
    "inbox_marks",
    metadata,
    Column("platform", String(16), nullable=False),
    Column("conversation", String(600), nullable=False),
    Column("state", String(8), nullable=False),
    Column("marked_at", BigInteger, nullable=False),
    Column("newest_at", BigInteger, nullable=False),
    Column("until", BigInteger),
    PrimaryKeyConstraint("platform", "conversation"),
    CheckConstraint("state IN ('done', 'snoozed')", name="state"),
)
"""A conversation of the inbox the user marked ``done`` or ``snoozed`` (until ``until``), named
by its natural key (the thread's or DM conversation's key, or the lone message's id) so that the
mark outlives every re-import. ``newest_at`` is the newest message it held when marked: a later
message opens it again."""
