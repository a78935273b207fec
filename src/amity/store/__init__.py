"""The store: schema, migrations and data-access functions over SQLite or PostgreSQL."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from amity.config import PRIVATE_FILE, Settings, create_workspace
from amity.errors import StoreError

if TYPE_CHECKING:
    from sqlalchemy import Engine

# SQLAlchemy and Alembic load when a store is opened, not when the package is imported: a
# first look at a store (``store.glance``) must not pay for them.

SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")
"""The files SQLite keeps beside a database while it is open; they hold its data too."""


def open_store(settings: Settings, *, create: bool = False) -> Engine:
    """Open the workspace's store; with ``create``, make a new workspace and schema first.

    A SQLite store is a file readable by its owner only. A database file that is empty (cut
    to 0 bytes) is refused, never set up again silently over what it held; without ``create``,
    so is a missing one.
    """
    from amity.store import migrate
    from amity.store.engine import open_engine, parse_url, sqlite_file

    parse_url(settings.database_url)
    path = sqlite_file(settings.database_url)
    if path is not None:
        _check_file(path, create=create)
    if not create:
        return open_engine(settings.database_url)
    create_workspace(settings)
    if path is not None:
        _make_private(path)
    engine = open_engine(settings.database_url)
    if migrate.get_status(engine).current is None:
        migrate.upgrade(engine)
    return engine


def _check_file(path: Path, *, create: bool) -> None:
    """Refuse a SQLite database file that was emptied, or, unless creating one, is missing."""
    if path.is_dir():
        raise StoreError(
            f"the database {path} is a folder, not a file",
            hint="Move it away, or point AMITY_DATABASE_URL at a file.",
        )
    if path.is_file() and path.stat().st_size == 0:
        raise StoreError(
            f"the database file {path} is empty (0 bytes): it was cut short or damaged,"
            " and holds none of your data",
            hint=f"Put a backup of it back at {path}; or, to start an empty store, move it"
            " away and run `amity init`.",
        )
    if not create and not path.exists():
        raise StoreError(
            f"there is no database at {path}",
            hint="Run `amity init` to create an empty one, or put a backup of it back.",
        )


def _make_private(path: Path) -> None:
    """Create the database file readable by its owner only, or make an existing one so.

    SQLite gives its ``-wal`` and ``-shm`` files the mode of the database file.
    """
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    except FileExistsError:
        for file in (path, *(path.with_name(path.name + end) for end in SQLITE_COMPANIONS)):
            with contextlib.suppress(OSError):  # not ours to change, or gone meanwhile
                file.chmod(PRIVATE_FILE)
    except OSError as error:
        raise StoreError(
            f"cannot create the database file {path}: {error.strerror}",
            hint="Check that its folder exists and that you may write there.",
        ) from error
