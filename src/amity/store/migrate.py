"""Run the Alembic migrations shipped inside the package."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from amity.errors import SchemaOutOfDate

MIGRATIONS = Path(__file__).with_name("migrations")


@dataclass(frozen=True, slots=True)
class SchemaStatus:
    """Where the database schema stands against this version of amity."""

    current: str | None
    head: str

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
    command.upgrade(_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Migrate the database back to ``revision`` ('base' empties it)."""
    command.downgrade(_config(engine), revision)


def get_status(engine: Engine) -> SchemaStatus:
    """Return the database's current revision beside the newest one."""
    head = ScriptDirectory.from_config(_config(engine)).get_current_head()
    assert head is not None, "the package ships at least one migration"
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    return SchemaStatus(current=current, head=head)


def require_current(engine: Engine) -> None:
    """Fail with a clear message unless the schema is at the newest revision."""
    status = get_status(engine)
    if not status.up_to_date:
        raise SchemaOutOfDate(
            f"the database schema is at {status.current or 'nothing'}, amity needs {status.head}",
            hint="Run `amity db upgrade` (your data is kept).",
        )
