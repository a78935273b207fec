"""Printed commands run as printed; -h, --version, --workspace before the command; help words."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
import typer.main
from tests.cli.shell import QUOTED, pasted
from typer.testing import CliRunner

from amity.cli import app
from amity.cli.text import command_line

runner = CliRunner()


@pytest.mark.parametrize(
    "word", ["#12", "[x]", "it's", "$HOME", "a;b", "two words", "x:ana", "-w", "*"]
)
def test_a_command_line_gives_the_shell_each_word_as_written(word: str) -> None:
    line = command_line(["people", "show", word], workspace="my work/space")
    assert shlex.split(line) == ["amity", "people", "show", word, "--workspace", "my work/space"]
    assert command_line(["people", "show", "#12"]) == "amity people show '#12'"


def test_a_hint_names_the_workspace_the_command_ran_in_and_runs(here: Path) -> None:
    result = runner.invoke(app, ["people", "list", "-w", "my ws"])
    assert result.exit_code == 1
    assert QUOTED.findall(result.stderr) == ["amity init --workspace 'my ws'"]
    assert pasted("amity init --workspace 'my ws'", here).returncode == 0
    assert (here / "my ws" / "amity.db").is_file()


def test_a_hint_names_a_workspace_outside_this_folder_in_full(
    here: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "ws"
    result = runner.invoke(app, ["-w", str(elsewhere), "db", "status"])
    assert result.exit_code == 1
    assert QUOTED.findall(result.stderr) == [f"amity init --workspace {elsewhere}"]


def test_a_hint_in_the_default_workspace_names_none(here: Path) -> None:
    result = runner.invoke(app, ["people", "list"])
    assert result.exit_code == 1
    assert QUOTED.findall(result.stderr) == ["amity init"]
    default = runner.invoke(app, ["people", "list", "-w", str(here / "data" / "amity")])
    assert QUOTED.findall(default.stderr) == ["amity init"]  # given, but the default one


def test_the_workspace_may_come_before_the_command(here: Path) -> None:
    assert runner.invoke(app, ["-w", "before", "init"]).exit_code == 0
    assert (here / "before" / "amity.db").is_file()
    both = runner.invoke(app, ["--workspace", "first", "init", "--workspace", "second"])
    assert both.exit_code == 0, both.output
    assert (here / "second" / "amity.db").is_file()  # the later one wins
    assert not (here / "first").exists()
    listed = runner.invoke(app, ["-w", "before", "people", "list", "--json"])
    same = runner.invoke(app, ["people", "list", "--json", "-w", "before"])
    assert (listed.exit_code, listed.output) == (same.exit_code, same.output)


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"amity {version('amity')}\n"


def every_command() -> list[list[str]]:
    """Return the words of every command and group of amity, the top one included."""
    found: list[list[str]] = []

    def walk(command: Any, words: list[str]) -> None:
        found.append(words)
        for name, below in getattr(command, "commands", {}).items():
            walk(below, [*words, name])

    walk(typer.main.get_command(app), [])
    return found


OPTION_LINE = re.compile(r"^  (?:-\w, )?(--[\w-]+)(?: (\S+))?(?:  |$)", re.MULTILINE)


@pytest.mark.parametrize("words", every_command(), ids=lambda words: " ".join(words) or "amity")
def test_every_command_has_short_help_in_words(words: list[str]) -> None:
    short = runner.invoke(app, [*words, "-h"])
    assert short.exit_code == 0, short.output
    assert short.stdout == runner.invoke(app, [*words, "--help"]).stdout
    assert not re.search(r"<[^>\s]+>", short.stdout), short.stdout  # no <str>, <int range>
    for option, takes in OPTION_LINE.findall(short.stdout):
        assert not takes or re.fullmatch(r"[A-Z]+", takes), (option, takes)
    assert "--all  " in runner.invoke(app, ["people", "list", "-h"]).stdout  # a flag: no type


def test_help_and_output_keep_text_in_square_brackets(here: Path) -> None:
    evaluate = runner.invoke(app, ["people", "evaluate", "-h"])
    assert "`source target unixtime [type]`" in " ".join(evaluate.stdout.split())

    def bracketed(text: str = typer.Option("", help="Keep [x] and [bold]this[/bold].")) -> None:
        """Say [x] as written."""

    app.command("bracketed")(bracketed)
    try:
        shown = " ".join(runner.invoke(app, ["bracketed", "-h"]).stdout.split())
    finally:
        app.registered_commands.pop()
    assert "Say [x] as written." in shown
    assert "Keep [x] and [bold]this[/bold]." in shown
    assert runner.invoke(app, ["init", "-w", "ws"]).exit_code == 0
    missing = runner.invoke(app, ["people", "show", "[x] [bold]y", "-w", "ws"])
    assert missing.exit_code == 1
    assert "[x] [bold]y" in missing.stderr


def test_completion_can_be_shown_for_a_shell() -> None:
    """Run from bash, as a start-up file runs it: the completion is bash's own."""
    amity = shlex.quote(str(Path(sys.executable).with_name("amity")))
    shown = subprocess.run(
        ["bash", "-c", f"{amity} --show-completion; true"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert shown.stderr == ""
    assert "_AMITY_COMPLETE=complete_bash" in shown.stdout
    assert "complete -o default -F _amity_completion amity" in shown.stdout
