"""Migrations run from empty to head and back on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from amity.store import migrate
from amity.store.schema import metadata

TABLES = {"accounts", "people", "posts", "post_payloads", "interactions", "threads", "import_runs",
          "connections", "sync_state", "sync_queue", "api_ids", "notifications",
          "circle_pins", "person_notes", "person_tags", "identity_decisions",
          "inbox_marks"}  # fmt: skip


def _check_round_trip(engine: Engine) -> None:
    assert migrate.get_status(engine).current is None
    migrate.upgrade(engine)
    status = migrate.get_status(engine)
    assert status.up_to_date
    assert set(inspect(engine).get_table_names()) >= TABLES
    for table in metadata.sorted_tables:
        stored = {column["name"] for column in inspect(engine).get_columns(table.name)}
        assert stored == {column.name for column in table.columns}, table.name
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == [], "schema.py and the migrations disagree"
    migrate.downgrade(engine, "base")
    assert migrate.get_status(engine).current is None
    assert not TABLES & set(inspect(engine).get_table_names())
    migrate.upgrade(engine)
    assert migrate.get_status(engine).up_to_date


def test_sqlite_empty_to_head_and_back(tmp_path: object) -> None:
    from amity.store.engine import open_engine

    engine = open_engine(f"sqlite:///{tmp_path}/store.db")
    _check_round_trip(engine)
    with engine.connect() as connection:
        mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
    assert mode == "wal"


@pytest.mark.postgres
def test_postgres_empty_to_head_and_back(pg_engine: Engine) -> None:
    _check_round_trip(pg_engine)
