"""Score amity's "one person, several accounts" suggestions against the demo world's ground truth.

Generates a demo world (cached under bench/out/), imports it into a fresh workspace, computes the
suggestions and compares them with ``ground_truth.json``: a suggestion is right when its Mastodon
and X accounts belong to one person there.

    python bench/identity_eval.py                      # 5,000 posts, seed 7
    python bench/identity_eval.py --posts 200000 --seed 7

Precision counts suggestions at or above the threshold; recall is over every person whose
Mastodon and X accounts are both in the store, and over those whose X screen name the archives
give (an X account known by its id alone has nothing to match on).
"""

from __future__ import annotations

import argparse
import shutil
import time
from collections import Counter
from pathlib import Path
from typing import Any

import orjson

from amity import demo
from amity.config import load_settings
from amity.demo.truth import owners_of_accounts
from amity.ingest import import_archives
from amity.insight.identity import DEFAULT_MIN_SCORE, Suggestion, suggest_identities
from amity.model import AccountKey, PersonAccount
from amity.store import open_store
from amity.store.people import list_person_accounts

OUT = Path(__file__).parent / "out"
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.65, 0.85)


def load(posts: int, seed: int) -> tuple[list[PersonAccount], dict[str, Any]]:
    """Generate (once) and import a world; return its accounts and its ground truth."""
    folder = OUT / f"identity-world-{posts}-{seed}"
    if not (folder / ".complete").exists():
        shutil.rmtree(folder, ignore_errors=True)
        demo.generate(folder / "world", posts=posts, seed=seed)
        (folder / ".complete").touch()
    shutil.rmtree(folder / "workspace", ignore_errors=True)
    engine = open_store(load_settings(folder / "workspace", environ={}), create=True)
    import_archives(engine, [folder / "world" / "mastodon", folder / "world" / "twitter"])
    with engine.connect() as connection:
        accounts = list_person_accounts(connection)
    engine.dispose()
    return accounts, orjson.loads((folder / "world" / "ground_truth.json").read_bytes())


def namesakes(truth: dict[str, Any]) -> list[frozenset[str]]:
    """Return the pairs of different people who share a display name."""
    by_name: dict[str, list[str]] = {}
    for person in truth["people"]:
        by_name.setdefault(person["display_name"], []).append(person["key"])
    return [frozenset(keys) for keys in by_name.values() if len(keys) == 2]


def evaluate(
    suggestions: list[Suggestion], accounts: list[PersonAccount], truth: dict[str, Any]
) -> dict[str, Any]:
    """Return precision, recall and the namesakes' best score for ``suggestions``."""
    owner = owners_of_accounts(truth)
    stored = {item.account.key for item in accounts}
    named = {item.account.key for item in accounts if item.account.handle}
    pairs = [_person_pair(person) for person in truth["people"]]
    both = [pair for pair in pairs if pair and set(pair) <= stored]
    findable = [pair for pair in both if pair[1] in named]
    right = [s for s in suggestions if _same(owner, s)]
    traps = namesakes(truth)
    trap_scores = [s.score for s in suggestions if _people(owner, s) in traps]
    return {
        "suggestions": len(suggestions),
        "right": len(right),
        "precision": len(right) / len(suggestions) if suggestions else 1.0,
        "people_on_both": len(both),
        "recall": len(right) / len(both) if both else 0.0,
        "x_name_known": len(findable),
        "recall_x_name_known": len(right) / len(findable) if findable else 0.0,
        "namesake_pairs": len(traps),
        "namesake_best_score": max(trap_scores, default=0.0),
        "evidence_of_right": dict(Counter(e.kind for s in right for e in s.evidence)),
        "evidence_of_wrong": dict(
            Counter(e.kind for s in suggestions if not _same(owner, s) for e in s.evidence)
        ),
    }


def _person_pair(person: dict[str, Any]) -> tuple[AccountKey, AccountKey] | None:
    accounts = person["accounts"]
    if "mastodon" not in accounts or "twitter" not in accounts:
        return None
    return (("mastodon", accounts["mastodon"]["uri"]), ("twitter", accounts["twitter"]["id"]))


def _people(owner: dict[AccountKey, str], suggestion: Suggestion) -> frozenset[str | None]:
    return frozenset(owner.get(item.account.key) for item in (suggestion.first, suggestion.second))


def _same(owner: dict[AccountKey, str], suggestion: Suggestion) -> bool:
    first = owner.get(suggestion.first.account.key)
    return first is not None and first == owner.get(suggestion.second.account.key)


def why_missed(
    shown: list[Suggestion],
    every: list[Suggestion],
    accounts: list[PersonAccount],
    truth: dict[str, Any],
) -> dict[str, int]:
    """Count the people on both networks not suggested, by why: what the store knew of them."""
    owner = owners_of_accounts(truth)
    named = {item.account.key for item in accounts if item.account.handle}
    stored = {item.account.key for item in accounts}
    found = {owner.get(s.first.account.key) for s in shown if _same(owner, s)}
    weak = {owner.get(s.first.account.key) for s in every if _same(owner, s)} - found
    reasons: Counter[str] = Counter()
    for person in truth["people"]:
        pair = _person_pair(person)
        if not pair or not set(pair) <= stored or person["key"] in found:
            continue
        if pair[1] not in named:
            reasons["x_account_known_by_id_only"] += 1
        elif person["key"] in weak:
            reasons["suggested_below_the_threshold"] += 1
        else:
            reasons["no_evidence"] += 1
    return dict(reasons)


def by_threshold(
    every: list[Suggestion], accounts: list[PersonAccount], truth: dict[str, Any]
) -> list[dict[str, Any]]:
    """Return suggestions, precision and recall at each of several thresholds."""
    rows = []
    for threshold in THRESHOLDS:
        found = evaluate([s for s in every if s.score >= threshold], accounts, truth)
        keep = ("suggestions", "right", "precision", "recall")
        rows.append({"min_score": threshold, **{key: found[key] for key in keep}})
    return rows


def main() -> None:
    """Print the evaluation of one world as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=demo.DEFAULT_POSTS)
    parser.add_argument("--seed", type=int, default=demo.DEFAULT_SEED)
    parser.add_argument("--min-score", type=float, default=DEFAULT_MIN_SCORE)
    options = parser.parse_args()
    accounts, truth = load(options.posts, options.seed)
    started = time.perf_counter()
    every = suggest_identities(accounts, min_score=0.0)
    seconds = time.perf_counter() - started
    shown = [s for s in every if s.score >= options.min_score]
    missed = why_missed(shown, every, accounts, truth)
    report = {"posts": options.posts, "seed": options.seed, "accounts": len(accounts),
              "seconds": round(seconds, 3), "min_score": options.min_score,
              **evaluate(shown, accounts, truth),
              "namesake_best_score_any": evaluate(every, accounts, truth)["namesake_best_score"],
              "missed": missed, "by_threshold": by_threshold(every, accounts, truth)}  # fmt: skip
    print(orjson.dumps(report, option=orjson.OPT_INDENT_2).decode())


if __name__ == "__main__":
    main()
