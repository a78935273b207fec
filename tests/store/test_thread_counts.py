"""Every thread's counts and times agree with the posts that point at it, on real imports."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from amity.demo import generate
from amity.ingest import import_archives

FIXTURES = Path(__file__).parents[1] / "fixtures"
EROIJA = FIXTURES / "twitter" / "eroija"
DISAGREEING = text(
    """
    SELECT t.id, t.key, t.post_count, t.first_at, t.last_at,
           COUNT(p.id), MIN(p.created_at), MAX(p.created_at)
    FROM threads AS t LEFT JOIN posts AS p ON p.thread_id = t.id
    GROUP BY t.id, t.key, t.post_count, t.first_at, t.last_at
    HAVING t.post_count != COUNT(p.id) OR t.first_at != MIN(p.created_at)
        OR t.last_at != MAX(p.created_at)
    """
)


def _disagreeing(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(DISAGREEING)]


def _threads(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT COUNT(*) FROM threads")).scalar_one())


@pytest.mark.parametrize("archive", [FIXTURES / "mastodon" / "dealingwith.zip", EROIJA])
def test_real_archives(engine: Engine, archive: Path) -> None:
    import_archives(engine, [archive])
    assert _threads(engine) > 0
    assert _disagreeing(engine) == []


def test_the_demo_world(engine: Engine, tmp_path: Path) -> None:
    world = generate(tmp_path / "world", posts=3000, seed=11)
    import_archives(engine, list(world.archives))
    assert _threads(engine) > 100
    assert _disagreeing(engine) == []


def test_two_replies_to_one_unstored_post_are_one_thread(engine: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    shutil.copytree(EROIJA, folder)
    tweets_js = folder / "data" / "tweets.js"
    source = tweets_js.read_text()
    items = json.loads(source[source.index("[") :])
    first = items[0]["tweet"]
    parent = first["in_reply_to_status_id_str"]
    second = {**first, "id": "1486016280540889999", "id_str": "1486016280540889999",
              "created_at": "Wed Jan 26 09:00:00 +0000 2022"}  # fmt: skip
    follow_up = {**first, "id": "1486016280540890000", "id_str": "1486016280540890000",
                 "in_reply_to_status_id": second["id"], "in_reply_to_status_id_str": second["id"],
                 "created_at": "Wed Jan 26 10:00:00 +0000 2022"}  # fmt: skip
    items += [{"tweet": second}, {"tweet": follow_up}]
    tweets_js.write_text("window.YTD.tweets.part0 = " + json.dumps(items, indent=2))
    import_archives(engine, [folder])
    assert _disagreeing(engine) == []
    with engine.connect() as connection:
        count = connection.execute(
            text("SELECT post_count FROM threads WHERE key = :key"), {"key": parent}
        ).scalar_one()
    assert count >= 3
