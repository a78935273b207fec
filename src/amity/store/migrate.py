"""Run the Alembic migrations shipped inside the package."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from amity.errors import SchemaOutOfDate, SchemaTooNew

MIGRATIONS = Path(__file__).with_name("migrations")


@dataclass(frozen=True, slots=True)
class SchemaStatus:
    """Where the database schema stands against this version of amity."""

    current: str | None
    head: str
    known: bool = True
    """False when the revision is none this version of amity has: a newer amity wrote it."""

    @property
    def up_to_date(self) -> bool:
        """Return True when the database is at the newest revision."""
        return self.current == self.head


def _config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database to ``revision`` (the newest by default)."""
    status = get_status(engine)
    if not status.known:
        raise too_new(status)
    command.upgrade(_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Migrate the database back to ``revision`` ('base' empties it)."""
    command.downgrade(_config(engine), revision)


def get_status(engine: Engine) -> SchemaStatus:
    """Return the database's current revision beside the newest one."""
    scripts = ScriptDirectory.from_config(_config(engine))
    head = scripts.get_current_head()
    assert head is not None, "the package ships at least one migration"
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    known = current is None or current in {script.revision for script in scripts.walk_revisions()}
    return SchemaStatus(current=current, head=head, known=known)


def require_current(engine: Engine) -> None:
    """Fail with a clear message unless the schema is at the newest revision."""
    status = get_status(engine)
    if not status.known:
        raise too_new(status)
    if status.current is None:
        raise SchemaOutOfDate(
            "the store holds no amity schema yet: it was never set up",
            hint="Run `amity init` to set it up.",
        )
    if not status.up_to_date:
        raise SchemaOutOfDate(
            f"the database schema is at {status.current}, amity needs {status.head}",
            hint="Run `amity db upgrade` (your data is kept).",
        )


def too_new(status: SchemaStatus) -> SchemaTooNew:
    """Return the error of a store written by a newer amity than this one."""
    return SchemaTooNew(
        f"the store was written by a newer version of amity: its schema is at {status.current},"
        f" and this version knows revisions up to {status.head}",
        hint="Upgrade amity (pip install --upgrade amity) to use this store; nothing was changed.",
    )
