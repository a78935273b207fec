"""Bluesky's chat, as the chat service answers through her PDS: conversations and messages.

``chat.bsky.convo.listConvos`` lists her conversations newest first (cursor: the last one's
``rev``, the id of its newest message), ``getMessages`` a conversation's messages newest first
(cursor: the last message's id). Each conversation counts the messages waiting since her last.
"""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Request

from amity.demo.servers.bluesky_auth import XrpcError
from amity.demo.servers.bluesky_views import Views, timestamp
from amity.demo.servers.store import Reader


class Chat:
    """Her chat conversations, as the chat service shows them to her."""

    def __init__(self, reader: Reader, views: Views, user_id: int) -> None:
        self.reader = reader
        self._views = views
        self.user_id = user_id

    def list_convos(self, request: Request) -> Any:
        limit = limit_of(request, 50)
        sql = "SELECT convo_id, MAX(id) AS rev FROM messages WHERE sent_ms <= ? GROUP BY convo_id"
        args: list[Any] = [self._views.until]
        cursor = request.args.get("cursor")
        outer = f"SELECT convo_id, rev FROM ({sql})"
        if cursor:
            outer += " WHERE rev < ?"
            args.append(cursor)
        rows = self.reader.all(outer + " ORDER BY rev DESC LIMIT ?", *args, limit + 1)
        convos = [self._convo(convo, rev) for convo, rev in rows[:limit]]
        return {"convos": convos} | ({"cursor": rows[limit - 1][1]} if len(rows) > limit else {})

    def _convo(self, convo: str, rev: str) -> dict[str, Any]:
        member = self.reader.value("SELECT member_id FROM convos WHERE id = ?", convo)
        last = self.reader.one(
            "SELECT id, sender_id, sent_ms, text FROM messages WHERE id = ?", rev
        )
        assert last is not None
        mine = (
            self.reader.value(
                "SELECT MAX(id) FROM messages WHERE convo_id = ? AND sender_id = ? "
                "AND sent_ms <= ?",
                convo,
                self.user_id,
                self._views.until,
            )
            or ""
        )
        unread = self.reader.value(
            "SELECT COUNT(*) FROM messages WHERE convo_id = ? AND sender_id != ? AND id > ? "
            "AND sent_ms <= ?",
            convo,
            self.user_id,
            mine,
            self._views.until,
        )
        members = [self._chat_member(self.user_id), self._chat_member(int(member))]
        return {
            "id": convo,
            "rev": rev,
            "members": members,
            "lastMessage": self._message(last),
            "muted": False,
            "status": "accepted",
            "unreadCount": int(unread),
        }

    def _chat_member(self, account: int) -> dict[str, Any]:
        basic = self._views.profile(account, "basic")
        return {key: basic[key] for key in ("did", "handle", "displayName", "avatar", "labels")}

    def _message(self, row: tuple[Any, ...]) -> dict[str, Any]:
        message_id, sender, sent, text = row
        did = self.reader.value("SELECT did FROM accounts WHERE id = ?", sender)
        return {
            "$type": "chat.bsky.convo.defs#messageView",
            "id": message_id,
            "rev": message_id,
            "text": text,
            "sender": {"did": did},
            "sentAt": timestamp(sent),
        }

    def get_messages(self, request: Request) -> Any:
        convo = request.args.get("convoId", "")
        if self.reader.value("SELECT 1 FROM convos WHERE id = ?", convo) is None:
            raise XrpcError(400, "InvalidRequest", "Convo not found")
        limit = limit_of(request, 50)
        sql = (
            "SELECT id, sender_id, sent_ms, text FROM messages WHERE convo_id = ? AND sent_ms <= ?"
        )
        args: list[Any] = [convo, self._views.until]
        cursor = request.args.get("cursor")
        if cursor:
            sql += " AND id < ?"
            args.append(cursor)
        rows = self.reader.all(sql + " ORDER BY id DESC LIMIT ?", *args, limit + 1)
        body: dict[str, Any] = {"messages": [self._message(row) for row in rows[:limit]]}
        return body | ({"cursor": rows[limit - 1][0]} if len(rows) > limit else {})


def limit_of(request: Request, default: int) -> int:
    """Return a request's ``limit`` (1 to 100), or the method's default."""
    raw = request.args.get("limit")
    if raw is None:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= 100:
        raise XrpcError(400, "InvalidRequest", "Error: limit must be between 1 and 100")
    return int(raw)
