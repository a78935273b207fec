"""Write the user's Mastodon account export: actor.json, outbox.json, likes.json, bookmarks.json.

The layout follows a real Mastodon 4.3 export: ``outbox.json`` is one minified line, an
OrderedCollection whose ``orderedItems`` are Create (Note) and Announce activities, oldest first;
likes and bookmarks are OrderedCollections of status URIs. Items are written as the schedule
produces them, so the export streams to disk at any size.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

import orjson

from amity.demo.ids import iso
from amity.demo.items import BOOKMARK, BOOST, LIKE, Item, Ref
from amity.demo.mastodon_html import PUBLIC, content, escape
from amity.demo.world import MastodonAccount, Persona

CONTEXT: list[Any] = [
    "https://www.w3.org/ns/activitystreams",
    "https://w3id.org/security/v1",
    {
        "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
        "sensitive": "as:sensitive",
        "Hashtag": "as:Hashtag",
        "movedTo": {"@id": "as:movedTo", "@type": "@id"},
        "alsoKnownAs": {"@id": "as:alsoKnownAs", "@type": "@id"},
        "toot": "http://joinmastodon.org/ns#",
        "Emoji": "toot:Emoji",
        "featured": {"@id": "toot:featured", "@type": "@id"},
        "featuredTags": {"@id": "toot:featuredTags", "@type": "@id"},
        "schema": "http://schema.org#",
        "PropertyValue": "schema:PropertyValue",
        "value": "schema:value",
        "ostatus": "http://ostatus.org#",
        "atomUri": "ostatus:atomUri",
        "inReplyToAtomUri": "ostatus:inReplyToAtomUri",
        "conversation": "ostatus:conversation",
        "focalPoint": {"@container": "@list", "@id": "toot:focalPoint"},
        "blurhash": "toot:blurhash",
        "discoverable": "toot:discoverable",
        "indexable": "toot:indexable",
        "memorial": "toot:memorial",
        "votersCount": "toot:votersCount",
    },
]
STREAMS = "https://www.w3.org/ns/activitystreams"
BUFFER = 1 << 20


class MastodonWriter:
    """Stream the user's items into the four files of a Mastodon export folder."""

    def __init__(self, folder: Path, persona: Persona, *, total: int) -> None:
        self._folder = folder
        self._user = persona.mastodon
        self._followers = f"{self._user.uri}/followers"
        self._total = total
        self.counts = {
            "mastodon_posts": 0,
            "mastodon_boosts": 0,
            "mastodon_likes": 0,
            "mastodon_bookmarks": 0,
        }

    def write(self, items: Iterable[Item]) -> None:
        """Write outbox.json, likes.json and bookmarks.json from ``items`` (in time order)."""
        self._folder.mkdir(parents=True, exist_ok=True)
        with (
            (self._folder / "outbox.json").open("wb", buffering=BUFFER) as outbox,
            (self._folder / "likes.json").open("wb", buffering=BUFFER) as likes,
            (self._folder / "bookmarks.json").open("wb", buffering=BUFFER) as bookmarks,
        ):
            head = {
                "@context": CONTEXT,
                "id": "outbox.json",
                "type": "OrderedCollection",
                "totalItems": self._total,
            }
            outbox.write(orjson.dumps(head)[:-1] + b',"orderedItems":[')
            for handle, name in ((likes, "likes.json"), (bookmarks, "bookmarks.json")):
                start = {"@context": STREAMS, "id": name, "type": "OrderedCollection"}
                handle.write(orjson.dumps(start)[:-1] + b',"orderedItems":[')
            self._items(items, outbox, likes, bookmarks)
            for handle in (outbox, likes, bookmarks):
                handle.write(b"]}")

    def _items(self, items: Iterable[Item], outbox: IO[bytes], *saved: IO[bytes]) -> None:
        likes, bookmarks = saved
        separators = {id(outbox): b"", id(likes): b"", id(bookmarks): b""}
        for item in items:
            if item.kind in (LIKE, BOOKMARK):
                handle = likes if item.kind == LIKE else bookmarks
                data = orjson.dumps(status_uri(item.target, self._user))
                self.counts[f"mastodon_{item.kind}s"] += 1
            else:
                handle = outbox
                data = orjson.dumps(
                    self._announce(item) if item.kind == BOOST else self._create(item)
                )
                self.counts["mastodon_boosts" if item.kind == BOOST else "mastodon_posts"] += 1
            handle.write(separators[id(handle)] + data)
            separators[id(handle)] = b","

    def _announce(self, item: Item) -> dict[str, Any]:
        target = item.target
        assert target is not None and target.author is not None and target.author.mastodon
        return {
            "id": f"{self._user.uri}/statuses/{item.id}/activity",
            "type": "Announce",
            "actor": self._user.uri,
            "published": iso(item.at),
            "to": [PUBLIC],
            "cc": [target.author.mastodon.uri, self._followers],
            "object": status_uri(target, self._user),
        }

    def _create(self, item: Item) -> dict[str, Any]:
        user = self._user
        uri = f"{user.uri}/statuses/{item.id}"
        mentioned = [p.mastodon.uri for p in item.mentions if p.mastodon]
        to, cc = self._audience(item.visibility, mentioned)
        html = content(item, user)
        parent = status_uri(item.parent, user) if item.parent else None
        published = iso(item.at)
        note = {
            "id": uri,
            "type": "Note",
            "summary": None,
            "inReplyTo": parent,
            "published": published,
            "url": f"{user.url}/{item.id}",
            "attributedTo": user.uri,
            "to": to,
            "cc": cc,
            "sensitive": False,
            "atomUri": uri,
            "inReplyToAtomUri": parent,
            "conversation": self._conversation(item),
            "content": html,
            "contentMap": {"en": html},
            "attachment": [],
            "tag": self._tags(item),
            "replies": _replies(uri, [f"{user.uri}/statuses/{i}" for i in item.self_replies]),
            "likes": {"id": f"{uri}/likes", "type": "Collection", "totalItems": item.likes},
            "shares": {"id": f"{uri}/shares", "type": "Collection", "totalItems": item.shares},
        }
        return {
            "id": f"{uri}/activity",
            "type": "Create",
            "actor": user.uri,
            "published": published,
            "to": to,
            "cc": cc,
            "object": note,
        }

    def _audience(self, visibility: str, mentioned: list[str]) -> tuple[list[str], list[str]]:
        """Return ``to`` and ``cc`` as Mastodon sets them for each visibility."""
        if visibility == "direct":
            return mentioned, []
        if visibility == "followers":
            return [self._followers], mentioned
        if visibility == "unlisted":
            return [self._followers], [PUBLIC, *mentioned]
        return [PUBLIC], [self._followers, *mentioned]

    def _conversation(self, item: Item) -> str:
        root = item.root
        author = root.author.mastodon if root and root.author else None
        host = author.host if author else self._user.host
        day = iso(root.at if root else item.at)[:10]
        return f"tag:{host},{day}:objectId={3_000_000 + item.thread * 7}:objectType=Conversation"

    def _tags(self, item: Item) -> list[dict[str, str]]:
        tags = []
        for person in item.mentions:
            account = person.mastodon
            if account:
                name = account.username if account.host == self._user.host else account.acct
                tags.append({"type": "Mention", "href": account.uri, "name": f"@{name}"})
        for tag in item.text.hashtags if item.text else ():
            href = f"https://{self._user.host}/tags/{tag.lower()}"
            tags.append({"type": "Hashtag", "href": href, "name": f"#{tag}"})
        return tags


def status_uri(ref: Ref | None, user: MastodonAccount) -> str:
    """Return the URI of a status: the user's own (no author) or a contact's."""
    assert ref is not None
    account = ref.author.mastodon if ref.author else user
    assert account is not None
    return f"{account.uri}/statuses/{ref.id}"


def _replies(uri: str, own: list[str]) -> dict[str, Any]:
    """Return the replies collection: the first page lists the user's own replies (self-threads)."""
    collection = f"{uri}/replies"
    last = own[-1].rsplit("/", 1)[-1] if own else ""
    follow = f"min_id={last}&page=true" if own else "only_other_accounts=true&page=true"
    page = {
        "type": "CollectionPage",
        "next": f"{collection}?{follow}",
        "partOf": collection,
        "items": own,
    }
    return {"id": collection, "type": "Collection", "first": page}


def write_actor(folder: Path, persona: Persona, *, created: int) -> None:
    """Write actor.json: the user's profile as an ActivityPub Person."""
    user = persona.mastodon
    actor = {
        "@context": CONTEXT[:2],
        "id": user.uri,
        "type": "Person",
        "following": f"{user.uri}/following",
        "followers": f"{user.uri}/followers",
        "inbox": f"{user.uri}/inbox",
        "outbox": "outbox.json",
        "featured": f"{user.uri}/collections/featured",
        "featuredTags": f"{user.uri}/collections/tags",
        "preferredUsername": user.username,
        "name": persona.display_name,
        "summary": f"<p>{escape(persona.bio)}</p>",
        "url": user.url,
        "manuallyApprovesFollowers": False,
        "discoverable": True,
        "indexable": True,
        "published": iso(created - created % 86_400),
        "memorial": False,
        "publicKey": {
            "id": f"{user.uri}#main-key",
            "owner": user.uri,
            "publicKeyPem": _fake_key(user.uri),
        },
        "tag": [],
        "attachment": [
            {"type": "PropertyValue", "name": "Website", "value": me_link(persona.website)},
            {"type": "PropertyValue", "name": "Shop", "value": me_link(persona.shop)},
        ],
        "endpoints": {"sharedInbox": f"https://{user.host}/inbox"},
        "icon": {"type": "Image", "mediaType": "image/png", "url": "avatar.png"},
        "image": {"type": "Image", "mediaType": "image/png", "url": "header.png"},
    }
    (folder / "actor.json").write_bytes(orjson.dumps(actor))


def me_link(url: str) -> str:
    """Return the profile-field link Mastodon writes for a verified website (rel=me)."""
    shown = url.removeprefix("https://")
    return (
        f'<a href="{url}" target="_blank" rel="nofollow noopener noreferrer me" '
        f'translate="no"><span class="invisible">https://</span><span class="">{shown}'
        '</span><span class="invisible"></span></a>'
    )


def _fake_key(seed: str) -> str:
    """Return a public-key PEM block: well formed, deterministic and not anybody's key."""
    body = b"".join(hashlib.sha256(f"{seed}{i}".encode()).digest() for i in range(9))[:270]
    encoded = base64.b64encode(
        bytes.fromhex("30820122300d06092a864886f70d01010105000382010f00") + body
    )
    lines = [encoded[i : i + 64].decode() for i in range(0, len(encoded), 64)]
    return "-----BEGIN PUBLIC KEY-----\n" + "\n".join(lines) + "\n-----END PUBLIC KEY-----\n"
