"""What a live source hands the sync: pages of records, each with the cursor that follows it.

A connected account is read as a few *streams* (its notifications, its own posts, its
conversations, its follows …). Each stream yields pages; a page carries its records and the
stream's state after it, so the sync can store both in one transaction: a sync stopped at any
point resumes after the last page stored, with nothing lost and nothing twice.

APIs list newest first and page towards the past. ``newest_first`` turns such a listing into
resumable pages: the first sync walks back to the end (or to a floor, such as the newest post an
archive already holds); later syncs walk back only to what the last one saw. While a walk is
under way its position is kept as a *gap* (where to go on, the new top, the floor), so an
interrupted walk carries on from there next time instead of starting again or leaving a hole.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from amity.model import Account, ApiId, FollowUp, Problem, Record
from amity.sources.items import ItemError

T = TypeVar("T")
State = dict[str, Any]


Reader = Callable[[T], tuple[list[Record], list[FollowUp]]]
"""Read one item of a page: its records and the follow-up work it found."""


def read_each(
    items: Sequence[T], read: Reader[T], problem: Callable[[T, ItemError], Problem]
) -> tuple[list[Record], list[FollowUp]]:
    """Read every item of a page; a bad one becomes a Problem and the others are read."""
    records: list[Record] = []
    follow_ups: list[FollowUp] = []
    for item in items:
        try:
            found, more = read(item)
        except ItemError as error:
            records.append(problem(item, error))
            continue
        records += found
        follow_ups += more
    return records, follow_ups


@dataclass(frozen=True, slots=True)
class Content:
    """What a piece of a sync brings: records, threads to look at next, and API ids learnt."""

    records: list[Record] = field(default_factory=list)
    follow_ups: tuple[FollowUp, ...] = ()
    api_ids: tuple[ApiId, ...] = ()


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a stream: its content, the stream's state after it, and the items read."""

    content: Content
    state: State
    items: int


class Stream(Protocol):
    """A part of an account that a sync reads page by page."""

    @property
    def name(self) -> str:
        """Return the stream's name, under which its state is kept."""
        ...

    def pages(self, state: Mapping[str, Any]) -> Iterator[Page]:
        """Yield the pages that are new since ``state`` (the state the last page left)."""
        ...


class Unavailable(Exception):
    """A stream the server does not offer, or that these credentials may not read: skipped."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class LiveSource(Protocol):
    """One connected account, as a sync reads it: its streams, and threads to fetch on demand."""

    owner: Account
    follow_up_kind: str

    def streams(self) -> list[Stream]:
        """Return the account's streams, in the order a sync reads them."""
        ...

    def follow_up(self, items: Sequence[str]) -> Content:
        """Fetch the threads named by queued follow-up items; unknown ones are skipped."""
        ...


@dataclass(frozen=True, slots=True)
class Listing(Generic[T]):
    """One response of a paged API: items newest first, and the cursor of the next (older) page."""

    items: Sequence[T]
    next: str | None


@dataclass(frozen=True, slots=True)
class Walk(Generic[T]):
    """How to walk one newest-first listing.

    ``mark`` gives an item's watermark. With ``ordered``, watermarks sort like the listing (newer
    is greater) and the walk stops below the last top; otherwise they only name items (a follower
    list is ordered by when each follow happened, not by account) and the walk stops at the last
    top itself. ``floor`` bounds the very first walk.
    """

    fetch: Callable[[str | None], Listing[T]]
    mark: Callable[[T], str]
    convert: Callable[[Sequence[T]], Content]
    ordered: bool = True
    floor: str | None = None


@dataclass(frozen=True, slots=True)
class WalkStream(Generic[T]):
    """A stream that is one newest-first walk."""

    name: str
    walk: Walk[T]

    def pages(self, state: Mapping[str, Any]) -> Iterator[Page]:
        """Yield the walk's pages that are new since ``state``."""
        return newest_first(self.walk, state)


def newest_first(walk: Walk[T], state: Mapping[str, Any]) -> Iterator[Page]:
    """Yield the pages of a newest-first listing that are newer than ``state`` says it saw."""
    top: str | None = state.get("top")
    gap: Mapping[str, Any] | None = state.get("gap")
    if gap is not None:
        cursor: str | None = gap["cursor"]
        new_top: str = gap["top"]
        floor: str | None = gap["floor"]
    else:
        first = walk.fetch(None)
        if not first.items:
            yield Page(Content(), {"top": top}, 0)
            return
        new_top = walk.mark(first.items[0])
        if top is not None and not _beyond(walk, new_top, top):
            yield Page(Content(), {"top": top}, 0)
            return
        floor = top if top is not None else walk.floor
        page, cursor = _page(walk, first, floor, top, new_top)
        yield page
    while cursor is not None:
        listing = walk.fetch(cursor)
        page, cursor = _page(walk, listing, floor, top, new_top)
        yield page


def _page(
    walk: Walk[T], listing: Listing[T], floor: str | None, top: str | None, new_top: str
) -> tuple[Page, str | None]:
    """Return the page of ``listing`` above ``floor``, and the cursor to go on with (or None)."""
    kept, reached = _above(walk, listing.items, floor)
    content = walk.convert(kept) if kept else Content()
    if reached or listing.next is None or not listing.items:
        return Page(content, {"top": new_top}, len(kept)), None
    gap = {"cursor": listing.next, "top": new_top, "floor": floor}
    return Page(content, {"top": top, "gap": gap}, len(kept)), listing.next


def _above(walk: Walk[T], items: Sequence[T], floor: str | None) -> tuple[list[T], bool]:
    """Return the items above ``floor`` and whether the floor was reached in this page."""
    if floor is None:
        return list(items), False
    kept: list[T] = []
    for item in items:
        mark = walk.mark(item)
        if (walk.ordered and not _beyond(walk, mark, floor)) or mark == floor:
            return kept, True
        kept.append(item)
    return kept, False


def _beyond(walk: Walk[Any], mark: str, than: str) -> bool:
    """Return True when ``mark`` is newer than ``than``."""
    return mark > than if walk.ordered else mark != than


def sortable_id(value: object) -> str:
    """Return a server's id as text that sorts like the id (numbers padded to one width)."""
    text = str(value)
    return text.rjust(24, "0") if len(text) < 24 else text
