"""Open the store: a SQLite file in the workspace by default, PostgreSQL when configured."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from amity.errors import StoreError


def open_engine(url: str) -> Engine:
    """Create an engine for ``url``, with SQLite tuned for a single-user workspace."""
    try:
        engine = create_engine(url, future=True)
    except (ArgumentError, NoSuchModuleError) as error:
        raise StoreError(
            f"cannot use the database URL {_redact(url)!r}: {error}",
            hint="Use sqlite:///PATH or postgresql+psycopg://USER@HOST/NAME.",
        ) from error
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _tune_sqlite)
        event.listen(engine, "begin", _begin_sqlite)
    return engine


def _tune_sqlite(dbapi_connection: Any, _record: object) -> None:
    # WAL lets the web workspace read while an import writes; NORMAL is durable at each commit
    # in WAL mode. The driver's own transaction handling is switched off: it would open a
    # transaction only before INSERT, UPDATE or DELETE, so DDL (an import drops and rebuilds
    # indexes) and the reads before the first write would run outside it. ``_begin_sqlite``
    # starts every transaction instead.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA cache_size=-32768")
    cursor.close()


def _begin_sqlite(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN")


def _redact(url: str) -> str:
    """Hide a password in a database URL before it is shown anywhere."""
    scheme, sep, rest = url.partition("://")
    if "@" not in rest:
        return url
    credentials, _, host = rest.rpartition("@")
    user = credentials.split(":", 1)[0]
    return f"{scheme}{sep}{user}:***@{host}" if ":" in credentials else url


def describe_url(url: str) -> str:
    """Return a database URL safe to print (its password hidden)."""
    return _redact(url)
