"""Suggest that accounts on different networks belong to one person, with the evidence shown.

Suggestions only: amity never merges on its own. The user confirms one (``amity people merge``)
or rejects it, and a rejection holds between the two people for good.

Comparing every account with every other would not scale (tens of thousands of accounts in a
large store), so pairs are first *blocked*: only accounts that share a key are compared — the
letters of a handle, a folded display name, a bio, a website, an avatar, a handle one's display
name spells, or a profile one's bio or website points to. A key shared by more than ``MAX_BLOCK``
accounts (a one-word name like "Sam") says nothing about any one pair and blocks nothing. Each
pair found is then weighed on all its evidence (``amity.insight.evidence``).

Only accounts on different networks are paired; the user's own accounts are never paired (they
are one person already, the user); nor are two accounts of one person, nor two people the user
has kept apart. Of several pairs between the same two people, the best is suggested.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass

from amity.insight.evidence import Evidence, collect_evidence, combine
from amity.insight.profile import Profile, read_profile
from amity.model import PLATFORMS, AccountKey, PersonAccount

DEFAULT_MIN_SCORE = 0.6
"""The score a suggestion needs to be shown by default: the same handle on both, or stronger
evidence. A display name, or a handle spelling the other's name, alone stays below it."""
MAX_BLOCK = 100
STRONG, LIKELY = 0.85, 0.6

Who = tuple[str, object]
"""A person (``("person", id)``), or an account not filed under one yet (``("account", key)``)."""


@dataclass(frozen=True, slots=True)
class Suggestion:
    """Two accounts that may be one person, how sure amity is, and why."""

    first: PersonAccount
    second: PersonAccount
    score: float
    evidence: tuple[Evidence, ...]

    @property
    def confidence(self) -> str:
        """Return the score in a word: strong, likely or possible."""
        if self.score >= STRONG:
            return "strong"
        return "likely" if self.score >= LIKELY else "possible"


def suggest_identities(
    accounts: Iterable[PersonAccount],
    rejected: Collection[frozenset[AccountKey]] = (),
    *,
    min_score: float = DEFAULT_MIN_SCORE,
) -> list[Suggestion]:
    """Return the pairs of accounts that may be one person, best first, scored ``min_score`` up.

    ``rejected`` holds the pairs the user said are not one person; no pair between those two
    people is suggested again.
    """
    profiles = [read_profile(item) for item in accounts if not item.account.is_own]
    index = _index(profiles)
    counts = _most_on_one_network(profiles, index)
    apart = _kept_apart(profiles, rejected)
    best: dict[frozenset[Who], Suggestion] = {}
    for left, right in sorted(_candidates(profiles, index)):
        people = frozenset({_who(profiles[left]), _who(profiles[right])})
        if len(people) == 1 or people in apart:
            continue
        found = _suggest(profiles[left], profiles[right], counts)
        current = best.get(people)
        if found.score >= min_score and (current is None or _rank(found) < _rank(current)):
            best[people] = found
    return sorted(best.values(), key=_rank)


def _index(profiles: list[Profile]) -> dict[str, list[int]]:
    """Return, for each blocking key, the profiles that carry it."""
    index: dict[str, list[int]] = {}
    for number, profile in enumerate(profiles):
        for key in _own_keys(profile):
            index.setdefault(key, []).append(number)
    return index


def _most_on_one_network(profiles: list[Profile], index: dict[str, list[int]]) -> dict[str, int]:
    """Return, for each key, the most accounts on any one network that carry it.

    That many people at least use the key; a person's own accounts on three networks are one
    on each.
    """
    counts = {}
    for key, members in index.items():
        networks = Counter(profiles[member].account.platform for member in members)
        counts[key] = max(networks.values())
    return counts


def _own_keys(profile: Profile) -> set[str]:
    """Return the keys ``profile`` is filed under: what another account can share with it."""
    keys = {f"k:{key}" for key in profile.keys}
    for prefix, value in (("h", profile.handle_letters), ("n", profile.name), ("b", profile.bio),
                          ("w", profile.website), ("a", profile.avatar)):  # fmt: skip
        if value:
            keys.add(f"{prefix}:{value}")
    return keys


def _lookups(profile: Profile) -> set[str]:
    """Return the keys under which ``profile``'s counterparts would be filed."""
    keys = _own_keys(profile) - {f"k:{key}" for key in profile.keys}
    keys.update(f"h:{handle}" for handle in profile.name_handles)
    for link in profile.links:
        keys.update((f"k:{link.key}", f"w:{link.key}"))
    return keys


def _candidates(profiles: list[Profile], index: dict[str, list[int]]) -> Iterator[tuple[int, int]]:
    """Yield each pair of profiles on different networks that share a key, once."""
    seen: set[tuple[int, int]] = set()
    for number, profile in enumerate(profiles):
        for key in _lookups(profile):
            block = index.get(key, ())
            if len(block) > MAX_BLOCK:
                continue
            for other in block:
                pair = (min(number, other), max(number, other))
                if (
                    pair not in seen
                    and profiles[other].account.platform != profile.account.platform
                ):
                    seen.add(pair)
                    yield pair


def _suggest(left: Profile, right: Profile, counts: dict[str, int]) -> Suggestion:
    """Weigh the evidence about two accounts; the first is on the network listed first."""
    if _order(right) < _order(left):
        left, right = right, left
    evidence = tuple(collect_evidence(left, right, counts))
    return Suggestion(left.item, right.item, combine(evidence), evidence)


def _kept_apart(
    profiles: list[Profile], rejected: Collection[frozenset[AccountKey]]
) -> set[frozenset[Who]]:
    """Return the pairs of people that the user's rejections keep apart."""
    who = {profile.account.key: _who(profile) for profile in profiles}
    apart = set()
    for pair in rejected:
        people = frozenset(who[key] for key in pair if key in who)
        if len(people) == 2:
            apart.add(people)
    return apart


def _who(profile: Profile) -> Who:
    person = profile.item.person_id
    return ("person", person) if person is not None else ("account", profile.account.key)


def _order(profile: Profile) -> tuple[int, str]:
    return (PLATFORMS.index(profile.account.platform), profile.account.platform_id)


def _rank(suggestion: Suggestion) -> tuple[float, str, str, str, str]:
    first, second = suggestion.first.account, suggestion.second.account
    return (
        -suggestion.score,
        first.platform,
        first.platform_id,
        second.platform,
        second.platform_id,
    )
