"""The files the demo servers answer from: one SQLite database per network, and how to open them.

The generator writes ``servers/mastodon.sqlite`` and ``servers/bluesky.sqlite`` under the world
folder with the standard library's sqlite3. Rows whose ids must follow time (notifications,
favourites, follows: the real servers number them as they happen) are first written to a staging
table in any order, then copied over in time order; indexes are built once, at the end, so that
paging through a hundred thousand notifications is a few index lookups per page. The servers
open the files read-only, one connection per thread.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from amity.demo.servers.schema import SCHEMA_VERSION
from amity.errors import NotFound, UsageError

BATCH = 5_000
MASTODON_FILE = "mastodon.sqlite"
BLUESKY_FILE = "bluesky.sqlite"
FOLDER = "servers"


def world_secret(seed: int) -> str:
    """Return the key the world's servers sign tokens with (hex): the same for the same seed.

    A demo secret, not a secret: it only lets a token outlive the process that issued it.
    """
    return hashlib.sha256(f"amity-demo-servers-{seed}".encode()).hexdigest()


class Batches:
    """Buffer rows per statement and insert them a batch at a time."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection
        self._pending: dict[str, list[Sequence[Any]]] = {}

    def add(self, statement: str, row: Sequence[Any]) -> None:
        """Queue one row for ``statement`` (an INSERT with one placeholder per column)."""
        rows = self._pending.setdefault(statement, [])
        rows.append(row)
        if len(rows) >= BATCH:
            self._connection.executemany(statement, rows)
            rows.clear()

    def flush(self) -> None:
        """Insert every queued row."""
        for statement, rows in self._pending.items():
            if rows:
                self._connection.executemany(statement, rows)
                rows.clear()


def create(path: Path, schema: str) -> sqlite3.Connection:
    """Create a fresh database at ``path`` with ``schema``, set up for one fast bulk load."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    connection = sqlite3.connect(path, isolation_level=None)
    connection.executescript(
        "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-16384;" + schema
    )
    connection.execute("BEGIN")
    return connection


def renumber(
    connection: sqlite3.Connection, staging: str, target: str, columns: Iterable[str], order: str
) -> None:
    """Copy ``staging`` into ``target`` sorted by ``order``, so rowids follow it; drop staging."""
    names = ", ".join(columns)
    connection.execute(
        f"INSERT INTO {target} ({names}) SELECT {names} FROM {staging} ORDER BY {order}"
    )
    connection.execute(f"DROP TABLE {staging}")


def finish(connection: sqlite3.Connection, indexes: str) -> None:
    """Commit, build the indexes and close."""
    connection.execute("COMMIT")
    connection.executescript(f"BEGIN; {indexes} COMMIT;")
    connection.close()


class Reader:
    """Read-only connections to one database, one per thread."""

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise NotFound(
                f"there are no demo servers at {path.parent}",
                hint="Generate the world first: amity demo generate DIR.",
            )
        self._uri = f"{path.resolve().as_uri()}?mode=ro"
        self._local = threading.local()
        found = self.value("SELECT value FROM meta WHERE key = 'schema'")
        if found != SCHEMA_VERSION:
            raise UsageError(
                f"{path} was written by another version of amity's demo "
                f"(schema {found}, not {SCHEMA_VERSION})",
                hint="Generate the world again: amity demo generate DIR.",
            )

    @property
    def connection(self) -> sqlite3.Connection:
        """Return this thread's connection."""
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self._uri, uri=True, check_same_thread=False)
            connection.execute("PRAGMA query_only=ON")
            self._local.connection = connection
        return connection

    def one(self, sql: str, *args: Any) -> tuple[Any, ...] | None:
        """Return the first row of a query, or None."""
        row: tuple[Any, ...] | None = self.connection.execute(sql, args).fetchone()
        return row

    def all(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        """Return every row of a query."""
        return self.connection.execute(sql, args).fetchall()

    def value(self, sql: str, *args: Any) -> Any:
        """Return the first column of the first row, or None."""
        row = self.one(sql, *args)
        return row[0] if row else None
