"""The people view on a real store: the demo world imported, read back as people with names.

The analyses themselves are tested in tests/insight against the ground truth; here the store's
own history (accounts filed under people, pins, merges, re-imports) goes through them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import Engine

from amity.config import load_settings
from amity.demo import DemoWorld, generate
from amity.demo.truth import owners_of_accounts
from amity.desk.people import (
    People,
    Standing,
    evaluate_file,
    evaluate_workspace,
    get_people,
    get_persons,
)
from amity.errors import NotFound, UsageError
from amity.ingest import import_archives
from amity.insight.pairs import DAY
from amity.store import knowledge, open_store
from amity.store.lookup import get_person_named
from amity.store.people import merge_accounts
from amity.store.schema import accounts, people

CLOCK = 1.7e9


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> DemoWorld:
    return generate(tmp_path_factory.mktemp("world"), posts=5000, seed=7)


@pytest.fixture(scope="module")
def truth(world: DemoWorld) -> dict[str, Any]:
    loaded: dict[str, Any] = orjson.loads(world.ground_truth.read_bytes())
    return loaded


@pytest.fixture
def store(tmp_path: Path, world: DemoWorld) -> Engine:
    engine = open_store(load_settings(tmp_path / "ws", environ={}), create=True)
    import_archives(engine, list(world.archives), parallel=False, clock=lambda: CLOCK)
    return engine


def _truth_key(standing: Standing, truth: dict[str, Any]) -> str:
    """Return the ground-truth person behind a standing's (first) account."""
    account = standing.person.accounts[0]
    return owners_of_accounts(truth)[(account.platform, account.platform_id)]


def _people(store: Engine, **kwargs: Any) -> People:
    with store.connect() as connection:
        return get_people(connection, **kwargs)


def test_drifting_people_are_the_true_drifters_and_have_names(
    store: Engine, truth: dict[str, Any]
) -> None:
    found = _people(store)
    drifting = {p["key"] for p in truth["people"] if p["drifting"]}
    flagged = {_truth_key(s, truth) for s in found.drifting}
    assert flagged == drifting
    assert all(s.contact.drift is not None and s.person.name for s in found.drifting)
    assert found.now == found.newest_at


def test_circles_hold_the_close_people_and_no_stranger(
    store: Engine, truth: dict[str, Any]
) -> None:
    found = _people(store)
    layer = {p["key"]: p["layer"] for p in truth["people"]}
    inner = [s for s in found.standings if s.contact.circle == 1]
    assert 3 <= len(inner) <= 8
    assert all(layer[_truth_key(s, truth)] in (1, 2) for s in inner)
    close = [s for s in found.standings if s.contact.circle in (1, 2)]
    assert not any(layer[_truth_key(s, truth)] == 0 for s in close)
    assert found.circle_sizes[0] == len(inner)
    assert sum(found.circle_sizes) == len(found.standings)


def test_a_pin_wins_and_survives_a_reimport(
    store: Engine, world: DemoWorld, truth: dict[str, Any]
) -> None:
    outer = next(s for s in _people(store).standings if s.contact.circle == 0)
    with store.begin() as connection:
        knowledge.set_circle_pin(
            connection, person_id=outer.person.person_id, circle=1, now=int(CLOCK)
        )
    import_archives(store, list(world.archives), parallel=False, clock=lambda: CLOCK + 60)
    again = _people(store).of(outer.person.person_id)
    assert again is not None
    assert (again.contact.circle, again.contact.pinned) == (1, True)


def test_merged_accounts_are_one_contact(store: Engine, truth: dict[str, Any]) -> None:
    inner = (p for p in truth["people"] if p["layer"] == 1)
    both = next(p for p in inner if {"mastodon", "twitter"} <= set(p["accounts"]))
    keys = [
        ("mastodon", both["accounts"]["mastodon"]["uri"]),
        ("twitter", both["accounts"]["twitter"]["id"]),
    ]
    before = _people(store)
    parts = [s for s in before.standings if _truth_key(s, truth) == both["key"]]
    assert len(parts) == 2
    with store.begin() as connection:
        merged = merge_accounts(connection, keys=keys, now=int(CLOCK))
    after = _people(store)
    one = after.of(merged.person_id)
    assert one is not None
    assert [s for s in after.standings if _truth_key(s, truth) == both["key"]] == [one]
    assert one.contact.tie.sent == sum(part.contact.tie.sent for part in parts)
    assert len(one.person.accounts) == 2
    assert len(after.standings) == len(before.standings) - 1
    assert one.person.name == both["accounts"]["twitter"]["display_name"]


def test_a_person_named_by_a_handle_shows_an_account_display_name(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(
            people.insert(), [{"id": 1, "display_name": "ana@m.example", "created_at": 0}]
        )
        connection.execute(
            accounts.insert(),
            [{"platform": "mastodon", "platform_id": "https://m.example/users/ana",
              "handle": "ana@m.example", "display_name": "Ana Ruiz", "person_id": 1,
              "is_own": False}],
        )  # fmt: skip
        assert get_persons(connection, [1])[1].name == "Ana Ruiz"


def test_as_of_an_earlier_day_sees_only_what_came_before(store: Engine) -> None:
    latest = _people(store)
    assert latest.newest_at is not None
    earlier = _people(store, now=latest.newest_at - 120 * DAY)
    assert earlier.now == latest.newest_at - 120 * DAY
    assert all(s.contact.tie.last_at <= earlier.now for s in earlier.standings)
    assert len(earlier.standings) < len(latest.standings)
    assert _people(store) == latest


def test_the_workspace_replay_beats_the_most_recent_contact(store: Engine) -> None:
    with store.connect() as connection:
        result = evaluate_workspace(connection)
    figures = result.as_dict()
    assert result.samples == result.windows > 50
    for key, value in figures["amity"].items():
        assert value > figures["recency"][key], key


def test_an_empty_store_says_what_to_import(tmp_path: Path) -> None:
    engine = open_store(load_settings(tmp_path / "empty", environ={}), create=True)
    with engine.connect() as connection, pytest.raises(NotFound, match="no account of yours"):
        get_people(connection)
    with engine.connect() as connection, pytest.raises(NotFound, match="no account of yours"):
        evaluate_workspace(connection)


def test_a_name_finds_the_standing(store: Engine, truth: dict[str, Any]) -> None:
    inner = next(p for p in truth["people"] if p["layer"] == 1 and "twitter" in p["accounts"])
    with store.connect() as connection:
        person_id, _ = get_person_named(
            connection, f"x:{inner['accounts']['twitter']['screen_name']}"
        )
    standing = _people(store).of(person_id)
    assert standing is not None and standing.contact.circle in (1, 2)
    assert standing.person.handles == (f"twitter:{inner['accounts']['twitter']['screen_name']}",)


def test_too_short_a_history_cannot_be_replayed(tmp_path: Path) -> None:
    lines = tmp_path / "one.txt"
    lines.write_text("1 2 1000\n")
    with pytest.raises(UsageError, match="too few interactions"):
        evaluate_file(lines)


def test_people_you_block_or_mute_are_left_out(
    store: Engine, truth: dict[str, Any], tmp_path: Path
) -> None:
    before = _people(store)
    inner = [s for s in before.standings if s.contact.circle == 1]
    mastodon = [s for s in inner if s.person.accounts[0].platform == "mastodon"][:2]
    assert len(mastodon) == 2
    for name, standing in zip(
        ("blocked_accounts.csv", "muted_accounts.csv"), mastodon, strict=True
    ):
        path = tmp_path / name
        path.write_text(f"{standing.person.accounts[0].handle}\n")
        report = import_archives(store, [path], parallel=False, clock=lambda: CLOCK)
        assert report.archives[0].format == "mastodon-account-list"
    after = _people(store)
    gone = {s.person.person_id for s in mastodon}
    assert after.kept_away == 2
    assert not gone & {s.person.person_id for s in after.standings}
    assert len(after.standings) == len(before.standings) - 2
    assert after.circle_sizes[0] >= 1
