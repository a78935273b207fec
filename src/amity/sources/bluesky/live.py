"""A connected Bluesky account as a sync reads it: its streams and its threads.

Streams: notifications of every reason; the account's own records (posts, reposts, likes, follows,
blocks: the records its repository export holds, read by the same reader, so an export and a sync
never store a thing twice; a first walk of posts and reposts stops at the newest one an export
already brought); its followers and follows; and its chat conversations, where the service offers
them and the app password may read them. Replies, mentions and quotes of the user, and the user's
own replies, queue their thread for a later fetch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC
from typing import Any

from amity.errors import CredentialsRejected, NotFound, ServerFailed
from amity.model import Account, FollowUp, Interaction, Post, Problem, Record
from amity.sources.bluesky.client import BlueskyClient
from amity.sources.bluesky.normalize import (
    BLOCK,
    FOLLOW,
    LIKE,
    POST,
    REPOST,
    parse_time,
)
from amity.sources.bluesky.views import ViewReader
from amity.sources.items import ItemError
from amity.sources.live import Content, Page, Stream, Unavailable, Walk, WalkStream, read_each

View = Mapping[str, Any]
THREAD_REASONS = frozenset({"reply", "mention", "quote"})
SKIPPED = "The rest of the sync went on; only this item was skipped."
COLLECTIONS = (POST, REPOST, LIKE, FOLLOW, BLOCK)


def _moment(value: object) -> str:
    """Return an API time as fixed-width UTC text that sorts like the time."""
    try:
        return parse_time(value).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
    except ItemError:
        return ""


class BlueskyLive:
    """The streams and threads of one connected Bluesky account."""

    follow_up_kind = "thread"

    def __init__(
        self,
        client: BlueskyClient,
        *,
        owner: Account,
        floors: Mapping[str, str] | None = None,
    ) -> None:
        self.client = client
        self.owner = owner
        self.reader = ViewReader(owner.platform_id)
        self._floors = dict(floors or {})
        self._fetched: set[str] = set()

    def streams(self) -> list[Stream]:
        """Return the account's streams, in the order a sync reads them."""
        client, did = self.client, self.owner.platform_id
        found: list[Stream] = [
            WalkStream(
                "notifications",
                Walk(
                    client.notifications,
                    lambda item: f"{_moment(item.get('indexedAt'))}|{item.get('uri')}",
                    self._convert("notification", self._notice),
                ),
            )
        ]
        for collection in COLLECTIONS:
            found.append(
                WalkStream(
                    f"records:{collection}",
                    Walk(
                        _records_of(client, did, collection),
                        lambda item: str(item.get("uri", "")).rsplit("/", 1)[-1],
                        self._convert("record", self._own_record),
                        floor=self._floors.get(collection),
                    ),
                )
            )
        for name, fetch, read in (
            ("followers", client.followers, self._follower),
            ("follows", client.follows, self._followed),
        ):
            found.append(
                WalkStream(
                    name,
                    Walk(
                        _of_actor(fetch, did),
                        lambda item: str(item.get("did", "")),
                        self._convert("account", read),
                        ordered=False,
                    ),
                )
            )
        found.append(ChatStream(self))
        return found

    def follow_up(self, items: Sequence[str]) -> Content:
        """Fetch the thread of each queued post; posts the network no longer has are skipped."""
        records: list[Record] = []
        for uri in items:
            if uri in self._fetched:
                continue
            try:
                view = self.client.thread(uri)
            except NotFound:
                continue
            try:
                found = self.reader.thread(view)
            except ItemError as error:
                records.append(self.problem("thread", uri, error))
                continue
            self._fetched.update(record.platform_id for record in found if isinstance(record, Post))
            records += found
        return Content(records)

    # -- one item each ---------------------------------------------------------------------------

    def _convert(
        self, label: str, read: Callable[[View], tuple[list[Record], list[FollowUp]]]
    ) -> Callable[[Sequence[View]], Content]:
        def problem(item: View, error: ItemError) -> Problem:
            return self.problem(label, str(item.get("uri") or item.get("did") or "?"), error)

        def convert(items: Sequence[View]) -> Content:
            records, follow_ups = read_each(items, read, problem)
            return Content(records, tuple(follow_ups))

        return convert

    def _notice(self, item: View) -> tuple[list[Record], list[FollowUp]]:
        records = self.reader.notification(item)
        uri = item.get("uri")
        if item.get("reason") in THREAD_REASONS and isinstance(uri, str):
            at = int(parse_time(item.get("indexedAt")).timestamp())
            return records, [FollowUp(uri, at)]
        return records, []

    def _own_record(self, item: View) -> tuple[list[Record], list[FollowUp]]:
        records = self.reader.listed_record(item)
        value = item.get("value")
        uri = item.get("uri")
        if isinstance(value, Mapping) and value.get("reply") and isinstance(uri, str):
            at = int(parse_time(value.get("createdAt")).timestamp())
            return records, [FollowUp(uri, at)]
        return records, []

    def _follower(self, item: View) -> tuple[list[Record], list[FollowUp]]:
        account = self.reader.profile(item)
        return [account, Interaction("bluesky", "follow", account.ref, self.owner.ref)], []

    def _followed(self, item: View) -> tuple[list[Record], list[FollowUp]]:
        account = self.reader.profile(item)
        return [account, Interaction("bluesky", "follow", self.owner.ref, account.ref)], []

    def problem(self, label: str, name: str, error: ItemError) -> Problem:
        """Return the Problem that reports a bad item of this account and skips it."""
        return Problem(
            file=f"{self.client.service} ({label}s)",
            item=f"{label} {name}",
            reason=error.reason,
            hint=SKIPPED,
        )


class ChatStream:
    """The account's chat conversations: each conversation's new messages, newest first."""

    name = "chat"

    def __init__(self, live: BlueskyLive) -> None:
        self._live = live

    def pages(self, state: Mapping[str, Any]) -> Iterator[Page]:
        """Yield one page per conversation with messages the last sync did not see."""
        tops: dict[str, str] = dict(state.get("tops", {}))
        for convo in self._conversations():
            convo_id = str(convo.get("id", ""))
            last = convo.get("lastMessage")
            newest = str(last.get("id", "")) if isinstance(last, Mapping) else ""
            if not convo_id or not newest or tops.get(convo_id) == newest:
                continue
            records, read = self._messages(convo, tops.get(convo_id))
            tops[convo_id] = newest
            yield Page(Content(records), {"tops": dict(tops)}, read)

    def _conversations(self) -> Iterator[View]:
        cursor: str | None = None
        while True:
            try:
                listing = self._live.client.conversations(cursor)
            except CredentialsRejected:
                raise Unavailable(
                    "this app password may not read direct messages (make one that may)"
                ) from None
            except (ServerFailed, NotFound) as error:
                raise Unavailable(f"the service offers no chat ({error.message})") from None
            yield from listing.items
            if listing.next is None or not listing.items:
                return
            cursor = listing.next

    def _messages(self, convo: View, known: str | None) -> tuple[list[Record], int]:
        client, reader = self._live.client, self._live.reader
        records: list[Record] = []
        read = 0
        cursor: str | None = None
        while True:
            listing = client.messages(str(convo["id"]), cursor)
            for message in listing.items:
                if known is not None and str(message.get("id")) == known:
                    return records, read
                if "sender" not in message:  # a deleted message
                    continue
                read += 1
                try:
                    records += reader.message(convo, message)
                except ItemError as error:
                    records.append(self._live.problem("message", str(message.get("id")), error))
            if listing.next is None or not listing.items:
                return records, read
            cursor = listing.next


def _records_of(client: BlueskyClient, did: str, collection: str) -> Callable[[str | None], Any]:
    return lambda cursor: client.records(did, collection, cursor)


def _of_actor(fetch: Callable[[str, str | None], Any], did: str) -> Callable[[str | None], Any]:
    return lambda cursor: fetch(did, cursor)
