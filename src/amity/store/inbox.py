"""What the inbox reads and writes: messages addressed to the user, her own replies, her marks.

A message is *addressed* to the user when an interaction of kind reply, mention, quote or dm
names one of her accounts as its target, and its author is someone else (not one of her own
accounts, nor an account of her own person). Her marks (done, snoozed) are hers alone: imports
and syncs never write ``inbox_marks``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import orjson
from sqlalchemy import Connection, and_, delete, func, insert, not_, or_, select
from sqlalchemy.orm import aliased

from amity.store.schema import accounts, inbox_marks, interactions, posts, threads

ADDRESSED_KINDS = ("dm", "reply", "quote", "mention")
"""Interaction kinds that put a message in the inbox, the strongest first: a message that is
both a reply and a mention is a reply."""


@dataclass(frozen=True, slots=True)
class Addressed:
    """One message someone else addressed to the user, with the conversation it belongs to."""

    post_id: int
    platform: str
    platform_id: str
    kind: str
    author_id: int | None
    """None for a tweet known only as one the user liked (X's archive does not say who wrote it)."""
    author_person_id: int | None
    handle: str | None
    text: str
    language: str | None
    created_at: int
    url: str | None
    conversation: str
    """The natural key of its conversation: the DM conversation's or the thread's key, or the
    message's own id when it is in no thread."""
    thread_id: int | None
    you_started: bool
    """Whether the user wrote the first message of the conversation (its root post)."""


@dataclass(frozen=True, slots=True)
class Mark:
    """What the user did with one conversation: ``done``, or ``snoozed`` until a moment."""

    platform: str
    conversation: str
    state: str
    marked_at: int
    newest_at: int
    until: int | None


def list_addressed(connection: Connection) -> list[Addressed]:
    """Return every message others addressed to one of the user's accounts, oldest first."""
    actor, target, root_author = (aliased(accounts) for _ in range(3))
    root = aliased(posts)
    own_people = select(accounts.c.person_id).where(
        accounts.c.is_own, accounts.c.person_id.is_not(None)
    )
    query = (
        select(
            interactions.c.kind,
            posts.c.id,
            posts.c.platform,
            posts.c.platform_id,
            posts.c.account_id,
            posts.c.text,
            posts.c.language,
            posts.c.created_at,
            posts.c.url,
            posts.c.kind.label("post_kind"),
            posts.c.source_thread_key,
            posts.c.thread_id,
            threads.c.key.label("thread_key"),
            actor.c.handle,
            actor.c.person_id,
            func.coalesce(root_author.c.is_own, False).label("root_is_own"),
        )
        .select_from(interactions)
        .join(posts, posts.c.id == interactions.c.post_id)
        .join(actor, actor.c.id == posts.c.account_id)
        .join(target, target.c.id == interactions.c.target_id)
        .outerjoin(threads, threads.c.id == posts.c.thread_id)
        .outerjoin(root, root.c.id == threads.c.root_post_id)
        .outerjoin(root_author, root_author.c.id == root.c.account_id)
        .where(
            interactions.c.kind.in_(ADDRESSED_KINDS),
            interactions.c.actor_id == posts.c.account_id,
            target.c.is_own,
            not_(actor.c.is_own),
            or_(actor.c.person_id.is_(None), actor.c.person_id.not_in(own_people)),
        )
        .order_by(posts.c.created_at, posts.c.id)
    )
    found: dict[int, Addressed] = {}
    for row in connection.execute(query):
        known = found.get(row.id)
        if known is not None and ADDRESSED_KINDS.index(known.kind) <= ADDRESSED_KINDS.index(
            row.kind
        ):
            continue
        found[row.id] = Addressed(
            post_id=row.id,
            platform=row.platform,
            platform_id=row.platform_id,
            kind=row.kind,
            author_id=row.account_id,
            author_person_id=row.person_id,
            handle=row.handle,
            text=row.text,
            language=row.language,
            created_at=row.created_at,
            url=row.url,
            conversation=_conversation(row.post_kind, row.source_thread_key, row.thread_key)
            or row.platform_id,
            thread_id=row.thread_id,
            you_started=bool(row.root_is_own),
        )
    return sorted(found.values(), key=lambda message: (message.created_at, message.post_id))


X_EPOCH_MS = 1_288_834_974_657
"""X's ids count milliseconds from this moment, shifted left 22 bits (its "snowflake" ids)."""


def list_liked_addressed(connection: Connection) -> list[Addressed]:
    """Return the tweets addressed to the user that X's archive knows only as her likes.

    An X archive holds none of the replies and mentions others sent the user; a tweet she liked
    keeps its text and id in ``like.js``, though not its author. One that names her account is
    addressed to her (a reply when it opens with her handle), and waits on her like any other:
    a like is not an answer. Its time is read from the tweet id.
    """
    own = {
        (row.id, row.handle)
        for row in connection.execute(
            select(accounts.c.id, accounts.c.handle).where(
                accounts.c.is_own, accounts.c.platform == "twitter", accounts.c.handle.is_not(None)
            )
        )
    }
    if not own:
        return []
    names = re.compile(
        r"(?<![\w@])@(" + "|".join(re.escape(handle) for _, handle in own) + r")\b", re.I
    )
    query = select(interactions.c.id, interactions.c.raw).where(
        interactions.c.platform == "twitter",
        interactions.c.kind == "like",
        interactions.c.post_id.is_(None),
        interactions.c.actor_id.in_([account_id for account_id, _ in own]),
    )
    found = []
    for row in connection.execute(query):
        liked = orjson.loads(row.raw or "{}").get("like", {}) if row.raw else {}
        text, tweet = liked.get("fullText") or "", str(liked.get("tweetId") or "")
        named = names.search(text)
        if not (named and tweet.isdigit()):
            continue
        found.append(
            Addressed(
                post_id=-row.id,
                platform="twitter",
                platform_id=tweet,
                kind="reply" if named.start() == 0 else "mention",
                author_id=None,
                author_person_id=None,
                handle=None,
                text=text,
                language=None,
                created_at=((int(tweet) >> 22) + X_EPOCH_MS) // 1000,
                url=liked.get("expandedUrl"),
                conversation=tweet,
                thread_id=None,
                you_started=False,
            )
        )
    return found


def _conversation(post_kind: str, source_key: str | None, thread_key: str | None) -> str | None:
    if post_kind == "dm":
        return source_key or thread_key
    return thread_key


def get_own_latest(connection: Connection) -> dict[tuple[str, str], int]:
    """Return when the user last wrote in each conversation, by ``(platform, conversation)``.

    A reply of hers to a message names that message's id as a conversation too: a message on
    its own (no thread stored) is answered by it.
    """
    own = select(accounts.c.id).where(accounts.c.is_own)
    latest: dict[tuple[str, str], int] = {}
    in_threads = (
        select(threads.c.platform, threads.c.key, func.max(posts.c.created_at))
        .join(threads, threads.c.id == posts.c.thread_id)
        .where(posts.c.account_id.in_(own))
        .group_by(threads.c.platform, threads.c.key)
    )
    in_messages = (
        select(posts.c.platform, posts.c.source_thread_key, func.max(posts.c.created_at))
        .where(
            posts.c.account_id.in_(own),
            posts.c.kind == "dm",
            posts.c.source_thread_key.is_not(None),
        )
        .group_by(posts.c.platform, posts.c.source_thread_key)
    )
    replied = (
        select(posts.c.platform, posts.c.reply_to_platform_id, func.max(posts.c.created_at))
        .where(posts.c.account_id.in_(own), posts.c.reply_to_platform_id.is_not(None))
        .group_by(posts.c.platform, posts.c.reply_to_platform_id)
    )
    for query in (in_threads, in_messages, replied):
        for platform, key, at in connection.execute(query):
            latest[(platform, key)] = max(at, latest.get((platform, key), at))
    return latest


def get_dm_starters(
    connection: Connection, keys: Iterable[tuple[str, str]]
) -> set[tuple[str, str]]:
    """Return the DM conversations among ``keys`` whose first message is the user's."""
    wanted = set(keys)
    if not wanted:
        return set()
    first = (
        select(
            posts.c.platform,
            posts.c.source_thread_key,
            func.min(posts.c.created_at).label("first_at"),
        )
        .where(posts.c.kind == "dm", posts.c.source_thread_key.is_not(None))
        .group_by(posts.c.platform, posts.c.source_thread_key)
        .subquery()
    )
    query = (
        select(posts.c.platform, posts.c.source_thread_key)
        .join(
            first,
            and_(
                first.c.platform == posts.c.platform,
                first.c.source_thread_key == posts.c.source_thread_key,
                first.c.first_at == posts.c.created_at,
            ),
        )
        .join(accounts, accounts.c.id == posts.c.account_id)
        .where(posts.c.kind == "dm", accounts.c.is_own)
    )
    return {(p, k) for p, k in connection.execute(query) if (p, k) in wanted}


def get_marks(connection: Connection) -> dict[tuple[str, str], Mark]:
    """Return the user's marks on conversations, by ``(platform, conversation)``."""
    return {
        (row.platform, row.conversation): Mark(
            row.platform, row.conversation, row.state, row.marked_at, row.newest_at, row.until
        )
        for row in connection.execute(select(inbox_marks))
    }


def upsert_mark(connection: Connection, mark: Mark) -> None:
    """Write the user's mark on one conversation, replacing the one it had."""
    connection.execute(
        delete(inbox_marks).where(
            inbox_marks.c.platform == mark.platform,
            inbox_marks.c.conversation == mark.conversation,
        )
    )
    connection.execute(
        insert(inbox_marks).values(
            platform=mark.platform,
            conversation=mark.conversation,
            state=mark.state,
            marked_at=mark.marked_at,
            newest_at=mark.newest_at,
            until=mark.until,
        )
    )


@dataclass(frozen=True, slots=True)
class Said:
    """One message of a conversation, as `amity inbox open` shows it."""

    platform_id: str
    handle: str | None
    is_own: bool
    text: str
    created_at: int
    url: str | None


def list_conversation(
    connection: Connection, *, platform: str, conversation: str, thread_id: int | None
) -> list[Said]:
    """Return every stored message of one conversation, oldest first."""
    condition = (
        posts.c.thread_id == thread_id
        if thread_id is not None
        else or_(posts.c.source_thread_key == conversation, posts.c.platform_id == conversation)
    )
    query = (
        select(
            posts.c.platform_id,
            accounts.c.handle,
            accounts.c.is_own,
            posts.c.text,
            posts.c.created_at,
            posts.c.url,
        )
        .join(accounts, accounts.c.id == posts.c.account_id)
        .where(posts.c.platform == platform, condition, posts.c.kind != "boost")
        .order_by(posts.c.created_at, posts.c.id)
    )
    return [Said(r.platform_id, r.handle, bool(r.is_own), r.text, r.created_at, r.url)
            for r in connection.execute(query)]  # fmt: skip
