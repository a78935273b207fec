"""Score amity's "one person, several accounts" suggestions against the demo world's ground truth.

Makes a demo workspace the way `amity demo` does (``run_demo``: the archives imported, her
Mastodon and Bluesky accounts connected and synced from the demo servers; cached under
bench/out/), computes the suggestions and compares them with ``ground_truth.json``.

    python bench/identity_eval.py                          # 5,000 posts, seed 7
    python bench/identity_eval.py --posts 200000 --seed 7
    python bench/identity_eval.py --archives-only          # the two archives alone, no sync

A *pair* is two accounts of one person on two networks, both in the store. It is found when the
two are one person already, or when a suggestion at or above the threshold joins their people.
A suggestion is right when its two accounts are one person's in the ground truth. Precision is
over the suggestions, recall over the pairs, in all and per pair of networks; ``recall_named``
leaves out the pairs with an account the store knows by its id alone (an X follower: no handle,
no name, nothing to match on).
"""

from __future__ import annotations

import argparse
import shutil
import time
from collections import Counter
from collections.abc import Iterable
from itertools import combinations
from pathlib import Path
from typing import Any

import orjson

from amity import demo
from amity.config import load_settings
from amity.demo.truth import owners_of_accounts
from amity.desk.accounts import DEMO_WORLD
from amity.desk.demo import run_demo
from amity.ingest import import_archives
from amity.insight.identity import DEFAULT_MIN_SCORE, Suggestion, suggest_identities
from amity.model import PLATFORMS, AccountKey, PersonAccount
from amity.store import open_store
from amity.store.people import list_person_accounts

OUT = Path(__file__).parent / "out"
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.85)
Pair = tuple[AccountKey, AccountKey]


def load(posts: int, seed: int, *, archives_only: bool) -> tuple[list[PersonAccount], Any]:
    """Make (once) a demo workspace; return its accounts and the world's ground truth."""
    folder = OUT / f"identity-{'archives' if archives_only else 'demo'}-{posts}-{seed}"
    settings = load_settings(folder / "workspace", environ={})
    if not (folder / ".complete").exists():
        shutil.rmtree(folder, ignore_errors=True)
        engine = open_store(settings, create=True)
        if archives_only:
            world = demo.generate(folder / "workspace" / DEMO_WORLD, posts=posts, seed=seed)
            import_archives(engine, world.archives)
        else:
            run_demo(settings, engine, posts=posts, seed=seed)
        engine.dispose()
        (folder / ".complete").touch()
    engine = open_store(settings)
    with engine.connect() as connection:
        accounts = list_person_accounts(connection)
    engine.dispose()
    truth = orjson.loads((folder / "workspace" / DEMO_WORLD / "ground_truth.json").read_bytes())
    return accounts, truth


def true_pairs(accounts: list[PersonAccount], truth: Any) -> list[Pair]:
    """Return every two stored accounts of one person on two networks, in network order."""
    owner = owners_of_accounts(truth)
    by_person: dict[str, list[AccountKey]] = {}
    for item in sorted(accounts, key=lambda item: PLATFORMS.index(item.account.platform)):
        if item.account.key in owner:
            by_person.setdefault(owner[item.account.key], []).append(item.account.key)
    return [pair for keys in by_person.values() for pair in combinations(keys, 2)]


def evaluate(suggestions: list[Suggestion], accounts: list[PersonAccount], truth: Any) -> Any:
    """Return precision and recall, in all and per pair of networks, and the namesakes' score."""
    owner = owners_of_accounts(truth)
    named = {item.account.key for item in accounts if item.account.handle}
    pairs = true_pairs(accounts, truth)
    found = _found(suggestions, accounts, truth)
    report = _figures(suggestions, pairs, found, named, owner)
    for networks in combinations(PLATFORMS, 2):
        some = [s for s in suggestions if _networks(s) == networks]
        these = [p for p in pairs if (p[0][0], p[1][0]) == networks]
        report["-".join(networks)] = _figures(some, these, found, named, owner)
    traps = namesakes(truth)
    scores = [s.score for s in suggestions if _people(owner, s) in traps]
    report.update(namesake_pairs=len(traps), namesake_best_score=max(scores, default=0.0))
    return report


def _figures(
    suggestions: list[Suggestion],
    pairs: list[Pair],
    found: set[Pair],
    named: set[AccountKey],
    owner: dict[AccountKey, str],
) -> dict[str, Any]:
    right = sum(_same(owner, s) for s in suggestions)
    hits = sum(pair in found for pair in pairs)
    with_names = [pair for pair in pairs if set(pair) <= named]
    return {
        "suggestions": len(suggestions),
        "right": right,
        "precision": _share(right, len(suggestions), empty=1.0),
        "pairs": len(pairs),
        "found": hits,
        "recall": _share(hits, len(pairs)),
        "pairs_named": len(with_names),
        "recall_named": _share(sum(pair in found for pair in with_names), len(with_names)),
    }


def namesakes(truth: Any) -> list[frozenset[str]]:
    """Return the pairs of different people who share a display name."""
    by_name: dict[str, list[str]] = {}
    for person in truth["people"]:
        by_name.setdefault(person["display_name"], []).append(person["key"])
    return [frozenset(keys) for keys in by_name.values() if len(keys) == 2]


def why_missed(
    shown: list[Suggestion], every: list[Suggestion], accounts: list[PersonAccount], truth: Any
) -> dict[str, int]:
    """Count the pairs not found, by why: what the store knew of them."""
    named = {item.account.key for item in accounts if item.account.handle}
    found = _found(shown, accounts, truth)
    weak = _found(every, accounts, truth) - found
    reasons: Counter[str] = Counter()
    for pair in true_pairs(accounts, truth):
        if pair in found:
            continue
        if not set(pair) <= named:
            reasons["an_account_known_by_id_only"] += 1
        else:
            reasons["suggested_below_the_threshold" if pair in weak else "no_evidence"] += 1
    return dict(reasons)


def by_threshold(every: list[Suggestion], accounts: list[PersonAccount], truth: Any) -> list[Any]:
    """Return suggestions, precision and recall at each of several thresholds."""
    rows = []
    for threshold in THRESHOLDS:
        found = evaluate([s for s in every if s.score >= threshold], accounts, truth)
        pairs = {key: _brief(found[key]) for key in map("-".join, combinations(PLATFORMS, 2))}
        rows.append({"min_score": threshold, **_brief(found), **pairs})
    return rows


def _brief(figures: dict[str, Any]) -> dict[str, Any]:
    keep = ("suggestions", "right", "precision", "recall", "recall_named")
    return {key: figures[key] for key in keep}


def _found(suggestions: list[Suggestion], accounts: list[PersonAccount], truth: Any) -> set[Pair]:
    """Return the pairs that are one person already, or joined by one of ``suggestions``."""
    who = {item.account.key: item.person_id or item.account.key for item in accounts}
    joined = {frozenset(who[item.account.key] for item in _sides(s)) for s in suggestions}
    pairs = true_pairs(accounts, truth)
    return {p for p in pairs if who[p[0]] == who[p[1]] or frozenset(map(who.get, p)) in joined}


def _sides(suggestion: Suggestion) -> tuple[PersonAccount, PersonAccount]:
    return suggestion.first, suggestion.second


def _networks(suggestion: Suggestion) -> tuple[str, str]:
    return suggestion.first.account.platform, suggestion.second.account.platform


def _people(owner: dict[AccountKey, str], suggestion: Suggestion) -> frozenset[str | None]:
    return frozenset(owner.get(item.account.key) for item in _sides(suggestion))


def _same(owner: dict[AccountKey, str], suggestion: Suggestion) -> bool:
    first = owner.get(suggestion.first.account.key)
    return first is not None and first == owner.get(suggestion.second.account.key)


def _share(part: int, whole: int, *, empty: float = 0.0) -> float:
    return round(part / whole, 3) if whole else empty


def timed(accounts: list[PersonAccount], runs: int = 3) -> tuple[list[Suggestion], float]:
    """Return every suggestion, at any score, and the best time of ``runs`` to find them."""
    best, every = float("inf"), []
    for _ in range(runs):
        started = time.perf_counter()
        every = suggest_identities(accounts, min_score=0.0)
        best = min(best, time.perf_counter() - started)
    return every, best


def main(argv: Iterable[str] | None = None) -> None:
    """Print the evaluation of one world as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=demo.DEFAULT_POSTS)
    parser.add_argument("--seed", type=int, default=demo.DEFAULT_SEED)
    parser.add_argument("--min-score", type=float, default=DEFAULT_MIN_SCORE)
    parser.add_argument("--archives-only", action="store_true", help="import, do not sync")
    options = parser.parse_args(None if argv is None else list(argv))
    accounts, truth = load(options.posts, options.seed, archives_only=options.archives_only)
    every, seconds = timed(accounts)
    shown = [s for s in every if s.score >= options.min_score]
    report = {"posts": options.posts, "seed": options.seed, "synced": not options.archives_only,
              "accounts": len(accounts), "seconds": round(seconds, 3),
              "min_score": options.min_score, **evaluate(shown, accounts, truth),
              "namesake_best_score_any": evaluate(every, accounts, truth)["namesake_best_score"],
              "missed": why_missed(shown, every, accounts, truth),
              "by_threshold": by_threshold(every, accounts, truth)}  # fmt: skip
    print(orjson.dumps(report, option=orjson.OPT_INDENT_2).decode())


if __name__ == "__main__":
    main()
