"""Plain frozen records shared by every layer.

Sources produce these records, the store keeps them, analyses read them. They hold no behaviour
beyond small derived properties, and no reference to a database session.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

Platform = Literal["mastodon", "twitter", "bluesky"]
PLATFORMS: tuple[Platform, ...] = ("mastodon", "twitter", "bluesky")

PostKind = Literal["post", "boost", "dm"]
"""A post is anything published to a timeline; a boost re-shares another post; a dm is private."""

Visibility = Literal["public", "unlisted", "followers", "direct", "unknown"]

InteractionKind = Literal[
    "reply", "mention", "quote", "boost", "like", "follow", "dm", "bookmark", "block", "mute"
]
"""What an edge is. ``block`` and ``mute`` are the user keeping someone away: they are kept with
the follow graph, never counted as conversation."""
INTERACTION_KINDS: tuple[InteractionKind, ...] = (
    "reply",
    "mention",
    "quote",
    "boost",
    "like",
    "follow",
    "dm",
    "bookmark",
    "block",
    "mute",
)
KEEP_AWAY_KINDS: tuple[InteractionKind, ...] = ("block", "mute")
"""Edges that say the actor wants no contact with the target."""
GRAPH_KINDS: tuple[InteractionKind, ...] = ("follow", "block", "mute")
"""Edges of the follow graph: standing relations, not moments of contact. A follow dated years
back says who follows whom, not that two people were in touch that day."""


CIRCLES = 4
"""Circles 1 (innermost) to 4, like Dunbar's layers of about 5, 15, 50 and 150 people."""
FURTHER_OUT = 0
"""The circle number of a contact in none of the four circles: everyone further out."""
CIRCLES_IN_ORDER = (*range(1, CIRCLES + 1), FURTHER_OUT)
"""Circles as lists and counts run: innermost first, everyone further out last."""


AccountKey = tuple[Platform, str]
"""An account's natural key, (platform, platform id): the same in every store, across imports."""


@dataclass(frozen=True, slots=True)
class AccountRef:
    """Name an account by its stable platform id, with whatever handle the source gave."""

    platform: Platform
    platform_id: str
    handle: str | None = None
    display_name: str | None = None


@dataclass(frozen=True, slots=True)
class Account:
    """An account on one platform: the user's own, or someone they meet there."""

    platform: Platform
    platform_id: str
    handle: str | None = None
    display_name: str | None = None
    url: str | None = None
    bio: str | None = None
    website: str | None = None
    avatar_url: str | None = None
    created_at: datetime | None = None
    is_own: bool = False
    raw: dict[str, Any] | None = None
    followers_count: int | None = None
    following_count: int | None = None
    posts_count: int | None = None
    is_bot: bool | None = None
    """The account says it is automated (Mastodon ``bot``); None: the source does not say."""
    is_group: bool | None = None
    """The account is a group or community account (Mastodon ``group``)."""

    @property
    def ref(self) -> AccountRef:
        """Return the reference other records use to point at this account."""
        return AccountRef(self.platform, self.platform_id, self.handle, self.display_name)

    @property
    def key(self) -> AccountKey:
        """Return the account's natural key: its platform and its id there."""
        return (self.platform, self.platform_id)


class NamedAccount(Protocol):
    """Anything that says which account it is: a platform, a platform id, perhaps a handle."""

    @property
    def platform(self) -> str: ...
    @property
    def platform_id(self) -> str: ...
    @property
    def handle(self) -> str | None: ...


def account_name(account: NamedAccount) -> str:
    """Return the name that shows an account and finds it again: ``platform:handle``.

    An account known by its id alone (a follower, a DM) is ``platform:platform_id``.
    """
    return f"{account.platform}:{account.handle or account.platform_id}"


@dataclass(frozen=True, slots=True)
class PersonAccount:
    """An account together with the person amity files it under (``None``: not filed yet)."""

    account: Account
    person_id: int | None


@dataclass(frozen=True, slots=True)
class Post:
    """A post, boost or direct message, as written by its author."""

    platform: Platform
    platform_id: str
    author: AccountRef
    kind: PostKind
    created_at: datetime
    text: str = ""
    html: str | None = None
    language: str | None = None
    visibility: Visibility = "public"
    url: str | None = None
    reply_to_id: str | None = None
    reply_to_author: AccountRef | None = None
    thread_key: str | None = None
    quote_of_id: str | None = None
    boost_of_id: str | None = None
    boost_of_author: AccountRef | None = None
    links: tuple[str, ...] = ()
    hashtags: tuple[str, ...] = ()
    mentions: tuple[AccountRef, ...] = ()
    recipients: tuple[AccountRef, ...] = ()
    media_count: int = 0
    reply_count: int | None = None
    boost_count: int | None = None
    like_count: int | None = None
    raw: dict[str, Any] | None = field(default=None, compare=False)
    quote_of_author: AccountRef | None = None
    """The author of the quoted post, where the source says."""


@dataclass(frozen=True, slots=True)
class Interaction:
    """A typed edge in time: who did what to whom, about which post, and when (if known)."""

    platform: Platform
    kind: InteractionKind
    actor: AccountRef
    target: AccountRef | None
    post_id: str | None = None
    occurred_at: datetime | None = None
    raw: dict[str, Any] | None = field(default=None, compare=False)

    @property
    def key(self) -> str:
        """Return the natural key that makes importing the same edge twice a no-op."""
        target = self.target.platform_id if self.target else ""
        return f"{self.kind}|{self.actor.platform_id}|{target}|{self.post_id or ''}"


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with one item of a source: skipped, counted and reported."""

    file: str
    item: str
    reason: str
    hint: str = ""

    def as_dict(self) -> dict[str, str]:
        """Return the problem as a plain mapping for JSON reports."""
        return {"file": self.file, "item": self.item, "reason": self.reason, "hint": self.hint}


@dataclass(frozen=True, slots=True)
class Notification:
    """Something a network told one of the user's accounts: kept whole, whatever its kind.

    ``kind`` is the network's own word (Mastodon's ``favourite``, Bluesky's ``like``, or a kind
    amity does not know yet); the interactions it stands for are separate records.
    """

    platform: Platform
    platform_id: str
    owner: AccountRef
    kind: str
    created_at: datetime
    actor: AccountRef | None = None
    post_id: str | None = None
    raw: dict[str, Any] | None = field(default=None, compare=False)


Record = Account | Post | Interaction | Notification | Problem


@dataclass(frozen=True, slots=True)
class FollowUp:
    """Work a sync found for later: a thread to fetch, named as its API names it, and when the
    post it is about was written (the newest work is done first)."""

    item: str
    at: int


@dataclass(frozen=True, slots=True)
class ApiId:
    """An id a server's API uses for something amity keys otherwise (a status by its URI)."""

    kind: str
    api_id: str
    platform_id: str


NoteKind = Literal["note", "met"]


@dataclass(frozen=True, slots=True)
class PersonNote:
    """Something the user wrote down about a person: a note, or a time they met in person."""

    id: int
    person_id: int
    kind: NoteKind
    text: str
    created_at: int
    place: str | None = None
    happened_on: str | None = None
    """The day met, ``YYYY-MM-DD``, when the user gave it."""
