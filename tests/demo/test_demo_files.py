"""The demo's archives have the layout of real Mastodon and X exports."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import orjson
import pytest

from amity.demo import DemoWorld, generate

TWITTER_EPOCH_MS = 1_288_834_974_657
NOTE_KEYS = [
    "id", "type", "summary", "inReplyTo", "published", "url", "attributedTo", "to", "cc",
    "sensitive", "atomUri", "inReplyToAtomUri", "conversation", "content", "contentMap",
    "attachment", "tag", "replies", "likes", "shares",
]  # fmt: skip


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> DemoWorld:
    return generate(tmp_path_factory.mktemp("demo"), posts=2000, seed=11)


def read_js(path: Path) -> Any:
    """Parse a ``window.YTD.x.part0 = [...]`` file the way an importer would."""
    text = path.read_text(encoding="utf-8")
    prefix, _, body = text.partition(" = ")
    assert prefix.startswith("window.")
    return orjson.loads(body)


def test_outbox_has_the_real_top_level_layout(world: DemoWorld) -> None:
    raw = (world.mastodon / "outbox.json").read_bytes()
    outbox = orjson.loads(raw)
    assert b"\n" not in raw
    assert list(outbox) == ["@context", "id", "type", "totalItems", "orderedItems"]
    assert outbox["type"] == "OrderedCollection"
    assert outbox["totalItems"] == len(outbox["orderedItems"])
    for name in ("likes.json", "bookmarks.json"):
        collection = orjson.loads((world.mastodon / name).read_bytes())
        assert list(collection) == ["@context", "id", "type", "orderedItems"]
        assert all(uri.startswith("https://") for uri in collection["orderedItems"])
    actor = orjson.loads((world.mastodon / "actor.json").read_bytes())
    assert actor["type"] == "Person" and actor["outbox"] == "outbox.json"


def test_outbox_items_are_activities_in_time_order(world: DemoWorld) -> None:
    items = orjson.loads((world.mastodon / "outbox.json").read_bytes())["orderedItems"]
    published = [item["published"] for item in items]
    assert published == sorted(published)
    assert {item["type"] for item in items} == {"Create", "Announce"}
    seen: set[str] = set()
    for item in items:
        assert list(item) == ["id", "type", "actor", "published", "to", "cc", "object"]
        if item["type"] == "Announce":
            assert isinstance(item["object"], str)
            continue
        note = item["object"]
        assert list(note) == NOTE_KEYS
        assert note["content"].startswith("<p>") and note["contentMap"] == {"en": note["content"]}
        assert note["id"] not in seen
        seen.add(note["id"])
        parent = note["inReplyTo"]
        if parent and parent.startswith(item["actor"]):
            assert parent in seen, "a self-reply answers an earlier post of the user"
        if parent:
            assert _mastodon_ms(parent) <= _mastodon_ms(note["id"])


def _mastodon_ms(uri: str) -> int:
    return int(uri.rsplit("/", 1)[-1]) >> 16


def test_mastodon_mentions_and_hashtags_match_the_html(world: DemoWorld) -> None:
    items = orjson.loads((world.mastodon / "outbox.json").read_bytes())["orderedItems"]
    notes = [item["object"] for item in items if item["type"] == "Create"]
    assert any(tag["type"] == "Hashtag" for note in notes for tag in note["tag"])
    for note in notes:
        for tag in note["tag"]:
            if tag["type"] == "Mention":
                assert 'class="u-url mention"' in note["content"]
            else:
                assert f'href="{tag["href"]}" class="mention hashtag"' in note["content"]
    visibilities = {_visibility(item) for item in items if item["type"] == "Create"}
    assert visibilities == {"public", "unlisted", "followers", "direct"}


def _visibility(item: dict[str, Any]) -> str:
    public = "https://www.w3.org/ns/activitystreams#Public"
    if public in item["to"]:
        return "public"
    if public in item["cc"]:
        return "unlisted"
    return "followers" if any(to.endswith("/followers") for to in item["to"]) else "direct"


def test_tweets_js_looks_like_the_real_file(world: DemoWorld) -> None:
    path = world.twitter / "data" / "tweets.js"
    text = path.read_text(encoding="utf-8")
    assert text.startswith('window.YTD.tweets.part0 = [\n  {\n    "tweet" : {\n')
    assert text.endswith("\n  }\n]")
    assert not re.search(r'"[a-z_]+": ', text), "separators are ' : ' as in X's files"
    tweets = [entry["tweet"] for entry in read_js(path)]
    assert len({t["id_str"] for t in tweets}) == len(tweets)
    times = [_tweet_ms(t["id_str"]) for t in tweets]
    assert times == sorted(times, reverse=True), "X writes the newest tweet first"
    for tweet in tweets:
        assert all(isinstance(v, str | bool | dict | list) for v in tweet.values())
        assert isinstance(tweet["favorite_count"], str) and tweet["id"] == tweet["id_str"]
        if "in_reply_to_status_id" in tweet:
            assert _tweet_ms(tweet["in_reply_to_status_id"]) <= _tweet_ms(tweet["id"])
        start, end = (int(i) for i in tweet["display_text_range"])
        assert end == len(tweet["full_text"]) and 0 <= start <= end
        for mention in tweet["entities"]["user_mentions"]:
            first, last = (int(i) for i in mention["indices"])
            assert tweet["full_text"][first:last] == f"@{mention['screen_name']}"


def _tweet_ms(tweet_id: str) -> int:
    return (int(tweet_id) >> 22) + TWITTER_EPOCH_MS


def test_every_data_file_parses_and_the_manifest_counts_it(world: DemoWorld) -> None:
    data = world.twitter / "data"
    manifest_text = (data / "manifest.js").read_text(encoding="utf-8")
    assert manifest_text.startswith("window.__THAR_CONFIG = {")
    manifest = orjson.loads(manifest_text.partition(" = ")[2])
    for described in manifest["dataTypes"].values():
        for file in described["files"]:
            rows = read_js(world.twitter / file["fileName"])
            assert (
                (world.twitter / file["fileName"])
                .read_text()
                .startswith(f"window.{file['globalName']} = [")
            )
            assert int(file["count"]) == sum(
                len(r["dmConversation"]["messages"]) if "dmConversation" in r else 1 for r in rows
            )


def test_direct_messages_go_both_ways_newest_first(world: DemoWorld) -> None:
    user = orjson.loads(world.ground_truth.read_bytes())["user"]["twitter"]["id"]
    conversations = read_js(world.twitter / "data" / "direct-messages.js")
    senders = set()
    for entry in conversations:
        conversation = entry["dmConversation"]
        low, high = conversation["conversationId"].split("-")
        assert int(low) < int(high) and user in (low, high)
        stamps = [m["messageCreate"]["createdAt"] for m in conversation["messages"]]
        assert stamps == sorted(stamps, reverse=True)
        senders |= {m["messageCreate"]["senderId"] == user for m in conversation["messages"]}
    assert senders == {True, False}


def test_zipped_archives_hold_the_same_members(tmp_path: Path) -> None:
    world = generate(tmp_path, posts=300, seed=5, zip_archives=True)
    assert world.mastodon.suffix == ".zip" and world.twitter.suffix == ".zip"
    with zipfile.ZipFile(world.mastodon) as archive:
        assert {"actor.json", "outbox.json", "likes.json", "bookmarks.json"} <= set(
            archive.namelist()
        )
        assert orjson.loads(archive.read("outbox.json"))["totalItems"] == 180
    with zipfile.ZipFile(world.twitter) as archive:
        assert "data/tweets.js" in archive.namelist()
    assert not (tmp_path / "mastodon").exists()
