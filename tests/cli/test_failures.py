"""Ordinary failures end in a clear message and exit code 1: never a traceback, never "a bug".

Each case here once ended in "unexpected error ... This is a bug in amity" with a traceback, in
the wrong exit code, or in silence. The message must say what went wrong and what to do, show no
SQL, rows or password, and leave the store as it was.
"""

from __future__ import annotations

import importlib.util
import shutil
import socket
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson
import pytest
from tests.ingest.helpers import snapshot
from typer.testing import CliRunner, Result

from amity.cli import app
from amity.config import load_settings
from amity.demo import DemoWorld, generate
from amity.store import migrate, open_store

runner = CliRunner()
PASSWORD = "s3cret-Pa55"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> DemoWorld:
    """A small demo world to import."""
    return generate(tmp_path_factory.mktemp("world"), posts=400, seed=7)


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory, world: DemoWorld) -> Path:
    """A workspace holding the demo world, never changed by a test (they change copies)."""
    path = tmp_path_factory.mktemp("imported") / "ws"
    result = runner.invoke(app, ["import", *map(str, world.archives), "-w", str(path)])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def workspace(imported: Path, tmp_path: Path) -> Path:
    """A copy of the imported workspace, for a test to break."""
    return Path(shutil.copytree(imported, tmp_path / "ws"))


def amity(args: Sequence[str], env: dict[str, str] | None = None) -> Result:
    """Run a command in process; check it failed the ordinary way and said so plainly."""
    result = runner.invoke(app, list(args), env=env)
    output = result.stdout + result.stderr
    assert "Traceback" not in output and "bug in amity" not in output, output
    assert "[SQL" not in output and "INSERT" not in output and "sqlalche.me" not in output
    assert PASSWORD not in output
    return result


def failed(args: Sequence[str], *wanted: str, env: dict[str, str] | None = None) -> Result:
    """Run a command that must fail with exit code 1, with ``wanted`` in its message."""
    result = amity(args, env)
    assert result.exit_code == 1, result.output
    assert "error:" in result.stderr and "→" in result.stderr, result.stderr  # a hint follows
    for text in wanted:
        assert text in result.stderr, result.stderr
    return result


def file_state(workspace: Path) -> dict[str, bytes]:
    """Return the bytes of the store's database file and of its write-ahead log, if any."""
    files = [workspace / "amity.db", workspace / "amity.db-wal"]
    return {path.name: path.read_bytes() for path in files if path.exists() and path.stat().st_size}


# -- --at, person numbers, one account twice ---------------------------------------------------


@pytest.mark.parametrize("command", [("list",), ("drifting",), ("show", "x:selintanaka")])
def test_a_day_before_any_data_says_when_the_history_starts(
    imported: Path, command: tuple[str, ...]
) -> None:
    failed(["people", *command, "--at", "2000-01-01", "-w", str(imported)], "history starts on")


def test_a_day_after_the_newest_data_is_refused_not_all_in_circle_one(imported: Path) -> None:
    failed(["people", "list", "--at", "2999-01-01", "-w", str(imported)], "after your newest data")
    newest = orjson.loads(amity(["people", "list", "--json", "-w", str(imported)]).stdout)
    last_day = newest["as_of"][:10]
    same_day = amity(["people", "list", "--json", "--at", last_day, "-w", str(imported)])
    assert same_day.exit_code == 0, same_day.output
    assert orjson.loads(same_day.stdout)["circle_sizes"] == newest["circle_sizes"]


def test_a_person_number_no_store_can_hold(imported: Path) -> None:
    result = amity(["people", "show", "#99999999999999999999", "-w", str(imported)])
    assert result.exit_code == 2  # a usage error, said by the command line
    assert "no person has the number" in result.output


def test_rejecting_one_account_twice(imported: Path) -> None:
    failed(["people", "reject", "x:selintanaka", "x:selintanaka", "-w", str(imported)], "same")


# -- the schema ----------------------------------------------------------------------------------


def _at_revision(workspace: Path, revision: str) -> None:
    engine = open_store(load_settings(workspace, environ={}))
    if revision == "older":
        migrate.downgrade(engine, "-1")
    else:
        with engine.begin() as connection:
            connection.exec_driver_sql(f"UPDATE alembic_version SET version_num = '{revision}'")
    engine.dispose()


def test_an_older_schema_is_exit_1_in_words_and_in_json(workspace: Path) -> None:
    _at_revision(workspace, "older")
    text = amity(["db", "status", "-w", str(workspace)])
    assert text.exit_code == 1, text.output
    assert "run `amity db upgrade --workspace" in text.stderr and "unexpected" not in text.stderr
    data = amity(["db", "status", "--json", "-w", str(workspace)])
    assert data.exit_code == 1
    assert orjson.loads(data.stdout)["up_to_date"] is False
    failed(["people", "list", "-w", str(workspace)], "amity db upgrade")


def test_a_schema_from_a_newer_amity_is_left_alone(workspace: Path, world: DemoWorld) -> None:
    _at_revision(workspace, "9999")
    before = file_state(workspace)
    status = amity(["db", "status", "-w", str(workspace)])
    assert status.exit_code == 1 and "9999" in status.stdout and "newer" in status.stderr
    archive = str(world.archives[0])
    for command in (["db", "upgrade"], ["people", "list"], ["init"], ["import", archive]):
        failed([*command, "-w", str(workspace)], "newer version of amity", "Upgrade amity")
    assert file_state(workspace) == before


# -- the database file -------------------------------------------------------------------------


def _replace_database(workspace: Path, content: bytes) -> None:
    for path in workspace.glob("amity.db*"):
        path.unlink()
    (workspace / "amity.db").write_bytes(content)


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"", "is empty (0 bytes)"),
        (b"this is not a database " * 300, "damaged or is not a SQLite database"),
        (b"SQLite format 3\x00" + b"\xff" * 5000, "damaged or is not a SQLite database"),
    ],
)
def test_a_damaged_or_emptied_database_is_never_set_up_again(
    workspace: Path, world: DemoWorld, content: bytes, said: str
) -> None:
    _replace_database(workspace, content)
    for command in (
        ["import", str(world.archives[0])],
        ["init"],
        ["db", "status"],
        ["db", "upgrade"],
        ["people", "list"],
    ):
        failed([*command, "-w", str(workspace)], said, "backup")
        assert (workspace / "amity.db").read_bytes() == content
        assert "amity.db-wal" not in file_state(workspace)


def test_a_missing_database_in_a_workspace_is_not_created_by_a_read(workspace: Path) -> None:
    _replace_database(workspace, b"")
    (workspace / "amity.db").unlink()
    failed(["people", "list", "-w", str(workspace)], "no database at", "amity init")
    assert not (workspace / "amity.db").exists()


def test_a_read_only_database_on_a_write(workspace: Path) -> None:
    engine = open_store(load_settings(workspace, environ={}))
    before = snapshot(engine)
    read_only = f"sqlite:///file:{workspace / 'amity.db'}?mode=ro&uri=true"
    failed(
        ["people", "note", "x:selintanaka", "a private note", "-w", str(workspace)],
        "read-only",
        env={"AMITY_DATABASE_URL": read_only},
    )
    assert snapshot(engine) == before
    engine.dispose()


# -- the database URL ----------------------------------------------------------------------------


def closed_port() -> int:
    """Return a loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("sqlite:////nonexistent-folder/amity/amity.db", "/nonexistent-folder/amity/amity.db"),
        ("mysql://ana:{password}@127.0.0.1/amity", "SQLite or PostgreSQL"),
        ("foo://ana:{password}@host/amity", "SQLite or PostgreSQL"),
        ("postgresql+psycopg://ana:{password}@127.0.0.1:{port}/amity", "cannot reach"),
        ("postgresql+psycopg://ana:{password}@127.0.0.1:notaport/amity", "cannot read the"),
        ("postgresql+psycopg://ana:{password}@127.0.0.1:99999/amity", "invalid port"),
        ("postgresql+pg8000://ana:{password}@127.0.0.1:{port}/amity", "'pg8000'"),
        ("not a url with {password}", "cannot read the database URL"),
    ],
)
def test_a_database_url_amity_cannot_use(imported: Path, url: str, said: str) -> None:
    assert importlib.util.find_spec("pg8000") is None, "the missing driver must be missing"
    env = {"AMITY_DATABASE_URL": url.format(password=PASSWORD, port=closed_port())}
    for command in (["db", "status"], ["people", "list"], ["init"]):
        failed([*command, "-w", str(imported)], said, env=env)


# -- files ---------------------------------------------------------------------------------------


def test_demo_generate_into_a_file(tmp_path: Path) -> None:
    file = tmp_path / "a-file"
    file.write_text("mine")
    failed(["demo", "generate", str(file), "--posts", "10"], str(file))
    failed(["demo", "generate", str(file / "below"), "--posts", "10"], str(file))
    assert file.read_text() == "mine"


@pytest.mark.parametrize(
    ("lines", "line"),
    [
        ("1 2 100\n2 1 200\n1 3 1e30\n3 1 400\n", 3),
        ("1 2 100\n2 1 200\n1 3 99999999999999999999\n", 3),
        ("1 2 nan\n2 1 200\n1 3 300\n3 1 400\n", 1),
        ("a,b,t\n1,2,100\n2,1,nan\n", 3),
        ("1 2 100\n2 1 -5\n", 2),
    ],
)
def test_a_bad_time_in_an_events_file_is_named_by_its_line(
    tmp_path: Path, lines: str, line: int
) -> None:
    events = tmp_path / "events.txt"
    events.write_text(lines)
    result = failed(["people", "evaluate", str(events)], f"line {line}", "Unix time")
    assert "Warning" not in result.stderr


def _nested(folder: Path, depth: int) -> Any:
    outbox = folder / "outbox.json"
    data = orjson.loads(outbox.read_bytes())
    deep = "[" * depth + "]" * depth
    text = orjson.dumps(data).decode().replace('"orderedItems":[', f'"orderedItems":[{deep},', 1)
    outbox.write_text(text)


def test_an_archive_nested_100000_levels_deep(world: DemoWorld, tmp_path: Path) -> None:
    mastodon = next(path for path in world.archives if path.name == "mastodon")
    folder = Path(shutil.copytree(mastodon, tmp_path / "mastodon"))
    _nested(folder, 100_000)
    workspace = tmp_path / "ws"
    failed(["import", str(folder), "-w", str(workspace)], "nested deeper", str(folder))
    engine = open_store(load_settings(workspace, environ={}))
    assert all(rows == [] for rows in snapshot(engine).values())
    engine.dispose()
