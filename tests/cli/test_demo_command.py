"""`amity demo`: its hints run as printed, one world a workspace, options before `generate`."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any

import orjson
import pytest
from tests.cli.shell import BIN, QUOTED, pasted
from tests.conftest import FIXTURES
from tests.ingest.helpers import snapshot
from typer.testing import CliRunner

from amity.cli import app
from amity.config import load_settings
from amity.demo import Made, read_made
from amity.store import open_store

runner = CliRunner()


def demo(*arguments: str) -> Any:
    """Run `amity demo` with ``arguments`` in this process; return the result."""
    return runner.invoke(app, ["demo", *arguments])


def totals(workspace: str) -> dict[str, int]:
    """Return what the workspace's store holds; not its import runs, which log every run."""
    result = runner.invoke(app, ["db", "status", "--json", "-w", workspace])
    assert result.exit_code == 0, result.output
    counted: dict[str, int] = orjson.loads(result.stdout)["totals"]
    return {name: count for name, count in counted.items() if name != "import_runs"}


def test_every_command_the_demo_prints_runs_pasted_into_a_shell(here: Path) -> None:
    result = runner.invoke(app, ["demo", "-w", "demo-workspace", "--posts", "100"])
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    start = lines.index("Next, in this folder:")
    following = [line.strip() for line in lines[start + 1 :] if line.startswith("  amity ")]
    assert len(following) == 3
    assert all(line.startswith("amity people ") for line in following)
    assert all(" --workspace demo-workspace " in line for line in following)
    assert re.search(r"people show '#\d+' --workspace", following[1])  # a real number, quoted
    commands = following + QUOTED.findall(result.stderr)
    assert len(commands) > len(following)
    for line in commands:
        ran = pasted(line, here)
        assert ran.returncode == 0, (line, ran.stderr)
        assert "Traceback" not in ran.stderr


def test_the_same_world_twice_is_one_world(here: Path) -> None:
    assert demo("-w", "ws", "--posts", "100", "--seed", "3").exit_code == 0
    first = totals("ws")
    again = demo("-w", "ws", "--posts", "100", "--seed", "3")
    assert again.exit_code == 0, again.output
    assert totals("ws") == first


def test_another_world_is_refused_then_replaced_when_asked(here: Path) -> None:
    assert demo("-w", "ws", "--posts", "100", "--seed", "3").exit_code == 0
    before = totals("ws")
    for other in (["--seed", "4"], ["--posts", "120", "--seed", "3"]):
        refused = demo("-w", "ws", "--posts", "100", *other)
        assert refused.exit_code == 1
        assert "already holds another demo world (seed 3, 100 posts)" in refused.stderr
        assert "--replace" in refused.stderr
        assert "Traceback" not in refused.output
        assert totals("ws") == before
    shown_again = QUOTED.findall(refused.stderr)[0]
    assert shown_again == "amity demo --seed 3 --posts 100 --workspace ws"
    assert pasted(shown_again, here).returncode == 0
    replaced = demo("-w", "ws", "--posts", "100", "--seed", "4", "--replace")
    assert replaced.exit_code == 0, replaced.output
    assert "Deleted the demo world of seed 3 (100 posts)" in replaced.stderr
    assert read_made(here / "ws" / "demo-world") == Made(seed=4, posts=100)
    assert demo("-w", "fresh", "--posts", "100", "--seed", "4").exit_code == 0
    assert totals("ws") == totals("fresh")  # the new world alone, nothing of the old one


def test_a_workspace_with_the_users_own_data_is_never_replaced(here: Path) -> None:
    archive = FIXTURES / "mastodon" / "eramdam-testaccount"
    imported = runner.invoke(app, ["import", str(archive), "-w", "ws"])
    assert imported.exit_code == 0, imported.output
    store = open_store(load_settings(here / "ws", environ={}))
    before = snapshot(store)  # every row: SQLite may checkpoint its log into the file meanwhile
    for asked in ([], ["--replace"]):
        result = demo("-w", "ws", "--posts", "100", *asked)
        assert result.exit_code == 1
        assert "holds data that is not the demo's" in result.stderr
        assert "Traceback" not in result.output
        assert snapshot(store) == before
        assert (here / "ws" / "amity.db").exists()
        assert not (here / "ws" / "demo-world").exists()


def test_posts_and_seed_before_generate_are_honoured(here: Path) -> None:
    result = runner.invoke(app, ["demo", "--posts", "60", "--seed", "5", "generate", "one"])
    assert result.exit_code == 0, result.output
    assert read_made(here / "one") == Made(seed=5, posts=60)
    later = ["demo", "--posts", "60", "--seed", "5", "generate", "two", "--posts", "70"]
    assert runner.invoke(app, later).exit_code == 0
    assert read_made(here / "two") == Made(seed=5, posts=70)  # given twice: the later one wins


@pytest.mark.parametrize("option", ["--replace", "--json"])
def test_an_option_generate_does_not_take_is_refused_before_it(here: Path, option: str) -> None:
    result = runner.invoke(app, ["demo", option, "generate", "world", "--posts", "10"])
    assert result.exit_code == 2
    assert f"{option} is for `amity demo` itself" in result.stderr
    assert not (here / "world").exists()


def test_generate_shows_its_progress_on_stderr(here: Path) -> None:
    stderr_a_terminal = {**os.environ, "TTY_COMPATIBLE": "1"}  # as Rich reads it, at its start
    result = subprocess.run(
        [f"{BIN}/amity", "demo", "generate", "world", "--posts", "600"],
        cwd=here,
        env=stderr_a_terminal,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    for step in ("Writing the Mastodon archive", "Writing the X archive", "ground truth"):
        assert step in result.stderr
    assert result.stdout == ""
