"""Long lists show a screenful, say how many more there are, and print a command that shows them.

`--limit N` is the same option on every command that lists; `--limit 0` shows everything, and
`--json` gives the whole list unless `--limit` is given.
"""

from __future__ import annotations

import re
import shlex
from typing import Any

import orjson
import pytest
from typer.testing import CliRunner, Result

from amity.cli import app
from amity.demo import generate

runner = CliRunner()
MORE = re.compile(r"^(\d[\d,]*) more(?: \w+)?: (amity .*)$", re.MULTILINE)
NUMBER = re.compile(r"#(\d+)")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> str:
    root = tmp_path_factory.mktemp("limits")
    world = generate(root / "world", posts=2000, seed=7)
    path = str(root / "ws")
    result = runner.invoke(app, ["import", *map(str, world.archives), "-w", path])
    assert result.exit_code == 0, result.output
    return path


def run(*args: str) -> Result:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result


def as_json(*args: str) -> Any:
    return orjson.loads(run(*args, "--json").stdout)


def rest_of(result: Result) -> tuple[int, list[str]]:
    """Return how many more the table left out, and the command printed to show them all."""
    found = MORE.search(result.stderr)
    assert found, result.stderr
    words = shlex.split(found[2])
    given = words[:-2] if words[-2:-1] == ["--workspace"] else words  # the workspace comes last
    assert words[0] == "amity" and given[-2:] == ["--limit", "0"]
    return int(found[1].replace(",", "")), words[1:]


def people_in(result: Result) -> list[int]:
    return [int(number) for number in NUMBER.findall(result.stdout)]


def test_people_list_shows_fifty_then_the_command_for_the_rest(workspace: str) -> None:
    everyone = as_json("people", "list", "-w", workspace)["people"]
    assert len(everyone) > 50  # --json is not cut without --limit
    table = run("people", "list", "-w", workspace)
    assert people_in(table) == [p["person_id"] for p in everyone[:50]]
    hidden, again = rest_of(table)
    assert hidden == len(everyone) - 50
    assert "--workspace" in again  # it runs on this workspace, wherever it is pasted
    assert people_in(run(*again)) == [p["person_id"] for p in everyone]


def test_the_command_for_the_rest_keeps_the_options_given(workspace: str) -> None:
    args = ("people", "list", "--circle", "3", "--at", "2026-09-30", "-w", workspace)
    third = as_json(*args)["people"]
    table = run(*args, "--limit", "2")
    assert len(people_in(table)) == 2
    hidden, again = rest_of(table)
    assert hidden == len(third) - 2
    assert people_in(run(*again)) == [p["person_id"] for p in third]
    assert len(as_json(*args, "--limit", "2")["people"]) == 2


def test_drifting_takes_the_same_limit(workspace: str) -> None:
    everything = as_json("people", "drifting", "-w", workspace)
    assert len(everything["drifting"]) >= 2
    one = as_json("people", "drifting", "--limit", "1", "-w", workspace)
    assert one["drifting"] == everything["drifting"][:1]
    table = run("people", "drifting", "--limit", "1", "-w", workspace)
    hidden, again = rest_of(table)
    assert hidden == len(everything["drifting"]) - 1
    assert run(*again).stdout == run("people", "drifting", "-w", workspace).stdout


def test_suggestions_show_twenty_and_all_with_limit_zero(workspace: str) -> None:
    args = ("people", "suggestions", "--min-score", "0.3", "-w", workspace)
    every = as_json(*args)
    assert len(every) > 20
    assert as_json(*args, "--limit", "0") == every
    table = run(*args)
    assert table.stdout.count("\n│ 20 │") == 1 and "│ 21 │" not in table.stdout
    hidden, again = rest_of(table)
    assert hidden == len(every) - 20
    assert f"│ {len(every)} │" in run(*again).stdout


def test_a_limit_past_the_end_shows_all_and_says_nothing_more(workspace: str) -> None:
    table = run("people", "list", "--limit", "100000", "-w", workspace)
    assert not MORE.search(table.stderr)


def test_negative_limits_are_refused(workspace: str) -> None:
    for command in (("people", "list"), ("people", "drifting"), ("people", "suggestions")):
        result = runner.invoke(app, [*command, "--limit", "-1", "-w", workspace])
        assert result.exit_code == 2, result.output
