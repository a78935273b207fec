"""An import reports each phase as it begins, in order, reading by bytes; the bar says each."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from amity.cli import render
from amity.config import load_settings
from amity.demo import DemoWorld, generate
from amity.ingest import Phase, import_archives
from amity.store import open_store


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> DemoWorld:
    return generate(tmp_path_factory.mktemp("world"), posts=300, seed=7)


def _store(folder: Path) -> Engine:
    return open_store(load_settings(folder, environ={}), create=True)


def _import(engine: Engine, world: DemoWorld) -> list[tuple[Phase, int, int]]:
    """Import the world's archives; return every progress report, as the callback got it."""
    reports: list[tuple[Phase, int, int]] = []
    import_archives(
        engine, world.archives, parallel=False, progress=lambda *got: reports.append(got)
    )
    return reports


def _phases(reports: list[tuple[Phase, int, int]]) -> list[Phase]:
    return [
        phase for i, (phase, _, _) in enumerate(reports) if i == 0 or reports[i - 1][0] != phase
    ]


def test_every_phase_is_reported_in_order(tmp_path: Path, world: DemoWorld) -> None:
    reports = _import(_store(tmp_path / "ws"), world)
    assert _phases(reports) == list(Phase)
    total = reports[0][2]
    reading = [done for phase, done, _ in reports if phase is Phase.READING]
    assert reading[0] == 0 and reading == sorted(reading) and 0 < reading[-1] <= total
    after = [(done, all_of) for phase, done, all_of in reports if phase is not Phase.READING]
    assert set(after) == {(total, total)}


def test_indexes_are_built_only_when_a_first_import_put_them_off(
    tmp_path: Path, world: DemoWorld
) -> None:
    engine = _store(tmp_path / "ws")
    _import(engine, world)
    again = _phases(_import(engine, world))
    assert again == [phase for phase in Phase if phase is not Phase.INDEXING]


def test_the_bar_names_each_phase_as_it_begins(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(type(render.err), "is_terminal", property(lambda _: True))
    monkeypatch.setattr(render.err, "is_interactive", True)
    with render.byte_progress("Importing") as update:
        update(Phase.READING, 10, 100)
        for phase in list(Phase)[1:]:
            update(phase, 100, 100)  # sooner than the bar redraws for bytes: drawn all the same
    drawn = capsys.readouterr().err
    assert "Importing" in drawn
    for phase in list(Phase)[1:]:
        assert phase.value in drawn
