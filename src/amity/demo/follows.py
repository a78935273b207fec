"""Who follows whom on one network, and since when.

Her side: she follows nearly everyone in her circles, a third of her acquaintances and every
broadcaster; nine in ten of her circles and more than half of her acquaintances follow her.
Most of those follows are older than the year; some happen during it (a rising tie follows her
as it rises), and each of those is a notification. Between contacts: everyone follows a few
others, close people mostly each other; most of her close contacts follow the few quiet people
who are the world's hidden influencers, and a third of everyone follows each broadcaster.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass

from amity.demo.timing import DAY
from amity.demo.world import Person, World, is_on

USER = "user"
OUT_DEGREE = (5, 25, 25, 15, 10)
"""Follows of other contacts per person: acquaintances, then layers 1..4."""
INFLUENCER_ODDS = (0.05, 0.8, 0.7, 0.4, 0.15)


@dataclass(frozen=True, slots=True)
class Follow:
    """One follow: ``source`` follows ``target`` (person keys, ``"user"`` for her) since ``at``."""

    source: str
    target: str
    at: int


def iter_follows(world: World, platform: str, *, joined: int) -> Iterator[Follow]:
    """Yield the follows among her and the world's accounts on ``platform``.

    ``joined`` is when she opened her account there: nothing about her is older.
    """
    rng = random.Random(f"amity-demo-follows-{platform}-{world.seed}")
    present = [p for p in world.people if is_on(p, platform)]
    notables = [p for p in world.notables if is_on(p, platform)]
    yield from _hers(rng, world, present, notables, joined)
    yield from _between(rng, world, present, notables)


def _hers(
    rng: random.Random, world: World, present: list[Person], notables: list[Person], joined: int
) -> Iterator[Follow]:
    for person in present + notables:
        broadcaster = person.kind != "person"
        quiet = person in notables and not broadcaster
        follows = broadcaster or rng.random() < (0.3 if quiet else 0.95 if person.layer else 0.35)
        followed = rng.random() < (
            0.5
            if person.kind == "organisation"
            else 0.0
            if broadcaster
            else 0.2
            if quiet
            else 0.9
            if person.layer
            else 0.6
        )
        if follows:
            yield Follow(USER, person.key, _when(rng, world, person, joined, 0.15))
        if followed:
            share = 0.15 if person.layer else 0.3
            yield Follow(person.key, USER, _when(rng, world, person, joined, share))


def _when(rng: random.Random, world: World, person: Person, joined: int, during: float) -> int:
    """Return when a follow between her and ``person`` happened."""
    if person.rise_at is not None:
        return min(world.end, person.rise_at + int(rng.random() * 10 * DAY))
    if rng.random() < during:
        return world.start + int(rng.random() * (world.end - world.start))
    return joined + DAY + int(rng.random() * max(DAY, world.start - joined - DAY))


def _between(
    rng: random.Random, world: World, present: list[Person], notables: list[Person]
) -> Iterator[Follow]:
    weights = [3.0 if 1 <= p.layer <= 3 else 1.0 if p.layer else 0.3 for p in present]
    cumulative = list(itertools.accumulate(weights))
    quiet = [p for p in notables if p.kind == "person"]
    broadcasters = [p for p in notables if p.kind != "person"]
    past = world.start - 1_000 * DAY
    for person in present:
        chosen: set[str] = {person.key}
        for _ in range(OUT_DEGREE[person.layer]):
            index = bisect.bisect(cumulative, rng.random() * cumulative[-1])
            target = present[min(index, len(present) - 1)]
            if target.key not in chosen:
                chosen.add(target.key)
                yield Follow(person.key, target.key, past + int(rng.random() * 1_000 * DAY))
        for notable in quiet:
            if rng.random() < INFLUENCER_ODDS[person.layer]:
                yield Follow(person.key, notable.key, past + int(rng.random() * 1_000 * DAY))
        for notable in broadcasters:
            if rng.random() < 0.3:
                yield Follow(person.key, notable.key, past + int(rng.random() * 1_000 * DAY))
