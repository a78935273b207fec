"""Bulk loading: build a table's secondary indexes once, after its first load, not row by row.

Keeping four secondary indexes up to date costs each inserted row four B-tree insertions at
random places; building an index over a loaded table is one sort. So when an import starts on a
table that is still empty, its secondary indexes are dropped for the length of the load and built
again before anything reads through them. Unique indexes stay: the upserts need them. The drop
and the build run inside the import's transaction, so an interrupted import leaves the schema as
it was (SQLite and PostgreSQL both roll DDL back).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import Connection, Index, Table, exists, select


@contextmanager
def deferred_indexes(connection: Connection, tables: Sequence[Table]) -> Iterator[list[str]]:
    """Drop the secondary indexes of those ``tables`` that are empty; rebuild them on exit.

    Yields the names of the indexes deferred. On an exception nothing is rebuilt: the
    transaction's rollback restores them.
    """
    deferred = [
        index for table in tables if _is_empty(connection, table) for index in _secondary(table)
    ]
    for index in deferred:
        index.drop(connection)
    yield [str(index.name) for index in deferred]
    for index in deferred:
        index.create(connection)


def _is_empty(connection: Connection, table: Table) -> bool:
    return not connection.execute(select(exists().select_from(table))).scalar()


def _secondary(table: Table) -> list[Index]:
    return sorted((index for index in table.indexes if not index.unique), key=lambda i: str(i.name))
