"""What happens on a network outside her threads: mentions, messages, announcements and polls.

People mention her in posts of their own (now and then asking her something she never answers),
a few write to her privately out of the blue, the organisations announce things (and mention her
once in a while), the bot posts links every day and a couple of close contacts run a poll she
votes in. People are drawn week by week in proportion to their talk rate, as the archives' pass
draws them, so close people mention her more and a drifting friend falls silent.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass

from amity.demo.picker import Picker
from amity.demo.timing import DAY, morning
from amity.demo.world import Person, World, is_on

WEEK = 7 * DAY
MENTIONS_PER_POST = 0.05
DIRECTS_PER_POST = 0.012
BROADCASTS_PER_YEAR = {"organisation": 100, "feed": 365, "group": 50}
ORGANISATION_MENTIONS = 2.0
POLLS = 2


@dataclass(frozen=True, slots=True)
class Chatter:
    """One post someone writes outside her threads: a mention, direct, broadcast or poll."""

    kind: str
    person: Person
    at: int
    question: bool = False


def iter_chatter(world: World, platform: str, *, posts: int, picker: Picker) -> Iterator[Chatter]:
    """Yield the year's chatter on ``platform``, where she wrote ``posts`` posts."""
    rng = random.Random(f"amity-demo-chatter-{platform}-{world.seed}")
    weeks = max(1, (world.end - world.start) // WEEK)
    for week in range(weeks):
        first = world.start + week * WEEK
        for _ in range(poisson(rng, posts * MENTIONS_PER_POST / weeks)):
            at = _moment(rng, first, world.end)
            yield Chatter("mention", picker.pick(at), at, rng.random() < 0.3)
        for _ in range(poisson(rng, posts * DIRECTS_PER_POST / weeks)):
            at = _moment(rng, first, world.end)
            person = picker.pick(at)
            if person.layer:
                yield Chatter("direct", person, at, rng.random() < 0.7)
    for notable in world.notables:
        if notable.kind == "person" or not is_on(notable, platform):
            continue
        yield from _broadcasts(rng, world, notable)
    if platform == "mastodon":
        close = [p for p in world.people if p.mastodon and p.layer in (1, 2)]
        for _ in range(POLLS if close else 0):
            at = _moment(
                rng, world.start + int(rng.random() * (world.end - world.start)), world.end
            )
            yield Chatter("poll", close[int(rng.random() * len(close))], at)


def _broadcasts(rng: random.Random, world: World, notable: Person) -> Iterator[Chatter]:
    year = world.end - world.start
    count = poisson(rng, BROADCASTS_PER_YEAR[notable.kind] * year / (365 * DAY))
    for _ in range(count):
        yield Chatter(
            "broadcast", notable, _moment(rng, world.start + int(rng.random() * year), world.end)
        )
    if notable.kind == "organisation":
        for _ in range(poisson(rng, ORGANISATION_MENTIONS * year / (365 * DAY))):
            at = _moment(rng, world.start + int(rng.random() * year), world.end)
            yield Chatter("mention", notable, at)


def _moment(rng: random.Random, first: int, end: int) -> int:
    """Return a waking moment in the week from ``first`` (never after ``end``)."""
    return min(end, morning(first + int(rng.random() * WEEK)))


def poisson(rng: random.Random, mean: float) -> int:
    """Draw a Poisson count (normal approximation for large means)."""
    if mean > 50:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count
