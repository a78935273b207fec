"""Every command, given bad arguments: a clear message, exit 1 or 2, and the store untouched.

The commands are found in the Typer app itself, so a new command or option is covered here
without a word. Each of its arguments, then each option that takes a value, gets every value of
``BAD_VALUES``; then the whole command runs against ``BAD_WORKSPACES``. A run must end with exit
code 1 (amity's own message) or 2 (a usage error from the command line), with no traceback, no
"bug in amity", nothing a terminal would act on, and the workspace's store as it was.

Commands that talk to servers run too, but never reach the network: the workspace has no
connected account, Bluesky's server is a closed loopback port, and any name lookup or connection
to another host fails here as it would off line.
"""

from __future__ import annotations

import shutil
import signal
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main
from tests.cli.test_hostile_text import assert_safe
from tests.ingest.helpers import snapshot
from typer.testing import CliRunner, Result

from amity.cli import app
from amity.config import load_settings
from amity.demo import generate
from amity.store import open_store

runner = CliRunner()

BAD_VALUES = {
    "empty": "",
    "huge number": "99999999999999999999",
    "negative number": "-5",
    "not a number": "many",
    "nan": "nan",
    "malformed date": "2026-13-45",
    "huge person number": "#99999999999999999999",
    "control characters": "\x1b]0;title\x07ana\u202e\x9b2J",
    "non-existent path": "{tmp}/absent/none",
}
BAD_WORKSPACES = {"missing, under a file": "{file}/workspace", "a file": "{file}", "empty": ""}
ANY = frozenset(BAD_VALUES)
ACCEPTED: dict[tuple[str, str], tuple[frozenset[str], str]] = {
    ("demo generate", "directory"): (
        ANY - {"empty", "negative number"},
        "any folder that can be made is a place to write the archives",
    ),
    ("people list", "--tag"): (ANY, "a tag is any text: one nobody has lists nobody"),
    ("people list", "--limit"): (frozenset({"huge number"}), "a limit past the end shows all"),
    ("people suggestions", "--limit"): (frozenset({"huge number"}), "likewise"),
    ("people drifting", "--limit"): (frozenset({"huge number"}), "likewise"),
    ("inbox", "--limit"): (frozenset({"huge number"}), "likewise"),
    ("demo generate", "--workspace"): (
        frozenset(BAD_WORKSPACES),
        "it writes archives into its folder only, and has no use for a workspace",
    ),
}
"""Values that are not bad for a parameter: the command does what it is for. Not run here."""
SECONDS = 30
"""A run longer than this is a hang (a huge count taken at its word, say)."""
LOOPBACK = ("127.", "::1", "localhost")


def _commands(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, Any]]:
    """Yield every command of the app that runs something, by its words (`people show`)."""
    subcommands = getattr(command, "commands", None)
    if not subcommands:
        yield " ".join(path), command
        return
    if path and getattr(command, "invoke_without_command", False):
        yield " ".join(path), command  # a group that runs on its own too (`amity demo`)
    for name, subcommand in sorted(subcommands.items()):
        yield from _commands(subcommand, (*path, name))


COMMANDS = dict(_commands(typer.main.get_command(app)))


def _arguments(command: Any) -> list[Any]:
    return [p for p in command.params if type(p).__name__ == "TyperArgument"]


def _options(command: Any) -> list[Any]:
    """Return the options that take a value, less --workspace, which has cases of its own."""
    return [
        p
        for p in command.params
        if type(p).__name__ == "TyperOption" and not p.is_flag and p.name != "workspace"
    ]


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace holding a small demo world, with no connected account."""
    root = tmp_path_factory.mktemp("bad-arguments")
    world = generate(root / "world", posts=200, seed=7)
    workspace = root / "ws"
    result = runner.invoke(app, ["import", *map(str, world.archives), "-w", str(workspace)])
    assert result.exit_code == 0, result.output
    return workspace


@pytest.fixture(autouse=True)
def off_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail every name lookup and datagram to another host, as the conftest guard does
    connections: this module's commands must not reach the network."""
    lookup, send = socket.getaddrinfo, socket.socket.sendto

    def local_lookup(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None and not str(host).startswith(LOOPBACK):
            raise socket.gaierror(socket.EAI_NONAME, f"off line in tests: {host!r}")
        return lookup(host, *args, **kwargs)

    def local_send(self: socket.socket, data: Any, *args: Any) -> Any:
        address = args[-1]
        if not str(address[0]).startswith(LOOPBACK):
            raise OSError(f"off line in tests: {address!r}")
        return send(self, data, *args)

    monkeypatch.setattr(socket, "getaddrinfo", local_lookup)
    monkeypatch.setattr(socket.socket, "sendto", local_send)


class _Runs:
    """Run one command's cases in a copy of the workspace, checking each as it ends."""

    def __init__(self, imported: Path, tmp_path: Path, closed_port: int) -> None:
        self.workspace = Path(shutil.copytree(imported, tmp_path / "ws"))
        self.tmp = tmp_path
        self.file = tmp_path / "a-file"
        self.file.write_text("not a workspace")
        self.env = {
            "AMITY_WORKSPACE": "",
            "AMITY_DATABASE_URL": "",
            "AMITY_BLUESKY_PLC": f"http://127.0.0.1:{closed_port}",
        }
        self.extra = {"connect bluesky": ["--service", f"http://127.0.0.1:{closed_port}"]}

    def value(self, name: str) -> str:
        return BAD_VALUES[name].format(tmp=self.tmp)

    def run(self, name: str, argv: list[str], *, workspace: str | None = None) -> None:
        """Run ``amity NAME ARGV`` and check it failed the ordinary way."""
        where = ["-w", workspace if workspace is not None else str(self.workspace)]
        words = [*name.split(), *argv, *self.extra.get(name, []), *where]
        result = _invoke(words, self.env)
        output = result.stdout + result.stderr
        shown = f"amity {' '.join(map(repr, words))} exited {result.exit_code}:\n{output}"
        assert result.exit_code in (1, 2), shown
        assert "Traceback" not in output and "bug in amity" not in output, shown
        assert_safe(result.stdout_bytes + result.stderr_bytes)


def _invoke(words: list[str], env: dict[str, str]) -> Result:
    """Run the command in process, stopped as a hang after ``SECONDS``."""

    def hang(*_: object) -> None:
        raise TimeoutError(f"amity {words!r} ran past {SECONDS} s")

    alarm = threading.current_thread() is threading.main_thread()
    if alarm:
        signal.signal(signal.SIGALRM, hang)
        signal.alarm(SECONDS)
    try:
        return runner.invoke(app, words, input="", env=env)
    finally:
        if alarm:
            signal.alarm(0)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _accepted(command: str, parameter: str, value: str) -> bool:
    values, _reason = ACCEPTED.get((command, parameter), (frozenset(), ""))
    return value in values


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_bad_arguments_fail_clearly_and_change_nothing(
    name: str, imported: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # whatever a command writes where it runs stays in here
    command = COMMANDS[name]
    runs = _Runs(imported, tmp_path, _closed_port())
    store = open_store(load_settings(runs.workspace, environ={}))
    before = snapshot(store)
    arguments, options = _arguments(command), _options(command)
    for bad in BAD_VALUES:
        value = runs.value(bad)
        if arguments and not all(_accepted(name, a.name, bad) for a in arguments):
            runs.run(name, [value for _ in arguments])
        required = [value for a in arguments if a.required]
        for option in options:
            if not _accepted(name, option.opts[0], bad):
                runs.run(name, [*required, option.opts[0], value])
    for bad, path in BAD_WORKSPACES.items():
        if _accepted(name, "--workspace", bad):
            continue
        workspace = path.format(file=runs.file)
        runs.run(name, ["x:ana" for a in arguments if a.required], workspace=workspace)
        assert runs.file.read_text() == "not a workspace", bad
        assert not (runs.file.parent / "workspace").exists(), bad
    assert snapshot(store) == before, f"amity {name} changed the store"
    store.dispose()


def test_every_command_is_walked() -> None:
    assert {"import", "people show", "demo", "demo generate", "connect bluesky"} <= set(COMMANDS)
    assert all(key[0] in COMMANDS for key in ACCEPTED), "an accepted value of no command"
