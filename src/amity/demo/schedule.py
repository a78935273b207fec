"""The user's year on one network, as a stream of items in time order.

The number of posts per day is fixed first (a multinomial draw over the days' weights, so the
total is exact), then each day is filled session by session with units of activity: a top-level
post and the replies it draws, a conversation the user joins, a thread of her own, a boost, a
private exchange. A unit may reach into later days (a reply the next morning), so items wait in
a heap until no later day can produce anything earlier; memory stays bounded by a few days.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import random
from collections.abc import Iterator

import numpy as np

from amity.demo.compose import first_name
from amity.demo.conversation import Conversations
from amity.demo.items import BOOKMARK, DIRECT, LIKE, POST_KINDS, Item
from amity.demo.threads import PARTNER, SINGLE, USER, ShapePool
from amity.demo.timing import DAY, day_weights, session_starts

UNITS = {
    "mastodon": (
        ("join", 0.3),
        ("top", 0.45),
        ("own_thread", 0.04),
        ("boost", 0.15),
        ("direct", 0.06),
    ),
    "twitter": (("join", 0.32), ("top", 0.47), ("own_thread", 0.05), ("boost", 0.16)),
    "bluesky": (("join", 0.34), ("top", 0.44), ("own_thread", 0.05), ("boost", 0.17)),
}
NUMBER_STREAMS = {"mastodon": 8, "twitter": 7, "bluesky": 107}
"""The second word of each network's numpy seed (the length of the name, for the first two)."""
SESSION_POSTS = 2.5
"""Posts per check-in session, on average."""


class Schedule:
    """Produce exactly ``posts`` posts and boosts on one network, plus likes and bookmarks."""

    def __init__(
        self,
        conversations: Conversations,
        pool: ShapePool,
        *,
        posts: int,
        seed: int,
        trend: float,
    ) -> None:
        self._talk = conversations
        self._pool = pool
        self.posts = posts
        platform = conversations.platform
        self._rng = random.Random(f"amity-demo-schedule-{platform}-{seed}")
        self._numbers = np.random.default_rng([seed, NUMBER_STREAMS[platform]])
        self._trend = trend
        kinds, weights = zip(*UNITS[platform], strict=True)
        self._kinds: tuple[str, ...] = kinds
        self._cumulative = list(itertools.accumulate(weights))

    def __iter__(self) -> Iterator[Item]:
        """Yield the year's items in time order."""
        calendar = self._talk.calendar
        shares = day_weights(calendar, self._numbers, trend=self._trend)
        quotas = self._numbers.multinomial(self.posts, shares)
        waiting: list[tuple[int, int, Item]] = []
        order = 0
        for day, quota in enumerate(quotas.tolist()):
            day_start = calendar.start + day * DAY
            while waiting and waiting[0][0] < day_start * 1000:
                yield heapq.heappop(waiting)[2]
            for item in self._day(day_start, quota):
                order += 1
                heapq.heappush(waiting, (item.ms, order, item))
        while waiting:
            yield heapq.heappop(waiting)[2]

    def _day(self, day_start: int, quota: int) -> Iterator[Item]:
        if quota == 0:
            return
        sessions = max(1, int(self._numbers.poisson(quota / SESSION_POSTS)))
        starts = session_starts(self._numbers, day_start, sessions)
        budgets = self._numbers.multinomial(quota, [1 / sessions] * sessions).tolist()
        last = min(day_start + DAY - 1, self._talk.calendar.end)
        left = quota
        for start, budget in zip(starts, budgets, strict=True):
            anchor, spent = start, 0
            while spent < budget and left > 0:
                items = self._unit(min(anchor, last), left)
                used = sum(1 for item in items if item.kind in POST_KINDS)
                spent += used
                left -= used
                yield from items
                anchor += 30 + int(self._rng.expovariate(1 / 180))

    def _unit(self, anchor: int, left: int) -> list[Item]:
        cumulative = self._cumulative
        kind = self._kinds[bisect.bisect(cumulative, self._rng.random() * cumulative[-1])]
        if kind == "boost":
            items = [self._talk.boost(anchor)]
        elif kind == "join":
            items = self._join(anchor, left)
        elif kind == "own_thread" and left >= 2:
            items = self._own_thread(anchor, left)
        elif kind == "direct":
            items = self._direct(anchor, left)
        else:
            items = self._top(anchor, left)
        return items + self._ambient(anchor)

    def _top(self, anchor: int, left: int) -> list[Item]:
        """Post something top-level; it may draw replies, which the user may answer."""
        campaign = self._talk.calendar.campaign(anchor)
        partner = self._talk.picker.pick(anchor)
        draw = self._rng.random()
        if draw < 0.45:
            shape = SINGLE
        elif draw < 0.93:
            shape = self._pool.small(USER)
        else:
            shape = self._pool.large(USER)
        if len(shape.user_nodes) > left:
            shape = SINGLE
        kind = self._talk.composer.top_kind(campaign)
        text = self._talk.composer.top_level(kind, anchor, campaign, partner)
        visibility = self._visibility(kind)
        return self._talk.items_from(
            shape, t0=anchor, anchor=anchor, partner=partner, first=text, visibility=visibility
        )

    def _join(self, anchor: int, left: int) -> list[Item]:
        """Join a conversation someone else started."""
        partner = self._talk.picker.pick(anchor)
        if self._rng.random() < 0.55:
            shape = self._pool.small(PARTNER)
        else:
            shape = self._pool.large(PARTNER)
        if len(shape.user_nodes) > left:
            shape = self._pool.chain(2, (PARTNER, USER))
        t0 = anchor - shape.offsets[shape.user_nodes[0]]
        return self._talk.items_from(shape, t0=t0, anchor=anchor, partner=partner, first=None)

    def _own_thread(self, anchor: int, left: int) -> list[Item]:
        """Write a short thread of her own (a process story or a blog post in parts)."""
        size = min(left, 2 + int(self._rng.expovariate(1 / 1.5)), 12)
        shape = self._pool.chain(size, (USER,), quick=True)
        kind = "process" if self._rng.random() < 0.7 else "link_own"
        campaign = self._talk.calendar.campaign(anchor)
        partner = self._talk.picker.pick(anchor)
        text = self._talk.composer.top_level(kind, anchor, campaign, partner)
        return self._talk.items_from(shape, t0=anchor, anchor=anchor, partner=partner, first=text)

    def _direct(self, anchor: int, left: int) -> list[Item]:
        """Exchange private messages with one person (Mastodon direct posts)."""
        partner = self._talk.picker.pick(anchor)
        opener = USER if self._rng.random() < 0.4 else PARTNER
        roles = (opener, PARTNER if opener == USER else USER)
        size = self._rng.randint(1 if opener == USER else 2, 6)
        shape = self._pool.chain(size, roles)
        while len(shape.user_nodes) > left:
            shape = SINGLE
        asks = self._rng.random() < 0.4
        text = self._talk.composer.direct(question=asks, name=first_name(partner))
        first = text if opener == USER else None
        t0 = anchor - shape.offsets[shape.user_nodes[0]]
        return self._talk.items_from(
            shape,
            t0=t0,
            anchor=anchor,
            partner=partner,
            first=first,
            kind=DIRECT,
            visibility="direct",
        )

    def _visibility(self, kind: str) -> str:
        draw = self._rng.random()
        if draw < 0.04:
            return "unlisted"
        if draw < (0.2 if kind == "personal" else 0.05):
            return "followers"
        return "public"

    def _ambient(self, anchor: int) -> list[Item]:
        """Like (and on Mastodon sometimes bookmark) a contact's post seen in the feed."""
        found = []
        while self._rng.random() < 0.4:
            person = self._talk.picker.pick(anchor)
            posted = anchor - 60 - int(self._rng.expovariate(1 / 10_800))
            target = self._talk.their_post(person, posted, self._talk.their_words())
            saves = self._talk.platform == "mastodon" and self._rng.random() < 0.15
            at = anchor + int(self._rng.random() * 120)
            found.append(self._talk.reaction(BOOKMARK if saves else LIKE, target, at))
        return found
