"""Direct messages on X (and Bluesky's chat), both directions, one conversation per contact.

Close contacts write most. A conversation is a run of exchanges spread over the year in proportion
to the contact's talk rate (so a drifting friend's messages thin out and stop, a rising one's
start late). Within an exchange the two take turns. A question left at the very end of a
conversation stays unanswered — the drifting friends' conversations always end that way — and is
written to the ground truth.

Bluesky's chat is made the same way from streams of its own: ``platform`` picks the network.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass

from amity.demo.bluesky_ids import tid_of
from amity.demo.compose import Composer, first_name
from amity.demo.ids import IdMaker
from amity.demo.timing import DAY, morning
from amity.demo.truth import Tally
from amity.demo.world import Person, World, is_on

MESSAGES_PER_POST = 0.08
"""Direct messages (sent and received) on X per post across both networks."""


@dataclass(frozen=True, slots=True)
class Message:
    """One direct message: X's id, the millisecond it was sent, sender, recipient and words."""

    id: int
    ms: int
    sender: str
    recipient: str
    text: str


def iter_conversations(
    world: World,
    composer: Composer,
    truth: Tally,
    *,
    rng: random.Random,
    platform: str = "twitter",
    scale: float = 1.0,
) -> Iterator[tuple[Person, list[Message]]]:
    """Yield each contact the user messages with on ``platform``, and their messages newest first.

    ``scale`` multiplies how much is said (Bluesky's chat is quieter than X's messages).
    """
    people = _correspondents(world, rng, platform)
    if platform == "twitter":
        people.sort(key=lambda pair: conversation_id(pair[0], world.user.twitter.user_id))
    total_weight = sum(person.weight * share for person, share in people)
    exchanges = max(10.0, world.posts * MESSAGES_PER_POST / 3.0) * scale
    ids = IdMaker(platform, worker=3)
    for person, share in people:
        count = _poisson(rng, exchanges * person.weight * share / total_weight)
        if person.drift_at is not None:
            count = max(count, 2)  # a drifting friend always has a last word waiting
        if count:
            talk = _Talk(world, person, composer, truth, ids, rng, platform)
            yield person, talk.conversation(count)


def conversation_id(person: Person, user_id: str) -> str:
    """Return X's id for the conversation between the user and ``person``: both ids, low first."""
    assert person.twitter is not None
    low, high = sorted((int(person.twitter.user_id), int(user_id)))
    return f"{low}-{high}"


def _correspondents(world: World, rng: random.Random, platform: str) -> list[tuple[Person, float]]:
    """Return contacts who message, each with the share of the year their tie is active."""
    found = []
    for person in world.people:
        if not is_on(person, platform) or person.layer == 0:
            continue
        if person.layer == 4 and rng.random() > 0.3:
            continue
        samples = [world.start + (world.end - world.start) * k // 52 for k in range(52)]
        share = sum(person.rate(at) for at in samples) / (52 * person.weight)
        found.append((person, share))
    return found


def _poisson(rng: random.Random, mean: float) -> int:
    """Draw a Poisson count (normal approximation for large means)."""
    if mean > 50:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


class _Talk:
    """The exchanges between the user and one contact."""

    def __init__(
        self,
        world: World,
        person: Person,
        composer: Composer,
        truth: Tally,
        ids: IdMaker,
        rng: random.Random,
        platform: str,
    ) -> None:
        self._world, self._person, self._composer = world, person, composer
        self._truth, self._ids, self._rng = truth, ids, rng
        self._platform = platform
        if platform == "twitter":
            assert person.twitter is not None
            self._them, self._me = person.twitter.user_id, world.user.twitter.user_id
        else:
            assert person.bluesky is not None and world.user.bluesky is not None
            self._them, self._me = person.bluesky.did, world.user.bluesky.did
        self._last = 0
        self._name = first_name(person)

    def conversation(self, count: int) -> list[Message]:
        """Return ``count`` exchanges' messages, newest first."""
        messages: list[Message] = []
        starts = sorted(self._when() for _ in range(count))
        for number, start in enumerate(starts):
            messages += self._exchange(start, final=number == count - 1)
        messages.reverse()
        return messages

    def _when(self) -> int:
        """Draw a moment when this tie is active (rejection on the person's rate)."""
        world, person = self._world, self._person
        at = world.start
        for _ in range(200):
            at = world.start + int(self._rng.random() * (world.end - world.start - DAY))
            if self._rng.random() * person.weight < person.rate(at):
                break
        return at

    def _exchange(self, start: int, *, final: bool) -> list[Message]:
        """Return one exchange; only the conversation's last one may end on an open question."""
        drifting = final and self._person.drift_at is not None
        they_start = drifting or self._rng.random() < 0.55
        length = 1 if drifting else 1 + min(7, int(self._rng.expovariate(1 / 1.6)))
        messages, at, theirs, asks = [], start, they_start, False
        for index in range(length):
            theirs = they_start == (index % 2 == 0)
            asks = drifting or self._rng.random() < (0.5 if index == 0 else 0.15)
            messages.append(self._message(at, theirs=theirs, asks=asks))
            at += 60 + int(self._rng.expovariate(1 / 900))
        if asks and not final:
            messages.append(self._message(at, theirs=not theirs, asks=False))
        elif asks and final:
            sender = self._person.key if theirs else "user"
            to = ("user",) if theirs else (self._person.key,)
            last = messages[-1]
            key = str(last.id) if self._platform == "twitter" else tid_of(last.id)
            self._truth.unanswered(self._platform, "dm", key, sender, to, last.ms // 1000)
        return messages

    def _message(self, at: int, *, theirs: bool, asks: bool) -> Message:
        at = min(self._world.end, max(at if theirs else morning(at), self._last + 1))
        self._last = at
        ms, message_id = self._ids.make(at)
        if theirs:
            words = self._composer.contact_direct(question=asks).plain()
            sender, recipient = self._them, self._me
        else:
            words = self._composer.direct(question=asks, name=self._name).plain()
            sender, recipient = self._me, self._them
        self._truth.interaction(self._person, self._platform, "dm")
        if theirs:
            self._truth.received(self._person, self._platform, "dm")
        return Message(message_id, ms, sender, recipient, words)
