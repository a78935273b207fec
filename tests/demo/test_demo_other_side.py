"""The ground truth's other side agrees with what the servers and archives hold.

Every question someone put to her and she left unanswered can be found: on the demo Mastodon
instance by its status URI, on the demo PDS by its at:// URI (or its chat message id), in the X
archive by its message id. The broadcasters, the bot and the group, and the quiet people her
close contacts follow are on the servers as the truth describes them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import orjson
import pytest
from tests.demo.servers import bluesky_client, mastodon_client, raw_pages

from amity.demo import DemoWorld, generate
from amity.demo.servers import DemoServers
from amity.demo.truth import owners_of_accounts


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> DemoWorld:
    return generate(tmp_path_factory.mktemp("demo"), posts=600, seed=7)


@pytest.fixture(scope="module")
def servers(world: DemoWorld) -> DemoServers:
    return DemoServers(world.ground_truth.parent)


def read_js(path: Path) -> Any:
    return orjson.loads(path.read_text(encoding="utf-8").partition(" = ")[2])


def mastodon_words(servers: DemoServers) -> dict[str, str]:
    """Return the status URI and plain words of every notification's status on the instance."""
    client = mastodon_client(servers)
    found = {}
    url = f"{servers.mastodon_url}/api/v1/notifications"
    for page in raw_pages(servers.requests_session(), client.access_token, url, {"limit": 80}):
        for notification in page.json():
            status = notification.get("status")
            if status:
                found[status["uri"]] = re.sub(r"<[^>]+>", "", status["content"])
    return found


def bluesky_words(servers: DemoServers) -> dict[str, str]:
    """Return the URI (or message id) and text of every notified post and chat message."""
    client = bluesky_client(servers)
    found: dict[str, str] = {}
    cursor = None
    while True:
        page = client.app.bsky.notification.list_notifications({"limit": 100, "cursor": cursor})
        for notification in page.notifications:
            found[notification.uri] = getattr(notification.record, "text", "")
        cursor = page.cursor
        if not cursor:
            break
    chat = client.with_bsky_chat_proxy()
    for convo in chat.chat.bsky.convo.list_convos({"limit": 100}).convos:
        cursor = None
        while True:
            messages = chat.chat.bsky.convo.get_messages(
                {"convo_id": convo.id, "limit": 100, "cursor": cursor}
            )
            found |= {m.id: m.text for m in messages.messages}
            cursor = messages.cursor
            if not cursor:
                break
    return found


def test_every_question_left_waiting_can_be_found(
    world: DemoWorld, servers: DemoServers, truth: dict[str, Any]
) -> None:
    found = {"mastodon": mastodon_words(servers), "bluesky": bluesky_words(servers)}
    for name in ("likes.json", "bookmarks.json"):
        for uri in orjson.loads((world.mastodon / name).read_bytes())["orderedItems"]:
            found["mastodon"].setdefault(uri, "")
    data = world.twitter / "data"
    found["twitter"] = {
        e["like"]["tweetId"]: e["like"]["fullText"] for e in read_js(data / "like.js")
    }
    for entry in read_js(data / "direct-messages.js"):
        for message in entry["dmConversation"]["messages"]:
            found["twitter"][message["messageCreate"]["id"]] = message["messageCreate"]["text"]
    theirs = [q for q in truth["unanswered_questions"] if q["from"] != "user"]
    platforms = {q["platform"] for q in theirs}
    assert platforms == {"mastodon", "bluesky", "twitter"}
    assert {q["kind"] for q in theirs} >= {"reply", "mention", "dm"}
    for question in theirs:
        words = found[question["platform"]].get(question["id"])
        assert words is not None, question
        assert "?" in words or words == "", question
    assert truth["counts"]["unanswered_questions"] == len(truth["unanswered_questions"])


def test_people_have_bluesky_accounts_and_what_they_did_to_her(truth: dict[str, Any]) -> None:
    user = truth["user"]["bluesky"]
    assert user["handle"] == "junocastellanos.art"
    assert re.fullmatch(r"did:plc:[a-z2-7]{24}", user["did"])
    on_bluesky = [p for p in truth["people"] if "bluesky" in p["accounts"]]
    assert len(on_bluesky) > 100
    assert all(p["accounts"]["bluesky"]["handle"].endswith(".bsky.social") for p in on_bluesky)
    owners = owners_of_accounts(truth)
    assert all(owners[("bluesky", p["accounts"]["bluesky"]["did"])] == p["key"] for p in on_bluesky)
    inner = [p for p in truth["people"] if p["layer"] == 1]
    assert all(p["received"] for p in inner)
    for platform in ("mastodon", "bluesky"):
        by_layer = {
            layer: sum(
                sum(p["received"].get(platform, {}).values())
                for p in truth["people"]
                if p["layer"] == layer
            )
            / max(1, sum(1 for p in truth["people"] if p["layer"] == layer))
            for layer in (1, 2, 3, 4)
        }
        assert by_layer[1] > by_layer[2] > by_layer[3] > by_layer[4], (platform, by_layer)


def test_broadcasters_and_quiet_influencers_are_on_the_servers(
    servers: DemoServers, truth: dict[str, Any]
) -> None:
    client = mastodon_client(servers)
    kinds = {p["key"]: p["kind"] for p in truth["people"]}
    assert {"organisation", "feed", "group", "person"} <= set(kinds.values())
    close = {
        p["accounts"]["mastodon"]["acct"]
        for p in truth["people"]
        if p["layer"] in (1, 2) and "mastodon" in p["accounts"]
    }
    quiet = [p for p in truth["people"] if p["hidden_influencer"]]
    assert len(quiet) == 3
    for person in truth["people"]:
        notable = person["kind"] != "person" or person["hidden_influencer"]
        if not notable or "mastodon" not in person["accounts"]:
            continue
        account = client.account_lookup(person["accounts"]["mastodon"]["acct"])
        assert account.bot == (person["kind"] == "feed")
        assert account.group == (person["kind"] == "group")
        if person["hidden_influencer"]:
            assert account.followers_count < 200
            followers = client.fetch_remaining(client.account_followers(account.id, limit=80))
            followed_by_close = {f.acct for f in followers} & close
            assert len(followed_by_close) >= len(close) // 2, person["display_name"]


def test_the_counts_name_the_other_side(truth: dict[str, Any]) -> None:
    counts = truth["counts"]
    for key in (
        "mastodon_notifications_mention",
        "mastodon_notifications_favourite",
        "mastodon_followers",
        "mastodon_following",
        "mastodon_direct_received",
        "bluesky_notifications_like",
        "bluesky_followers",
        "bluesky_chat_messages",
        "bluesky_posts",
    ):
        assert counts[key] > 0, key
