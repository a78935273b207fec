"""Alembic environment: run migrations on the engine amity hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from amity.store.schema import metadata

engine: Engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,
        compare_type=True,
    )
    context.run_migrations()
