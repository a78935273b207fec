"""Every table fits an 80-column terminal, and no handle in it is cut short or broken in two.

The demo world gives the tables real handles (``mastodon:bronwen_garnier@inkwell.social``); one
Bluesky contact is renamed to a 30-character handle, as long as real ones get.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
import pytest
from rich.cells import cell_len
from sqlalchemy import update
from typer.testing import CliRunner

from amity.cli import app
from amity.cli.common import err, out
from amity.config import load_settings
from amity.store import open_store
from amity.store.schema import accounts

runner = CliRunner()
WIDTH = 80
LONG_BLUESKY = "delphineadeyemiart.bsky.social"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """A workspace holding the demo world, and what `amity demo` printed on stdout."""
    workspace = str(tmp_path_factory.mktemp("narrow") / "ws")
    with _width(WIDTH):
        result = runner.invoke(app, ["demo", "--posts", "300", "-w", workspace])
    assert result.exit_code == 0, result.output
    _rename_a_bluesky_contact(workspace)
    return workspace, result.stdout


def _rename_a_bluesky_contact(workspace: str) -> None:
    listed = _json(workspace, "people", "list")["people"]
    handle = next(a for p in listed for a in p["accounts"] if a.startswith("bluesky:"))
    engine = open_store(load_settings(Path(workspace), environ={}))
    with engine.begin() as connection:
        connection.execute(
            update(accounts)
            .where(accounts.c.platform == "bluesky", accounts.c.handle == handle.split(":")[1])
            .values(handle=LONG_BLUESKY)
        )
    engine.dispose()


@contextmanager
def _width(columns: int) -> Iterator[None]:
    """Render at ``columns`` cells, then put the consoles' widths back."""
    kept = out.width, err.width
    out.width = err.width = columns
    try:
        yield
    finally:
        out.width, err.width = kept


@pytest.fixture(autouse=True)
def narrow() -> Iterator[None]:
    with _width(WIDTH):
        yield


def _json(workspace: str, *args: str) -> Any:
    result = runner.invoke(app, [*args, "--json", "-w", workspace])
    assert result.exit_code == 0, result.output
    return orjson.loads(result.stdout)


def _table(workspace: str, *args: str) -> list[str]:
    result = runner.invoke(app, [*args, "-w", workspace])
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


def assert_fits(lines: list[str], handles: list[str]) -> None:
    """No line is wider than the terminal; each handle is whole on one line."""
    assert lines and handles
    assert max(cell_len(line) for line in lines) <= WIDTH, "\n".join(lines)
    cut = [handle for handle in handles if not any(handle in line for line in lines)]
    assert not cut, "\n".join(lines)


def _handles(people: list[dict[str, Any]]) -> list[str]:
    return [handle for person in people for handle in person["accounts"]]


@pytest.mark.parametrize("options", [(), ("--why",), ("--all", "--circle", "0")])
def test_people_list(demo: tuple[str, str], options: tuple[str, ...]) -> None:
    workspace, _ = demo
    args = ("people", "list", "--limit", "25", *options)
    handles = _handles(_json(workspace, *args)["people"])
    assert f"bluesky:{LONG_BLUESKY}" in handles or options
    assert_fits(_table(workspace, *args), handles)


def test_people_drifting(demo: tuple[str, str]) -> None:
    workspace, _ = demo
    data = _json(workspace, "people", "drifting", "--limit", "0")
    handles = _handles(data["drifting"] + data["rising"])
    assert_fits(_table(workspace, "people", "drifting", "--limit", "0"), handles)


def test_people_show(demo: tuple[str, str]) -> None:
    workspace, _ = demo
    listed = _json(workspace, "people", "list", "--all")["people"]
    widest = max(listed, key=lambda p: max(map(len, p["accounts"])))
    lines = _table(workspace, "people", "show", f"#{widest['person_id']}")
    assert_fits(lines, widest["accounts"])


def test_people_suggestions(demo: tuple[str, str]) -> None:
    workspace, _ = demo
    args = ("people", "suggestions", "--limit", "10", "--min-score", "0.3")
    pairs = _json(workspace, *args)
    handles = [side["name"] for pair in pairs for side in (pair["first"], pair["second"])]
    assert_fits(_table(workspace, *args), handles)


def test_accounts(demo: tuple[str, str]) -> None:
    workspace, _ = demo
    names = [account["account"] for account in _json(workspace, "accounts", "--offline")]
    assert_fits(_table(workspace, "accounts", "--offline"), names)


@pytest.mark.parametrize("args", [("db", "status"), ("people", "evaluate")])
def test_tables_without_handles(demo: tuple[str, str], args: tuple[str, ...]) -> None:
    workspace, _ = demo
    lines = _table(workspace, *args)
    assert lines and max(cell_len(line) for line in lines) <= WIDTH, "\n".join(lines)


def test_the_demo_summary(demo: tuple[str, str]) -> None:
    workspace, printed = demo
    close = [p for p in _json(workspace, "people", "list")["people"] if p["circle"] in (1, 2)]
    handles = [h for h in _handles(close) if not h.endswith(LONG_BLUESKY)]  # renamed after
    assert_fits(printed.splitlines(), handles)
