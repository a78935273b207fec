"""Profiles as the servers show them: bios, join dates and counts that reach beyond the world.

The demo world is a slice of each network. A contact's follower, following and post counts are
what their profile says (most of those followers are not in the world); the lists the servers
return hold only the world's accounts. Her own counts are exactly what the world holds, because
her own server knows every one of her followers. Close contacts have been around longer and
follow more; organisations have many followers, and the quiet people whom her close contacts
follow have few.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from amity.demo.compose import Composer
from amity.demo.timing import DAY
from amity.demo.world import Person, World

ORGANISATION_BIOS = {
    "organisation": "News, open calls and events from {name}. Run by volunteers.",
    "feed": "Automated: new posts from printmaking blogs, every few hours. Not monitored.",
    "group": "A group for printmakers: mention us and we share your post with every member.",
}


@dataclass(frozen=True, slots=True)
class Profile:
    """What one account's profile says, beyond what the world's own rows count."""

    note: str
    created: int
    followers: int
    following: int
    posts: int
    bot: bool
    group: bool


def build_profiles(world: World) -> dict[str, Profile]:
    """Return a profile for everyone in the world and the notables, by person key."""
    rng = random.Random(f"amity-demo-profiles-{world.seed}")
    composer = Composer(random.Random(f"amity-demo-bios-{world.seed}"), world.user)
    found: dict[str, Profile] = {}
    for person in world.everyone:
        found[person.key] = _profile(rng, composer, person, world.start)
    return found


def _profile(rng: random.Random, composer: Composer, person: Person, start: int) -> Profile:
    years = 1.0 + 6.0 * rng.random()
    created = start - int(years * 365 * DAY) - int(rng.random() * DAY)
    created -= created % DAY
    if person.kind != "person":
        note = ORGANISATION_BIOS.get(person.kind, ORGANISATION_BIOS["organisation"])
        followers = int(math.exp(rng.gauss(8.0, 0.8)))
        return Profile(
            note.format(name=person.display_name),
            created,
            followers,
            int(rng.random() * 60),
            int(years * 300 * (1 + rng.random())),
            person.kind == "feed",
            person.kind == "group",
        )
    if person.weight <= 0.01:  # a quiet person her close contacts follow
        return Profile(
            composer.bio(),
            created,
            20 + int(rng.random() * 60),
            40 + int(rng.random() * 80),
            int(years * 40),
            False,
            False,
        )
    scale = 5.5 if person.layer == 0 else 6.0 + 0.2 * (5 - person.layer)
    followers = int(math.exp(rng.gauss(scale, 0.9)))
    following = int(math.exp(rng.gauss(5.5, 0.7)))
    posts = int(years * 365 * math.exp(rng.gauss(0.0, 0.8)))
    return Profile(composer.bio(), created, followers, following, posts, False, False)
