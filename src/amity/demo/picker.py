"""Choose who the user talks with, week by week, in proportion to each tie's talk rate."""

from __future__ import annotations

import bisect
import itertools
import random

from amity.demo.world import DAY, Person, World, is_on

WEEK = 7 * DAY


class Picker:
    """Draw people on one network: weighted by their rate that week, or strangers from the tail."""

    def __init__(self, world: World, platform: str, rng: random.Random) -> None:
        self._rng = rng
        self._start = world.start
        present = [p for p in world.people if is_on(p, platform)]
        self.people: tuple[Person, ...] = tuple(present)
        self._tail = tuple(p for p in present if p.layer == 0)
        weeks = (world.end - world.start) // WEEK + 1
        self._cumulative = [
            list(
                itertools.accumulate(p.rate(world.start + week * WEEK + WEEK // 2) for p in present)
            )
            for week in range(weeks)
        ]

    def pick(self, at: int) -> Person:
        """Return a person to talk with at ``at``: close ties far more often than distant ones."""
        week = min(max(0, (at - self._start) // WEEK), len(self._cumulative) - 1)
        cumulative = self._cumulative[week]
        index = bisect.bisect_right(cumulative, self._rng.random() * cumulative[-1])
        return self.people[min(index, len(self.people) - 1)]

    def other(self, at: int) -> Person:
        """Return someone else in a conversation: a stranger from the tail or a weighted contact."""
        if self._tail and self._rng.random() < 0.5:
            return self._tail[int(self._rng.random() * len(self._tail))]
        return self.pick(at)
