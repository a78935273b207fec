"""The inbox: conversations waiting on the user, ranked, and what she does with them.

Every reply, mention, quote and direct message someone else addressed to one of the user's
accounts is in a conversation (a thread, a DM conversation, or a message on its own). The
conversation waits on the user when it holds messages newer than anything she wrote in it, and
she has not marked it done since (nor snoozed it). The conversation is one item, shown by its
newest message. amity never writes or sends an answer: the user answers on the platform, and the
next import or sync sees her reply and takes the item out by itself.

Times run as the people views do: the inbox is seen as of the newest interaction in the store
(an archive is a snapshot), and shows the items of the last ``WINDOW_DAYS`` before it unless
asked for every one. Snoozes run on the clock, as the user set them.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from amity.desk.workspace import Workspace
from amity.errors import NotFound, UsageError

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from amity.desk.people import Standing
    from amity.store.inbox import Addressed, Mark, Said

WINDOW_DAYS = 30
"""Without --all, items whose newest message is older than this before the newest data are left
out: a month of conversations is what a person can still pick up."""
SNOOZE_SECONDS = 86_400
"""A snooze without a time lasts a day (the check-in windows that would end it do not exist yet)."""
UNKNOWN_SENDER = "someone on X"
"""Who sent a tweet known only as one the user liked: X's archive does not say."""
_ID = re.compile(r"[0-9a-f]{10}")


@dataclass(frozen=True, slots=True)
class InboxItem:
    """One conversation waiting on the user, shown by its newest message."""

    id: str
    """amity's id of the conversation: stable across imports and syncs, for the actions."""
    platform: str
    platform_id: str
    """The newest message's own id on its platform."""
    platform_ids: tuple[str, ...]
    """Every waiting message's id, oldest first."""
    kind: str
    """``reply``, ``mention``, ``quote`` or ``dm``: what the newest message is to the user."""
    handle: str | None
    """The sender of the newest message: their handle; None where the platform does not say
    (a tweet known only because the user liked it)."""
    name: str
    text: str
    asks: bool
    received_at: int
    why: str
    score: float
    conversation: str
    thread_id: int | None


@dataclass(frozen=True, slots=True)
class Inbox:
    """The items waiting on the user as of ``as_of``, best first, and how many are older."""

    items: tuple[InboxItem, ...]
    as_of: int
    since: int | None
    """Items with nothing newer than this are left out; None: every open item is listed."""
    older: int
    """Open items left out as older than ``since``."""


@dataclass(frozen=True, slots=True)
class Marked:
    """An item the user marked done or snoozed, and until when (for a snooze)."""

    item: InboxItem
    state: str
    until: int | None


@dataclass(frozen=True, slots=True)
class Conversation:
    """One item with its whole conversation from the store, and its address on the platform."""

    item: InboxItem
    messages: tuple[Said, ...]
    address: str | None


def item_id(platform: str, conversation: str) -> str:
    """Return amity's id of a conversation: ten hex digits of a hash of its natural key."""
    return hashlib.blake2b(f"{platform}\n{conversation}".encode(), digest_size=5).hexdigest()


def get_inbox(workspace: Workspace, *, everything: bool = False, now: int | None = None) -> Inbox:
    """Return the conversations waiting on the user, best first; ``now`` is the clock (snoozes)."""
    workspace.require_own_account()
    with workspace.engine.connect() as connection:
        items, as_of = _open_items(connection, clock=_clock(now))
    since = None if everything else as_of - WINDOW_DAYS * 86_400
    kept = tuple(item for item in items if since is None or item.received_at >= since)
    return Inbox(kept, as_of, since, len(items) - len(kept))


def mark_done(workspace: Workspace, item: str, *, now: int | None = None) -> Marked:
    """Mark a conversation done: it leaves the inbox until someone writes in it again."""
    return _mark(workspace, item, state="done", until=None, now=_clock(now))


def snooze(
    workspace: Workspace, item: str, *, until: int | None = None, now: int | None = None
) -> Marked:
    """Snooze a conversation until ``until`` (default: a day from ``now``), or a new message."""
    clock = _clock(now)
    until = clock + SNOOZE_SECONDS if until is None else until
    if until <= clock:
        raise UsageError(
            "a snooze must end in the future",
            hint="Give a later --until, YYYY-MM-DDTHH:MM, or leave it out for a day.",
        )
    return _mark(workspace, item, state="snoozed", until=until, now=clock)


def open_item(workspace: Workspace, item: str) -> Conversation:
    """Return one conversation with every stored message of it, and its platform address."""
    from amity.store.inbox import list_conversation

    workspace.require_own_account()
    with workspace.engine.connect() as connection:
        found = _find(connection, item)
        messages = list_conversation(
            connection,
            platform=found.platform,
            conversation=found.conversation,
            thread_id=found.thread_id,
        )
    newest = next((m for m in messages if m.platform_id == found.platform_id), None)
    return Conversation(found, tuple(messages), platform_address(found, newest))


def platform_address(item: InboxItem, newest: Said | None) -> str | None:
    """Return where the platform shows the item's newest message (its web address)."""
    if newest is not None and newest.url:
        return newest.url
    if item.platform == "bluesky" and item.conversation.startswith("bluesky-chat:"):
        return "https://bsky.app/messages/" + item.conversation.removeprefix("bluesky-chat:")
    if item.platform == "bluesky" and item.platform_id.startswith("at://"):
        did, _, rkey = item.platform_id.removeprefix("at://").partition("/app.bsky.feed.post/")
        return f"https://bsky.app/profile/{did}/post/{rkey}" if rkey else None
    if item.platform == "twitter" and item.kind != "dm":
        return f"https://x.com/i/status/{item.platform_id}"
    if item.platform == "mastodon" and item.platform_id.startswith("https://"):
        return item.platform_id
    return None


def _clock(now: int | None) -> int:
    return int(time.time()) if now is None else now


def _mark(workspace: Workspace, item: str, *, state: str, until: int | None, now: int) -> Marked:
    from amity.store.inbox import Mark, upsert_mark

    workspace.require_own_account()
    with workspace.engine.begin() as connection:
        found = _find(connection, item)
        mark = Mark(found.platform, found.conversation, state, now, found.received_at, until)
        upsert_mark(connection, mark)
    return Marked(found, state, until)


def _find(connection: Connection, item: str) -> InboxItem:
    """Return the waiting conversation ``item`` names, marked or not, however old."""
    wanted = item.strip().lower()
    if _ID.fullmatch(wanted):
        everything, _ = _open_items(connection, clock=None)
        for found in everything:
            if found.id == wanted:
                return found
    raise NotFound(
        f"no conversation waiting on you has the id {item!r}",
        hint="`amity inbox --all` lists every open item with its id (ten letters and digits).",
    )


def _open_items(connection: Connection, *, clock: int | None) -> tuple[list[InboxItem], int]:
    """Return the unanswered conversations, ranked, and the moment they are seen as of.

    With ``clock`` None, the user's marks are not applied (every conversation still waiting).
    """
    from amity.desk.people import get_people
    from amity.store.inbox import (
        get_dm_starters,
        get_marks,
        get_own_latest,
        list_addressed,
        list_liked_addressed,
    )

    found = get_people(connection)
    as_of = found.newest_at or 0
    latest = get_own_latest(connection)
    groups: dict[tuple[str, str], list[Addressed]] = defaultdict(list)
    for message in sorted(
        [*list_addressed(connection), *list_liked_addressed(connection)],
        key=lambda message: message.created_at,
    ):
        key = (message.platform, message.conversation)
        if message.created_at > latest.get(key, -1):
            groups[key].append(message)
    marks = get_marks(connection) if clock is not None else {}
    for key, mark in marks.items():
        held = groups.get(key)
        if held and held[-1].created_at <= mark.newest_at and _holds(mark, clock or 0):
            del groups[key]
    dm_started = get_dm_starters(
        connection, (key for key, held in groups.items() if held[-1].kind == "dm")
    )
    standings = {s.person.person_id: s for s in found.standings}
    items = [
        _item(key, held, standings, as_of=max(as_of, held[-1].created_at), dm_started=dm_started)
        for key, held in groups.items()
    ]
    items.sort(key=lambda item: (-item.score, -item.received_at, item.id))
    return items, as_of


def _holds(mark: Mark, clock: int) -> bool:
    """Return whether a mark still keeps its conversation out: done, or snoozed till later."""
    return mark.state == "done" or (mark.until is not None and mark.until > clock)


def _item(
    key: tuple[str, str],
    held: list[Addressed],
    standings: dict[int, Standing],
    *,
    as_of: int,
    dm_started: set[tuple[str, str]],
) -> InboxItem:
    from amity.insight.asks import NOT_ASKING, Asking, asks
    from amity.insight.inbox import Waiting, place

    newest = held[-1]
    asking, asked_by = NOT_ASKING, newest
    for message in reversed(held):
        found = asks(message.text, message.language)
        if found.asks:
            asking, asked_by = found, message
            break
    if asked_by is not newest:  # the text shown is the newest message's: say which one asks
        where = "in an earlier message"
        if asked_by.handle != newest.handle:
            where += f" from {asked_by.handle or 'someone else'}"
        asking = Asking(asks=True, why=f"{asking.why or 'asks you something'} ({where})")
    handle = newest.handle
    standing = standings.get(newest.author_person_id or -1)
    circle, strength, name = None, 0.0, handle or UNKNOWN_SENDER
    if standing is not None:
        circle, strength = standing.contact.circle, standing.contact.tie.strength
        name = standing.person.name
    placing = place(
        Waiting(
            name=name,
            circle=circle,
            strength=strength,
            asking=asking,
            waited=as_of - newest.created_at,
            you_started=newest.you_started or key in dm_started,
        )
    )
    return InboxItem(
        id=item_id(*key),
        platform=newest.platform,
        platform_id=newest.platform_id,
        platform_ids=tuple(m.platform_id for m in held),
        kind=newest.kind,
        handle=handle,
        name=name,
        text=newest.text,
        asks=asking.asks,
        received_at=newest.created_at,
        why=placing.why,
        score=placing.score,
        conversation=newest.conversation,
        thread_id=newest.thread_id,
    )
