"""`amity inbox` on the command line: the JSON contract, 80 columns, the actions, bad ids."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from amity.cli import app
from amity.cli.common import err, out

runner = CliRunner()
KEYS = {"id", "platform", "platform_id", "platform_ids", "kind", "from", "text", "asks",
        "received_at", "why", "score"}  # fmt: skip


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = str(tmp_path_factory.mktemp("inbox") / "ws")
    result = runner.invoke(app, ["demo", "--posts", "300", "-w", folder])
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture
def narrow() -> Iterator[None]:
    kept = out.width, err.width
    out.width = err.width = 80
    yield
    out.width, err.width = kept


def _amity(*words: str) -> Result:
    return runner.invoke(app, list(words))


def _items(workspace: str, *words: str) -> list[dict[str, Any]]:
    result = _amity("inbox", "--json", *words, "-w", workspace)
    assert result.exit_code == 0, result.output
    items: list[dict[str, Any]] = json.loads(result.stdout)
    return items


def test_the_json_is_a_ranked_list_with_exactly_the_contracts_keys(workspace: str) -> None:
    items = _items(workspace, "--all")
    assert items and all(set(item) == KEYS for item in items)
    assert [item["score"] for item in items] == sorted((i["score"] for i in items), reverse=True)
    for item in items:
        assert item["kind"] in {"reply", "mention", "quote", "dm"}
        assert item["platform_id"] == item["platform_ids"][-1]
        assert isinstance(item["asks"], bool) and item["received_at"].endswith("Z")
    assert len(_items(workspace)) <= len(items)


def test_the_inbox_fits_80_columns(workspace: str, narrow: None) -> None:
    result = _amity("inbox", "--all", "-w", workspace)
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    first = _items(workspace, "--all")[0]
    assert first["id"] in result.stdout


def test_open_shows_the_conversation_and_where_to_answer(workspace: str, narrow: None) -> None:
    first = _items(workspace, "--all")[0]
    result = _amity("inbox", "open", first["id"], "-w", workspace)
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    assert "Answer it on" in result.stderr and "https://" in result.stderr
    opened = json.loads(_amity("inbox", "open", first["id"], "--json", "-w", workspace).stdout)
    assert opened["item"] == first
    assert first["platform_id"] in {said["platform_id"] for said in opened["messages"]}


def test_done_and_snooze_take_an_item_out(workspace: str, tmp_path: Path) -> None:
    first, second = _items(workspace, "--all")[:2]
    assert _amity("inbox", "done", first["id"], "-w", workspace).exit_code == 0
    snoozed = _amity(
        "inbox", "snooze", second["id"], "--until", "2999-01-01T09:00", "-w", workspace
    )
    assert snoozed.exit_code == 0, snoozed.output
    left = {item["id"] for item in _items(workspace, "--all")}
    assert first["id"] not in left and second["id"] not in left


@pytest.mark.parametrize("action", ["done", "snooze", "open"])
def test_a_bad_id_fails_clearly(workspace: str, action: str) -> None:
    for bad in ("0000000000", "not-an-id", ""):
        result = _amity("inbox", action, bad, "-w", workspace)
        assert result.exit_code == 1, result.output
        assert "no conversation waiting on you has the id" in result.stderr
        assert "amity inbox --all" in result.stderr


def test_a_snooze_into_the_past_is_refused(workspace: str) -> None:
    first = _items(workspace, "--all")[0]
    result = _amity("inbox", "snooze", first["id"], "--until", "2001-01-01", "-w", workspace)
    assert result.exit_code == 1 and "future" in result.stderr
