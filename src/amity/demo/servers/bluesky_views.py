"""Render the network's rows as the AppView's views: profiles, posts, threads, notifications.

Each view has the fields its lexicon (``app.bsky.actor.defs``, ``app.bsky.feed.defs``,
``app.bsky.notification.listNotifications``, ``chat.bsky.convo.defs``) gives it, with ``$type``
on union members as the AppView writes them, so the atproto SDK's models parse every answer
strictly. Counts and the viewer's likes, reposts and follows stand at the servers' moment.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson

from amity.demo.bluesky_ids import FOLLOW, LIKE, POST, REPOST, at_uri, split_at_uri
from amity.demo.servers.store import Reader

ACCOUNT_COLUMNS = (
    "id, did, handle, display_name, description, created_ms, followers_base, follows_base,"
    " posts_base"
)
RECORD_COLUMNS = "id, account_id, collection, rkey, cid, created_ms, json"
Row = tuple[Any, ...]


def timestamp(ms: int) -> str:
    """Format epoch milliseconds as the AppView does: ``2026-03-04T12:34:56.789Z``."""
    moment = datetime.fromtimestamp(ms / 1000, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


class Views:
    """Render the network for her, standing at one moment."""

    def __init__(self, reader: Reader, user_id: int, host: str) -> None:
        self.reader = reader
        self.user_id = user_id
        self.host = host
        self.until = 2**62
        self._profiles: dict[int, dict[str, Any]] = {}

    def set_until(self, until_ms: int) -> None:
        """Stand at ``until_ms``: forget what was counted at another moment."""
        if until_ms != self.until:
            self.until = until_ms
            self._profiles.clear()

    # Actors.

    def account_id(self, actor: str) -> int | None:
        """Return the row id of an actor named by DID or handle."""
        column = "did" if actor.startswith("did:") else "handle"
        found = self.reader.value(
            f"SELECT id FROM accounts WHERE {column} = ?",
            actor.lower() if column == "handle" else actor,
        )
        return None if found is None else int(found)

    def profile(self, account_id: int, level: str = "view") -> dict[str, Any]:
        """Return a ProfileViewBasic (``basic``), ProfileView (``view``) or detailed view."""
        detailed = self._profiles.get(account_id)
        if detailed is None:
            detailed = self._detailed(account_id)
            self._profiles[account_id] = detailed
        if level == "detailed":
            return detailed
        keys = BASIC if level == "basic" else VIEW
        return {key: detailed[key] for key in keys if key in detailed}

    def _detailed(self, account_id: int) -> dict[str, Any]:
        row = self.reader.one(f"SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = ?", account_id)
        assert row is not None
        _, did, handle, name, description, created, followers, follows, posts = row
        read, until = self.reader.value, self.until
        followers += read(
            "SELECT COUNT(*) FROM records WHERE subject = ? AND collection = ? AND created_ms <= ?",
            did,
            FOLLOW,
            until,
        )
        follows += self._count(account_id, FOLLOW)
        posts += self._count(account_id, POST)
        avatar = f"https://cdn.bsky.example/img/avatar/plain/{did}/demo@jpeg"
        view: dict[str, Any] = {
            "did": did,
            "handle": handle,
            "displayName": name,
            "description": description,
            "avatar": avatar,
            "associated": {
                "lists": 0,
                "feedgens": 0,
                "starterPacks": 0,
                "labeler": False,
                "chat": {"allowIncoming": "following"},
            },
            "viewer": self._viewer_state(did, account_id),
            "labels": [],
            "createdAt": timestamp(created),
            "indexedAt": timestamp(created),
            "followersCount": followers,
            "followsCount": follows,
            "postsCount": posts,
        }
        return view

    def _count(self, account_id: int, collection: str) -> int:
        return int(
            self.reader.value(
                "SELECT COUNT(*) FROM records WHERE account_id = ? AND collection = ? "
                "AND created_ms <= ?",
                account_id,
                collection,
                self.until,
            )
        )

    def _viewer_state(self, did: str, account_id: int) -> dict[str, Any]:
        state: dict[str, Any] = {"muted": False, "blockedBy": False}
        if account_id == self.user_id:
            return state
        me = self.reader.value("SELECT did FROM accounts WHERE id = ?", self.user_id)
        following = self._follow_uri(self.user_id, did)
        followed_by = self._follow_uri(account_id, me)
        if following:
            state["following"] = following
        if followed_by:
            state["followedBy"] = followed_by
        return state

    def _follow_uri(self, source: int, target: str) -> str | None:
        row = self.reader.one(
            "SELECT rkey FROM records WHERE account_id = ? AND collection = ? AND subject = ? "
            "AND created_ms <= ? LIMIT 1",
            source,
            FOLLOW,
            target,
            self.until,
        )
        if row is None:
            return None
        did = self.reader.value("SELECT did FROM accounts WHERE id = ?", source)
        return at_uri(str(did), FOLLOW, row[0])

    # Records and posts.

    def record_by_uri(self, uri: str) -> Row | None:
        """Return the row of the record ``uri`` as it stands now, or None."""
        parts = split_at_uri(uri)
        if parts is None:
            return None
        account = self.account_id(parts[0])
        if account is None:
            return None
        return self.reader.one(
            f"SELECT {RECORD_COLUMNS} FROM records WHERE account_id = ? AND collection = ? "
            "AND rkey = ? AND created_ms <= ?",
            account,
            parts[1],
            parts[2],
            self.until,
        )

    def uri(self, row: Row) -> str:
        """Return the at:// URI of a record row."""
        did = self.reader.value("SELECT did FROM accounts WHERE id = ?", row[1])
        return at_uri(str(did), row[2], row[3])

    def post(self, row: Row) -> dict[str, Any]:
        """Return the PostView of a post row."""
        uri = self.uri(row)
        record = orjson.loads(row[6])
        view: dict[str, Any] = {
            "uri": uri,
            "cid": row[4],
            "author": self.profile(row[1], "basic"),
            "record": record,
        }
        embed = record.get("embed")
        if embed and embed.get("$type") == "app.bsky.embed.record":
            view["embed"] = self._record_embed(embed["record"]["uri"])
        view |= {
            "replyCount": self._about(uri, "parent"),
            "repostCount": self._about(uri, "subject", REPOST),
            "likeCount": self._about(uri, "subject", LIKE),
            "quoteCount": self._about(uri, "quote"),
            "indexedAt": timestamp(row[5]),
            "viewer": self._post_viewer(uri),
            "labels": [],
        }
        return view

    def _about(self, uri: str, column: str, collection: str | None = None) -> int:
        sql = f"SELECT COUNT(*) FROM records WHERE {column} = ? AND created_ms <= ?"
        args: list[Any] = [uri, self.until]
        if collection is not None:
            sql += " AND collection = ?"
            args.append(collection)
        return int(self.reader.value(sql, *args))

    def _post_viewer(self, uri: str) -> dict[str, Any]:
        state: dict[str, Any] = {"threadMuted": False, "embeddingDisabled": False}
        for collection, key in ((LIKE, "like"), (REPOST, "repost")):
            row = self.reader.one(
                "SELECT rkey FROM records WHERE subject = ? AND collection = ? AND account_id = ? "
                "AND created_ms <= ? LIMIT 1",
                uri,
                collection,
                self.user_id,
                self.until,
            )
            if row is not None:
                did = self.reader.value("SELECT did FROM accounts WHERE id = ?", self.user_id)
                state[key] = at_uri(str(did), collection, row[0])
        return state

    def _record_embed(self, uri: str) -> dict[str, Any]:
        row = self.record_by_uri(uri)
        if row is None:
            return {
                "$type": "app.bsky.embed.record#view",
                "record": {
                    "$type": "app.bsky.embed.record#viewNotFound",
                    "uri": uri,
                    "notFound": True,
                },
            }
        return {
            "$type": "app.bsky.embed.record#view",
            "record": {
                "$type": "app.bsky.embed.record#viewRecord",
                "uri": uri,
                "cid": row[4],
                "author": self.profile(row[1], "basic"),
                "value": orjson.loads(row[6]),
                "labels": [],
                "likeCount": self._about(uri, "subject", LIKE),
                "replyCount": self._about(uri, "parent"),
                "repostCount": self._about(uri, "subject", REPOST),
                "quoteCount": self._about(uri, "quote"),
                "indexedAt": timestamp(row[5]),
            },
        }

    def thread(self, row: Row, depth: int, parent_height: int) -> dict[str, Any]:
        """Return the ThreadViewPost of a post: its parents up to ``parent_height``, replies to
        ``depth``."""
        view = self._thread_down(row, depth)
        node = view
        record = orjson.loads(row[6])
        height = 0
        while "reply" in record and height < parent_height:
            parent_uri = record["reply"]["parent"]["uri"]
            above = self.record_by_uri(parent_uri)
            if above is None:
                node["parent"] = {
                    "$type": "app.bsky.feed.defs#notFoundPost",
                    "uri": parent_uri,
                    "notFound": True,
                }
                break
            parent_view = {"$type": THREAD, "post": self.post(above)}
            node["parent"] = parent_view
            node, record, height = parent_view, orjson.loads(above[6]), height + 1
        return view

    def _thread_down(self, row: Row, depth: int) -> dict[str, Any]:
        view: dict[str, Any] = {"$type": THREAD, "post": self.post(row)}
        if depth > 0:
            uri = view["post"]["uri"]
            replies = self.reader.all(
                f"SELECT {RECORD_COLUMNS} FROM records WHERE parent = ? AND created_ms <= ? "
                "ORDER BY created_ms",
                uri,
                self.until,
            )
            view["replies"] = [self._thread_down(reply, depth - 1) for reply in replies]
        return view

    # Notifications.

    def notification(self, row: Row, seen_ms: int) -> dict[str, Any]:
        """Return a notification view from (id, reason, indexed_ms, record row..., subject)."""
        _, reason, indexed, subject, *record = row
        view: dict[str, Any] = {
            "uri": self.uri(tuple(record)),
            "cid": record[4],
            "author": self.profile(record[1], "view"),
            "reason": reason,
        }
        if subject is not None:
            view["reasonSubject"] = subject
        view |= {
            "record": orjson.loads(record[6]),
            "isRead": seen_ms > indexed,
            "indexedAt": timestamp(indexed),
            "labels": [],
        }
        return view


THREAD = "app.bsky.feed.defs#threadViewPost"
BASIC = ("did", "handle", "displayName", "avatar", "associated", "viewer", "labels", "createdAt")
VIEW = (*BASIC[:3], "description", *BASIC[3:], "indexedAt")
