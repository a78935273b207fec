"""`amity people ...` from the command line: suggestions, merge, reject, split, and their errors."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import orjson
import pytest
from typer.testing import CliRunner

from amity.cli import app, common
from amity.config import load_settings
from amity.demo import DemoWorld, generate
from amity.insight.identity import DEFAULT_MIN_SCORE
from amity.store import migrate
from amity.store.engine import open_engine

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


def people(workspace: str, *args: str) -> Any:
    """Run `amity people ARGS` in ``workspace``."""
    return runner.invoke(app, ["people", *args, "-w", workspace])


def listed(workspace: str) -> list[dict[str, Any]]:
    result = people(workspace, "suggestions", "--json")
    assert result.exit_code == 0, result.output
    found: list[dict[str, Any]] = orjson.loads(result.stdout)
    return found


def names(suggestion: dict[str, Any]) -> tuple[str, str]:
    return (suggestion["first"]["name"], suggestion["second"]["name"])


def test_suggestions_json_contract(workspace: str) -> None:
    found = listed(workspace)
    assert found
    first = found[0]
    assert set(first) == {"first", "second", "score", "confidence", "evidence", "merge"}
    assert first["first"]["platform"] != first["second"]["platform"]
    assert all(s["score"] >= DEFAULT_MIN_SCORE for s in found)
    assert first["evidence"][0]["text"].startswith("same handle")
    pasted = ["amity", "people", "merge", *names(first), "--workspace", workspace]
    assert first["merge"] == shlex.join(pasted)  # runs as it is, in the workspace it came from
    limited = orjson.loads(people(workspace, "suggestions", "--json", "--limit", "1").stdout)
    assert limited == found[:1]


def test_suggestions_table_shows_accounts_score_and_evidence(
    workspace: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(common.out, "_width", 200)  # a wide terminal: no cell is wrapped
    first = listed(workspace)[0]
    result = people(workspace, "suggestions")
    assert result.exit_code == 0, result.output
    for name in names(first):
        assert name in result.stdout
    assert first["evidence"][0]["text"] in result.stdout
    assert f"{first['score']:.2f}" in result.stdout
    assert "amity people merge" in result.stderr


def test_merge_then_the_suggestion_is_gone(workspace: str) -> None:
    pair = names(listed(workspace)[0])
    result = people(workspace, "merge", *pair)
    assert result.exit_code == 0, result.output
    assert "One person now has 2 accounts" in result.stderr
    assert pair not in [names(s) for s in listed(workspace)]
    again = people(workspace, "merge", *pair)
    assert again.exit_code == 0
    assert "one person already" in again.stderr


def test_a_merged_person_is_shown_by_their_old_numbers_and_names(workspace: str) -> None:
    first = next(s for s in listed(workspace) if s["second"]["display_name"])
    numbers = {first["first"]["person_id"], first["second"]["person_id"]}
    result = people(workspace, "merge", *names(first))
    assert result.exit_code == 0, result.output
    assert "lead there too" in result.stderr
    for name in [*(f"#{number}" for number in numbers), first["second"]["display_name"]]:
        shown = people(workspace, "show", name, "--json")
        assert shown.exit_code == 0, shown.output
        person = orjson.loads(shown.stdout)["person"]
        assert person["person_id"] in numbers
        assert set(person["accounts"]) >= set(names(first))
        assert person["name"] == first["second"]["display_name"]


def test_reject_keeps_a_pair_apart(workspace: str) -> None:
    pair = names(listed(workspace)[0])
    result = people(workspace, "reject", *pair)
    assert result.exit_code == 0, result.output
    assert "Kept apart" in result.stderr
    assert pair not in [names(s) for s in listed(workspace)]


def test_split_undoes_a_merge_for_good(workspace: str) -> None:
    pair = names(listed(workspace)[0])
    people(workspace, "merge", *pair)
    result = people(workspace, "split", pair[1])
    assert result.exit_code == 0, result.output
    assert "a person of its own again" in result.stderr
    assert pair not in [names(s) for s in listed(workspace)]


@pytest.mark.parametrize(
    ("args", "message", "hint"),
    [
        (("merge", "x:nobody_here", "x:ana"), "no account named 'x:nobody_here'", "NETWORK:"),
        (("merge", "mastodon:junodraws@inkwell.social"), "at least two", "Example:"),
        (("split", "x:junodraws"), "is your own account", "--also-mine"),
        (("reject", "junodraws", "x:junodraws"), "fits 2 accounts", "full handle"),
    ],
)  # fmt: skip
def test_errors_say_what_to_do(
    workspace: str, args: tuple[str, ...], message: str, hint: str
) -> None:
    result = people(workspace, *args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert hint in result.stderr
    assert "Traceback" not in result.output


def test_an_old_schema_asks_for_an_upgrade(workspace: str) -> None:
    engine = open_engine(load_settings(Path(workspace), environ={}).database_url)
    migrate.downgrade(engine, "0002")
    engine.dispose()
    result = people(workspace, "suggestions")
    assert result.exit_code == 1
    assert "amity db upgrade" in result.stderr


@pytest.mark.parametrize("command", ["suggestions", "merge", "reject", "split"])
def test_every_command_has_an_example(command: str) -> None:
    result = runner.invoke(app, ["people", command, "--help"])
    assert result.exit_code == 0
    assert "Example: amity people " + command in result.stdout
