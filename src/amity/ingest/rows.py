"""Turn records into the rows the store takes, in batches, without touching the store.

A batch holds everything one write needs: the accounts first seen or changed since the last
batch, and posts, payloads, interactions and notifications as the rows ``store.bulk`` lays out.
Accounts are named in a row by their platform id; the writer, which alone knows their store ids,
puts those in their place. This half of the work can so run in another process than the writes
(see ``amity.ingest.reader``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from operator import attrgetter
from typing import Any

from orjson import dumps

from amity.model import Account, AccountRef, Interaction, Notification, Post, Problem, Record
from amity.store.bulk import (
    InteractionRow,
    InteractionValues,
    NotificationRow,
    NotificationValues,
    PayloadRow,
    PayloadValues,
    PostRow,
    PostValues,
)

BATCH_SIZE = 5000

AccountKey = tuple[str, str]


def copier(
    record: type,
    fields: tuple[str, ...],
    computed: tuple[str, ...],
    renamed: Mapping[str, str] | None = None,
) -> attrgetter[tuple[Any, ...]]:
    """Return a getter of a record's values for a layout's ``fields`` before the ``computed`` ones.

    ``computed`` names the fields that follow the copied ones, in the layout's order; ``renamed``
    maps a field to the record's attribute where their names differ. Raises TypeError when the
    layout, the names and the record's attributes do not agree.
    """
    renamed = renamed or {}
    copied = fields[: len(fields) - len(computed)]
    attributes = [renamed.get(name, name) for name in copied]
    missing = [name for name in attributes if not hasattr(record, name)]
    if fields[len(copied) :] != computed or missing or not set(renamed) <= set(copied):
        raise TypeError(
            f"{record.__name__}: fields {fields} do not end with {computed}, or name "
            f"attributes it lacks ({missing}), or rename fields not copied ({sorted(renamed)})"
        )
    return attrgetter(*attributes)


_copy_post = copier(
    Post,
    PostRow._fields,
    (
        "created_at",
        "links",
        "hashtags",
        "mention_count",
        "author",
        "reply_to_author",
        "boost_of_author",
    ),
    {
        "reply_to_platform_id": "reply_to_id",
        "source_thread_key": "thread_key",
        "quote_of_platform_id": "quote_of_id",
        "boost_of_platform_id": "boost_of_id",
    },
)
_copy_payload = copier(Post, PayloadRow._fields, ("raw",))
_copy_interaction = copier(
    Interaction,
    InteractionRow._fields,
    ("occurred_at", "raw", "actor", "target"),
    {"post_platform_id": "post_id"},
)
_copy_notification = copier(
    Notification,
    NotificationRow._fields,
    ("created_at", "raw", "owner", "actor"),
    {"post_platform_id": "post_id"},
)


@dataclass(slots=True)
class Batch:
    """Rows for one write, and how far into its export the reading got."""

    accounts: list[dict[str, Any]] = field(default_factory=list)
    posts: list[PostValues] = field(default_factory=list)
    payloads: list[PayloadValues] = field(default_factory=list)
    interactions: list[InteractionValues] = field(default_factory=list)
    notifications: list[NotificationValues] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    records: int = 0
    bytes_read: int = 0


def iter_batches(
    records: Iterable[Record], *, bytes_read: Any = None, size: int = BATCH_SIZE
) -> Iterator[Batch]:
    """Yield the records as batches of about ``size`` rows; ``bytes_read()`` tracks progress."""
    builder = RowBuilder()
    for record in records:
        builder.add(record)
        if builder.pending >= size:
            yield builder.take(bytes_read() if bytes_read else 0)
    yield builder.take(bytes_read() if bytes_read else 0)


class RowBuilder:
    """Collect records as rows; remember which accounts were already handed on unchanged."""

    def __init__(self) -> None:
        self._sent: dict[AccountKey, tuple[str | None, str | None]] = {}
        self._batch = Batch()
        self._accounts: dict[AccountKey, dict[str, Any]] = {}
        self.pending = 0

    def add(self, record: Record) -> None:
        """Add one record of any kind to the batch being built."""
        batch = self._batch
        if isinstance(record, Post):
            batch.posts.append(self._post_row(record))
            if record.raw is not None:
                raw = dumps(record.raw).decode()
                batch.payloads.append((*_copy_payload(record), raw))
        elif isinstance(record, Interaction):
            batch.interactions.append(self._interaction_row(record))
        elif isinstance(record, Account):
            self._note_account(record)
        elif isinstance(record, Notification):
            batch.notifications.append(self._notification_row(record))
        else:
            batch.problems.append(record)
            return
        self.pending += 1  # the batch's records: ``take`` hands the count on

    def take(self, bytes_read: int) -> Batch:
        """Return the batch built so far and start a new one."""
        batch, self._batch = self._batch, Batch()
        batch.accounts = list(self._accounts.values())
        self._sent.update(
            {key: (row["handle"], row["display_name"]) for key, row in self._accounts.items()}
        )
        self._accounts.clear()
        batch.records, batch.bytes_read = self.pending, bytes_read
        self.pending = 0
        return batch

    # Each row is its record's copied values, then the computed ones in the order their names
    # have in the layout (the names of the local variables), then the accounts it names.

    def _post_row(self, post: Post) -> PostValues:
        note = self._note
        note(post.author)
        reply_to, boost_of = post.reply_to_author, post.boost_of_author
        created_at = int(post.created_at.timestamp())
        links = dumps(post.links).decode() if post.links else "[]"
        hashtags = dumps(post.hashtags).decode() if post.hashtags else "[]"
        mention_count = len(post.mentions)
        author = post.author.platform_id
        reply_to_author = None if reply_to is None else note(reply_to)
        boost_of_author = None if boost_of is None else note(boost_of)
        return (
            *_copy_post(post),
            created_at,
            links,
            hashtags,
            mention_count,
            author,
            reply_to_author,
            boost_of_author,
        )

    def _interaction_row(self, edge: Interaction) -> InteractionValues:
        occurred_at = _epoch(edge.occurred_at)
        raw = None if edge.raw is None else dumps(edge.raw).decode()
        actor = self._note(edge.actor)
        target = None if edge.target is None else self._note(edge.target)
        return (*_copy_interaction(edge), occurred_at, raw, actor, target)

    def _notification_row(self, notice: Notification) -> NotificationValues:
        created_at = int(notice.created_at.timestamp())
        raw = None if notice.raw is None else dumps(notice.raw).decode()
        owner = self._note(notice.owner)
        actor = None if notice.actor is None else self._note(notice.actor)
        return (*_copy_notification(notice), created_at, raw, owner, actor)

    def _note(self, ref: AccountRef) -> str:
        """Queue an account named by a reference, unless it went out before as it is now."""
        key = (ref.platform, ref.platform_id)
        sent = self._sent.get(key)
        if sent is not None and (ref.handle is None or sent == (ref.handle, ref.display_name)):
            return ref.platform_id
        row = self._accounts.get(key)
        if row is None:
            self._accounts[key] = {
                "platform": ref.platform,
                "platform_id": ref.platform_id,
                "handle": ref.handle,
                "display_name": ref.display_name,
                **_EMPTY_ACCOUNT,
            }
        else:
            row["handle"] = ref.handle or row["handle"]
            row["display_name"] = ref.display_name or row["display_name"]
        return ref.platform_id

    def _note_account(self, account: Account) -> None:
        key = (account.platform, account.platform_id)
        row = account_row(account)
        previous = self._accounts.get(key)
        if previous is not None:
            row = {
                name: value if value is not None else previous[name] for name, value in row.items()
            }
            row["is_own"] = bool(previous["is_own"] or account.is_own)
        self._accounts[key] = row


def account_row(account: Account) -> dict[str, Any]:
    """Return an account as a row of the accounts table."""
    return {
        "platform": account.platform,
        "platform_id": account.platform_id,
        "handle": account.handle,
        "display_name": account.display_name,
        "url": account.url,
        "bio": account.bio,
        "website": account.website,
        "avatar_url": account.avatar_url,
        "created_at": _epoch(account.created_at),
        "is_own": account.is_own,
        "raw": None if account.raw is None else dumps(account.raw).decode(),
        "followers_count": account.followers_count,
        "following_count": account.following_count,
        "posts_count": account.posts_count,
        "is_bot": account.is_bot,
        "is_group": account.is_group,
    }


_EMPTY_ACCOUNT: dict[str, Any] = {
    "url": None,
    "bio": None,
    "website": None,
    "avatar_url": None,
    "created_at": None,
    "is_own": False,
    "raw": None,
    "followers_count": None,
    "following_count": None,
    "posts_count": None,
    "is_bot": None,
    "is_group": None,
}


def _epoch(moment: datetime | None) -> int | None:
    return None if moment is None else int(moment.timestamp())
