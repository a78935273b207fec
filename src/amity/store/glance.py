"""A first look at a SQLite store, through the standard library alone, before SQLAlchemy loads.

Loading SQLAlchemy, Alembic and NumPy takes most of a second; reading two small facts from a
SQLite file takes a millisecond. Commands that would end at once on an empty store (``amity
people list`` before any import: "there is no account of yours") look here first, and so answer
in the time it takes to start the interpreter. The look is only ever a shortcut to the same
answer: whenever it is unsure (another database, a URL with options, a file that is missing,
empty, damaged, locked or at another schema) it says nothing, and the command takes its usual
path with its usual messages.

These are the only statements in amity outside ``store.driver`` that skip SQLAlchemy, and for
this reason only: not to load it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

HEAD_REVISION = "0006"
"""The newest migration this version of amity ships (a test checks it against Alembic's head)."""
SQLITE_PREFIX = "sqlite:///"


@dataclass(frozen=True, slots=True)
class Glance:
    """What a first look at a store found: its schema revision, and the user's own person."""

    revision: str | None
    own_person: int | None

    @property
    def current(self) -> bool:
        """Return whether the schema is the one this version of amity needs."""
        return self.revision == HEAD_REVISION


def glance_at(database_url: str) -> Glance | None:
    """Return a first look at the SQLite store of ``database_url``; None when unsure.

    The own person is read only from a store at the current schema, by the statement the
    history read uses (``store.history``): the first of the user's accounts, by id.
    """
    path = _plain_sqlite_file(database_url)
    if path is None or not path.is_file() or path.stat().st_size == 0:
        return None
    try:
        connection = sqlite3.connect(f"file:{quote(str(path))}?mode=rw", uri=True, timeout=1.0)
    except sqlite3.Error:
        return None
    try:
        return _look(connection)
    except sqlite3.Error:
        return None
    finally:
        connection.close()


def _look(connection: sqlite3.Connection) -> Glance | None:
    revisions = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    if len(revisions) != 1:
        return None  # never set up, or a state Alembic itself must judge
    revision = str(revisions[0][0])
    if revision != HEAD_REVISION:
        return Glance(revision=revision, own_person=None)
    row = connection.execute(
        "SELECT person_id FROM accounts WHERE is_own ORDER BY id LIMIT 1"
    ).fetchone()
    own = None if row is None or row[0] is None else int(row[0])
    return Glance(revision=revision, own_person=own)


def _plain_sqlite_file(database_url: str) -> Path | None:
    """Return the file of a plain ``sqlite:///PATH`` URL; None for anything more involved.

    Only the form amity writes itself is read here (no driver name, options, percent-escapes
    or memory database); SQLAlchemy reads every other one on the usual path.
    """
    if not database_url.startswith(SQLITE_PREFIX):
        return None
    database = database_url.removeprefix(SQLITE_PREFIX)
    if not database or database.startswith("file:") or any(c in database for c in "?%#"):
        return None
    if database == ":memory:":
        return None
    return Path(database)
