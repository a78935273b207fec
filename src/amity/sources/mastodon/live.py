"""A connected Mastodon account as a sync reads it: its streams and its threads.

Streams, each a newest-first walk (see ``sources.live``): notifications of every kind; the
account's own statuses (boosts included; a first walk stops at the newest post an archive already
brought); its direct conversations; the statuses it favourited; its followers; the accounts it
follows. Statuses that are about the user (mentions, replies, quotes, direct messages) and the
user's own replies queue their thread for a later fetch of its context, newest first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from amity.errors import NotFound
from amity.model import Account, FollowUp, Interaction, Problem, Record
from amity.sources.items import ItemError
from amity.sources.live import Content, Walk, WalkStream, read_each, sortable_id
from amity.sources.mastodon.client import MastodonClient
from amity.sources.mastodon.entities import EntityReader, parse_api_time
from amity.sources.mastodon.normalize import SKIPPED

Entity = Mapping[str, Any]
Lookup = Callable[[set[tuple[str, str]]], Mapping[tuple[str, str], str]]
"""Give the store's keys for API ids: (kind, id) → URI, for those it knows."""

THREAD_KINDS = frozenset({"mention", "status", "quote", "update"})
"""Notifications whose status sits in a thread worth fetching."""


class MastodonLive:
    """The streams and threads of one connected Mastodon account."""

    follow_up_kind = "context"

    def __init__(
        self,
        client: MastodonClient,
        *,
        owner: Account,
        owner_api_id: str,
        lookup: Lookup,
        own_posts_floor: str | None = None,
    ) -> None:
        self.client = client
        self.owner = owner
        self.owner_api_id = owner_api_id
        self.reader = EntityReader(owner, owner_api_id=owner_api_id, instance=client.instance)
        self._lookup = lookup
        self._floor = own_posts_floor
        self._fetched: set[str] = set()

    def streams(self) -> list[WalkStream[Entity]]:
        """Return the account's streams, in the order a sync reads them."""
        client, me = self.client, self.owner_api_id

        def by_id(item: Entity) -> str:
            return sortable_id(item.get("id"))

        def by_last_status(item: Entity) -> str:
            last = item.get("last_status")
            return sortable_id(last.get("id") if isinstance(last, Mapping) else item.get("id"))

        return [
            WalkStream(
                "notifications",
                Walk(client.notifications, by_id, self._convert("notification", self._notice)),
            ),
            WalkStream(
                "statuses",
                Walk(
                    lambda cursor: client.own_statuses(me, cursor),
                    by_id,
                    self._convert("status", self._own_status),
                    floor=self._floor,
                ),
            ),
            WalkStream(
                "conversations",
                Walk(
                    client.conversations,
                    by_last_status,
                    self._convert("conversation", self._conversation),
                ),
            ),
            WalkStream(
                "favourites",
                Walk(
                    client.favourites,
                    by_id,
                    self._convert("favourite", self._favourite),
                    ordered=False,
                ),
            ),
            WalkStream(
                "followers",
                Walk(
                    lambda cursor: client.followers(me, cursor),
                    by_id,
                    self._convert("follower", self._follower),
                    ordered=False,
                ),
            ),
            WalkStream(
                "following",
                Walk(
                    lambda cursor: client.following(me, cursor),
                    by_id,
                    self._convert("followed account", self._followed),
                    ordered=False,
                ),
            ),
        ]

    def follow_up(self, items: Sequence[str]) -> Content:
        """Fetch the context of each queued status; ones the server no longer has are skipped."""
        contexts: list[Entity] = []
        for status_id in items:
            if status_id in self._fetched:
                continue
            try:
                context = self.client.context(status_id)
            except NotFound:
                continue
            contexts.append(context)
            for part in ("ancestors", "descendants"):
                for status in context.get(part) or ():
                    if isinstance(status, Mapping) and status.get("id") is not None:
                        self._fetched.add(str(status["id"]))
        return self._convert("context", self._context)(contexts)

    # -- one item each ---------------------------------------------------------------------------

    def _convert(
        self, label: str, read: Callable[[Entity], tuple[list[Record], list[FollowUp]]]
    ) -> Callable[[Sequence[Entity]], Content]:
        """Return a page converter that reads each item, turning a bad one into a Problem."""

        def convert(items: Sequence[Entity]) -> Content:
            wanted = self.reader.wanted(items)
            if wanted:
                self.reader.remember(self._lookup(wanted))
            records, follow_ups = read_each(
                items, read, lambda item, error: self._problem(label, item, error)
            )
            return Content(records, tuple(follow_ups), self.reader.take_learnt())

        return convert

    def _notice(self, item: Entity) -> tuple[list[Record], list[FollowUp]]:
        records = self.reader.notification(item)
        status = item.get("status")
        later: list[FollowUp] = []
        if item.get("type") in THREAD_KINDS and isinstance(status, Mapping):
            later.append(_thread_of(status))
        return records, later

    def _own_status(self, item: Entity) -> tuple[list[Record], list[FollowUp]]:
        records = self.reader.status(item)
        later = [_thread_of(item)] if item.get("in_reply_to_id") is not None else []
        return records, later

    def _conversation(self, item: Entity) -> tuple[list[Record], list[FollowUp]]:
        records = self.reader.conversation(item)
        last = item.get("last_status")
        return records, [_thread_of(last)] if isinstance(last, Mapping) else []

    def _favourite(self, item: Entity) -> tuple[list[Record], list[FollowUp]]:
        records = self.reader.status(item)
        author = self.reader.ref(_account_of(item))
        uri = item.get("uri")
        if isinstance(uri, str) and author.platform_id != self.owner.platform_id:
            # The API does not say when a status was favourited; nor does the archive.
            records.append(Interaction("mastodon", "like", self.owner.ref, author, uri, None))
        return records, []

    def _follower(self, item: Entity) -> tuple[list[Record], list[FollowUp]]:
        account = self.reader.account(item)
        edge = Interaction("mastodon", "follow", account.ref, self.owner.ref, None, None)
        return [account, edge], []

    def _followed(self, item: Entity) -> tuple[list[Record], list[FollowUp]]:
        account = self.reader.account(item)
        edge = Interaction("mastodon", "follow", self.owner.ref, account.ref, None, None)
        return [account, edge], []

    def _context(self, item: Entity) -> tuple[list[Record], list[FollowUp]]:
        return self.reader.context(item), []

    def _problem(self, label: str, item: Entity, error: ItemError) -> Problem:
        return Problem(
            file=f"{self.client.instance} ({label}s)",
            item=f"{label} {item.get('id', '?')}",
            reason=error.reason,
            hint=SKIPPED,
        )


def _thread_of(status: Entity) -> FollowUp:
    """Return the follow-up that fetches a status's thread, dated by the status."""
    try:
        at = int(parse_api_time(status.get("created_at")).timestamp())
    except ItemError:
        at = 0
    return FollowUp(str(status.get("id")), at)


def _account_of(status: Entity) -> Entity:
    account = status.get("account")
    if not isinstance(account, Mapping):
        raise ItemError("is a status without its account")
    return account
