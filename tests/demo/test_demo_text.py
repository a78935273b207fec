"""The demo's words are varied and natural: no lorem ipsum, few repeats."""

from __future__ import annotations

import random
import re
from pathlib import Path

import orjson

from amity.demo import generate
from amity.demo.compose import Composer
from amity.demo.timing import Campaign
from amity.demo.world import PERSONA, MastodonAccount, Person

FRIEND = Person("p1", "Mara Lindqvist", 1, 1.0, MastodonAccount.at("mara", "illo.town"), None)


def test_nine_in_ten_of_a_thousand_top_level_posts_are_distinct() -> None:
    composer = Composer(random.Random(1), PERSONA)
    sale = Campaign("Winter print sale", "WinterPrintSale", 0, 10**10)
    texts = []
    for number in range(1000):
        campaign = sale if number % 4 == 0 else None
        kind = composer.top_kind(campaign)
        text = composer.top_level(kind, 1_780_000_000, campaign, FRIEND)
        texts.append((text.plain(), text.hashtags, text.link))
    assert len(set(texts)) >= 900
    assert not any("lorem" in words.lower() or "{" in words for words, _, _ in texts)


def test_nine_in_ten_of_a_thousand_archived_posts_are_distinct(tmp_path: Path) -> None:
    world = generate(tmp_path, posts=2000, seed=9)
    outbox = orjson.loads((world.mastodon / "outbox.json").read_bytes())["orderedItems"]
    contents = [a["object"]["content"] for a in outbox if a["type"] == "Create"][:1000]
    assert len(contents) == 1000
    assert len(set(contents)) >= 900
    plain = [re.sub(r"<[^>]+>", "", content) for content in contents]
    assert all(words.strip() for words in plain)


def test_posts_cover_the_four_families() -> None:
    composer = Composer(random.Random(2), PERSONA)
    kinds = {composer.top_kind(None) for _ in range(500)}
    assert {"promo", "personal", "question", "mention", "link_other", "process"} <= kinds
    promo = composer.top_level("promo", 1_780_000_000, None, FRIEND)
    assert promo.link and promo.link.startswith(PERSONA.shop)
    mention = composer.top_level("mention", 1_780_000_000, None, FRIEND)
    assert FRIEND in mention.parts
