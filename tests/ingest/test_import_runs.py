"""Each import run reports its own problems; an import says it stored only what it stored; the
reading process is never forked beside another thread."""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest
from sqlalchemy import Engine, select

from amity.cli import render
from amity.config import load_settings
from amity.errors import SourceError, StoreError
from amity.ingest import Phase, import_archives, reader
from amity.store import open_store
from amity.store.schema import import_runs
from tests.ingest.helpers import snapshot

FIXTURES = Path(__file__).parents[1] / "fixtures"
MASTODON = FIXTURES / "mastodon" / "eramdam-testaccount"


def _store(folder: Path) -> Engine:
    return open_store(load_settings(folder, environ={}), create=True)


def _export_without_objects(folder: Path, items: list[int]) -> Path:
    """Copy the Mastodon fixture with the objects of some outbox items taken out."""
    shutil.copytree(MASTODON, folder)
    outbox = json.loads((folder / "outbox.json").read_text())
    for item in items:
        del outbox["orderedItems"][item]["object"]
    (folder / "outbox.json").write_text(json.dumps(outbox))
    return folder


@pytest.fixture
def background_thread() -> Iterator[None]:
    """Another thread running in this process, as a progress bar's or a web server's would."""
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join()


def test_each_run_stores_only_its_own_problems(tmp_path: Path) -> None:
    first = _export_without_objects(tmp_path / "first", [2])
    second = _export_without_objects(tmp_path / "second", [1, 3])
    engine = _store(tmp_path / "ws")
    report = import_archives(engine, [first, second], parallel=False)
    assert report.problem_count == len(report.problems) == 3
    with engine.connect() as connection:
        runs = connection.execute(
            select(
                import_runs.c.path, import_runs.c.problem_count, import_runs.c.problems
            ).order_by(import_runs.c.id)
        ).all()
    assert [(path, count) for path, count, _ in runs] == [(str(first), 1), (str(second), 2)]
    for path, count, problems in runs:
        stored: list[dict[str, Any]] = json.loads(problems)
        assert len(stored) == count
        assert all(problem["file"].startswith(path) for problem in stored)


def test_a_store_deleted_during_the_import_is_not_reported_as_success(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    engine = _store(workspace)

    def delete_the_workspace(phase: Phase, done: int, total: int) -> None:
        shutil.rmtree(workspace, ignore_errors=True)

    with pytest.raises(StoreError, match="deleted or replaced while the import ran") as caught:
        import_archives(engine, [MASTODON], parallel=False, progress=delete_the_workspace)
    assert "Run the import again" in caught.value.hint
    engine.dispose()


@pytest.mark.parametrize("parallel", [False, True])
def test_json_nested_deeper_than_python_recurses(tmp_path: Path, parallel: bool) -> None:
    folder = tmp_path / "export"
    shutil.copytree(MASTODON, folder)
    outbox = folder / "outbox.json"
    deep = "[" * 100_000 + "]" * 100_000
    text = json.dumps(json.loads(outbox.read_text()))
    text = text.replace('"orderedItems": [', f'"orderedItems": [{deep}, ', 1)
    assert deep in text
    outbox.write_text(text)
    engine = _store(tmp_path / "ws")
    before = snapshot(engine)
    with pytest.raises(SourceError, match="nested deeper") as caught:
        import_archives(engine, [folder], parallel=parallel)
    assert caught.value.file == str(folder)
    assert snapshot(engine) == before


def test_the_reading_process_is_not_forked_beside_another_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, background_thread: None
) -> None:
    assert reader.start_method() == "spawn"

    def no_fork() -> NoReturn:
        raise AssertionError("forked while another thread runs")

    monkeypatch.setattr(os, "fork", no_fork)
    apart, here = _store(tmp_path / "apart"), _store(tmp_path / "here")
    clock = lambda: 1_700_000_000.0  # noqa: E731
    assert (
        import_archives(apart, [MASTODON], parallel=True, clock=clock).counts
        == import_archives(here, [MASTODON], parallel=False, clock=clock).counts
    )


def test_alone_in_its_process_the_reading_process_is_forked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    monkeypatch.setattr(reader.multiprocessing, "get_all_start_methods", lambda: ["fork"])
    assert reader.start_method() == "fork"
    monkeypatch.setattr(reader.multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    assert reader.start_method() == "spawn"


def test_the_progress_bar_runs_no_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(type(render.err), "is_terminal", property(lambda _: True))
    threads = threading.active_count()
    with render.byte_progress("Importing") as update:
        update(Phase.READING, 10, 100)
        assert threading.active_count() == threads
        update(Phase.INDEXING, 100, 100)
