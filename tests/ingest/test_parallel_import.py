"""Reading in a second process stores exactly what reading in one does, and fails the same way."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import Engine

from amity import demo
from amity.config import load_settings
from amity.errors import SourceError
from amity.ingest import import_archives
from amity.store import open_store
from tests.ingest.helpers import snapshot, without_run_times

FIXTURES = Path(__file__).parents[1] / "fixtures"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> demo.DemoWorld:
    """A small demo world with both networks."""
    return demo.generate(tmp_path_factory.mktemp("world"), posts=3_000, seed=11)


def _store(folder: Path) -> Engine:
    return open_store(load_settings(folder, environ={}), create=True)


def _import(engine: Engine, paths: list[Path], *, parallel: bool) -> dict[str, object]:
    report = import_archives(engine, paths, parallel=parallel, clock=lambda: 1_700_000_000.0)
    return {"counts": report.counts, "records": report.records, "problems": report.problems}


def test_both_ways_store_the_same_rows(world: demo.DemoWorld, tmp_path: Path) -> None:
    apart, here = _store(tmp_path / "apart"), _store(tmp_path / "here")
    archives = list(world.archives)
    assert _import(apart, archives, parallel=True) == _import(here, archives, parallel=False)
    assert without_run_times(snapshot(apart)) == without_run_times(snapshot(here))
    # Again, on a store that holds it all: nothing new either way.
    assert _import(apart, archives, parallel=True) == _import(here, archives, parallel=False)
    assert without_run_times(snapshot(apart)) == without_run_times(snapshot(here))


def test_problems_cross_from_the_reading_process(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    shutil.copytree(FIXTURES / "mastodon" / "eramdam-testaccount", folder)
    outbox = json.loads((folder / "outbox.json").read_text())
    del outbox["orderedItems"][2]["object"]
    (folder / "outbox.json").write_text(json.dumps(outbox))
    apart = _import(_store(tmp_path / "apart"), [folder], parallel=True)
    here = _import(_store(tmp_path / "here"), [folder], parallel=False)
    assert apart == here
    assert len(apart["problems"]) == 1  # type: ignore[arg-type]


def test_an_error_while_reading_apart_is_raised_here_and_nothing_is_stored(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "export"
    shutil.copytree(FIXTURES / "mastodon" / "eramdam-testaccount", folder)
    outbox = folder / "outbox.json"
    outbox.write_bytes(outbox.read_bytes()[: outbox.stat().st_size // 2])
    engine = _store(tmp_path / "ws")
    before = snapshot(engine)
    with pytest.raises(SourceError) as apart:
        import_archives(engine, [folder], parallel=True)
    with pytest.raises(SourceError) as here:
        import_archives(engine, [folder], parallel=False)
    assert (apart.value.file, apart.value.item, str(apart.value)) == (
        here.value.file,
        here.value.item,
        str(here.value),
    )
    assert snapshot(engine) == before
