"""The inbox of the demo world, checked against its ground truth: what waits on the user.

The generator notes every question someone put to the user that she never answered, apart from
amity's readers; the inbox must hold at least 95% of them, marked as asking.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from sqlalchemy import Engine

from amity.config import Settings, load_settings
from amity.desk import accounts
from amity.desk.demo import DemoRun, run_demo
from amity.desk.inbox import get_inbox, item_id, mark_done, snooze
from amity.desk.workspace import Workspace
from amity.ingest import import_archives
from amity.store import open_store
from amity.store.inbox import get_own_latest, list_addressed

POSTS = 600


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return load_settings(tmp_path_factory.mktemp("inbox") / "ws", environ={})


@pytest.fixture(scope="module")
def engine(settings: Settings) -> Iterator[Engine]:
    store = open_store(settings, create=True)
    yield store
    store.dispose()


@pytest.fixture(scope="module")
def run(settings: Settings, engine: Engine) -> DemoRun:
    return run_demo(settings, engine, posts=POSTS)


@pytest.fixture(scope="module")
def workspace(settings: Settings, engine: Engine, run: DemoRun) -> Workspace:
    return Workspace(settings, engine)


@pytest.fixture(scope="module")
def questions(run: DemoRun) -> list[dict[str, Any]]:
    truth: dict[str, Any] = orjson.loads(run.world.ground_truth.read_bytes())
    found: list[dict[str, Any]] = truth["unanswered_questions"]
    return found


def _by_message(workspace: Workspace) -> dict[str, Any]:
    """Return the open items by each message id they hold (a Bluesky chat's by its own id)."""
    held = {}
    for item in get_inbox(workspace, everything=True).items:
        for platform_id in item.platform_ids:
            held[platform_id] = item
            held[platform_id.rsplit(":", 1)[-1]] = item  # bluesky-chat:CONVERSATION:MESSAGE
    return held


def test_the_inbox_holds_the_questions_others_left_with_the_user(
    workspace: Workspace, questions: list[dict[str, Any]]
) -> None:
    theirs = [question for question in questions if question["from"] != "user"]
    held = _by_message(workspace)
    asking = [q for q in theirs if q["id"] in held and held[q["id"]].asks]
    assert len(theirs) >= 20
    assert len(asking) >= 0.95 * len(theirs), [q for q in theirs if q not in asking]


def test_her_own_unanswered_questions_are_not_items(
    workspace: Workspace, questions: list[dict[str, Any]]
) -> None:
    mine = [question["id"] for question in questions if question["from"] == "user"]
    assert mine
    assert not set(mine) & set(_by_message(workspace))


def test_a_conversation_she_answered_is_not_in_the_inbox(
    workspace: Workspace, engine: Engine
) -> None:
    with engine.connect() as connection:
        latest = get_own_latest(connection)
        answered = [
            message
            for message in list_addressed(connection)
            if message.created_at < latest.get((message.platform, message.conversation), -1)
        ]
    assert len(answered) >= 20
    held = _by_message(workspace)
    assert not [message.platform_id for message in answered if message.platform_id in held]


def test_only_replies_mentions_quotes_and_messages_are_items(workspace: Workspace) -> None:
    items = get_inbox(workspace, everything=True).items
    assert {item.kind for item in items} <= {"reply", "mention", "quote", "dm"}
    assert [item.score for item in items] == sorted((item.score for item in items), reverse=True)
    assert all(item.why and item.id == item_id(item.platform, item.conversation) for item in items)


def test_the_window_keeps_a_month_before_the_newest_data(workspace: Workspace) -> None:
    recent, everything = get_inbox(workspace), get_inbox(workspace, everything=True)
    assert recent.since is not None and everything.since is None
    assert all(item.received_at >= recent.since for item in recent.items)
    assert len(recent.items) + recent.older == len(everything.items)
    assert 0 < len(recent.items) < len(everything.items)


def test_done_and_snooze_take_items_out_and_outlive_a_re_import(
    workspace: Workspace, settings: Settings, engine: Engine, run: DemoRun
) -> None:
    first, second, *_ = get_inbox(workspace, everything=True).items
    now = 2_000_000_000
    mark_done(workspace, first.id, now=now)
    snooze(workspace, second.id, until=now + 3600, now=now)
    import_archives(engine, run.world.archives)
    network = accounts.Network(settings)
    network.demo()
    accounts.sync(engine, network, thread_budget=10**9)
    ids = {item.id for item in get_inbox(workspace, everything=True, now=now).items}
    assert first.id not in ids and second.id not in ids
    later = {item.id for item in get_inbox(workspace, everything=True, now=now + 3601).items}
    assert second.id in later and first.id not in later


def test_an_item_that_asks_in_an_earlier_message_says_so(workspace: Workspace) -> None:
    """The text shown is the newest message's; when only an earlier one asks, the why says so."""
    from amity.insight.asks import asks

    items = get_inbox(workspace, everything=True).items
    earlier = [item for item in items if item.asks and not asks(item.text, None).asks]
    assert earlier, "the demo holds threads where a later message only thanks"
    assert all("in an earlier message" in item.why for item in earlier)
    newest_asks = [item for item in items if asks(item.text, None).asks]
    assert newest_asks and all("in an earlier message" not in item.why for item in newest_asks)
