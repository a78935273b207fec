"""Names, handles and paths from outside reach the terminal without anything it would act on.

A display name or handle in an archive is whatever its owner typed; a path is whatever the user
(or an archive's maker) named it. Printed raw, one could set the window title, clear the screen,
hide a link, reverse the text after it or swallow the rest of the output. The real commands run
here over an archive whose names were rewritten, in a workspace whose own path is hostile, and
their raw bytes are searched for escape sequences, control and invisible characters.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from amity.cli import app
from amity.demo import generate

runner = CliRunner()

HOSTILE_NAME = (
    "Selin \x1b]0;pwned\x07\x1b[2J\x1b]8;;https://evil.example\x07click\x1b]8;;\x07"
    " \u202eevil\u200b [red]x[/red] :fire: \x9b31m\u2066 Tanaka\x1b]2;never ends"
)
HOSTILE_HANDLE = "selin\u202e\x07tanaka"
HOSTILE_FOLDER = "ws \x1b]0;title\x07[bold]\u202e"
# What a terminal acts on: C0 controls but tab and newline, DEL, C1 (as UTF-8 and as raw bytes),
# bidirectional controls, zero-width characters, the byte order mark.
UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u2069\ufeff]"
)


def assert_safe(raw: bytes) -> None:
    """Fail if the bytes hold anything a terminal would act on, or bytes that are not UTF-8."""
    text = raw.decode("utf-8")  # a raw C1 byte (\x9b) is not UTF-8 and fails here
    found = UNSAFE.search(text)
    assert found is None, f"{found.group()!r} in {text[max(0, found.start() - 60) :][:120]!r}"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace at a hostile path, holding a demo world whose names were made hostile."""
    root = tmp_path_factory.mktemp("hostile")
    world = generate(root / "world", posts=400, seed=7)
    twitter = next(path for path in world.archives if path.name == "twitter")
    copy = root / "twitter"
    shutil.copytree(twitter, copy)
    tweets = copy / "data" / "tweets.js"
    text = tweets.read_text(encoding="utf-8")
    assert '"Selin Tanaka"' in text and '"selintanaka"' in text, "the demo world changed"
    text = text.replace('"Selin Tanaka"', json.dumps(HOSTILE_NAME))
    text = text.replace('"selintanaka"', json.dumps(HOSTILE_HANDLE))
    tweets.write_text(text, encoding="utf-8")
    path = root / HOSTILE_FOLDER
    archives = [str(copy), *(str(p) for p in world.archives if p.name != "twitter")]
    result = runner.invoke(app, ["import", *archives, "-w", str(path)])
    assert result.exit_code == 0, result.output
    assert_safe(result.stdout_bytes + result.stderr_bytes)
    return path


def amity(*args: str) -> subprocess.CompletedProcess[bytes]:
    """Run the real command in a child process and return its raw output."""
    return subprocess.run(
        [sys.executable, "-m", "amity", *args], capture_output=True, check=False, timeout=60
    )


def hostile_person(workspace: Path) -> dict[str, Any]:
    """Return the person whose name was made hostile, as `people list --json` gives them."""
    result = runner.invoke(app, ["people", "list", "--all", "--json", "-w", str(workspace)])
    assert result.exit_code == 0, result.output
    assert_safe(result.stdout_bytes)
    people: list[dict[str, Any]] = json.loads(result.stdout)["people"]
    found = next(p for p in people if p["name"] == HOSTILE_NAME)
    assert f"twitter:{HOSTILE_HANDLE}" in found["accounts"]  # the data itself is kept whole
    return found


def test_people_list_and_show_print_nothing_a_terminal_acts_on(workspace: Path) -> None:
    listed = amity("people", "list", "--all", "-w", str(workspace))
    assert listed.returncode == 0, listed.stderr
    assert_safe(listed.stdout + listed.stderr)
    assert b"[red]x[/red]" in listed.stdout and b":fire:" in listed.stdout
    number = hostile_person(workspace)["person_id"]
    shown = amity("people", "show", f"#{number}", "-w", str(workspace))
    assert shown.returncode == 0, shown.stderr
    assert_safe(shown.stdout + shown.stderr)
    assert all(part in shown.stdout for part in (b"Selin", b"Tanaka", b"[red]x[/red]"))


@pytest.mark.parametrize(
    "args",
    [
        ("people", "list", "--all", "--why"),
        ("people", "drifting"),
        ("people", "suggestions", "--min-score", "0"),
        ("people", "show", f"x:{HOSTILE_HANDLE}", "--json"),
        ("people", "show", HOSTILE_NAME),
        ("people", "tag", f"x:{HOSTILE_HANDLE}", "\x1b[2Jtag\u202e"),
        ("people", "note", f"x:{HOSTILE_HANDLE}", "met at \x1b]0;x\x07 the fair\u202e"),
        ("db", "status"),
    ],
)
def test_every_view_of_them_is_safe(workspace: Path, args: tuple[str, ...]) -> None:
    result = runner.invoke(app, [*args, "-w", str(workspace)])
    assert result.exit_code == 0, result.output
    assert_safe(result.stdout_bytes + result.stderr_bytes)


def test_a_hostile_name_in_an_error_is_safe(workspace: Path, tmp_path: Path) -> None:
    junk = tmp_path / "\x1b]0;title\x07[bold]archive\u202e.zip"
    junk.write_bytes(b"not a zip")
    result = amity("import", str(junk), "-w", str(workspace))
    assert result.returncode == 1
    assert_safe(result.stdout + result.stderr)
    assert b"[bold]archive" in result.stderr
    named = f"\x1b[2J{HOSTILE_NAME}x"
    missing = runner.invoke(app, ["people", "show", named, "-w", str(workspace)])
    assert missing.exit_code == 1
    assert_safe(missing.stdout_bytes + missing.stderr_bytes)
    assert "no person named" in missing.stderr
