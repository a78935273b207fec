"""Open the store: a SQLite file in the workspace by default, PostgreSQL when configured.

Whatever the database or its driver says goes wrong is turned here into a ``StoreError`` that
names the database (its password hidden) and says what to do. SQLAlchemy's own error text is
never shown: it carries the statement and the rows it was writing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Connection, Engine, create_engine, event, make_url
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from amity.errors import StoreError

BACKENDS = ("sqlite", "postgresql")
URL_HINT = (
    "Use sqlite:///PATH or postgresql+psycopg://USER@HOST/NAME, in AMITY_DATABASE_URL or as url"
    " under [database] in amity.toml."
)


def open_engine(url: str) -> Engine:
    """Create an engine for ``url``, with SQLite tuned for a single-user workspace."""
    parsed = parse_url(url)
    try:
        engine = create_engine(parsed)
    except NoSuchModuleError as error:
        raise _unsupported(url) from error
    except ImportError as error:
        driver = parsed.get_driver_name()
        install = "'amity[postgres]'" if driver == "psycopg" else driver
        raise StoreError(
            f"the database driver {driver!r} of {describe_url(url)} is not installed",
            hint=f"Install it (pip install {install}), or use postgresql+psycopg://…, which"
            " `pip install 'amity[postgres]'` installs.",
        ) from error
    event.listen(engine, "handle_error", _translate(describe_store(url)))
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _tune_sqlite)
        event.listen(engine, "begin", _begin_sqlite)
    return engine


def parse_url(url: str) -> URL:
    """Return ``url`` parsed; fail clearly on one amity cannot use."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as error:
        raise StoreError(
            f"cannot read the database URL {describe_url(url)}: it is not of the form"
            " DRIVER://USER:PASSWORD@HOST:PORT/NAME (a port is a number)",
            hint=URL_HINT,
        ) from error
    if parsed.get_backend_name() not in BACKENDS:
        raise _unsupported(url)
    return parsed


def describe_url(url: str) -> str:
    """Return a database URL safe to print (its password hidden)."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        # Unreadable, so where a password would be is unknown: show the scheme alone.
        scheme, found, _ = url.partition("://")
        return f"{scheme}://…" if found else "…"


def describe_store(url: str) -> str:
    """Return where the store is, to name it in a message: its file, or its URL."""
    path = sqlite_file(url)
    return str(path) if path is not None else describe_url(url)


def sqlite_file(url: str) -> Path | None:
    """Return the file of a SQLite URL, or None for another database or an in-memory one."""
    parsed = make_url(url)
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    if database.startswith("file:"):
        database = database.removeprefix("file:").partition("?")[0]
    return Path(database)


def _unsupported(url: str) -> StoreError:
    return StoreError(
        f"amity keeps its store in SQLite or PostgreSQL; {describe_url(url)} is neither",
        hint=URL_HINT,
    )


# What a driver's message says, and what amity says instead: its summary and its hint.
_CAUSES = (
    (
        ("database or disk is full", "No space", "disk full"),
        "the disk holding the store is full",
        "Free some space (or move the workspace) and run the command again.",
    ),
    (
        ("database is locked", "could not obtain lock", "deadlock"),
        "the store is busy: another amity command is writing to it",
        "Wait for the other command to finish and run this one again.",
    ),
    (
        ("readonly database", "read-only", "read only"),
        "the store is read-only here, so nothing could be written",
        "Check the database file's permissions and those of its folder (amity needs to write"
        " both), or the database user's rights.",
    ),
    (
        ("file is not a database", "disk image is malformed", "malformed database"),
        "the database file is damaged or is not a SQLite database",
        "Put a backup of it back; or, to start an empty store, move the file away and run"
        " `amity init`.",
    ),
    (
        ("unable to open database file",),
        "cannot open the database file",
        "Check that its folder exists and that you may read and write it, or fix the URL.",
    ),
    (
        ("password authentication failed", "authentication failed", "role"),
        "the database server refused the user",
        "Check the user name and password in the URL.",
    ),
    (
        ("does not exist",),
        "the database server has no such database",
        "Create it first (createdb NAME), or fix its name in the URL.",
    ),
    (
        ("invalid port",),
        "the database URL names an invalid port",
        "A port is a number from 1 to 65535; fix it in the URL.",
    ),
    (
        ("connection", "could not translate host", "timeout", "server closed", "No route"),
        "cannot reach the database server",
        "Check that the server is running and that the URL names the right host and port.",
    ),
)


def _translate(where: str) -> Callable[[ExceptionContext], None]:
    """Return a ``handle_error`` listener that raises a StoreError naming ``where``."""

    def translate(context: ExceptionContext) -> None:
        error = context.original_exception
        if not isinstance(error, Exception) or context.sqlalchemy_exception is None:
            return  # not the database's word: an interruption, or amity's own error
        raise store_error(error, where)

    return translate


def store_error(error: Exception, where: str) -> StoreError:
    """Return what a driver's ``error`` means for the store at ``where``, without its SQL."""
    text = _first_line(error)
    for needles, summary, hint in _CAUSES:
        if any(needle.lower() in text.lower() for needle in needles):
            return StoreError(f"{summary}: {where} ({text})", hint=hint)
    return StoreError(
        f"the database failed: {where} ({text})",
        hint="Run `amity db status` to check the store; run the command again with --debug"
        " for the details.",
    )


def _first_line(error: Exception) -> str:
    """Return the first line of a driver's message: the rest may quote the rows written."""
    inner = error.orig if isinstance(error, DBAPIError) else error
    lines = str(inner).strip().splitlines()
    text = lines[0] if lines else type(inner).__name__
    return text.removeprefix("connection failed: ").strip()


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
