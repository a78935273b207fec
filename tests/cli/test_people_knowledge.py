"""`amity people pin/note/met/tag`: the user's own knowledge of people, from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from typer.testing import CliRunner

from amity.cli import app
from amity.config import load_settings
from amity.demo import DemoWorld, generate
from amity.store import knowledge
from amity.store.engine import open_engine
from amity.store.lookup import get_person_named

runner = CliRunner()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> DemoWorld:
    """A small demo world to import."""
    return generate(tmp_path_factory.mktemp("world"), posts=1000, seed=7)


@pytest.fixture
def workspace(tmp_path: Path, world: DemoWorld) -> str:
    """A workspace holding the demo world."""
    path = str(tmp_path / "ws")
    result = runner.invoke(app, ["import", *map(str, world.archives), "-w", path])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def someone(world: DemoWorld) -> str:
    """A contact of the demo user on X, named as the CLI takes it."""
    truth: dict[str, Any] = orjson.loads(world.ground_truth.read_bytes())
    inner = next(p for p in truth["people"] if p["layer"] == 1 and "twitter" in p["accounts"])
    return f"x:{inner['accounts']['twitter']['screen_name']}"


def people(workspace: str, *args: str) -> Any:
    """Run `amity people ARGS` in ``workspace``."""
    return runner.invoke(app, ["people", *args, "-w", workspace])


def _engine(workspace: str) -> Any:
    return open_engine(load_settings(Path(workspace), environ={}).database_url)


def test_pin_note_meet_and_tag_are_stored_for_the_person(workspace: str, someone: str) -> None:
    for args in (
        ("pin", someone, "2"),
        ("note", someone, "Moving to Lisbon in spring"),
        ("met", someone, "--where", "Bristol zine fair", "--when", "2026-05-02"),
        ("tag", someone, "Printmaking", "bristol"),
        ("tag", someone, "bristol", "--remove"),
    ):
        result = people(workspace, *args)
        assert result.exit_code == 0, result.output
    with _engine(workspace).connect() as connection:
        person, _ = get_person_named(connection, someone)
        assert knowledge.get_circle_pins(connection) == {person: 2}
        notes = knowledge.list_notes(connection, person_id=person)
        assert [(n.kind, n.text, n.place, n.happened_on) for n in notes] == [
            ("note", "Moving to Lisbon in spring", None, None),
            ("met", "", "Bristol zine fair", "2026-05-02"),
        ]
        assert knowledge.get_tags(connection) == {person: ["printmaking"]}
    assert people(workspace, "pin", someone, "--unpin").exit_code == 0
    with _engine(workspace).connect() as connection:
        assert knowledge.get_circle_pins(connection) == {}


def test_a_person_by_number_and_by_name(workspace: str, someone: str) -> None:
    with _engine(workspace).connect() as connection:
        person, name = get_person_named(connection, someone)
        assert get_person_named(connection, f"#{person}") == (person, name)
    assert people(workspace, "note", f"#{person}", "by number").exit_code == 0


def test_an_unknown_person_is_a_clear_error(workspace: str) -> None:
    result = people(workspace, "note", "x:nobody_at_all_here", "hello")
    assert result.exit_code == 1
    assert "no person named 'x:nobody_at_all_here'" in result.output
    assert "Traceback" not in result.output


def test_a_pin_needs_a_circle_or_unpin(workspace: str, someone: str) -> None:
    result = people(workspace, "pin", someone)
    assert result.exit_code == 1 and "give a circle (1 to 4) or --unpin" in result.output
    assert people(workspace, "pin", someone, "9").exit_code != 0
