"""The demo's archives go through amity's real importers without a single problem."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from amity.demo import generate
from amity.model import Post, Problem
from amity.sources.container import Container
from amity.sources.mastodon import archive as mastodon_archive
from amity.sources.twitter import archive as twitter_archive


@pytest.mark.parametrize("zipped", [False, True])
def test_importers_read_the_demo_without_problems(tmp_path: Path, zipped: bool) -> None:
    world = generate(tmp_path, posts=1000, seed=19, zip_archives=zipped)
    for module, path, platform in (
        (mastodon_archive, world.mastodon, "mastodon"),
        (twitter_archive, world.twitter, "twitter"),
    ):
        container = Container(path)
        assert module.detect(container)
        records = list(module.read(container))
        assert [r for r in records if isinstance(r, Problem)] == []
        posts = Counter(r.kind for r in records if isinstance(r, Post) and r.kind != "dm")
        expected = world.counts[f"{platform}_posts"]
        boosts = world.counts["mastodon_boosts" if platform == "mastodon" else "twitter_retweets"]
        assert posts["post"] + posts["boost"] + _direct(records, platform) == expected + boosts


def _direct(records: list[object], platform: str) -> int:
    """Mastodon direct posts are outbox statuses; the importer calls them dms."""
    if platform != "mastodon":
        return 0
    return sum(1 for r in records if isinstance(r, Post) and r.kind == "dm")
