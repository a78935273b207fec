"""The workspace as the CLI and the web open it: create, upgrade, describe, and open its store.

Every workflow takes a ``Workspace``: its settings, and its store, opened when a workflow first
needs it. This module loads neither SQLAlchemy nor Alembic when imported, and a workflow that can
answer from a first look at the store (``store.glance``) does so before they load: `amity people
list` on a workspace with nothing imported yet answers in the time the interpreter takes to start.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from amity.config import Settings, require_workspace
from amity.errors import NotFound, SchemaTooNew
from amity.store.glance import glance_at

if TYPE_CHECKING:
    from sqlalchemy import Engine

NO_OWN_HINT = "Import one of your own archives first: `amity import PATH` (see docs/sources.md)."


class Workspace:
    """A workspace: its settings, and its store, opened (schema checked) when first used."""

    __slots__ = ("_engine", "settings")

    def __init__(self, settings: Settings, engine: Engine | None = None) -> None:
        self.settings = settings
        self._engine = engine

    @property
    def engine(self) -> Engine:
        """Return the workspace's store, opening it first; fail unless its schema is current."""
        if self._engine is None:
            self._engine = _open_current(self.settings, create=False)
        return self._engine

    @property
    def path(self) -> Path:
        """Return the workspace's folder."""
        return self.settings.workspace

    def require_own_account(self) -> None:
        """Fail unless the store holds an account of the user's; from a first look if it can.

        A SQLite store at the current schema with no account of the user's is answered without
        loading SQLAlchemy. Otherwise nothing is decided here: the workflow reads the store and
        says the same, or whatever else is wrong, in its own words.
        """
        if self._engine is not None:
            return
        glance = glance_at(self.settings.database_url)
        if glance is not None and glance.current and glance.own_person is None:
            raise no_own_account()


def no_own_account() -> NotFound:
    """Return the error of a store that holds none of the user's own accounts yet."""
    return NotFound("there is no account of yours in the store yet", hint=NO_OWN_HINT)


def open_workspace(settings: Settings, *, create: bool = False) -> Workspace:
    """Return the workspace of ``settings``; with ``create``, make it (and its store) first.

    Without ``create`` the workspace must exist; its store opens when a workflow first needs it.
    """
    if create:
        return Workspace(settings, _open_current(settings, create=True))
    require_workspace(settings)
    return Workspace(settings)


def _open_current(settings: Settings, *, create: bool) -> Engine:
    from amity.store import open_store
    from amity.store.migrate import require_current

    if not create:
        require_workspace(settings)
    engine = open_store(settings, create=create)
    require_current(engine)
    return engine


@dataclass(frozen=True, slots=True)
class WorkspaceReady:
    """A workspace made or brought up to date by ``amity init``: where it is, what store."""

    workspace: Path
    database: str
    """The database URL, safe to print (no password)."""


def init_workspace(settings: Settings) -> WorkspaceReady:
    """Create a workspace (folder, settings, database) or bring an existing one up to date."""
    from amity.store import migrate, open_store
    from amity.store.engine import describe_url

    migrate.upgrade(open_store(settings, create=True))
    return WorkspaceReady(settings.workspace, describe_url(settings.database_url))


@dataclass(frozen=True, slots=True)
class Upgrade:
    """What ``amity db upgrade`` did: the schema revision before and after."""

    before: str | None
    after: str | None

    @property
    def changed(self) -> bool:
        """Return whether the schema moved."""
        return self.before != self.after


def upgrade_workspace(settings: Settings) -> Upgrade:
    """Migrate the store's schema to this version of amity, keeping the data."""
    from amity.store import migrate, open_store

    require_workspace(settings)
    engine = open_store(settings)
    before = migrate.get_status(engine).current
    migrate.upgrade(engine)
    return Upgrade(before, migrate.get_status(engine).current)


@dataclass(frozen=True, slots=True)
class WorkspaceStatus:
    """Where the store is, its schema against this amity's, and how much it holds.

    ``totals`` counts the main tables by name, and is None unless the schema is current.
    ``too_new`` says what to do about a store a newer amity wrote.
    """

    workspace: Path
    database: str
    revision: str | None
    head: str
    known: bool
    totals: dict[str, int] | None
    too_new: SchemaTooNew | None

    @property
    def up_to_date(self) -> bool:
        """Return whether the schema is the newest this amity knows."""
        return self.revision == self.head


def get_workspace_status(settings: Settings) -> WorkspaceStatus:
    """Return the store's place, schema revision and totals (the totals if it is current)."""
    from amity.store import migrate, open_store
    from amity.store.engine import describe_url
    from amity.store.reads import get_totals

    require_workspace(settings)
    engine = open_store(settings)
    state = migrate.get_status(engine)
    totals = None
    if state.up_to_date:
        with engine.connect() as connection:
            found = get_totals(connection)
        totals = {name: getattr(found, name) for name in found.__slots__}
    return WorkspaceStatus(
        workspace=settings.workspace,
        database=describe_url(settings.database_url),
        revision=state.current,
        head=state.head,
        known=state.known,
        totals=totals,
        too_new=None if state.known else migrate.too_new(state),
    )
