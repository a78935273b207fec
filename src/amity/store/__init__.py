"""The store: schema, migrations and data-access functions over SQLite or PostgreSQL."""

from __future__ import annotations

from sqlalchemy import Engine

from amity.config import Settings, create_workspace
from amity.store import migrate
from amity.store.engine import open_engine


def open_store(settings: Settings, *, create: bool = False) -> Engine:
    """Open the workspace's store; with ``create``, make a new workspace and schema first."""
    if create:
        fresh = create_workspace(settings)
        engine = open_engine(settings.database_url)
        if fresh or migrate.get_status(engine).current is None:
            migrate.upgrade(engine)
        return engine
    return open_engine(settings.database_url)
