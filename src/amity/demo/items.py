"""What the schedule hands the archive writers: the user's items, in time order."""

from __future__ import annotations

from dataclasses import dataclass

from amity.demo.text import Text
from amity.demo.world import Person

POST = "post"
REPLY = "reply"
BOOST = "boost"
DIRECT = "direct"
LIKE = "like"
BOOKMARK = "bookmark"
POST_KINDS = frozenset((POST, REPLY, BOOST, DIRECT))
"""Items that are the user's own posts or boosts (likes and bookmarks are not)."""


# Not frozen: millions are made in the hot loop, and a frozen dataclass pays a setattr per field.
@dataclass(slots=True)
class Ref:
    """A post someone wrote: its id on the platform, its author (None: the user) and its time."""

    id: int
    author: Person | None
    at: int
    text: Text[Person] | None = None
    to_user: bool = False
    """True when the post replies to the user (X shows it as '@user …')."""


@dataclass(slots=True)
class Item:
    """One thing the user did: a post, reply, boost or direct message, a like or a bookmark.

    For likes and bookmarks, ``target`` is the post liked or bookmarked and ``id`` repeats its id.
    """

    kind: str
    at: int
    ms: int
    id: int
    text: Text[Person] | None = None
    parent: Ref | None = None
    root: Ref | None = None
    thread: int = 0
    mentions: tuple[Person, ...] = ()
    self_replies: tuple[int, ...] = ()
    target: Ref | None = None
    likes: int = 0
    shares: int = 0
    visibility: str = "public"
