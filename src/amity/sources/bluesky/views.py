"""Turn the Bluesky API's views (notifications, threads, profiles, records, chat) into records.

The API wraps the same records a repository export holds (a post, a like, a follow) in views that
add who wrote them and when the AppView saw them. The records inside are read by the archive's own
``RecordReader``, so a post is the same record, with the same natural keys and edges, whether it
came from an export or a sync. Views arrive as plain JSON-shaped dicts (the SDK's models turned
into dicts by their wire names).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from amity.model import Account, Notification, Post, Record
from amity.sources.bluesky.normalize import (
    BLOCK,
    FOLLOW,
    LIKE,
    POST,
    REPOST,
    RecordReader,
    json_safe,
    parse_time,
    ref,
)
from amity.sources.edges import edges_of
from amity.sources.items import ItemError

View = Mapping[str, Any]
CHAT = "bluesky-chat"


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _count(value: object) -> int | None:
    return value if type(value) is int and value >= 0 else None


def record_key(uri: str) -> tuple[str, str]:
    """Return the repository and the ``collection/rkey`` key of an ``at://`` URI."""
    if not uri.startswith("at://"):
        raise ItemError(f"has a record URI that is not at://: {uri[:60]!r}")
    parts = uri[5:].split("/", 1)
    if len(parts) != 2 or "/" not in parts[1]:
        raise ItemError(f"has a record URI without a collection and key: {uri[:60]!r}")
    return parts[0], parts[1]


class ViewReader:
    """Read the views one account's sync sees; ``owner`` is that account's DID."""

    def __init__(self, owner: str) -> None:
        self.owner = ref(owner)

    def profile(self, view: View) -> Account:
        """Return the account a profile view describes, with its figures where given."""
        did = _text(view.get("did"))
        if did is None or not did.startswith("did:"):
            raise ItemError("names an account without a DID")
        handle = _text(view.get("handle"))
        labels = view.get("labels")
        values = {label.get("val") for label in labels or () if isinstance(label, Mapping)}
        return Account(
            platform="bluesky",
            platform_id=did,
            handle=None if handle == "handle.invalid" else handle,
            display_name=_text(view.get("displayName")),
            url=f"https://bsky.app/profile/{did}",
            bio=_text(view.get("description")),
            avatar_url=_text(view.get("avatar")),
            created_at=parse_time(view["createdAt"]) if _text(view.get("createdAt")) else None,
            is_own=did == self.owner.platform_id,
            followers_count=_count(view.get("followersCount")),
            following_count=_count(view.get("followsCount")),
            posts_count=_count(view.get("postsCount")),
            is_bot=True if "bot" in values else None,
            is_group=None,
        )

    def notification(self, view: View) -> list[Record]:
        """Return a notification's records: the notice, its author, the record and its edges."""
        uri = _text(view.get("uri"))
        reason = _text(view.get("reason")) or "unknown"
        if uri is None:
            raise ItemError("is a notification without a URI")
        author = self.profile(_mapping(view.get("author"), "has no author"))
        created_at = parse_time(view.get("indexedAt"))
        records: list[Record] = [author]
        record = view.get("record")
        if isinstance(record, Mapping):
            records += self._record(uri, dict(record))
        subject = _text(view.get("reasonSubject"))
        records.append(
            Notification(
                "bluesky",
                f"{reason}|{uri}",
                self.owner,
                reason,
                created_at,
                author.ref,
                subject or uri,
                raw=json_safe({**view, "author": {"did": author.platform_id}}),
            )
        )
        return records

    def post_view(self, view: View) -> list[Record]:
        """Return a post view's records: author, post (with its counts) and edges."""
        uri = _text(view.get("uri"))
        record = view.get("record")
        if uri is None or not isinstance(record, Mapping):
            raise ItemError("is a post view without its record")
        author = self.profile(_mapping(view.get("author"), "has no author"))
        did, key = record_key(uri)
        post, _ = RecordReader(did).post(key, dict(record))
        counted = replace(
            post,
            reply_count=_count(view.get("replyCount")),
            boost_count=_count(view.get("repostCount")),
            like_count=_count(view.get("likeCount")),
        )
        return [author, counted, *edges_of(counted)]

    def thread(self, view: View) -> list[Record]:
        """Return the records of a thread view: the post, its parents and its replies."""
        records: list[Record] = []
        pending: list[View] = [view]
        seen: set[str] = set()
        while pending:
            node = pending.pop()
            post = node.get("post")
            if isinstance(post, Mapping):  # not a NotFoundPost or BlockedPost
                uri = post.get("uri")
                if isinstance(uri, str) and uri not in seen:
                    seen.add(uri)
                    records += self.post_view(post)
            parent = node.get("parent")
            if isinstance(parent, Mapping):
                pending.append(parent)
            for reply in node.get("replies") or ():
                if isinstance(reply, Mapping):
                    pending.append(reply)
        return records

    def listed_record(self, item: View) -> list[Record]:
        """Return the records of one ``listRecords`` item (a post, like, repost, follow, block)."""
        uri = _text(item.get("uri"))
        value = item.get("value")
        if uri is None or not isinstance(value, Mapping):
            raise ItemError("is a listed record without its URI or value")
        return self._record(uri, dict(value))

    def _record(self, uri: str, record: dict[str, Any]) -> list[Record]:
        did, key = record_key(uri)
        reader = RecordReader(did)
        collection = key.split("/", 1)[0]
        if collection == POST:
            post, edges = reader.post(key, record)
            return [post, *edges]
        if collection == LIKE:
            return [reader.like(key, record)]
        if collection == REPOST:
            return list(reader.repost(key, record))
        if collection == FOLLOW:
            return [reader.follow(key, record)]
        if collection == BLOCK:
            return [reader.block(key, record)]
        return []

    def message(self, convo: View, message: View) -> list[Record]:
        """Return a chat message as a direct message from its sender to the other members."""
        message_id = _text(message.get("id"))
        convo_id = _text(convo.get("id"))
        sender = message.get("sender")
        sender_did = _text(sender.get("did")) if isinstance(sender, Mapping) else None
        if message_id is None or convo_id is None or sender_did is None:
            raise ItemError("is a chat message without its id, conversation or sender")
        members = [
            self.profile(member)
            for member in convo.get("members") or ()
            if isinstance(member, Mapping)
        ]
        author = ref(sender_did)
        others = tuple(m.ref for m in members if m.platform_id != sender_did)
        text = message.get("text")
        post = Post(
            "bluesky",
            f"{CHAT}:{convo_id}:{message_id}",
            author,
            "dm",
            parse_time(message.get("sentAt")),
            text=text if isinstance(text, str) else "",
            visibility="direct",
            thread_key=f"{CHAT}:{convo_id}",
            recipients=others,
            mentions=others,
            raw=json_safe(dict(message)),
        )
        return [*members, post, *edges_of(post)]


def _mapping(value: object, problem: str) -> View:
    if not isinstance(value, Mapping):
        raise ItemError(problem)
    return value
