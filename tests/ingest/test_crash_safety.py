"""A crash or a full disk in the middle of an import leaves the store as it was."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, select

from amity import demo
from amity.config import load_settings
from amity.errors import StoreError
from amity.ingest import import_archives
from amity.store import open_store
from amity.store.engine import open_engine
from amity.store.schema import metadata, people

FIXTURES = Path(__file__).parents[1] / "fixtures"


def content(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Return the store's rows, less what records when an import ran rather than what it read."""
    tables: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            if table.name == "import_runs":
                continue
            columns = [c for c in table.columns if not (table is people and c.name == "created_at")]
            rows = connection.execute(select(*columns)).all()
            tables[table.name] = sorted((tuple(row) for row in rows), key=repr)
    return tables


def schema(engine: Engine) -> list[tuple[Any, ...]]:
    """Return the store's tables and indexes as SQLite records them."""
    with engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT type, name, sql FROM sqlite_master").all()
    return sorted(tuple(row) for row in rows)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> demo.DemoWorld:
    """A demo world large enough that its import takes a few seconds."""
    return demo.generate(tmp_path_factory.mktemp("world"), posts=40_000, seed=5)


def _start_import(workspace: Path, archives: tuple[Path, ...]) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "amity", "import", *map(str, archives), "-w", str(workspace)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait_for_writes(workspace: Path, child: subprocess.Popen[bytes]) -> None:
    """Wait until the import has written a good part of its transaction to the WAL."""
    wal = workspace / "amity.db-wal"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and child.poll() is None:
        if wal.exists() and wal.stat().st_size > 8 << 20:
            return
        time.sleep(0.02)
    pytest.fail("the import ended or stalled before it had written much")


def _wait_for_no_process_naming(workspace: Path) -> None:
    """Fail if any process of the killed import (its reading process) lives on."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        alive = []
        for entry in Path("/proc").iterdir():
            with contextlib.suppress(OSError):
                if (
                    entry.name.isdigit()
                    and str(workspace).encode() in (entry / "cmdline").read_bytes()
                ):
                    alive.append(entry.name)
        if not alive:
            return
        time.sleep(0.05)
    pytest.fail(f"processes of the killed import live on: {alive}")


def test_kill_9_mid_import_then_import_again_equals_a_clean_import(
    world: demo.DemoWorld, tmp_path: Path
) -> None:
    workspace = tmp_path / "crashed"
    fresh = open_store(load_settings(workspace, environ={}), create=True)
    fresh_schema = schema(fresh)
    fresh.dispose()
    child = _start_import(workspace, world.archives)
    _wait_for_writes(workspace, child)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    _wait_for_no_process_naming(workspace)

    crashed = open_engine(f"sqlite:///{workspace / 'amity.db'}")
    assert all(rows == [] for rows in content(crashed).values()), "a half import is visible"
    assert schema(crashed) == fresh_schema, "the import's index rebuild is half done"

    import_archives(crashed, list(world.archives))
    clean = open_store(load_settings(tmp_path / "clean", environ={}), create=True)
    import_archives(clean, list(world.archives))
    assert content(crashed) == content(clean)
    assert schema(crashed) == schema(clean) == fresh_schema


def test_a_full_disk_is_a_clear_error_and_the_store_stays_consistent(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "ws", environ={})
    engine = open_store(settings, create=True)
    import_archives(engine, [FIXTURES / "mastodon" / "eramdam-testaccount"])
    before = content(engine)
    engine.dispose()

    limited = open_engine(settings.database_url)

    @event.listens_for(limited, "connect")
    def _limit(dbapi_connection: Any, _record: object) -> None:
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count={pages + 40}")

    with pytest.raises(StoreError, match="full") as caught:
        import_archives(limited, [FIXTURES / "mastodon" / "dealingwith.zip"], also_mine=True)
    assert "Free some space" in caught.value.hint
    limited.dispose()
    assert content(open_engine(settings.database_url)) == before
