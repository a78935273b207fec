"""Same seed and parameters, same bytes (server databases too); another seed, another world."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import orjson

from amity.demo import generate


def digest(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_two_generations_are_byte_identical(tmp_path: Path) -> None:
    generate(tmp_path / "one", posts=1500, seed=3)
    generate(tmp_path / "two", posts=1500, seed=3)
    first = digest(tmp_path / "one")
    assert first == digest(tmp_path / "two")
    assert "twitter/data/tweets.js" in first and "mastodon/outbox.json" in first
    assert "servers/mastodon.sqlite" in first and "servers/bluesky.sqlite" in first


def test_zip_archives_are_byte_identical_too(tmp_path: Path) -> None:
    generate(tmp_path / "one", posts=200, seed=3, zip_archives=True)
    generate(tmp_path / "two", posts=200, seed=3, zip_archives=True)
    assert digest(tmp_path / "one") == digest(tmp_path / "two")


def test_another_seed_or_end_gives_another_world(tmp_path: Path) -> None:
    generate(tmp_path / "one", posts=500, seed=3)
    generate(tmp_path / "two", posts=500, seed=4)
    end = datetime(2025, 6, 30, 23, 59, 59, tzinfo=UTC)
    shifted = generate(tmp_path / "three", posts=500, seed=3, end=end)
    one, two = digest(tmp_path / "one"), digest(tmp_path / "two")
    assert one["mastodon/outbox.json"] != two["mastodon/outbox.json"]
    assert shifted.counts["posts"] == 500
    items = orjson.loads((shifted.mastodon / "outbox.json").read_bytes())["orderedItems"]
    assert items[0]["published"] >= "2024-07-01" and items[-1]["published"].startswith("2025-06")


def test_the_servers_side_writes_the_same_bytes_in_forked_processes(tmp_path: Path) -> None:
    """The servers' side may run beside the archives in forked processes; nothing changes."""
    generate(tmp_path / "forked", posts=300, seed=2, _parallel=True)
    generate(tmp_path / "in-turn", posts=300, seed=2, _parallel=False)
    assert digest(tmp_path / "forked") == digest(tmp_path / "in-turn")
    assert not list(tmp_path.rglob("*.questions")), "the sides' question files are absorbed"
