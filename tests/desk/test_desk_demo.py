"""The demo through the real doors: archives imported, accounts connected and synced.

What the sync stores is checked against the demo world's ground truth, which the generator wrote
independently of amity's readers: everything others did to her arrives, once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import Engine, func, select

from amity import demo
from amity.config import Settings, load_settings
from amity.desk import accounts
from amity.desk.demo import DemoRun, run_demo
from amity.errors import CredentialsRejected
from amity.ingest.sync import RECEIVED_KINDS
from amity.insight.identity import DEFAULT_MIN_SCORE
from amity.store import open_store
from amity.store.schema import accounts as account_rows
from amity.store.schema import identity_decisions, interactions, notifications, posts

POSTS = 600


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return load_settings(tmp_path_factory.mktemp("demo") / "ws", environ={})


@pytest.fixture(scope="module")
def engine(settings: Settings) -> Iterator[Engine]:
    store = open_store(settings, create=True)
    yield store
    store.dispose()


@pytest.fixture(scope="module")
def run(settings: Settings, engine: Engine) -> DemoRun:
    return run_demo(settings, engine, posts=POSTS)


@pytest.fixture(scope="module")
def truth(run: DemoRun) -> dict[str, Any]:
    loaded: dict[str, Any] = orjson.loads(run.world.ground_truth.read_bytes())
    return loaded


def received(truth: dict[str, Any], platform: str) -> dict[str, int]:
    found: Counter[str] = Counter()
    for person in truth["people"]:
        found.update(person["received"].get(platform, {}))
    return {kind: found[kind] for kind in RECEIVED_KINDS}


def test_both_accounts_connect_through_their_real_sign_in(
    run: DemoRun, truth: dict[str, Any]
) -> None:
    names = [connected.name for connected in run.connected]
    assert names == [
        f"mastodon:{truth['user']['mastodon']['acct']}",
        f"bluesky:{truth['user']['bluesky']['handle']}",
    ]


def test_the_sync_receives_exactly_what_the_world_holds(
    run: DemoRun, truth: dict[str, Any]
) -> None:
    by_platform = {report.account.split(":")[0]: report for report in run.synced}
    for platform in ("mastodon", "bluesky"):
        assert by_platform[platform].new == received(truth, platform), platform
        assert by_platform[platform].problem_count == 0


def test_questions_people_left_her_are_in_the_store(
    run: DemoRun, engine: Engine, truth: dict[str, Any]
) -> None:
    asked = [
        question["id"]
        for question in truth["unanswered_questions"]
        if question["from"] != "user" and question["platform"] in ("mastodon", "bluesky")
    ]
    assert asked
    with engine.connect() as connection:
        stored = set(connection.execute(select(posts.c.platform_id)).scalars())
    chat = {key.rsplit(":", 1)[-1] for key in stored if key.startswith("bluesky-chat:")}
    missing = [key for key in asked if key not in stored and key not in chat]
    assert missing == []


def test_a_second_sync_stores_nothing(run: DemoRun, settings: Settings, engine: Engine) -> None:
    def total() -> tuple[int, ...]:
        with engine.connect() as connection:
            return tuple(
                int(connection.execute(select(func.count()).select_from(t)).scalar_one())
                for t in (posts, interactions, notifications)
            )

    before = total()
    reports = accounts.sync(engine, accounts.Network(settings))
    assert all(report.new == dict.fromkeys(RECEIVED_KINDS, 0) for report in reports)
    assert total() == before


def test_a_sync_half_way_through_the_year_then_at_its_end_adds_up(
    tmp_path: Path, truth: dict[str, Any]
) -> None:
    settings = load_settings(tmp_path / "ws", environ={})
    engine = open_store(settings, create=True)
    world = demo.generate(settings.workspace / accounts.DEMO_WORLD, posts=POSTS)
    network = accounts.Network(settings)
    servers = network.demo()
    servers.until = int(datetime.fromisoformat(truth["parameters"]["start"]).timestamp()) + (
        183 * 86_400
    )
    pending = accounts.begin_mastodon(network, servers.mastodon_url, transport=accounts.DEMO)
    accounts.finish_mastodon(engine, network, pending, servers.approve(pending.url))
    accounts.connect_bluesky(engine, network, servers.bluesky_handle,
                             servers.bluesky_app_password, transport=accounts.DEMO)  # fmt: skip
    first = {r.account.split(":")[0]: r.new for r in accounts.sync(engine, network)}
    servers.until = None
    later = {r.account.split(":")[0]: r.new for r in accounts.sync(engine, network)}
    for platform in ("mastodon", "bluesky"):
        assert 0 < sum(first[platform].values()) < sum(received(truth, platform).values())
        assert sum(later[platform].values()) > 0
        together = {kind: first[platform][kind] + later[platform][kind] for kind in RECEIVED_KINDS}
        assert together == received(truth, platform), platform
    assert world.folder == settings.workspace / accounts.DEMO_WORLD
    engine.dispose()


def test_the_demo_suggests_who_may_be_one_person_and_merges_no_one(
    run: DemoRun, engine: Engine
) -> None:
    assert run.suggestions
    assert all(s.score >= DEFAULT_MIN_SCORE for s in run.suggestions)
    close = [s.person for s in run.people.standings if s.contact.circle in (1, 2)]
    assert any(run.suggested(person.person_id) for person in close)
    with engine.connect() as connection:
        decided = select(func.count()).select_from(identity_decisions)
        assert connection.execute(decided).scalar() == 0
        contacts = select(func.count()).where(~account_rows.c.is_own)
        per_person = contacts.group_by(account_rows.c.person_id)
        assert set(connection.execute(per_person).scalars()) == {1}


def test_disconnect_revokes_her_mastodon_token(
    run: DemoRun, settings: Settings, engine: Engine
) -> None:
    network = accounts.Network(settings)
    name = run.connected[0].name
    secret = next((settings.secrets_dir).glob("mastodon-junodraws*.json"))
    kept = secret.read_bytes()
    done = accounts.disconnect(engine, network, name)
    assert done.revoked
    # Put the revoked token back: the instance refuses it.
    pending = accounts.begin_mastodon(network, network.demo().mastodon_url, transport=accounts.DEMO)
    accounts.finish_mastodon(engine, network, pending, network.demo().approve(pending.url))
    secret.write_bytes(kept)
    with pytest.raises(CredentialsRejected):
        accounts.sync(engine, network, name)
