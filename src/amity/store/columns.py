"""Read a query's integer columns straight into NumPy, for the analyses that work on columns."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Connection, Select

PARTITION = 100_000


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
