"""Raw SQL on the driver's own cursor, and nowhere else in amity.

Every statement here bypasses SQLAlchemy's per-row work for one reason: it runs by the hundred
thousand, and SQLAlchemy's parameter processing or result rows cost more than the database's own
work (measured in docs/design-notes.md, "The import's hot path"). Everything else goes through
SQLAlchemy Core. The SQL is the same on SQLite and PostgreSQL but for the placeholders, which
``marks`` writes in the driver's own style.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Connection, Select

from amity.store.bulk import (
    INTERACTIONS,
    NOTIFICATIONS,
    POSTS,
    BulkTable,
    PayloadRow,
    PayloadValues,
    ThreadRow,
)

PARTITION = 100_000
"""Rows read off a cursor into NumPy at a time."""
CHUNK = 900
"""Ids in one ``IN (…)``: under SQLite's limit of host parameters."""
THREAD_PARTITION = 50_000
"""Posts pointed at their threads in one statement."""
POST_MUTABLE_FIELDS = ("text", "html", "reply_count", "boost_count", "like_count")
POST_FILLED_FIELDS = (
    "reply_to_platform_id",
    "reply_to_account_id",
    "source_thread_key",
    "quote_of_platform_id",
)
"""Links a later source may know where an earlier one did not (a thread's parent found by a
sync after the post came without it); once known they are kept."""


def marks(connection: Connection, count: int) -> str:
    """Return ``count`` placeholders in the driver's style (``?`` or ``%s``), comma-separated."""
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    return ", ".join([mark] * count)


# Posts, payloads, interactions and notifications are the tables an import writes by the hundred
# thousand. Their rows go to the driver's executemany as plain tuples in the column order of their
# layouts (``store.bulk``), with one SQL text written here: SQLAlchemy's per-row parameter
# processing cost more than the database's own work (see docs/design-notes.md). The ON CONFLICT
# clauses read the same on SQLite and PostgreSQL.


def _changed(table: str, columns: Sequence[str]) -> str:
    return " OR ".join(f"{table}.{name} IS DISTINCT FROM excluded.{name}" for name in columns)


def _upsert_sql(connection: Connection, table: BulkTable, conflict: str) -> str:
    """Return the INSERT ... ON CONFLICT text for written rows of a table loaded in bulk."""
    return _insert_sql(connection, table.name, table.columns, conflict)


def _insert_sql(connection: Connection, table: str, columns: Sequence[str], conflict: str) -> str:
    """Return an INSERT ... ON CONFLICT text for positional rows, in the driver's placeholders."""
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks(connection, len(columns))})"
        f" ON CONFLICT {conflict}"
    )


def upsert_posts(connection: Connection, rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert posts (tuples in ``bulk.POSTS.columns`` order); a stored post takes newer text and
    counts."""
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
    connection.exec_driver_sql(_upsert_sql(connection, POSTS, conflict), list(rows))


def upsert_post_payloads(connection: Connection, rows: Sequence[PayloadValues]) -> None:
    """Store posts' raw payloads (``PayloadRow``'s values); a newer payload replaces one."""
    if not rows:
        return
    conflict = (
        "(platform, platform_id) DO UPDATE SET raw = excluded.raw"
        " WHERE post_payloads.raw IS DISTINCT FROM excluded.raw"
    )
    sql = _insert_sql(connection, "post_payloads", PayloadRow._fields, conflict)
    connection.exec_driver_sql(sql, list(rows))


def insert_interactions(connection: Connection, rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert interactions (tuples in ``bulk.INTERACTIONS.columns`` order) not stored yet.

    A known time fills in an unknown one.
    """
    if not rows:
        return
    conflict = (
        "(platform, key) DO UPDATE SET occurred_at = excluded.occurred_at"
        " WHERE interactions.occurred_at IS NULL AND excluded.occurred_at IS NOT NULL"
    )
    sql = _upsert_sql(connection, INTERACTIONS, conflict)
    connection.exec_driver_sql(sql, list(rows))


def insert_notifications(connection: Connection, rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert notifications (tuples in ``bulk.NOTIFICATIONS.columns`` order) not stored yet."""
    if not rows:
        return
    conflict = "(platform, account_id, platform_id) DO NOTHING"
    sql = _upsert_sql(connection, NOTIFICATIONS, conflict)
    connection.exec_driver_sql(sql, list(rows))


# -- threads: by the partition of 50,000 ---------------------------------------------------------


def upsert_threads(connection: Connection, platform: str, rows: list[ThreadRow]) -> dict[str, int]:
    """Insert or refresh threads; return each one's id by its key."""
    conflict = (
        "(platform, key) DO UPDATE SET root_post_id = excluded.root_post_id,"
        " post_count = excluded.post_count, first_at = excluded.first_at,"
        " last_at = excluded.last_at"
        " WHERE threads.post_count IS DISTINCT FROM excluded.post_count"
        " OR threads.root_post_id IS DISTINCT FROM excluded.root_post_id"
        " OR threads.first_at IS DISTINCT FROM excluded.first_at"
        " OR threads.last_at IS DISTINCT FROM excluded.last_at"
    )
    sql = _insert_sql(connection, "threads", ThreadRow._fields, conflict)
    connection.exec_driver_sql(sql, rows)
    wanted = [row.key for row in rows]
    found: dict[str, int] = {}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        sql = (
            f"SELECT key, id FROM threads WHERE platform = {marks(connection, 1)}"
            f" AND key IN ({marks(connection, len(chunk))})"
        )
        found.update(fetch_rows(connection, sql, [platform, *chunk]))
    return found


def point_posts_at_threads(
    connection: Connection, post_ids: NDArray[np.int64], thread_ids: NDArray[np.int64]
) -> None:
    """Set posts' thread ids, a partition at a time, so memory stays flat."""
    mark = marks(connection, 1)
    sql = f"UPDATE posts SET thread_id = {mark} WHERE id = {mark}"
    for start in range(0, post_ids.size, THREAD_PARTITION):
        pairs = zip(
            thread_ids[start : start + THREAD_PARTITION].tolist(),
            post_ids[start : start + THREAD_PARTITION].tolist(),
            strict=True,
        )
        connection.exec_driver_sql(sql, list(pairs))


def fetch_chain_keys(connection: Connection, roots: list[int]) -> tuple[dict[int, str], set[int]]:
    """Key each chain root by the post it replies to (not stored) or by its own platform id."""
    keys: dict[int, str] = {}
    true_roots: set[int] = set()
    for start in range(0, len(roots), CHUNK):
        chunk = roots[start : start + CHUNK]
        sql = (
            "SELECT id, platform_id, reply_to_platform_id FROM posts"
            f" WHERE id IN ({marks(connection, len(chunk))})"
        )
        for post_id, platform_id, reply_to in fetch_rows(connection, sql, chunk):
            keys[post_id] = reply_to or platform_id
            if reply_to is None:
                true_roots.add(post_id)
    return keys, true_roots


# -- reading rows straight off the cursor -------------------------------------------------------


def fetch_rows(connection: Connection, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """Run a query on the driver's own cursor and return its rows (plain tuples).

    SQLAlchemy's result rows cost several times as much per row, and these lookups of keys and
    ids by the hundred thousand need none of their processing.
    """
    driver: Any = connection.connection.dbapi_connection
    cursor = driver.cursor()
    try:
        cursor.execute(sql, params)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def read_integer_rows(
    connection: Connection, query: Select[Any], *, columns: int
) -> NDArray[np.int64]:
    """Run ``query``, whose columns are all integers (never NULL), and return its rows as one array.

    Rows go from the driver's cursor into NumPy a partition at a time. SQLAlchemy's result rows
    cost three times as much (2.7 µs a row against 0.8), and none of their processing applies to
    plain integers. On PostgreSQL the cursor is a server-side one, so the server streams the rows
    instead of the client holding them all. Run a statement through SQLAlchemy first, so that
    this read happens inside the connection's transaction.
    """
    sql = str(query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    driver: Any = connection.connection.dbapi_connection
    named = connection.dialect.name == "postgresql"
    cursor = driver.cursor("amity_columns") if named else driver.cursor()
    parts = []
    try:
        cursor.execute(sql)
        while rows := cursor.fetchmany(PARTITION):
            flat = itertools.chain.from_iterable(rows)
            parts.append(np.fromiter(flat, dtype=np.int64, count=len(rows) * columns))
    finally:
        cursor.close()
    if not parts:
        return np.empty((0, columns), np.int64)
    return np.concatenate(parts).reshape(-1, columns)
