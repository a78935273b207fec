"""Widen the world for the servers: Bluesky accounts, and accounts only the servers know.

The archives' pass sees the world that ``build_world`` made. The servers see more: her Bluesky
account and those of a share of her contacts (closer people more often), a handful of
organisation, media and brand accounts that mostly broadcast, a bot and a group, and a few quiet
people with few followers whom many of her close contacts follow (the hidden influencers the
audience analysis should find). Everything here draws from streams of its own.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from amity.demo.bluesky_ids import plc_did
from amity.demo.text import read_sections
from amity.demo.world import BlueskyAccount, MastodonAccount, Person, World, ascii_slug

USER_BLUESKY_HANDLE = "junocastellanos.art"
BLUESKY_SHARE = (0.3, 0.7, 0.6, 0.5, 0.4)
"""Chance of a Bluesky account for acquaintances, then layers 1..4."""
INFLUENCERS = 3


@dataclass(frozen=True, slots=True)
class Broadcaster:
    """An account that mostly broadcasts: its name, handle, server and kind."""

    name: str
    handle: str
    host: str
    kind: str
    bluesky: bool


BROADCASTERS = (
    Broadcaster(
        "Bristol Print Collective", "printcollective", "harbour.city", "organisation", True
    ),
    Broadcaster("Risograph Review", "risoreview", "paper.cafe", "organisation", True),
    Broadcaster(
        "Harbourside Makers Market", "harboursidemakers", "makers.social", "organisation", True
    ),
    Broadcaster("Linocut Supply Co.", "linocutsupply", "printshop.coop", "organisation", False),
    Broadcaster("Harbour City Gallery", "harbourgallery", "harbour.city", "organisation", True),
    Broadcaster("Printmaking News", "printnews", "fedi.studio", "feed", False),
    Broadcaster("Printmakers", "printmakers", "makers.social", "group", False),
)
"""She follows all of them; the collective and the gallery are followed by most of her circles."""


def widen(world: World) -> World:
    """Return ``world`` with Bluesky accounts for her and some contacts, and the notables."""
    seed = world.seed
    user = replace(world.user, bluesky=BlueskyAccount(plc_did(seed, "user"), USER_BLUESKY_HANDLE))
    handles = _Handles()
    rng = random.Random(f"amity-demo-bluesky-{seed}")
    people = tuple(_join_bluesky(rng, person, handles, seed) for person in world.people)
    notables = _notables(random.Random(f"amity-demo-notables-{seed}"), people, handles, seed)
    return replace(world, user=user, people=people, notables=notables)


def _join_bluesky(rng: random.Random, person: Person, handles: _Handles, seed: int) -> Person:
    if rng.random() >= BLUESKY_SHARE[person.layer]:
        return person
    wish = person.mastodon.username if person.mastodon else None
    if wish is None and person.twitter:
        wish = person.twitter.screen_name
    handle = handles.take(wish or person.display_name, rng)
    return replace(person, bluesky=BlueskyAccount(plc_did(seed, person.key), handle))


def _notables(
    rng: random.Random, people: tuple[Person, ...], handles: _Handles, seed: int
) -> tuple[Person, ...]:
    found: list[Person] = []
    for broadcaster in BROADCASTERS:
        key = f"p{len(people) + len(found):05d}"
        mastodon = MastodonAccount.at(broadcaster.handle, broadcaster.host)
        bluesky = None
        if broadcaster.bluesky:
            bluesky = BlueskyAccount(plc_did(seed, key), handles.take(broadcaster.handle, rng))
        found.append(
            Person(
                key,
                broadcaster.name,
                0,
                0.02,
                mastodon,
                None,
                bluesky=bluesky,
                kind=broadcaster.kind,
            )
        )
    words = read_sections("words.txt")
    taken = {person.display_name for person in people}
    hosts = words["mastodon_host"]
    for _ in range(INFLUENCERS):
        key = f"p{len(people) + len(found):05d}"
        name = _new_name(rng, words, taken)
        first, last = name.split(" ", 1)
        username = f"{ascii_slug(first)}{ascii_slug(last)[:1]}prints"
        mastodon = MastodonAccount.at(username, hosts[int(rng.random() * len(hosts))])
        bluesky = BlueskyAccount(plc_did(seed, key), handles.take(username, rng))
        found.append(Person(key, name, 0, 0.01, mastodon, None, bluesky=bluesky))
    return tuple(found)


def _new_name(rng: random.Random, words: dict[str, tuple[str, ...]], taken: set[str]) -> str:
    """Draw a full name nobody in the world has (a namesake would be a second merging trap)."""
    while True:
        name = f"{rng.choice(words['first_name'])} {rng.choice(words['last_name'])}"
        if name not in taken:
            taken.add(name)
            return name


class _Handles:
    """Hand out unique ``name.bsky.social`` handles (letters and digits: no underscores)."""

    def __init__(self) -> None:
        self._taken = {USER_BLUESKY_HANDLE}

    def take(self, wish: str, rng: random.Random) -> str:
        """Return a free handle made from ``wish``."""
        base = ascii_slug(wish)[:18] or "printfan"
        handle = f"{base}.bsky.social"
        while handle in self._taken:
            handle = f"{base}{rng.randrange(10, 999)}.bsky.social"
        self._taken.add(handle)
        return handle
