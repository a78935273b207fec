"""Store writes: upserts keyed on each table's natural key, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table, and_, bindparam, exists, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from amity.store.schema import accounts, import_runs, interactions, people, posts

ACCOUNT_FIELDS = (
    "handle",
    "display_name",
    "url",
    "bio",
    "website",
    "avatar_url",
    "created_at",
    "followers_count",
    "following_count",
    "posts_count",
    "is_bot",
    "is_group",
)
POST_MUTABLE_FIELDS = ("text", "html", "reply_count", "boost_count", "like_count")
POST_FILLED_FIELDS = (
    "reply_to_platform_id",
    "reply_to_account_id",
    "source_thread_key",
    "quote_of_platform_id",
)
"""Links a later source may know where an earlier one did not (a thread's parent found by a
sync after the post came without it); once known they are kept."""


def _insert(connection: Connection, table: Table) -> Any:
    """Return the dialect's INSERT, which knows ON CONFLICT."""
    if connection.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def upsert_accounts(connection: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert accounts, filling in fields that were unknown; never blank out a known field."""
    if not rows:
        return
    statement = _insert(connection, accounts)
    excluded = statement.excluded
    changes = {name: func.coalesce(excluded[name], accounts.c[name]) for name in ACCOUNT_FIELDS}
    changes["raw"] = func.coalesce(excluded.raw, accounts.c.raw)
    changes["is_own"] = accounts.c.is_own | excluded.is_own
    connection.execute(
        statement.on_conflict_do_update(index_elements=["platform", "platform_id"], set_=changes),
        list(rows),
    )


def get_account_ids(
    connection: Connection, platform: str, platform_ids: Iterable[str]
) -> dict[str, int]:
    """Return the store ids of the named accounts of one platform."""
    wanted = list(platform_ids)
    found: dict[str, int] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        query = select(accounts.c.platform_id, accounts.c.id).where(
            accounts.c.platform == platform, accounts.c.platform_id.in_(chunk)
        )
        found.update({row.platform_id: row.id for row in connection.execute(query)})
    return found


# Posts and interactions are the two tables an import writes by the hundred thousand. Their rows
# go to the driver's executemany as positional tuples, in the column order below, with one SQL
# text written here: SQLAlchemy's per-row parameter processing cost more than the database's own
# work (see docs/design-notes.md). The ON CONFLICT clauses read the same on SQLite and PostgreSQL.
POST_COLUMNS = (
    "platform",
    "platform_id",
    "kind",
    "created_at",
    "text",
    "html",
    "language",
    "visibility",
    "url",
    "reply_to_platform_id",
    "source_thread_key",
    "quote_of_platform_id",
    "boost_of_platform_id",
    "links",
    "hashtags",
    "mention_count",
    "media_count",
    "reply_count",
    "boost_count",
    "like_count",
    # Store ids last: the importer reads everything before them in one process and appends
    # these in the one that writes.
    "account_id",
    "reply_to_account_id",
    "boost_of_account_id",
    "import_run_id",
)
NOTIFICATION_COLUMNS = (
    "platform",
    "platform_id",
    "kind",
    "post_platform_id",
    "created_at",
    "raw",
    "account_id",
    "actor_id",
    "import_run_id",
)
INTERACTION_COLUMNS = (
    "platform",
    "kind",
    "post_platform_id",
    "occurred_at",
    "key",
    "raw",
    "actor_id",
    "target_id",
    "import_run_id",
)


def _changed(table: str, columns: Sequence[str]) -> str:
    return " OR ".join(f"{table}.{name} IS DISTINCT FROM excluded.{name}" for name in columns)


def upsert_sql(connection: Connection, table: str, columns: Sequence[str], conflict: str) -> str:
    """Return an INSERT ... ON CONFLICT text for positional rows, in the driver's placeholders."""
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"
        f" ON CONFLICT {conflict}"
    )


def upsert_posts(connection: Connection, rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert posts (tuples in POST_COLUMNS order); a stored post takes newer text and counts."""
    if not rows:
        return
    updates = [f"{name} = excluded.{name}" for name in POST_MUTABLE_FIELDS]
    updates += [f"{name} = COALESCE(posts.{name}, excluded.{name})" for name in POST_FILLED_FIELDS]
    filled = " OR ".join(
        f"(posts.{name} IS NULL AND excluded.{name} IS NOT NULL)" for name in POST_FILLED_FIELDS
    )
    conflict = (
        f"(platform, platform_id) DO UPDATE SET {', '.join(updates)}"
        f" WHERE {_changed('posts', POST_MUTABLE_FIELDS)} OR {filled}"
    )
    connection.exec_driver_sql(upsert_sql(connection, "posts", POST_COLUMNS, conflict), list(rows))


def upsert_post_payloads(connection: Connection, rows: Sequence[tuple[str, str, str]]) -> None:
    """Store posts' raw payloads as (platform, platform_id, raw); a newer payload replaces one."""
    if not rows:
        return
    conflict = (
        "(platform, platform_id) DO UPDATE SET raw = excluded.raw"
        " WHERE post_payloads.raw IS DISTINCT FROM excluded.raw"
    )
    sql = upsert_sql(connection, "post_payloads", ("platform", "platform_id", "raw"), conflict)
    connection.exec_driver_sql(sql, list(rows))


def insert_interactions(connection: Connection, rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert interactions (tuples in INTERACTION_COLUMNS order) not stored yet.

    A known time fills in an unknown one.
    """
    if not rows:
        return
    conflict = (
        "(platform, key) DO UPDATE SET occurred_at = excluded.occurred_at"
        " WHERE interactions.occurred_at IS NULL AND excluded.occurred_at IS NOT NULL"
    )
    sql = upsert_sql(connection, "interactions", INTERACTION_COLUMNS, conflict)
    connection.exec_driver_sql(sql, list(rows))


def insert_notifications(connection: Connection, rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert notifications (tuples in NOTIFICATION_COLUMNS order) not stored yet."""
    if not rows:
        return
    conflict = "(platform, account_id, platform_id) DO NOTHING"
    sql = upsert_sql(connection, "notifications", NOTIFICATION_COLUMNS, conflict)
    connection.exec_driver_sql(sql, list(rows))


def link_posts(connection: Connection) -> None:
    """Point replies at their parent posts and interactions at their posts, where stored."""
    parent = posts.alias("parent")
    parent_id = (
        select(parent.c.id)
        .where(
            parent.c.platform == posts.c.platform,
            parent.c.platform_id == posts.c.reply_to_platform_id,
        )
        .scalar_subquery()
    )
    connection.execute(
        update(posts)
        .where(posts.c.reply_to_post_id.is_(None), posts.c.reply_to_platform_id.is_not(None))
        .where(exists(parent_id))
        .values(reply_to_post_id=parent_id)
    )
    post_id = (
        select(posts.c.id)
        .where(
            posts.c.platform == interactions.c.platform,
            posts.c.platform_id == interactions.c.post_platform_id,
        )
        .scalar_subquery()
    )
    connection.execute(
        update(interactions)
        .where(interactions.c.post_id.is_(None), interactions.c.post_platform_id.is_not(None))
        .where(exists(post_id))
        .values(post_id=post_id)
    )


def create_missing_people(connection: Connection, *, now: int) -> int:
    """Give every account without a person its own person; the user's accounts share one."""
    orphans = connection.execute(
        select(accounts.c.id, accounts.c.display_name, accounts.c.handle, accounts.c.is_own)
        .where(accounts.c.person_id.is_(None))
        .order_by(accounts.c.id)
    ).all()
    if not orphans:
        return 0
    own_person = connection.execute(
        select(accounts.c.person_id).where(accounts.c.is_own, accounts.c.person_id.is_not(None))
    ).scalar()
    assignments: list[dict[str, int]] = []
    others = []
    for row in orphans:
        if row.is_own and own_person is not None:
            assignments.append({"account": row.id, "person": own_person})
        else:
            others.append(row)
    if others:
        created = connection.execute(
            _insert(connection, people).returning(people.c.id, sort_by_parameter_order=True),
            [{"display_name": r.display_name or r.handle, "created_at": now} for r in others],
        ).scalars()
        assignments += [
            {"account": r.id, "person": p} for r, p in zip(others, created, strict=True)
        ]
    _merge_own_people(connection, assignments, orphans)
    connection.execute(
        update(accounts)
        .where(accounts.c.id == bindparam("account"))
        .values(person_id=bindparam("person")),
        assignments,
    )
    return len(others)


def _merge_own_people(
    connection: Connection, assignments: list[dict[str, int]], orphans: Sequence[Any]
) -> None:
    """Point every own account created in this run at one person: the user."""
    own_ids = {row.id for row in orphans if row.is_own}
    own_people = [a["person"] for a in assignments if a["account"] in own_ids]
    if len(own_people) < 2:
        return
    keep = min(own_people)
    for assignment in assignments:
        if assignment["account"] in own_ids:
            assignment["person"] = keep
    connection.execute(
        people.delete().where(and_(people.c.id.in_(own_people), people.c.id != keep))
    )


def insert_import_run(connection: Connection, row: Mapping[str, Any]) -> int:
    """Record an import run and return its id."""
    result = connection.execute(import_runs.insert().returning(import_runs.c.id), dict(row))
    return int(result.scalar_one())


def finish_import_run(connection: Connection, run_id: int, values: Mapping[str, Any]) -> None:
    """Write an import run's end time, counts and problems."""
    connection.execute(update(import_runs).where(import_runs.c.id == run_id).values(**values))


def insert_ignoring(
    connection: Connection, table: Table, rows: Sequence[Mapping[str, Any]]
) -> None:
    """Insert rows, skipping any whose key is stored already."""
    if rows:
        connection.execute(_insert(connection, table).on_conflict_do_nothing(), list(rows))
