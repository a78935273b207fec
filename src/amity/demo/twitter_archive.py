"""Write the smaller files of the X archive: account, profile, follows, messages, manifest."""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from amity.demo.ids import iso_ms
from amity.demo.jsformat import entry, manifest_pretty, write_array
from amity.demo.messages import Message, conversation_id
from amity.demo.truth import Tally
from amity.demo.world import Person, Persona, World

ACCOUNT_CREATED_MS = 1_378_651_530_000
"""2013-09-08: when the illustrator opened her X account."""
FILES = (
    ("account", "account.js", "YTD.account.part0", None),
    ("directMessageHeaders", "direct-message-headers.js", "YTD.direct_message_headers.part0", None),
    (
        "directMessages",
        "direct-messages.js",
        "YTD.direct_messages.part0",
        "data/direct_messages_media",
    ),
    (
        "directMessagesGroup",
        "direct-messages-group.js",
        "YTD.direct_messages_group.part0",
        "data/direct_messages_group_media",
    ),
    ("follower", "follower.js", "YTD.follower.part0", None),
    ("following", "following.js", "YTD.following.part0", None),
    ("like", "like.js", "YTD.like.part0", None),
    ("profile", "profile.js", "YTD.profile.part0", "data/profile_media"),
    ("tweetHeaders", "tweet-headers.js", "YTD.tweet_headers.part0", None),
    ("tweets", "tweets.js", "YTD.tweets.part0", "data/tweets_media"),
)


def write_profile(data: Path, persona: Persona) -> None:
    """Write account.js and profile.js."""
    user = persona.twitter
    account = {
        "email": "hello@junocastellanos.art",
        "createdVia": "web",
        "username": user.screen_name,
        "accountId": user.user_id,
        "createdAt": iso_ms(ACCOUNT_CREATED_MS),
        "accountDisplayName": user.display_name,
    }
    write_array(data / "account.js", "YTD.account.part0", [entry("account", account)])
    profile = {
        "description": {
            "bio": persona.bio,
            "website": persona.website,
            "location": persona.location,
        },
        "avatarMediaUrl": f"./data/profile_media/{user.user_id}-avatar.jpg",
        "headerMediaUrl": f"./data/profile_media/{user.user_id}-1580000000.jpg",
    }
    write_array(data / "profile.js", "YTD.profile.part0", [entry("profile", profile)])


def write_follows(
    data: Path, world: World, *, rng: random.Random, truth: Tally | None = None
) -> dict[str, int]:
    """Write follower.js and following.js: most contacts, some acquaintances, many strangers.

    Each contact who follows her is counted in ``truth`` as a follow she received on X.
    """
    on_twitter = [p for p in world.people if p.twitter]
    following = [p for p in on_twitter if rng.random() < (0.95 if p.layer else 0.35)]
    followers = [p for p in on_twitter if rng.random() < (0.9 if p.layer else 0.6)]
    if truth is not None:
        for person in followers:
            truth.received(person, "twitter", "follow")
    strangers = 400 + world.posts // 25
    return {
        "twitter_following": write_array(
            data / "following.js", "YTD.following.part0", _follows("following", following, 0, rng)
        ),
        "twitter_followers": write_array(
            data / "follower.js",
            "YTD.follower.part0",
            _follows("follower", followers, strangers, rng),
        ),
    }


def _follows(name: str, people: list[Person], strangers: int, rng: random.Random) -> Iterator[str]:
    ids = [p.twitter.user_id for p in people if p.twitter]
    rng.shuffle(ids)
    for account_id in ids:
        yield _follow(name, account_id)
    for _ in range(strangers):
        yield _follow(name, str(rng.randrange(10**8, 10**19)))


def _follow(name: str, account_id: str) -> str:
    link = f"https://twitter.com/intent/user?user_id={account_id}"
    return (
        f'  {{\n    "{name}" : {{\n      "accountId" : "{account_id}",\n'
        f'      "userLink" : "{link}"\n    }}\n  }}'
    )


def write_messages(
    data: Path, user_id: str, conversations: Iterable[tuple[Person, list[Message]]]
) -> int:
    """Write direct-messages.js and its headers file; return how many messages there were."""
    total = 0
    with (
        (data / "direct-messages.js").open("w", encoding="utf-8") as full,
        (data / "direct-message-headers.js").open("w", encoding="utf-8") as headers,
    ):
        full.write("window.YTD.direct_messages.part0 = [")
        headers.write("window.YTD.direct_message_headers.part0 = [")
        number = 0
        for person, messages in conversations:
            conversation = conversation_id(person, user_id)
            for handle, with_text in ((full, True), (headers, False)):
                rows = [_message(message, with_text) for message in messages]
                body = {"conversationId": conversation, "messages": rows}
                handle.write((",\n" if number else "\n") + entry("dmConversation", body))
            number += 1
            total += len(messages)
        for handle in (full, headers):
            handle.write("\n]" if number else " ]")
    write_array(data / "direct-messages-group.js", "YTD.direct_messages_group.part0", [])
    return total


def _message(message: Message, with_text: bool) -> dict[str, Any]:
    if not with_text:
        return {
            "messageCreate": {
                "id": str(message.id),
                "senderId": message.sender,
                "recipientId": message.recipient,
                "createdAt": iso_ms(message.ms),
            }
        }
    return {
        "messageCreate": {
            "recipientId": message.recipient,
            "reactions": [],
            "urls": [],
            "text": message.text,
            "mediaUrls": [],
            "senderId": message.sender,
            "id": str(message.id),
            "createdAt": iso_ms(message.ms),
        }
    }


README = """This is a generated demo archive, written by amity.demo for a person who does not exist.

It follows the layout of a real X archive: each file in data/ holds one JavaScript assignment,
window.YTD.<name>.part0 = [ ... ], whose array is the data. manifest.js lists the files.
"""


def write_manifest(data: Path, persona: Persona, counts: dict[str, int], *, generated: int) -> None:
    """Write manifest.js, listing every data file with its item count."""
    user = persona.twitter
    types: dict[str, Any] = {}
    for key, file_name, global_name, media in FILES:
        described: dict[str, Any] = {"mediaDirectory": media} if media else {}
        described["files"] = [
            {
                "fileName": f"data/{file_name}",
                "globalName": global_name,
                "count": str(counts.get(key, 0)),
            }
        ]
        types[key] = described
    (data / "README.txt").write_text(README, encoding="utf-8")
    size = sum(path.stat().st_size for path in data.iterdir())
    config = {
        "userInfo": {
            "accountId": user.user_id,
            "userName": user.screen_name,
            "displayName": user.display_name,
        },
        "archiveInfo": {
            "sizeBytes": str(size),
            "generationDate": iso_ms(generated * 1000),
            "isPartialArchive": False,
            "maxPartSizeBytes": "53687091200",
        },
        "readmeInfo": {"fileName": "data/README.txt", "directory": "data/", "name": "README.txt"},
        "dataTypes": types,
    }
    (data / "manifest.js").write_text(
        f"window.__THAR_CONFIG = {manifest_pretty(config)}", encoding="utf-8"
    )
