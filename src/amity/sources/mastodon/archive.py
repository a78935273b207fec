"""Read a Mastodon account export ("Request your archive" under Import and export).

The export is a zip (or the folder it unpacks to) holding ActivityStreams JSON-LD:

- ``actor.json``: the account itself (a ``Person``, or a ``Service`` for bots);
- ``outbox.json``: one ``OrderedCollection`` whose ``orderedItems`` are the account's ``Create``
  (posts and direct messages) and ``Announce`` (boosts) activities, oldest first. It is written on
  one line and can run to gigabytes, so it is streamed item by item;
- ``likes.json`` and ``bookmarks.json`` (optional): the URIs of the posts the account liked or
  bookmarked, with no dates.

Its ``totalItems`` counts are not reliable (real exports disagree with their own item lists), so
they are never used to check what was read.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import orjson

from amity.errors import SourceError
from amity.model import Account, Interaction, InteractionKind, Post, Problem, Record
from amity.sources.container import Container
from amity.sources.html import html_to_text
from amity.sources.items import ItemError
from amity.sources.jsonstream import JsonStream
from amity.sources.mastodon.normalize import (
    SKIPPED,
    ActivityReader,
    as_list,
    as_uri,
    derive_actor,
    host_of,
    parse_time,
    website_of,
)

ACTOR = "actor.json"
OUTBOX = "outbox.json"
COLLECTIONS: tuple[tuple[str, InteractionKind], ...] = (
    ("likes.json", "like"),
    ("bookmarks.json", "bookmark"),
)

_HINT_EXPORT = (
    "Pass the Mastodon export exactly as downloaded (Preferences > Import and export >"
    " Request your archive), or the folder it unpacks to."
)
_HINT_AGAIN = (
    "The file may have been cut off while downloading; request a fresh export and try again."
)


def detect(container: Container) -> bool:
    """Return True when ``container`` looks like a Mastodon account export."""
    return ACTOR in container and OUTBOX in container


def read(container: Container) -> Iterator[Record]:
    """Yield the account, posts, boosts, interactions and problems of a Mastodon export."""
    for name in (ACTOR, OUTBOX):
        if name not in container:
            raise SourceError(f"has no {name}", file=str(container.path), hint=_HINT_EXPORT)
    owner = _read_owner(container)
    yield owner
    reader = _ArchiveReader(container, owner)
    yield from reader.read_outbox()
    for name, kind in COLLECTIONS:
        if name in container:
            yield from reader.read_collection(name, kind)


def _read_owner(container: Container) -> Account:
    """Return the export's own account from ``actor.json`` (a small file, read whole)."""
    where = container.describe(ACTOR)
    with container.open(ACTOR) as raw:
        data = raw.read()
    try:
        actor = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise SourceError(f"is not valid JSON: {error}", file=where, hint=_HINT_AGAIN) from None
    if not isinstance(actor, dict):
        raise SourceError("does not hold a JSON object", file=where, hint=_HINT_EXPORT)
    actor_id = actor.get("id")
    if not isinstance(actor_id, str) or not actor_id:
        raise SourceError("has no account id ('id')", file=where, hint=_HINT_EXPORT)
    return _account_from_actor(actor, actor_id)


def _account_from_actor(actor: dict[str, Any], actor_id: str) -> Account:
    """Return the export's own account from its ``actor.json``."""
    username = actor.get("preferredUsername")
    derived = derive_actor(actor_id)
    handle = f"{username}@{host_of(actor_id)}" if isinstance(username, str) and username else None
    summary = actor.get("summary")
    published = actor.get("published")
    return Account(
        platform="mastodon",
        platform_id=actor_id,
        handle=handle or (derived.handle if derived else None),
        display_name=_text_or_none(actor.get("name")),
        url=as_uri(actor.get("url")),
        bio=(html_to_text(summary) or None) if isinstance(summary, str) else None,
        website=website_of(actor.get("attachment")),
        avatar_url=_image_url(actor.get("icon")),
        created_at=_time_or_none(published),
        is_own=True,
        raw={key: value for key, value in actor.items() if key != "publicKey"},
    )


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _time_or_none(value: object) -> datetime | None:
    try:
        return parse_time(value)
    except ItemError:
        return None


def _image_url(icon: object) -> str | None:
    """Return the URL of an ``icon``/``image``; exports give a path inside the archive."""
    image = as_list(icon)
    return as_uri(image[0].get("url")) if image and isinstance(image[0], dict) else None


class _ArchiveReader:
    """Read the item files of one export for its owner, reporting bad items as Problems."""

    def __init__(self, container: Container, owner: Account) -> None:
        self.container = container
        self.owner = owner.ref
        followers = (owner.raw or {}).get("followers")
        if not isinstance(followers, str):
            followers = f"{owner.platform_id}/followers"
        self.activities = ActivityReader(self.owner, followers=followers)
        self.seen_accounts = {owner.platform_id}

    def read_outbox(self) -> Iterator[Record]:
        """Yield the records of every activity in ``outbox.json``.

        For each activity: the accounts it names that were not met before, its post, then the
        post's interactions; or a Problem when the activity cannot be read.
        """
        where = self.container.describe(OUTBOX)
        interactions_of = self.activities.interactions
        for number, item in self._iter_items(OUTBOX):
            try:
                post = self._post_for(item)
            except ItemError as error:
                yield Problem(where, _label(number, item), error.reason, error.hint or SKIPPED)
                continue
            interactions = interactions_of(post)
            if interactions:
                yield from self._new_accounts(interactions)
            yield post
            yield from interactions

    def read_collection(self, name: str, kind: InteractionKind) -> Iterator[Record]:
        """Yield one interaction per post URI in ``likes.json`` or ``bookmarks.json``."""
        where = self.container.describe(name)
        author_of = self.activities.refs.author_of
        for number, item in self._iter_items(name):
            uri = item if isinstance(item, str) else None
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                uri = item["id"]
            if not uri:
                yield Problem(where, _label(number, item), "is not the URI of a post", SKIPPED)
                continue
            interaction = Interaction("mastodon", kind, self.owner, author_of(uri), uri)
            yield from self._new_accounts((interaction,))
            yield interaction

    def _post_for(self, activity: Any) -> Post:
        if not isinstance(activity, dict):
            raise ItemError("is not a JSON object")
        kind = activity.get("type")
        if kind == "Create":
            return self.activities.post_from_create(activity)
        if kind == "Announce":
            return self.activities.post_from_announce(activity)
        if kind is None:
            raise ItemError("has no type")
        raise ItemError(
            f"is an activity of a type amity does not read ({str(kind)[:40]!r})",
            "amity reads Create (posts) and Announce (boosts); this item was skipped.",
        )

    def _new_accounts(
        self, interactions: tuple[Interaction, ...] | list[Interaction]
    ) -> Iterator[Account]:
        """Yield an account for each interaction target not yielded before in this run."""
        for interaction in interactions:
            target = interaction.target
            if target is not None and target.platform_id not in self.seen_accounts:
                self.seen_accounts.add(target.platform_id)
                yield Account("mastodon", target.platform_id, target.handle, target.display_name)

    def _iter_items(self, name: str) -> Iterator[tuple[int, Any]]:
        """Yield (number, item) for each element of a collection file's ``orderedItems``."""
        where = self.container.describe(name)
        found = False
        with self.container.open(name) as raw:
            stream = JsonStream(raw, file=where)
            for key in stream.iter_keys():
                if key != "orderedItems":
                    stream.value()
                    continue
                found = True
                yield from enumerate(stream.iter_array(label="item"), start=1)
            stream.expect_end()
        if not found:
            raise SourceError(
                "has no list of items ('orderedItems')", file=where, hint=_HINT_EXPORT
            )


def _label(number: int, item: Any) -> str:
    """Return how a Problem names an item: its position, and its id when it has one."""
    item_id = item.get("id") if isinstance(item, dict) else None
    return f"item {number} ({item_id})" if isinstance(item_id, str) else f"item {number}"
