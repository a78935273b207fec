"""The follow graph read back from real archives: one edge per follow, the user on every one."""

from __future__ import annotations

from pathlib import Path

import orjson
from sqlalchemy import Engine, func, select

from amity.ingest import import_archives
from amity.store.schema import accounts, interactions

FIXTURES = Path(__file__).parents[1] / "fixtures"
ANDRE = FIXTURES / "twitter" / "andreruffert"
STAGING = FIXTURES / "bluesky" / "paul_staging.repo.car"


def _ids(name: str) -> set[str]:
    """Return the account ids an X archive's follower.js or following.js lists."""
    text = (ANDRE / "data" / name).read_text(encoding="utf-8")
    items = orjson.loads(text[text.index("[") :])
    return {next(iter(item.values()))["accountId"] for item in items}


def _follows(engine: Engine) -> list[tuple[str, str, int | None, bool, bool]]:
    """Return every follow edge: follower and followed platform ids, its time, who is own."""
    follower, followed = accounts.alias("follower"), accounts.alias("followed")
    query = (
        select(
            follower.c.platform_id,
            followed.c.platform_id,
            interactions.c.occurred_at,
            follower.c.is_own,
            followed.c.is_own,
        )
        .join(follower, follower.c.id == interactions.c.actor_id)
        .join(followed, followed.c.id == interactions.c.target_id)
        .where(interactions.c.kind == "follow")
    )
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(query)]  # type: ignore[misc]


def test_x_followers_and_following_are_directed_edges(engine: Engine) -> None:
    import_archives(engine, [ANDRE])
    edges = _follows(engine)
    followers, following = _ids("follower.js"), _ids("following.js")
    assert {a for a, _, _, _, own in edges if own} == followers
    assert {b for _, b, _, own, _ in edges if own} == following
    assert len(edges) == len(followers) + len(following)
    assert len({(a, b) for a, b, *_ in edges}) == len(edges)  # each edge once
    assert all(at is None for _, _, at, _, _ in edges)  # X's follow lists carry no dates


def test_bluesky_follows_carry_their_date(engine: Engine) -> None:
    import_archives(engine, [STAGING])
    edges = _follows(engine)
    assert len(edges) == 8
    assert all(own for _, _, _, own, _ in edges)
    assert all(at is not None and at > 1_600_000_000 for _, _, at, _, _ in edges)
    with engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(interactions)).scalar_one()
    assert count >= 8
