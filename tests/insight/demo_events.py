"""Turn an imported demo world into an event table, the way a store read function will.

The store has no read function for interactions as columns yet, so this test-side helper runs
one SELECT on ``interactions`` (with each post's thread). Interactions without a time (likes and
bookmarks: the archives do not date them) or without a target are left out. The user's own
accounts become one node, ``"user"``; each other account becomes the person the ground truth
files it under (its key, e.g. ``"p00003"``), as merging accounts into people will.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import orjson
from sqlalchemy import Engine, text

from amity import demo
from amity.config import load_settings
from amity.ingest import import_archives
from amity.insight.events import KIND_CODES, Events, make_events, relabel
from amity.store import open_store

USER = "user"
_QUERY = text(
    """
    SELECT i.actor_id, i.target_id, i.occurred_at, i.kind, COALESCE(p.thread_id, -1)
    FROM interactions AS i LEFT JOIN posts AS p ON p.id = i.post_id
    WHERE i.occurred_at IS NOT NULL AND i.target_id IS NOT NULL
    ORDER BY i.occurred_at, i.id
    """
)


@dataclass(frozen=True, slots=True)
class DemoPeople:
    """A demo world's interactions as events between people, with its ground truth."""

    events: Events
    truth: dict[str, Any]

    @property
    def user(self) -> int:
        """Return the dense id of the user."""
        return self.events.node(USER)

    def layer(self, key: str) -> int:
        """Return the ground-truth circle of the person ``key`` (0: acquaintance)."""
        return int(next(p["layer"] for p in self.truth["people"] if p["key"] == key))

    def keys(self, *, where: str) -> set[str]:
        """Return the keys of the people whose ground truth has ``where`` set (e.g. drifting)."""
        return {p["key"] for p in self.truth["people"] if p[where]}


def build_demo_people(folder: Path, *, posts: int, seed: int) -> DemoPeople:
    """Generate a demo world under ``folder``, import it, and read it back as events."""
    world = demo.generate(folder / "world", posts=posts, seed=seed)
    engine = open_store(load_settings(folder / "workspace", environ={}), create=True)
    try:
        import_archives(engine, list(world.archives), parallel=False, clock=lambda: 1.7e9)
        truth: dict[str, Any] = orjson.loads(world.ground_truth.read_bytes())
        return DemoPeople(read_people_events(engine, truth), truth)
    finally:
        engine.dispose()


def read_people_events(engine: Engine, truth: dict[str, Any]) -> Events:
    """Read the store's dated interactions as events between people."""
    with engine.connect() as connection:
        rows = connection.execute(_QUERY).all()
        accounts = connection.execute(
            text("SELECT id, platform, platform_id, is_own FROM accounts")
        ).all()
    table = np.array(
        [(r[0], r[1], r[2], KIND_CODES[r[3]], r[4]) for r in rows], dtype=np.int64
    ).reshape(-1, 5)
    events = make_events(
        table[:, 0], table[:, 1], table[:, 2], kind=table[:, 3], thread=table[:, 4]
    )
    person = _person_of_account(truth)
    mapping: dict[object, object] = {}
    for account_id, platform, platform_id, is_own in accounts:
        if is_own:
            mapping[account_id] = USER
        elif (platform, platform_id) in person:
            mapping[account_id] = person[(platform, platform_id)]
    return relabel(events, mapping)


def _person_of_account(truth: dict[str, Any]) -> dict[tuple[str, str], str]:
    found: dict[tuple[str, str], str] = {}
    for person in truth["people"]:
        accounts = person["accounts"]
        if "mastodon" in accounts:
            found[("mastodon", accounts["mastodon"]["uri"])] = person["key"]
        if "twitter" in accounts:
            found[("twitter", accounts["twitter"]["id"])] = person["key"]
    return found
