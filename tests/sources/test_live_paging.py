"""Newest-first walks resume exactly: whatever is interrupted, nothing is lost or read twice."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from amity.model import AccountRef, Interaction
from amity.sources.live import Content, Listing, Walk, newest_first, sortable_id

OWNER = AccountRef("mastodon", "https://example.social/users/me")


class Server:
    """A listing newest first, paged by max_id, the way Mastodon pages: ids are numbers."""

    def __init__(self, ids: Sequence[int], size: int) -> None:
        self.ids = sorted(ids, reverse=True)
        self.size = size
        self.requests = 0

    def add(self, ids: Sequence[int]) -> None:
        self.ids = sorted({*self.ids, *ids}, reverse=True)

    def fetch(self, cursor: str | None) -> Listing[int]:
        self.requests += 1
        below = [i for i in self.ids if cursor is None or i < int(cursor)]
        page = below[: self.size]
        more = len(below) > self.size
        return Listing(page, str(page[-1]) if page and more else None)


def walk(server: Server, *, floor: str | None = None, ordered: bool = True) -> Walk[int]:
    def convert(items: Sequence[int]) -> Content:
        return Content([Interaction("mastodon", "like", OWNER, OWNER, str(i)) for i in items])

    return Walk(server.fetch, lambda item: sortable_id(item), convert, ordered=ordered, floor=floor)


def read(
    server: Server, state: dict[str, Any], stop_after: int | None = None, **options: Any
) -> tuple[list[int], dict[str, Any]]:
    """Run one sync; with ``stop_after``, stop (as a kill would) after that many pages."""
    seen: list[int] = []
    for number, page in enumerate(newest_first(walk(server, **options), state)):
        seen += [int(record.post_id or 0) for record in page.content.records]  # type: ignore[union-attr]
        state = page.state
        if stop_after is not None and number + 1 >= stop_after:
            break
    return seen, state


def test_a_first_walk_reads_everything_and_a_second_reads_nothing() -> None:
    server = Server(range(1, 26), size=10)
    seen, state = read(server, {})
    assert seen == list(range(25, 0, -1))
    assert state == {"top": sortable_id(25)}
    requests = server.requests
    again, state = read(server, state)
    assert again == []
    assert server.requests == requests + 1  # one look at the newest page


def test_a_later_walk_reads_only_what_is_new() -> None:
    server = Server(range(1, 26), size=10)
    _, state = read(server, {})
    server.add(range(26, 41))
    seen, state = read(server, state)
    assert seen == list(range(40, 25, -1))
    assert state == {"top": sortable_id(40)}


def test_an_interrupted_walk_carries_on_from_its_gap() -> None:
    server = Server(range(1, 26), size=10)
    first, state = read(server, {}, stop_after=1)
    assert first == list(range(25, 15, -1))
    assert state["gap"]["top"] == sortable_id(25)
    server.add([26, 27])  # new items arrive while the walk is unfinished
    rest, state = read(server, state)
    assert rest == list(range(15, 0, -1))
    assert state == {"top": sortable_id(25)}
    newest, state = read(server, state)
    assert newest == [27, 26]


def test_a_floor_bounds_the_first_walk() -> None:
    server = Server(range(1, 26), size=10)
    seen, state = read(server, {}, floor=sortable_id(12))
    assert seen == list(range(25, 12, -1))
    assert state == {"top": sortable_id(25)}


class FollowerList(Server):
    """A follower list: by when each one followed, not by id; pages by an internal position."""

    def fetch(self, cursor: str | None) -> Listing[int]:
        self.requests += 1
        start = int(cursor) if cursor is not None else 0
        page = self.ids[start : start + self.size]
        more = start + self.size < len(self.ids)
        return Listing(page, str(start + self.size) if more else None)


def test_unordered_walks_stop_at_the_last_top_itself() -> None:
    server = FollowerList([], size=2)
    server.ids = [5, 9, 2, 7, 3]
    seen, state = read(server, {}, ordered=False)
    assert seen == [5, 9, 2, 7, 3]
    server.ids = [8, 1, 5, 9, 2, 7, 3]
    seen, state = read(server, state, ordered=False)
    assert seen == [8, 1]


@settings(max_examples=200, deadline=None)
@given(
    batches=st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=5),
    size=st.integers(min_value=1, max_value=7),
    stops=st.lists(st.one_of(st.none(), st.integers(min_value=1, max_value=4)), max_size=12),
)
def test_any_interruptions_lose_nothing_and_read_nothing_twice(
    batches: list[int], size: int, stops: list[int | None]
) -> None:
    """Items arrive in batches between syncs; syncs stop after any number of pages."""
    server = Server([], size)
    state: dict[str, Any] = {}
    seen: list[int] = []
    next_id = 1
    runs = iter(stops)
    for batch in batches:
        server.add(range(next_id, next_id + batch))
        next_id += batch
        for stop in runs:
            got, state = read(server, state, stop_after=stop)
            seen += got
            if stop is None:
                break
    while "gap" in state or (server.ids and state.get("top") != sortable_id(server.ids[0])):
        got, state = read(server, state)
        seen += got
    assert sorted(seen) == list(range(1, next_id))
    assert len(seen) == len(set(seen))
