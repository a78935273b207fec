"""Suggestions of one person's accounts, scored against the demo world's ground truth.

The workspace is made as `amity demo` makes it: the archives imported, then her Mastodon and
Bluesky accounts synced from the demo servers, which bring the display names and bios of people
on those two networks. Contacts often reuse a handle across networks, about a fifth show another
display name on X, and two pairs of unrelated people share a display name (a trap). X accounts
the archive knows by their id alone (followers) have nothing to match on. The bars are set a
little under what was measured (docs/evaluation.md).
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

import pytest

from amity.config import load_settings
from amity.demo import DemoWorld
from amity.demo.truth import owners_of_accounts
from amity.desk.demo import DemoRun, run_demo
from amity.insight.identity import DEFAULT_MIN_SCORE, Suggestion, suggest_identities
from amity.model import PLATFORMS, AccountKey, PersonAccount
from amity.store import open_store
from amity.store.people import list_person_accounts

SEEDS = (7, 1)
"""The default world, and one where a namesake's Mastodon handle spells the shared name."""
POSTS = 5000
Pair = tuple[AccountKey, AccountKey]


@pytest.fixture(scope="module", params=SEEDS)
def synced(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[DemoRun, list[PersonAccount]]:
    """The demo as `amity demo` runs it, for each seed, and every account in its store."""
    settings = load_settings(tmp_path_factory.mktemp("ws") / "workspace", environ={})
    engine = open_store(settings, create=True)
    try:
        run = run_demo(settings, engine, posts=POSTS, seed=request.param)
        with engine.connect() as connection:
            return run, list_person_accounts(connection)
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def world(synced: tuple[DemoRun, list[PersonAccount]]) -> DemoWorld:
    """The demo world of the module's run (its ground truth is the ``truth`` fixture)."""
    return synced[0].world


@pytest.fixture(scope="module")
def accounts(synced: tuple[DemoRun, list[PersonAccount]]) -> list[PersonAccount]:
    """Every account in the synced store."""
    return synced[1]


@pytest.fixture(scope="module")
def every(accounts: list[PersonAccount]) -> list[Suggestion]:
    """Every suggestion, whatever its score."""
    return suggest_identities(accounts, min_score=0.0)


@pytest.fixture(scope="module")
def shown(every: list[Suggestion]) -> list[Suggestion]:
    """The suggestions `amity people suggestions` shows by default."""
    return [s for s in every if s.score >= DEFAULT_MIN_SCORE]


def people_in(suggestion: Suggestion, owner: dict[AccountKey, str]) -> set[str | None]:
    return {owner.get(item.account.key) for item in (suggestion.first, suggestion.second)}


def is_right(suggestion: Suggestion, owner: dict[AccountKey, str]) -> bool:
    found = people_in(suggestion, owner)
    return len(found) == 1 and None not in found


def true_pairs(accounts: list[PersonAccount], truth: dict[str, Any]) -> list[Pair]:
    """Return every two stored accounts of one person on two networks, in network order."""
    owner = owners_of_accounts(truth)
    by_person: dict[str, list[AccountKey]] = {}
    for item in sorted(accounts, key=lambda item: PLATFORMS.index(item.account.platform)):
        if item.account.key in owner:
            by_person.setdefault(owner[item.account.key], []).append(item.account.key)
    return [pair for keys in by_person.values() for pair in combinations(keys, 2)]


def suggested(shown: list[Suggestion]) -> set[frozenset[AccountKey]]:
    return {frozenset({s.first.account.key, s.second.account.key}) for s in shown}


def test_suggestions_are_right_on_every_pair_of_networks(
    shown: list[Suggestion], truth: dict[str, Any]
) -> None:
    owner = owners_of_accounts(truth)
    assert len(shown) >= 150
    assert sum(is_right(s, owner) for s in shown) / len(shown) >= 0.97  # measured 1.0
    for networks in combinations(PLATFORMS, 2):
        these = [
            s for s in shown if (s.first.account.platform, s.second.account.platform) == networks
        ]
        assert len(these) >= 30, networks
        assert sum(is_right(s, owner) for s in these) / len(these) >= 0.95, networks


def test_recall_over_every_pair_and_over_the_pairs_with_names(
    shown: list[Suggestion], accounts: list[PersonAccount], truth: dict[str, Any]
) -> None:
    pairs = true_pairs(accounts, truth)
    named = {item.account.key for item in accounts if item.account.handle}
    found = [frozenset(pair) in suggested(shown) for pair in pairs]
    assert sum(found) / len(pairs) >= 0.85  # measured 0.90 (seed 7) and 0.88 (seed 1)
    with_names = [hit for hit, pair in zip(found, pairs, strict=True) if set(pair) <= named]
    assert sum(with_names) / len(with_names) >= 0.97  # measured 1.0


def test_people_shown_twice_in_the_summary_are_suggested_as_one(
    synced: tuple[DemoRun, list[PersonAccount]], shown: list[Suggestion], truth: dict[str, Any]
) -> None:
    owner = owners_of_accounts(truth)
    close = [s.person for s in synced[0].people.standings if s.contact.circle in (1, 2)]
    accounts_of: dict[str, list[AccountKey]] = {}
    for person in close:
        for account in person.accounts:
            if account.key in owner:
                accounts_of.setdefault(owner[account.key], []).append(account.key)
    twice = [keys for keys in accounts_of.values() if len(keys) > 1]
    assert len(twice) >= 3
    for keys in twice:
        assert {frozenset(pair) for pair in combinations(keys, 2)} <= suggested(shown)


def test_the_inner_circle_on_three_networks_is_suggested_as_one_person_each(
    shown: list[Suggestion], accounts: list[PersonAccount], truth: dict[str, Any]
) -> None:
    """Edda Pereira of seed 7 among them: her accounts were never suggested as one."""
    owner = owners_of_accounts(truth)
    inner = {p["key"]: p["display_name"] for p in truth["people"] if p["layer"] == 1}
    keys: dict[str, list[AccountKey]] = {}
    for item in accounts:
        if owner.get(item.account.key) in inner:
            keys.setdefault(owner[item.account.key], []).append(item.account.key)
    everywhere = {person: found for person, found in keys.items() if len(found) == 3}
    assert everywhere
    for found in everywhere.values():
        assert {frozenset(pair) for pair in combinations(found, 2)} <= suggested(shown)
    if truth["seed"] == 7:
        assert "Edda Pereira" in {inner[person] for person in everywhere}


def test_likely_suggestions_spelling_the_name_are_right(
    every: list[Suggestion], truth: dict[str, Any]
) -> None:
    owner = owners_of_accounts(truth)
    spelled = [s for s in every if any(e.kind == "name_shaped_handle" for e in s.evidence)]
    assert len(spelled) >= 5
    assert all(is_right(s, owner) for s in spelled)


def test_namesakes_are_never_suggested_with_confidence(
    every: list[Suggestion], truth: dict[str, Any]
) -> None:
    owner = owners_of_accounts(truth)
    by_name: dict[str, set[str]] = {}
    for person in truth["people"]:
        by_name.setdefault(person["display_name"], set()).add(person["key"])
    twins = [keys for keys in by_name.values() if len(keys) == 2]
    assert len(twins) == 2
    scores = [s.score for s in every if people_in(s, owner) in twins]
    assert scores  # the trap is seen: the same display name, and no more
    assert all(score < DEFAULT_MIN_SCORE for score in scores)


def test_suggestions_pair_contacts_only(every: list[Suggestion], truth: dict[str, Any]) -> None:
    owner = owners_of_accounts(truth)
    assert all(None not in people_in(s, owner) for s in every)
    assert all(not item.account.is_own for s in every for item in (s.first, s.second))
