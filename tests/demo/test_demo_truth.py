"""The ground truth agrees with the archives it describes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from amity.demo import DemoWorld, generate


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> DemoWorld:
    return generate(tmp_path_factory.mktemp("demo"), posts=2000, seed=13)


def read_js(path: Path) -> Any:
    return orjson.loads(path.read_text(encoding="utf-8").partition(" = ")[2])


def archive_texts(world: DemoWorld) -> dict[str, dict[str, str]]:
    """Return every id each archive holds, with the words the archive keeps for it ('' if none)."""
    mastodon: dict[str, str] = {}
    outbox = orjson.loads((world.mastodon / "outbox.json").read_bytes())["orderedItems"]
    for activity in outbox:
        if activity["type"] == "Create":
            mastodon[activity["object"]["id"]] = activity["object"]["content"]
    for name in ("likes.json", "bookmarks.json"):
        for uri in orjson.loads((world.mastodon / name).read_bytes())["orderedItems"]:
            mastodon.setdefault(uri, "")
    data = world.twitter / "data"
    twitter = {e["tweet"]["id_str"]: e["tweet"]["full_text"] for e in read_js(data / "tweets.js")}
    for entry in read_js(data / "like.js"):
        twitter[entry["like"]["tweetId"]] = entry["like"]["fullText"]
    for entry in read_js(data / "direct-messages.js"):
        for message in entry["dmConversation"]["messages"]:
            twitter[message["messageCreate"]["id"]] = message["messageCreate"]["text"]
    return {"mastodon": mastodon, "twitter": twitter}


def test_unanswered_questions_in_the_archives_are_there(
    world: DemoWorld, truth: dict[str, Any]
) -> None:
    """Hers and X's are all in the archives; others' on Mastodon are there when she liked them."""
    found = archive_texts(world)
    keys = {person["key"] for person in truth["people"]} | {"user"}
    archived = [q for q in truth["unanswered_questions"] if q["platform"] != "bluesky"]
    mine = [q for q in archived if q["from"] == "user" or q["platform"] == "twitter"]
    questions = mine + [q for q in archived if q not in mine and q["id"] in found["mastodon"]]
    assert {(q["platform"], q["from"] == "user") for q in questions} == {
        ("mastodon", True), ("mastodon", False), ("twitter", True), ("twitter", False)
    }  # fmt: skip
    assert {q["kind"] for q in questions if q["platform"] == "twitter"} >= {"dm", "reply"}
    for question in questions:
        assert question["id"] in found[question["platform"]], question
        assert question["from"] in keys and set(question["to"]) <= keys
        words = found[question["platform"]][question["id"]]
        assert "?" in words or words == "", question


def test_drifting_friends_leave_a_question_hanging(truth: dict[str, Any]) -> None:
    drifting = {p["key"] for p in truth["people"] if p["drifting"] and "twitter" in p["accounts"]}
    waiting = {q["from"] for q in truth["unanswered_questions"] if q["kind"] == "dm"}
    assert drifting <= waiting


def test_counts_match_the_files(world: DemoWorld, truth: dict[str, Any]) -> None:
    counts = world.counts
    assert truth["counts"] == counts
    outbox = orjson.loads((world.mastodon / "outbox.json").read_bytes())
    assert counts["mastodon_posts"] + counts["mastodon_boosts"] == len(outbox["orderedItems"])
    tweets = read_js(world.twitter / "data" / "tweets.js")
    assert counts["twitter_posts"] + counts["twitter_retweets"] == len(tweets)
    assert len(outbox["orderedItems"]) + len(tweets) == counts["posts"] == 2000
    assert len(outbox["orderedItems"]) == 1200
    assert counts["unanswered_questions"] == len(truth["unanswered_questions"])


def test_people_name_accounts_that_appear_in_the_archives(
    world: DemoWorld, truth: dict[str, Any]
) -> None:
    outbox = (world.mastodon / "outbox.json").read_text(encoding="utf-8")
    tweets = (world.twitter / "data" / "tweets.js").read_text(encoding="utf-8")
    inner = [p for p in truth["people"] if p["layer"] == 1]
    for person in inner:
        accounts = person["accounts"]
        assert ("mastodon" in accounts and accounts["mastodon"]["uri"] in outbox) or (
            "twitter" in accounts and accounts["twitter"]["id"] in tweets
        )
    assert truth["seed"] == 13 and truth["parameters"]["posts"] == 2000
