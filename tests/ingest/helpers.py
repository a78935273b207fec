"""Helpers for import tests: snapshots of the whole store and independent counts of sources."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

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
