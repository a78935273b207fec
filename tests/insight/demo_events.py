"""Turn an imported demo world into an event table between the ground truth's people.

The store's history (``store.history.get_history``: interactions with a time, by person) is read
as the product reads it; then each person is relabelled with the ground-truth person their
account belongs to (its key, e.g. ``"p00003"``), as if the user had merged every person's
accounts, and the user becomes ``"user"``. Interactions without a time (likes and bookmarks: the
archives do not date them) are not in the history.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import orjson
from sqlalchemy import Engine, text

from amity import demo
from amity.config import load_settings
from amity.demo.truth import owners_of_accounts
from amity.desk.demo import run_demo
from amity.desk.people import history_events
from amity.ingest import import_archives
from amity.insight.events import Events
from amity.store import open_store
from amity.store.history import get_history

USER = "user"


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


def build_demo_people(folder: Path, *, posts: int, seed: int, synced: bool = False) -> DemoPeople:
    """Generate a demo world under ``folder``, import it, and read it back as events.

    With ``synced``, the demo's accounts are also connected and synced from its servers, as
    ``amity demo`` does: the history then holds what others did to the user too.
    """
    settings = load_settings(folder / "workspace", environ={})
    engine = open_store(settings, create=True)
    try:
        if synced:
            world = run_demo(settings, engine, posts=posts, seed=seed).world
        else:
            world = demo.generate(folder / "world", posts=posts, seed=seed)
            import_archives(engine, list(world.archives), parallel=False, clock=lambda: 1.7e9)
        truth: dict[str, Any] = orjson.loads(world.ground_truth.read_bytes())
        return DemoPeople(read_people_events(engine, truth), truth)
    finally:
        engine.dispose()


def read_people_events(engine: Engine, truth: dict[str, Any]) -> Events:
    """Read the store's dated interactions as events between the ground truth's people."""
    with engine.connect() as connection:
        history = get_history(connection)
        accounts = connection.execute(
            text("SELECT person_id, platform, platform_id, is_own FROM accounts")
        ).all()
    person = owners_of_accounts(truth)
    mapping: dict[object, object] = {}
    for person_id, platform, platform_id, is_own in accounts:
        if is_own:
            mapping[person_id] = USER
        elif (platform, platform_id) in person:
            mapping[person_id] = person[(platform, platform_id)]
    return relabel(history_events(history), mapping)


def relabel(events: Events, mapping: Mapping[object, object]) -> Events:
    """Return the events with labels replaced through ``mapping`` (accounts into people).

    Labels the mapping does not name stay as they are; two labels mapped to one become one
    node, and events between them (a person's own two accounts) are dropped.
    """
    labels = events.labels.astype(object)
    merged = np.array([mapping.get(label, label) for label in labels.tolist()], dtype=object)
    unique, inverse = np.unique(merged.astype(str), return_inverse=True)
    first = np.zeros(unique.size, np.intp)
    first[inverse[::-1]] = np.arange(labels.size)[::-1]
    new_labels = np.asarray(merged[first].tolist())
    source = inverse[events.source].astype(np.int32)
    target = inverse[events.target].astype(np.int32)
    keep = source != target
    return Events(
        source[keep],
        target[keep],
        events.time[keep],
        events.kind[keep],
        events.thread[keep],
        new_labels,
    )
