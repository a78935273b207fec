"""Suggestions of one person's accounts, scored against the demo world's ground truth.

The demo's contacts on both networks often reuse their Mastodon handle on X, about a fifth show
another display name there, and two pairs of unrelated people share a display name (a trap).
Mastodon exports name contacts by handle only, so what there is to match on is handles and the
display names of X accounts. The bars are set a little under what was measured (docs/evaluation.md).
"""

from __future__ import annotations

from typing import Any

import pytest

from amity.config import load_settings
from amity.demo import DemoWorld, generate
from amity.demo.truth import owners_of_accounts
from amity.ingest import import_archives
from amity.insight.identity import DEFAULT_MIN_SCORE, Suggestion, suggest_identities
from amity.model import AccountKey, PersonAccount
from amity.store import open_store
from amity.store.people import list_person_accounts

SEEDS = (7, 1)
"""The default world, and one where a namesake's Mastodon handle spells the shared name."""


@pytest.fixture(scope="module", params=SEEDS)
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> DemoWorld:
    """The default-sized demo world of each seed."""
    return generate(tmp_path_factory.mktemp("world"), posts=5000, seed=request.param)


@pytest.fixture(scope="module")
def accounts(world: DemoWorld, tmp_path_factory: pytest.TempPathFactory) -> list[PersonAccount]:
    """Every account in a store the world was imported into."""
    settings = load_settings(tmp_path_factory.mktemp("ws") / "workspace", environ={})
    engine = open_store(settings, create=True)
    import_archives(engine, world.archives)
    with engine.connect() as connection:
        found = list_person_accounts(connection)
    engine.dispose()
    return found


@pytest.fixture(scope="module")
def every(accounts: list[PersonAccount]) -> list[Suggestion]:
    """Every suggestion, whatever its score."""
    return suggest_identities(accounts, min_score=0.0)


def people_in(suggestion: Suggestion, owner: dict[AccountKey, str]) -> set[str | None]:
    return {owner.get(item.account.key) for item in (suggestion.first, suggestion.second)}


def is_right(suggestion: Suggestion, owner: dict[AccountKey, str]) -> bool:
    found = people_in(suggestion, owner)
    return len(found) == 1 and None not in found


def on_both(truth: dict[str, Any], accounts: list[PersonAccount]) -> list[dict[str, Any]]:
    """Return the people whose Mastodon and X accounts are both in the store."""
    stored = {item.account.key for item in accounts}
    return [
        person
        for person in truth["people"]
        if {"mastodon", "twitter"} <= set(person["accounts"])
        and ("mastodon", person["accounts"]["mastodon"]["uri"]) in stored
        and ("twitter", person["accounts"]["twitter"]["id"]) in stored
    ]


def test_suggestions_above_the_threshold_are_mostly_right(
    every: list[Suggestion], truth: dict[str, Any]
) -> None:
    owner = owners_of_accounts(truth)
    shown = [s for s in every if s.score >= DEFAULT_MIN_SCORE]
    right = [s for s in shown if is_right(s, owner)]
    assert len(shown) >= 25
    assert len(right) / len(shown) >= 0.85  # measured 0.88 (seed 7) and 1.0 (seed 1)


def test_likely_suggestions_spelling_the_name_are_right(
    every: list[Suggestion], truth: dict[str, Any]
) -> None:
    owner = owners_of_accounts(truth)
    spelled = [s for s in every if any(e.kind == "name_shaped_handle" for e in s.evidence)]
    assert len(spelled) >= 5
    assert all(is_right(s, owner) for s in spelled)


def test_recall_is_about_half_of_the_people_on_both_networks(
    every: list[Suggestion], truth: dict[str, Any], accounts: list[PersonAccount]
) -> None:
    owner = owners_of_accounts(truth)
    found = {owner.get(s.first.account.key) for s in every if s.score >= DEFAULT_MIN_SCORE}
    both = {person["key"] for person in on_both(truth, accounts)}
    assert len(both) >= 50
    assert len(found & both) / len(both) >= 0.4  # measured 0.46 (seed 7) and 0.42 (seed 1)


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
    assert all(score < DEFAULT_MIN_SCORE for score in scores)
    if truth["seed"] == 1:  # here the trap is seen: a handle spelling the name, and no more
        assert scores


def test_suggestions_pair_contacts_only(every: list[Suggestion], truth: dict[str, Any]) -> None:
    owner = owners_of_accounts(truth)
    assert all(None not in people_in(s, owner) for s in every)
    assert all(not item.account.is_own for s in every for item in (s.first, s.second))
