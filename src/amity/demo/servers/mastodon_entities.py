"""Render the instance's rows as Mastodon's API entities: Account, Status, Notification, Poll.

The shapes are those of a Mastodon 4.5 server (keys, order, types and nulls as real servers send
them; see tests/demo/test_servers_mastodon_shapes.py). Counts and the viewer's own flags
(favourited, reblogged, bookmarked) are counted at the moment the servers stand at
(``DemoServers.until``): what happens later is not there yet.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any, NamedTuple

import orjson

from amity.demo.compose import voices
from amity.demo.mastodon_html import words_html
from amity.demo.servers.schema import REMOTE_BIT
from amity.demo.servers.store import Reader
from amity.demo.world import MastodonAccount, Person

VISIBILITIES = ("public", "unlisted", "private", "direct")
STATUS_TYPES = frozenset(
    ("mention", "status", "reblog", "favourite", "poll", "update", "quote", "quoted_update")
)
GROUPED = frozenset(("favourite", "reblog", "follow"))
STATUS_COLUMNS = (
    "id, account_id, created_ms, in_reply_to_id, in_reply_to_account_id, reblog_of_id,"
    " quote_of_id, visibility, thread_id, content, words, mentions, tags, edited_ms, poll_id,"
    " application"
)
ACCOUNT_COLUMNS = (
    "id, username, domain, display_name, note, created_ms, locked, bot, grp, followers_base,"
    " following_base, statuses_base, fields, uri, url, person"
)
APPLICATION = {"name": "Web", "website": None}
Row = tuple[Any, ...]


class StatusRow(NamedTuple):
    """A row of ``statuses``, in the order of ``STATUS_COLUMNS``."""

    id: int
    account_id: int
    created_ms: int
    in_reply_to_id: int | None
    in_reply_to_account_id: int | None
    reblog_of_id: int | None
    quote_of_id: int | None
    visibility: int
    thread_id: int
    content: str | None
    words: str | None
    mentions: str
    tags: str
    edited_ms: int | None
    poll_id: int | None
    application: str | None


def timestamp(ms: int) -> str:
    """Format epoch milliseconds as Mastodon does: ``2026-03-04T12:34:56.789Z``."""
    moment = datetime.fromtimestamp(ms / 1000, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


class Entities:
    """Render rows of one instance's database for one viewer (her account, or nobody)."""

    def __init__(self, reader: Reader, domain: str, user_id: int) -> None:
        self.reader = reader
        self.domain = domain
        self.user_id = user_id
        self.until = 2**62
        self._accounts: dict[int, dict[str, Any]] = {}
        self._follows: set[int] | None = None

    def set_until(self, until_ms: int) -> None:
        """Stand at ``until_ms``: forget what was counted at another moment."""
        if until_ms != self.until:
            self.until = until_ms
            self._accounts.clear()
            self._follows = None

    # Accounts.

    def account(self, account_id: int) -> dict[str, Any] | None:
        """Return the Account entity for ``account_id``, or None."""
        found = self._accounts.get(account_id)
        if found is None:
            row = self.reader.one(
                f"SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = ?", account_id
            )
            if row is None:
                return None
            found = self._account(row)
            self._accounts[account_id] = found
        return found

    def _account(self, row: Row) -> dict[str, Any]:
        (
            account_id,
            username,
            domain,
            name,
            note,
            created,
            locked,
            bot,
            group,
            followers,
            following,
            statuses,
            fields,
            uri,
            url,
            _person,
        ) = row
        read = self.reader.value
        until = self.until
        followers += read(
            "SELECT COUNT(*) FROM follows WHERE target_account_id = ? AND created_ms <= ?",
            account_id,
            until,
        )
        following += read(
            "SELECT COUNT(*) FROM follows WHERE account_id = ? AND created_ms <= ?",
            account_id,
            until,
        )
        posted = self.reader.one(
            "SELECT COUNT(*), MAX(created_ms) FROM statuses "
            "WHERE account_id = ? AND created_ms <= ?",
            account_id,
            until,
        )
        mine, last = posted if posted is not None else (0, None)
        avatar, header = self._images(account_id, domain)
        entity: dict[str, Any] = {
            "id": str(account_id),
            "username": username,
            "acct": username if domain is None else f"{username}@{domain}",
            "display_name": name,
            "locked": bool(locked),
            "bot": bool(bot),
            "discoverable": True,
            "indexable": True,
            "group": bool(group),
            "created_at": timestamp(created - created % 86_400_000),
            "note": note,
            "url": url,
            "uri": uri,
            "avatar": avatar,
            "avatar_static": avatar,
            "header": header,
            "header_static": header,
            "followers_count": followers,
            "following_count": following,
            "statuses_count": statuses + mine,
            "last_status_at": timestamp(last)[:10] if last else None,
            "hide_collections": False,
            "noindex": False,
            "emojis": [],
        }
        if domain is None:
            entity["roles"] = []
        entity["fields"] = orjson.loads(fields)
        return entity

    def _images(self, account_id: int, domain: str | None) -> tuple[str, str]:
        """Return the avatar and header URLs as the instance serves them (remote ones cached)."""
        digits = f"{account_id:018d}"
        path = "/".join(digits[i : i + 3] for i in range(0, 18, 3))
        name = hashlib.sha256(str(account_id).encode()).hexdigest()[:16]
        where = "system/accounts" if domain is None else "system/cache/accounts"
        avatar = f"https://{self.domain}/{where}/avatars/{path}/original/{name}.png"
        header = f"https://{self.domain}/headers/original/missing.png"
        return avatar, header

    def credential_account(self) -> dict[str, Any]:
        """Return her own account with ``source`` and ``role``, as verify_credentials does."""
        entity = dict(self.account(self.user_id) or {})
        pending = self.reader.value(
            "SELECT COUNT(*) FROM follow_requests WHERE created_ms <= ?", self.until
        )
        plain = [
            {"name": f["name"], "value": _unlink(f["value"]), "verified_at": None}
            for f in entity["fields"]
        ]
        entity["source"] = {
            "privacy": "public",
            "sensitive": False,
            "language": "en",
            "note": _unhtml(entity["note"]),
            "fields": plain,
            "follow_requests_count": pending,
            "hide_collections": False,
            "discoverable": True,
            "indexable": True,
            "attribution_domains": [],
            "quote_policy": "public",
        }
        entity["role"] = {
            "id": "-99",
            "name": "",
            "permissions": "65536",
            "color": "",
            "highlighted": False,
        }
        return entity

    # Statuses.

    def follows_of_viewer(self) -> set[int]:
        """Return whom she follows at the moment the servers stand at."""
        if self._follows is None:
            rows = self.reader.all(
                "SELECT target_account_id FROM follows WHERE account_id = ? AND created_ms <= ?",
                self.user_id,
                self.until,
            )
            self._follows = {row[0] for row in rows}
        return self._follows

    def visible(self, row: StatusRow, viewer: int | None) -> bool:
        """Return whether ``viewer`` may see the status ``row`` at the current moment."""
        if row.created_ms > self.until:
            return False
        if row.visibility <= 1:
            return True
        if viewer is None:
            return False
        if row.account_id == viewer or str(viewer) in row.mentions.split():
            return True
        return row.visibility == 2 and row.account_id in self.follows_of_viewer()

    def status_row(self, status_id: int) -> StatusRow | None:
        """Return the row of a status, or None."""
        row = self.reader.one(f"SELECT {STATUS_COLUMNS} FROM statuses WHERE id = ?", status_id)
        return None if row is None else StatusRow._make(row)

    def status(self, row: StatusRow, viewer: int | None, *, nested: bool = True) -> dict[str, Any]:
        """Return the Status entity of ``row``."""
        status_id, account_id, created = row.id, row.account_id, row.created_ms
        reblog_of, visibility, content = row.reblog_of_id, row.visibility, row.content
        counts = self._counts(status_id, viewer)
        reblog = None
        if reblog_of is not None:
            original = self.status_row(reblog_of)
            reblog = self.status(original, viewer) if original is not None else None
        own = viewer is not None and account_id == viewer
        author = self.account(account_id)
        assert author is not None
        home = status_id if "@" not in author["acct"] else status_id ^ REMOTE_BIT
        uri = f"{author['uri']}/statuses/{home}"
        url = f"{uri}/activity" if reblog_of is not None else f"{author['url']}/{home}"
        uri = url if reblog_of is not None else uri
        if content is None:
            content = self.render(status_id, row.words or "contact_post", row.mentions, author)
        entity: dict[str, Any] = {
            "id": str(status_id),
            "created_at": timestamp(created),
            "in_reply_to_id": _text(row.in_reply_to_id),
            "in_reply_to_account_id": _text(row.in_reply_to_account_id),
            "sensitive": False,
            "spoiler_text": "",
            "visibility": VISIBILITIES[visibility],
            "language": None if reblog_of is not None else "en",
            "uri": uri,
            "url": url,
            **counts,
            "edited_at": timestamp(row.edited_ms)
            if row.edited_ms and row.edited_ms <= self.until
            else None,
        }
        entity |= self._viewer_flags(status_id, viewer)
        if own and reblog_of is None and visibility < 3:
            entity["pinned"] = False
        entity["content"] = content
        if viewer is not None:
            entity["filtered"] = []
        entity["reblog"] = reblog
        if row.application is not None and own:
            entity["application"] = APPLICATION
        entity["account"] = author
        entity["media_attachments"] = []
        entity["mentions"] = self._mentions(row.mentions)
        entity["tags"] = [
            {"name": tag.lower(), "url": f"https://{self.domain}/tags/{tag.lower()}"}
            for tag in row.tags.split()
        ]
        entity["emojis"] = []
        entity["quote"] = self._quote(row.quote_of_id, viewer) if nested else None
        entity["card"] = None
        entity["poll"] = self.poll(row.poll_id, viewer) if row.poll_id else None
        entity["quote_approval"] = _quote_approval(visibility, own)
        return entity

    def render(self, status_id: int, section: str, mentions: str, author: dict[str, Any]) -> str:
        """Return the HTML of a status stored as a kind of words: filled from its id."""
        named = []
        for account_id in mentions.split():
            account = self.account(int(account_id))
            if account is not None:
                named.append(_person(account))
        host = author["url"].split("/")[2]
        words = voices().words(section, status_id)
        return words_html(words, tuple(named), host, inline_tags=False)

    def _counts(self, status_id: int, viewer: int | None) -> dict[str, int]:
        read, until = self.reader.value, self.until
        return {
            "replies_count": read(
                "SELECT COUNT(*) FROM statuses WHERE in_reply_to_id = ? "
                "AND created_ms <= ? AND visibility < 3",
                status_id,
                until,
            ),
            "reblogs_count": read(
                "SELECT COUNT(*) FROM statuses WHERE reblog_of_id = ? AND created_ms <= ?",
                status_id,
                until,
            ),
            "favourites_count": read(
                "SELECT COUNT(*) FROM favourites WHERE status_id = ? AND created_ms <= ?",
                status_id,
                until,
            ),
            "quotes_count": read(
                "SELECT COUNT(*) FROM statuses WHERE quote_of_id = ? AND created_ms <= ?",
                status_id,
                until,
            ),
        }

    def _viewer_flags(self, status_id: int, viewer: int | None) -> dict[str, bool]:
        if viewer is None:
            return {"favourited": False, "reblogged": False, "muted": False, "bookmarked": False}
        read, until = self.reader.value, self.until
        return {
            "favourited": bool(
                read(
                    "SELECT 1 FROM favourites WHERE status_id = ? AND "
                    "account_id = ? AND created_ms <= ?",
                    status_id,
                    viewer,
                    until,
                )
            ),
            "reblogged": bool(
                read(
                    "SELECT 1 FROM statuses WHERE reblog_of_id = ? AND "
                    "account_id = ? AND created_ms <= ?",
                    status_id,
                    viewer,
                    until,
                )
            ),
            "muted": False,
            "bookmarked": bool(
                read(
                    "SELECT 1 FROM bookmarks WHERE status_id = ? AND created_ms <= ?",
                    status_id,
                    until,
                )
            ),
        }

    def _mentions(self, mentions: str) -> list[dict[str, str]]:
        found = []
        for account_id in mentions.split():
            account = self.account(int(account_id))
            if account is not None:
                found.append(
                    {
                        "id": account["id"],
                        "username": account["username"],
                        "url": account["url"],
                        "acct": account["acct"],
                    }
                )
        return found

    def _quote(self, quote_of: int | None, viewer: int | None) -> dict[str, Any] | None:
        if quote_of is None:
            return None
        row = self.status_row(quote_of)
        if row is None or not self.visible(row, viewer):
            return {"state": "deleted", "quoted_status": None}
        return {"state": "accepted", "quoted_status": self.status(row, viewer, nested=False)}

    def poll(self, poll_id: int, viewer: int | None) -> dict[str, Any] | None:
        """Return the Poll entity ``poll_id``; results show once it has ended."""
        row = self.reader.one(
            "SELECT id, expires_ms, options, voters, own_votes FROM polls WHERE id = ?", poll_id
        )
        if row is None:
            return None
        _, expires, options, voters, own = row
        expired = expires <= self.until
        choices = orjson.loads(options)
        return {
            "id": str(poll_id),
            "expires_at": timestamp(expires),
            "expired": expired,
            "multiple": False,
            "votes_count": voters,
            "voters_count": voters,
            "voted": viewer is not None,
            "own_votes": orjson.loads(own) if viewer is not None else [],
            "options": [{"title": title, "votes_count": votes} for title, votes in choices],
            "emojis": [],
        }

    # Notifications.

    def notification(self, row: Row, viewer: int) -> dict[str, Any]:
        """Return the Notification entity of ``row`` (id, type, created_ms, account, status)."""
        notification_id, kind, created, account_id, status_id, extra = row
        group_key = f"ungrouped-{notification_id}"
        if kind in GROUPED:
            target = f"-{status_id}" if status_id is not None else ""
            group_key = f"{kind}{target}-{created // 3_600_000}"
        entity: dict[str, Any] = {
            "id": str(notification_id),
            "type": kind,
            "created_at": timestamp(created),
            "group_key": group_key,
            "account": self.account(account_id),
        }
        if kind in STATUS_TYPES and status_id is not None:
            status = self.status_row(status_id)
            entity["status"] = self.status(status, viewer) if status is not None else None
        if kind == "annual_report" and extra:
            entity["annual_report"] = orjson.loads(extra)
        return entity


def _person(account: dict[str, Any]) -> Person:
    """Return a Person standing for an account entity, to render a mention of it."""
    host = account["url"].split("/")[2]
    mastodon = MastodonAccount(
        account["username"], host, account["uri"], account["url"], account["acct"]
    )
    return Person(account["id"], account["display_name"], 0, 0.0, mastodon, None)


def _text(value: int | None) -> str | None:
    return None if value is None else str(value)


def _quote_approval(visibility: int, own: bool) -> dict[str, Any]:
    if visibility >= 2:
        return {"automatic": [], "manual": [], "current_user": "denied"}
    return {"automatic": ["public"], "manual": [], "current_user": "automatic"}


def _unhtml(html: str) -> str:
    text = html.removeprefix("<p>").removesuffix("</p>")
    return (
        text.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&#39;", "'")
    )


def _unlink(html: str) -> str:
    start = html.find('href="') + 6
    return html[start : html.find('"', start)] if start > 5 else html
