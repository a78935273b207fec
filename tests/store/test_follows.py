"""The follow graph read back from real archives: one edge per follow, the user on every one."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import orjson
from sqlalchemy import Engine

from amity.ingest import import_archives
from amity.store.follows import get_follow_graph

FIXTURES = Path(__file__).parents[1] / "fixtures"
ANDRE = FIXTURES / "twitter" / "andreruffert"
STAGING = FIXTURES / "bluesky" / "paul_staging.repo.car"


def _ids(name: str) -> set[str]:
    """Return the account ids an X archive's follower.js or following.js lists."""
    text = (ANDRE / "data" / name).read_text(encoding="utf-8")
    items = orjson.loads(text[text.index("[") :])
    return {next(iter(item.values()))["accountId"] for item in items}


def test_an_empty_store_has_no_follows(engine: Engine) -> None:
    with engine.connect() as connection:
        graph = get_follow_graph(connection)
    assert len(graph) == 0 and graph.own_accounts == ()


def test_x_followers_and_following_are_directed_edges(engine: Engine) -> None:
    import_archives(engine, [ANDRE])
    with engine.connect() as connection:
        graph = get_follow_graph(connection)
    (own,) = graph.own_accounts
    followers, following = _ids("follower.js"), _ids("following.js")
    assert int(np.sum(graph.followed == own)) == len(followers) > 0
    assert int(np.sum(graph.follower == own)) == len(following) > 0
    assert len(graph) == len(followers) + len(following)
    assert np.all(graph.since == -1)  # X's follow lists carry no dates
    keys = graph.follower * (int(graph.followed.max()) + 1) + graph.followed
    assert np.all(np.diff(keys) > 0)  # ordered, and each edge once


def test_bluesky_follows_carry_their_date(engine: Engine) -> None:
    import_archives(engine, [STAGING])
    with engine.connect() as connection:
        graph = get_follow_graph(connection)
    assert len(graph) == 8
    assert np.all(graph.follower == graph.own_accounts[0])
    assert np.all(graph.since > 1_600_000_000)
