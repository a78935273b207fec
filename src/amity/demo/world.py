"""The people of the demo world: one illustrator, her circles of contacts, and how often they talk.

Contacts sit in Dunbar-like layers (5 / 10 / 35 / 100, cumulative 5 / 15 / 50 / 150) plus a long
tail of acquaintances that grows with the size of the world. Each person has a base talk rate set
by their layer; a few close ties drift apart partway through the year and a few new ones rise.
"""

from __future__ import annotations

import math
import random
import unicodedata
from dataclasses import dataclass, replace

from amity.demo.text import read_sections

DAY = 86_400
LAYER_SIZES = (5, 10, 35, 100)
LAYER_WEIGHTS = (20.0, 5.0, 1.5, 0.4, 0.05)
"""Relative talk rates for layers 1..4, then acquaintances: weekly+, monthly+, now and then."""
NETWORK_ODDS = ((0.6, 0.25), (0.5, 0.3), (0.35, 0.4), (0.25, 0.45), (0.1, 0.5))
"""Per layer 1..4 then acquaintances: (chance of both networks, chance of Mastodon only)."""
TWITTER_EPOCH_MS = 1_288_834_974_657


@dataclass(frozen=True, slots=True)
class MastodonAccount:
    """An account on a Mastodon server, with the URIs an export uses for it."""

    username: str
    host: str
    uri: str
    url: str
    acct: str

    @classmethod
    def at(cls, username: str, host: str) -> MastodonAccount:
        """Build the account ``username@host`` with its actor URI and profile URL."""
        return cls(
            username,
            host,
            f"https://{host}/users/{username}",
            f"https://{host}/@{username}",
            f"{username}@{host}",
        )


@dataclass(frozen=True, slots=True)
class TwitterAccount:
    """An account on X: numeric id, screen name and the display name shown there."""

    user_id: str
    screen_name: str
    display_name: str


@dataclass(frozen=True, slots=True)
class BlueskyAccount:
    """An account on Bluesky: its permanent DID and its handle (a domain name)."""

    did: str
    handle: str


@dataclass(frozen=True, slots=True)
class Person:
    """One contact: their accounts, their circle and how their talk rate moves over the year.

    ``kind`` is ``"person"`` for people, or the kind of an account that mostly broadcasts:
    ``"organisation"``, ``"feed"`` (a bot) or ``"group"``.
    """

    key: str
    display_name: str
    layer: int
    weight: float
    mastodon: MastodonAccount | None
    twitter: TwitterAccount | None
    drift_at: int | None = None
    rise_at: int | None = None
    bluesky: BlueskyAccount | None = None
    kind: str = "person"

    def rate(self, at: int) -> float:
        """Return this person's talk rate at ``at`` (epoch seconds), drift and rise applied."""
        factor = 1.0
        if self.drift_at is not None and at > self.drift_at:
            factor = max(0.005, math.exp(-(at - self.drift_at) / (12 * DAY)))
        if self.rise_at is not None and at < self.rise_at + 21 * DAY:
            factor = 0.02 if at < self.rise_at else 0.02 + 0.98 * (at - self.rise_at) / (21 * DAY)
        return self.weight * factor


@dataclass(frozen=True, slots=True)
class Persona:
    """The user: a freelance illustrator and printmaker with a small online shop."""

    display_name: str
    mastodon: MastodonAccount
    twitter: TwitterAccount
    bio: str
    website: str
    location: str
    blog: str
    shop: str
    bluesky: BlueskyAccount | None = None
    """Set by ``notables.widen``: her DID is derived from the seed."""


PERSONA = Persona(
    display_name="Juno Castellanos",
    mastodon=MastodonAccount.at("junodraws", "inkwell.social"),
    twitter=TwitterAccount("1187364051", "junodraws", "Juno Castellanos"),
    bio="Illustrator & printmaker. Linocuts, risograph zines and too much tea. Shop open, "
    "commissions by email.",
    website="https://junocastellanos.art",
    location="Bristol, UK",
    blog="https://junocastellanos.art/journal",
    shop="https://shop.junocastellanos.art",
)


@dataclass(frozen=True, slots=True)
class World:
    """Everyone in the demo, the span of its year and the seed that made it.

    ``people`` are her contacts (the archives' pass draws only from them); ``notables`` are the
    accounts only the servers know: organisations that broadcast and a few quiet people her
    close contacts follow.
    """

    seed: int
    posts: int
    start: int
    end: int
    user: Persona
    people: tuple[Person, ...]
    notables: tuple[Person, ...] = ()

    @property
    def everyone(self) -> tuple[Person, ...]:
        """Return her contacts, then the notables."""
        return self.people + self.notables


def build_world(*, seed: int, posts: int, start: int, end: int) -> World:
    """Create the user's contacts: circles of 5/10/35/100 and a tail that grows with ``posts``."""
    rng = random.Random(f"amity-demo-world-{seed}")
    names = _Names(rng)
    layers = [layer for layer, size in enumerate(LAYER_SIZES, 1) for _ in range(size)]
    layers += [0] * (250 + posts // 400)
    people = [_person(rng, names, index, layer) for index, layer in enumerate(layers)]
    _add_namesakes(rng, people, names)
    _set_trajectories(rng, people, start, end)
    return World(seed, posts, start, end, PERSONA, tuple(people))


def _person(rng: random.Random, names: _Names, index: int, layer: int) -> Person:
    first, last = names.full_name()
    display = f"{first} {last}"
    both, mastodon_only = NETWORK_ODDS[layer - 1 if layer else -1]
    draw = rng.random()
    on_mastodon = draw < both + mastodon_only
    on_twitter = draw < both or draw >= both + mastodon_only
    weight = LAYER_WEIGHTS[layer - 1 if layer else -1] * math.exp(rng.gauss(0.0, 0.25))
    mastodon = names.mastodon(first, last) if on_mastodon else None
    twitter = None
    if on_twitter:
        shown = _twitter_display(rng, display, first, on_mastodon)
        twitter = names.twitter(first, last, shown, mastodon.username if mastodon else None)
    return Person(f"p{index:05d}", display, layer, weight, mastodon, twitter)


def _twitter_display(rng: random.Random, display: str, first: str, also_mastodon: bool) -> str:
    """Most people keep one display name everywhere; some vary it a little on X."""
    if not also_mastodon or rng.random() < 0.8:
        return display
    return rng.choice((first, display.lower(), f"{display} 🌿", f"{display} (slow replies)"))


def _add_namesakes(rng: random.Random, people: list[Person], names: _Names) -> None:
    """Give two pairs of unrelated acquaintances the same display name: a trap for merging."""
    tail = [i for i, p in enumerate(people) if p.layer == 0]
    on_mastodon = [i for i in tail if people[i].mastodon and not people[i].twitter]
    on_twitter = [i for i in tail if people[i].twitter and not people[i].mastodon]
    for left, right in zip(on_mastodon[:2], on_twitter[-2:], strict=False):
        twin = people[left].display_name
        account = people[right].twitter
        assert account is not None
        renamed = TwitterAccount(account.user_id, account.screen_name, twin)
        people[right] = replace(people[right], display_name=twin, twitter=renamed)


def _set_trajectories(rng: random.Random, people: list[Person], start: int, end: int) -> None:
    """Let one inner and one second-circle tie drift apart, and two second-circle ties rise."""
    year = end - start
    inner = [i for i, p in enumerate(people) if p.layer == 1]
    second = [i for i, p in enumerate(people) if p.layer == 2]
    for index in (rng.choice(inner), second[0]):
        people[index] = replace(people[index], drift_at=start + int(year * rng.uniform(0.3, 0.6)))
    for index in second[-2:]:
        people[index] = replace(people[index], rise_at=start + int(year * rng.uniform(0.3, 0.65)))


def is_on(person: Person, platform: str) -> bool:
    """Return whether ``person`` has an account on ``platform``."""
    if platform == "mastodon":
        return person.mastodon is not None
    if platform == "bluesky":
        return person.bluesky is not None
    return person.twitter is not None


def ascii_slug(text: str) -> str:
    """Return ``text`` as lowercase ASCII letters and digits only (handles are ASCII)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


class _Names:
    """Draw unique names and handles from the word lists."""

    def __init__(self, rng: random.Random) -> None:
        words = read_sections("words.txt")
        self._rng = rng
        self._first = words["first_name"]
        self._last = words["last_name"]
        self._nick = words["nick"]
        self._hosts = words["mastodon_host"]
        self._taken: dict[str, set[str]] = {"mastodon": {"junodraws"}, "twitter": {"junodraws"}}
        self._seen: set[tuple[str, str]] = set()
        self._twitter_ids: set[str] = set()

    def full_name(self) -> tuple[str, str]:
        """Return a first and last name not used before (while the lists allow)."""
        for _ in range(50):
            pair = (self._rng.choice(self._first), self._rng.choice(self._last))
            if pair not in self._seen:
                break
        self._seen.add(pair)
        return pair

    def _handle(self, network: str, first: str, last: str, limit: int, wish: str | None) -> str:
        taken = self._taken[network]
        if wish and len(wish) <= limit and wish not in taken and self._rng.random() < 0.6:
            taken.add(wish)
            return wish
        f, s, nick = ascii_slug(first), ascii_slug(last), self._rng.choice(self._nick)
        shapes = (f + s, f"{f}_{s}", f + nick, f"{f}{s[:1]}", f"{nick}{f}", f"{f}_{nick}")
        handle = self._rng.choice(shapes)[:limit].strip("_")
        while handle in taken:
            handle = f"{handle[: limit - 2]}{self._rng.randrange(10, 99)}"
        taken.add(handle)
        return handle

    def mastodon(self, first: str, last: str) -> MastodonAccount:
        """Return a new Mastodon account on one of the demo's servers."""
        handle = self._handle("mastodon", first, last, 24, None)
        return MastodonAccount.at(handle, self._rng.choice(self._hosts))

    def twitter(self, first: str, last: str, display: str, wish: str | None) -> TwitterAccount:
        """Return a new X account (often reusing the Mastodon handle ``wish``)."""
        user_id = str(self._rng.randrange(10**7, 3 * 10**9))
        if self._rng.random() < 0.55:
            created_ms = self._rng.randrange(1_450_000_000_000, 1_720_000_000_000)
            user_id = str(((created_ms - TWITTER_EPOCH_MS) << 22) | self._rng.getrandbits(22))
        while user_id in self._twitter_ids:
            user_id = str(int(user_id) + 1)
        self._twitter_ids.add(user_id)
        return TwitterAccount(user_id, self._handle("twitter", first, last, 15, wish), display)
