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


def dialect_insert(connection: Connection, table: Table) -> Any:
    """Return the dialect's INSERT, which knows ON CONFLICT."""
    if connection.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def upsert_accounts(connection: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert accounts, filling in fields that were unknown; never blank out a known field."""
    if not rows:
        return
    statement = dialect_insert(connection, accounts)
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
            dialect_insert(connection, people).returning(people.c.id, sort_by_parameter_order=True),
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
        connection.execute(dialect_insert(connection, table).on_conflict_do_nothing(), list(rows))
