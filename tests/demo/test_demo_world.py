"""The demo world is believable: circles, talk rates, drifting and rising ties, daily rhythm."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from statistics import mean
from typing import Any

import orjson
import pytest

from amity.demo import DemoWorld, generate


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> DemoWorld:
    return generate(tmp_path_factory.mktemp("demo"), posts=3000, seed=21)


def read_js(path: Path) -> Any:
    return orjson.loads(path.read_text(encoding="utf-8").partition(" = ")[2])


def interactions(world: DemoWorld, truth: dict[str, Any]) -> list[tuple[str, datetime]]:
    """Return (person key, when) for every interaction the archives show, read from the files."""
    mastodon = {}
    twitter = {}
    for person in truth["people"]:
        if "mastodon" in person["accounts"]:
            mastodon[person["accounts"]["mastodon"]["uri"]] = person["key"]
        if "twitter" in person["accounts"]:
            twitter[person["accounts"]["twitter"]["id"]] = person["key"]
    found = []
    outbox = orjson.loads((world.mastodon / "outbox.json").read_bytes())["orderedItems"]
    for activity in outbox:
        when = datetime.fromisoformat(activity["published"])
        if activity["type"] == "Announce":
            found.append((mastodon[activity["object"].split("/statuses/")[0]], when))
            continue
        for tag in activity["object"]["tag"]:
            if tag["type"] == "Mention":
                found.append((mastodon[tag["href"]], when))
    for entry in read_js(world.twitter / "data" / "tweets.js"):
        tweet = entry["tweet"]
        when = datetime.strptime(tweet["created_at"], "%a %b %d %H:%M:%S %z %Y")
        for mention in tweet["entities"]["user_mentions"]:
            found.append((twitter[mention["id_str"]], when))
    user = truth["user"]["twitter"]["id"]
    for entry in read_js(world.twitter / "data" / "direct-messages.js"):
        for message in entry["dmConversation"]["messages"]:
            created = message["messageCreate"]
            other = created["recipientId"] if created["senderId"] == user else created["senderId"]
            found.append((twitter[other], datetime.fromisoformat(created["createdAt"])))
    return found


def test_circles_have_dunbar_sizes(truth: dict[str, Any]) -> None:
    assert [truth["circles"][str(layer)] for layer in (1, 2, 3, 4)] == [5, 10, 35, 100]
    assert truth["circles"]["0"] >= 250
    layers = Counter(person["layer"] for person in truth["people"])
    assert layers[1] == 5 and layers[4] == 100


def test_closer_circles_talk_more_in_the_files(world: DemoWorld, truth: dict[str, Any]) -> None:
    counts = Counter(key for key, _ in interactions(world, truth))
    by_layer = {
        layer: mean(counts[p["key"]] for p in truth["people"] if p["layer"] == layer)
        for layer in (1, 2, 3, 4, 0)
    }
    assert by_layer[1] > by_layer[2] > by_layer[3] > by_layer[4] > by_layer[0]
    assert by_layer[1] > 52, "the inner circle hears from the user weekly or more"


def test_drifting_ties_go_quiet_and_rising_ties_grow(
    world: DemoWorld, truth: dict[str, Any]
) -> None:
    found = interactions(world, truth)
    drifting = [p for p in truth["people"] if p["drifting"]]
    rising = [p for p in truth["people"] if p["rising"]]
    assert len(drifting) >= 2 and len(rising) >= 2
    assert all(p["layer"] in (1, 2) for p in drifting + rising)
    for person, flag in [(p, "drifting") for p in drifting] + [(p, "rising") for p in rising]:
        since = datetime.fromisoformat(person[flag]["since"])
        before, after = _rates(found, person["key"], since, truth)
        if flag == "drifting":
            assert after < before / 5
        else:
            assert after > 3 * before


def _rates(
    found: list[tuple[str, datetime]], key: str, since: datetime, truth: dict[str, Any]
) -> tuple[float, float]:
    start = datetime.fromisoformat(truth["parameters"]["start"])
    end = datetime.fromisoformat(truth["parameters"]["end"])
    settled = since + timedelta(days=30)
    before = sum(1 for k, when in found if k == key and when < since)
    after = sum(1 for k, when in found if k == key and when > settled)
    return before / (since - start).days, after / max(1, (end - settled).days)


def test_some_people_are_on_both_networks_and_some_share_a_name(truth: dict[str, Any]) -> None:
    people = truth["people"]
    both = [p for p in people if set(p["accounts"]) == {"mastodon", "twitter"}]
    assert len(both) > 40
    names = Counter(p["display_name"] for p in people)
    assert any(count > 1 for count in names.values()), "a trap for merging by name alone"


def test_posting_follows_the_day(world: DemoWorld) -> None:
    outbox = orjson.loads((world.mastodon / "outbox.json").read_bytes())["orderedItems"]
    hours = Counter(
        (datetime.fromisoformat(a["published"]).astimezone(UTC).hour + 1) % 24 for a in outbox
    )
    night = sum(hours[h] for h in range(2, 6)) / len(outbox)
    evening = sum(hours[h] for h in range(18, 23)) / len(outbox)
    assert night < 0.04 < 0.25 < evening
