"""Helpers for import tests: snapshots of the whole store and independent counts of sources."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Table, func, select

from amity.config import load_settings
from amity.sources.retry import RetryPolicy, Wait
from amity.store import open_store
from amity.store.schema import metadata


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Return every row of every table, sorted: two equal snapshots mean an unchanged store."""
    tables: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            rows = connection.execute(select(table)).all()
            tables[table.name] = sorted((tuple(row) for row in rows), key=repr)
    return tables


def without_run_times(state: dict[str, list[tuple[Any, ...]]]) -> dict[str, Any]:
    """Drop the import-run log, which records each run by design, from a snapshot."""
    return {name: rows for name, rows in state.items() if name != "import_runs"}


def unpack(archive: Path, into: Path) -> Path:
    """Unpack a zip fixture into a folder and return it."""
    with zipfile.ZipFile(archive) as handle:
        handle.extractall(into)
    return into


def count_outbox(folder: Path) -> dict[str, int]:
    """Count a Mastodon outbox's activities by type, independently of amity's reader."""
    items = json.loads((folder / "outbox.json").read_text())["orderedItems"]
    counts: dict[str, int] = {}
    for item in items:
        counts[item["type"]] = counts.get(item["type"], 0) + 1
    public = "https://www.w3.org/ns/activitystreams#Public"
    counts["direct"] = sum(
        1
        for item in items
        if item["type"] == "Create"
        and public not in _as_list(item.get("to")) + _as_list(item.get("cc"))
        and not any(
            str(a).endswith("/followers")
            for a in _as_list(item.get("to")) + _as_list(item.get("cc"))
        )
    )
    return counts


def _as_list(value: object) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def count_collection(path: Path) -> int:
    """Count the items of a likes.json or bookmarks.json."""
    return len(json.loads(path.read_text())["orderedItems"])


def read_js_array(path: Path) -> list[Any]:
    """Load a small X archive file (``window.YTD.x.part0 = [...]``) with the standard library."""
    text = path.read_text(encoding="utf-8")
    return list(json.loads(text[text.index("=") + 1 :]))


def run_amity(
    *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real command in a child process, as a user would; never with a traceback."""
    done = subprocess.run(
        [sys.executable, "-m", "amity", *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    return done


def count_rows(workspace: Path, tables: Sequence[Table]) -> dict[str, int]:
    """Count the rows of ``tables`` in a workspace's store."""
    engine = open_store(load_settings(workspace, environ={}))
    with engine.connect() as connection:
        found = {
            table.name: int(
                connection.execute(select(func.count()).select_from(table)).scalar_one()
            )
            for table in tables
        }
    engine.dispose()
    return found


class FakeClock:
    """A clock that sleeping moves forward, so waits are checked without waiting."""

    def __init__(self) -> None:
        self.now = time.time()
        self.sleeps: list[float] = []
        self.waits: list[Wait] = []

    def sleep(self, seconds: float) -> None:
        """Move the clock forward instead of sleeping."""
        self.sleeps.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        """Return the clock's time."""
        return self.now

    def policy(self) -> RetryPolicy:
        """Return a retry policy that runs on this clock."""
        return RetryPolicy(sleep=self.sleep, clock=self.clock, on_wait=self.waits.append)
