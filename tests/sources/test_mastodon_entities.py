"""Mastodon API entities from real servers' recorded responses become amity's records."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from mastodon.return_types import Context, Conversation, Notification, Status
from mastodon.types_base import try_cast_recurse
from tests.mastodon_replay.cassettes import load_cassette

from amity.model import Account, Interaction, Post
from amity.model import Notification as Notice
from amity.sources.items import ItemError
from amity.sources.mastodon.entities import EntityReader, read_account

INSTANCE = "http://localhost:3000"


def bodies(cassette: str, method: str, path_part: str) -> list[Any]:
    """Return the JSON bodies of a cassette's responses to requests matching method and path."""
    return [
        orjson.loads(recording.body)
        for recording in load_cassette(cassette)
        if recording.method == method and path_part in recording.path
    ]


def owner_of(cassette: str) -> tuple[Account, str]:
    """Return the account a cassette's token belongs to, and its API id."""
    me = bodies(cassette, "GET", "verify_credentials")[0]
    return read_account(me, INSTANCE), str(me["id"])


def reader_for(cassette: str) -> EntityReader:
    owner, api_id = owner_of(cassette)
    return EntityReader(owner, owner_api_id=api_id, instance=INSTANCE)


def of(kind: type, records: list[Any]) -> list[Any]:
    return [record for record in records if isinstance(record, kind)]


def test_a_mention_notification_becomes_notice_author_post_and_edge() -> None:
    reader = reader_for("test_fetch_next_previous")
    (notification,) = bodies("test_notifications", "GET", "/api/v1/notifications")[0]
    records = reader.notification(notification)
    status = notification["status"]
    (notice,) = of(Notice, records)
    assert (notice.kind, notice.platform_id) == ("mention", notification["id"])
    assert notice.post_id == status["uri"]
    (post,) = of(Post, records)
    assert post.platform_id == status["uri"]
    assert post.author.platform_id == status["account"]["uri"]
    assert post.text.endswith("hello!")
    (edge,) = of(Interaction, records)
    assert (edge.kind, edge.target) == ("mention", reader.owner)
    assert edge.actor.platform_id == notification["account"]["uri"]
    authors = of(Account, records)
    assert {account.platform_id for account in authors} == {status["account"]["uri"]}
    assert authors[0].followers_count == notification["account"]["followers_count"]


def test_entities_cast_by_mastodon_py_read_as_their_json_does() -> None:
    reader = reader_for("test_fetch_next_previous")
    raw = bodies("test_notifications", "GET", "/api/v1/notifications")[0][0]
    cast = try_cast_recurse(Notification, orjson.loads(orjson.dumps(raw)))
    assert not isinstance(cast["created_at"], str)  # Mastodon.py parsed the times
    plain, typed = reader.notification(raw), reader.notification(cast)
    assert [type(r) for r in plain] == [type(r) for r in typed]
    assert of(Post, plain)[0].created_at == of(Post, typed)[0].created_at
    assert of(Interaction, plain) == of(Interaction, typed)


def test_a_reply_knows_the_uri_of_the_post_it_answers() -> None:
    first, reply = bodies("test_status_reply", "POST", "/api/v1/statuses")
    assert reply["in_reply_to_id"] == first["id"]
    assert reply["account"]["id"] != first["account"]["id"]
    # Seen from the account that wrote the first post, the reply is an answer to the user.
    owner, api_id = read_account(first["account"], INSTANCE), str(first["account"]["id"])
    # In one page: the parent's id is learnt from the page itself.
    reader = EntityReader(owner, owner_api_id=api_id, instance=INSTANCE)
    reader.status(first)
    assert of(Post, reader.status(reply))[0].reply_to_id == first["uri"]
    # Alone: a reply to one of the user's own posts needs nothing learnt.
    fresh = EntityReader(owner, owner_api_id=api_id, instance=INSTANCE)
    answered = of(Post, fresh.status(reply))[0]
    assert answered.reply_to_id == first["uri"]
    assert answered.reply_to_author == owner.ref


def test_ids_are_learnt_and_taken_from_the_store() -> None:
    first, reply = bodies("test_status_reply", "POST", "/api/v1/statuses")
    reader = reader_for("test_fetch_next_previous")  # another account: the own rule cannot help
    assert ("status", first["id"]) in reader.wanted([reply])
    reader.remember({("status", first["id"]): first["uri"]})
    assert reader.wanted([reply]) == {("account", str(reply["in_reply_to_account_id"]))}
    assert of(Post, reader.status(reply))[0].reply_to_id == first["uri"]
    learnt = {(item.kind, item.api_id): item.platform_id for item in reader.take_learnt()}
    assert learnt[("status", reply["id"])] == reply["uri"]
    assert reader.take_learnt() == ()


def test_a_quote_names_the_quoted_post() -> None:
    plain, quoting = bodies("test_status_post_with_quote", "POST", "/api/v1/statuses")
    assert quoting["quote"]["quoted_status"]["id"] == plain["id"]
    records = reader_for("test_fetch_next_previous").status(quoting)
    posts = {post.platform_id: post for post in of(Post, records)}
    assert posts[quoting["uri"]].quote_of_id == plain["uri"]
    assert plain["uri"] in posts  # the quoted post is stored too


def test_a_direct_conversation_is_a_dm_with_edges_to_its_recipients() -> None:
    reader = reader_for("test_conversations")
    conversation = bodies("test_conversations", "GET", "/api/v1/conversations")[0][0]
    cast = try_cast_recurse(Conversation, conversation)
    records = reader.conversation(cast)
    (post,) = of(Post, records)
    assert (post.kind, post.visibility) == ("dm", "direct")
    recipients = {account["uri"] for account in conversation["accounts"]}
    dm_targets = {e.target.platform_id for e in of(Interaction, records) if e.kind == "dm"}
    assert dm_targets == recipients - {post.author.platform_id}


def test_context_statuses_all_become_posts() -> None:
    reader = reader_for("test_fetch_next_previous")
    context = bodies("test_status_context", "GET", "/context")[0]
    assert reader.context(try_cast_recurse(Context, context)) == []
    statuses = bodies("test_fetch_next_previous", "GET", "/statuses")[0]
    built = {"ancestors": statuses[2:], "descendants": statuses[:2]}
    posts = of(Post, reader.context(built))
    assert {post.platform_id for post in posts} == {status["uri"] for status in statuses}


def test_legacy_3_1_1_accounts_without_uri_get_the_conventional_one() -> None:
    legacy = "legacy-mastodon-3.1.1/test_notifications"
    notifications = bodies(legacy, "GET", "/api/v1/notifications")[0]
    assert notifications and all("uri" not in n["account"] for n in notifications)
    owner = Account("mastodon", "https://localhost/users/mastodonpy_test", "mastodonpy_test")
    reader = EntityReader(owner, owner_api_id="1234567890123456", instance="http://localhost")
    for notification in notifications:
        records = reader.notification(notification)
        (notice,) = of(Notice, records)
        assert notice.actor is not None
        assert notice.actor.platform_id == (
            f"https://localhost/users/{notification['account']['username']}"
        )


def test_kinds_amity_does_not_know_are_kept_as_notices() -> None:
    reader = reader_for("test_fetch_next_previous")
    notification = dict(bodies("test_notifications", "GET", "/api/v1/notifications")[0][0])
    notification["type"] = "annual_report"
    notification.pop("status")
    records = reader.notification(notification)
    (notice,) = of(Notice, records)
    assert notice.kind == "annual_report"
    assert not of(Interaction, records)


@pytest.mark.parametrize(
    "broken",
    [
        {"id": "1", "type": "mention", "created_at": "yesterday"},
        {"type": "mention", "created_at": "2026-01-01T00:00:00Z"},
    ],
)
def test_a_malformed_notification_is_an_item_error(broken: dict[str, Any]) -> None:
    with pytest.raises(ItemError):
        reader_for("test_fetch_next_previous").notification(broken)


def test_own_statuses_are_the_owners_posts() -> None:
    reader = reader_for("test_fetch_next_previous")
    statuses = bodies("test_fetch_next_previous", "GET", "/statuses")[0]
    cast = try_cast_recurse(list[Status], statuses)
    posts = [post for status in cast for post in of(Post, reader.status(status))]
    assert all(post.author == reader.owner for post in posts)
    assert [post.platform_id for post in posts] == [status["uri"] for status in statuses]
