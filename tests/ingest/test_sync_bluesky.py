"""Connect and sync a Bluesky account against a real local network (PLC, PDS and AppView).

Everything goes through the commands a user runs. Expected figures come from the network itself
(the notifications its AppView lists, the records it holds), never from amity.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy import select

from amity.config import load_settings
from amity.ingest.sync import RECEIVED_KINDS
from amity.store import open_store
from amity.store.schema import interactions, notifications, posts
from tests.bluesky_network.fixture import Account, BlueskyNetwork, Scenario
from tests.ingest.helpers import count_rows, run_amity

REASON_KIND = {
    "reply": "reply",
    "mention": "mention",
    "quote": "quote",
    "like": "like",
    "repost": "boost",
    "follow": "follow",
}


def amity(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> Any:
    """Run the real command; never a traceback."""
    return run_amity(*args, stdin=stdin, env=env)


def connect(network: BlueskyNetwork, user: Account, workspace: Path) -> None:
    done = amity(
        "connect",
        "bluesky",
        user.handle,
        "--service",
        network.service,
        "--password-stdin",
        "-w",
        str(workspace),
        stdin=user.app_password + "\n",
    )
    assert done.returncode == 0, done.stderr
    assert "Nothing was fetched yet" in done.stderr


def sync(workspace: Path, *args: str) -> dict[str, Any]:
    done = amity("sync", "--json", "-w", str(workspace), *args)
    assert done.returncode == 0, done.stderr
    report: dict[str, Any] = orjson.loads(done.stdout)
    return report


def counts(workspace: Path) -> dict[str, int]:
    return count_rows(workspace, (posts, interactions, notifications))


def stored_post_ids(workspace: Path) -> set[str]:
    engine = open_store(load_settings(workspace, environ={}))
    with engine.connect() as connection:
        found = set(connection.execute(select(posts.c.platform_id)).scalars())
    engine.dispose()
    return found


def expected_new(network: BlueskyNetwork, user: Account) -> dict[str, int]:
    """Count what the user received, from the network's own notifications.

    A reply counts for the user when it answers the user's post (a reply further down the user's
    thread notifies them, but it answers someone else).
    """
    found = dict.fromkeys(RECEIVED_KINDS, 0)
    for notice in network.notifications(user.did):
        kind = REASON_KIND[notice["reason"]]
        if kind == "reply":
            parent = notice["record"]["reply"]["parent"]["uri"]
            if not parent.startswith(f"at://{user.did}/"):
                continue
        found[kind] += 1
    return found


@pytest.fixture(scope="module")
def scenario(bluesky_network: BlueskyNetwork) -> Scenario:
    return bluesky_network.scenario()


def test_sync_brings_every_kind_the_network_sent(
    bluesky_network: BlueskyNetwork, scenario: Scenario, tmp_path: Path
) -> None:
    workspace = tmp_path / "ws"
    connect(bluesky_network, scenario.user, workspace)
    assert counts(workspace) == {"posts": 0, "interactions": 0, "notifications": 0}
    report = sync(workspace)
    assert report["new"] == expected_new(bluesky_network, scenario.user)
    assert report["new"]["follow"] == len(scenario.follows)
    stored = counts(workspace)
    assert stored["notifications"] == sum(scenario.expected_counts.values())
    ids = stored_post_ids(workspace)
    # Others' posts, and the reply further down the user's thread, came with the thread.
    assert {reply.uri for reply in scenario.replies} <= ids
    assert {scenario.quote.uri, scenario.mention.uri} <= ids
    # The user's own posts, from the repository.
    assert {scenario.question.uri, scenario.announcement.uri, scenario.unanswered.uri} <= ids
    (account,) = orjson.loads(amity("accounts", "--json", "-w", str(workspace)).stdout)
    assert account["state"] == "ok" and account["last_sync"] is not None
    assert account["held"]["received"] >= sum(report["new"].values())
    assert "chat" in report["accounts"][0]["streams"]
    assert report["accounts"][0]["streams"]["chat"].startswith("skipped")

    again = sync(workspace)
    assert again["new"] == dict.fromkeys(RECEIVED_KINDS, 0)
    assert counts(workspace) == stored


def test_a_later_sync_brings_only_what_is_new(
    bluesky_network: BlueskyNetwork, tmp_path: Path
) -> None:
    user, friend = bluesky_network.account("me"), bluesky_network.account("friend")
    first = bluesky_network.post(user.did, "Who is coming on Saturday?")
    workspace = tmp_path / "ws"
    connect(bluesky_network, user, workspace)
    assert sync(workspace)["new"] == dict.fromkeys(RECEIVED_KINDS, 0)
    bluesky_network.post(friend.did, "Me! What should I bring?", reply_to=first.uri)
    bluesky_network.like(friend.did, first.uri)
    bluesky_network.follow(friend.did, user.did)
    report = sync(workspace)
    assert report["new"] == {**dict.fromkeys(RECEIVED_KINDS, 0), "reply": 1, "like": 1, "follow": 1}
    assert sync(workspace)["new"] == dict.fromkeys(RECEIVED_KINDS, 0)


def test_archive_then_sync_and_sync_then_archive_store_nothing_twice(
    bluesky_network: BlueskyNetwork, tmp_path: Path
) -> None:
    user, friend = bluesky_network.account("me"), bluesky_network.account("friend")
    own = [bluesky_network.post(user.did, f"post number {n}") for n in range(5)]
    bluesky_network.like(user.did, bluesky_network.post(friend.did, "hello").uri)
    bluesky_network.post(friend.did, "nice one", reply_to=own[0].uri)
    car = bluesky_network.export_repo(user.did, tmp_path / "repo.car")

    archive_first = tmp_path / "archive-first"
    imported = amity("import", str(car), "--json", "-w", str(archive_first))
    assert imported.returncode == 0, imported.stderr
    assert orjson.loads(imported.stdout)["new"]["posts"] == len(own)
    connect(bluesky_network, user, archive_first)
    report = sync(archive_first)
    records = report["accounts"][0]["streams"]["records:app.bsky.feed.post"]
    assert records == "0 new"  # the walk stopped at the newest post the archive holds
    assert report["new"]["reply"] == 1

    sync_first = tmp_path / "sync-first"
    connect(bluesky_network, user, sync_first)
    sync(sync_first)
    again = amity("import", str(car), "--json", "-w", str(sync_first))
    assert again.returncode == 0, again.stderr
    assert orjson.loads(again.stdout)["new"]["posts"] == 0
    assert counts(sync_first) == counts(archive_first)
    assert stored_post_ids(sync_first) == stored_post_ids(archive_first)


def test_only_app_passwords_are_taken(bluesky_network: BlueskyNetwork, tmp_path: Path) -> None:
    workspace = str(tmp_path / "ws")
    shaped = "wxyz-2345-qrst-6789"
    user = bluesky_network.account("me", password=shaped)
    refused = amity(
        "connect",
        "bluesky",
        user.handle,
        "--service",
        bluesky_network.service,
        "--password-stdin",
        "-w",
        workspace,
        stdin="my own password\n",
    )
    assert refused.returncode == 1
    assert "App passwords" in refused.stderr and "did not send it anywhere" in refused.stderr
    # An account password that happens to look like an app password: the session says what it is.
    account_password = amity(
        "connect",
        "bluesky",
        user.handle,
        "--service",
        bluesky_network.service,
        "--password-stdin",
        "-w",
        workspace,
        stdin=shaped + "\n",
    )
    assert account_password.returncode == 1
    assert "not an app password" in account_password.stderr
    assert not list((tmp_path / "ws" / "secrets").glob("bluesky-*.json"))
    wrong = amity(
        "connect",
        "bluesky",
        user.handle,
        "--service",
        bluesky_network.service,
        "--password-stdin",
        "-w",
        workspace,
        stdin="aaaa-bbbb-cccc-dddd\n",
    )
    assert wrong.returncode == 1
    assert "did not accept the handle and app password" in wrong.stderr
    for done in (refused, account_password, wrong):
        assert shaped not in done.stdout + done.stderr


def test_a_did_finds_its_server_through_the_plc_directory(
    bluesky_network: BlueskyNetwork, tmp_path: Path
) -> None:
    user = bluesky_network.account("me")
    env = {**os.environ, "AMITY_BLUESKY_PLC": bluesky_network.plc}
    done = amity(
        "connect",
        "bluesky",
        user.did,
        "--password-stdin",
        "-w",
        str(tmp_path / "ws"),
        stdin=user.app_password,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert bluesky_network.service.split("://")[1] in done.stderr


def test_secrets_stay_in_the_secrets_folder(
    bluesky_network: BlueskyNetwork, tmp_path: Path
) -> None:
    user = bluesky_network.account("me")
    workspace = tmp_path / "ws"
    connect(bluesky_network, user, workspace)
    (secret,) = (workspace / "secrets").glob("bluesky-*.json")
    session = orjson.loads(secret.read_bytes())["session"]
    tokens = [part for part in session.split(":::") if part.count(".") == 2]
    assert tokens, "the session keeps its JWTs"
    outputs = [
        amity("sync", "--json", "-w", str(workspace)),
        amity("accounts", "--json", "-w", str(workspace)),
    ]
    for done in outputs:
        for secret_text in (*tokens, user.app_password):
            assert secret_text not in done.stdout + done.stderr
    for path in workspace.rglob("*"):
        if path.is_file() and path.parent.name != "secrets":
            data = path.read_bytes()
            for secret_text in (*tokens, user.app_password):
                assert secret_text.encode() not in data, path


def test_disconnect_ends_the_session_on_the_server(
    bluesky_network: BlueskyNetwork, tmp_path: Path
) -> None:
    user = bluesky_network.account("me")
    workspace = tmp_path / "ws"
    connect(bluesky_network, user, workspace)
    (secret,) = (workspace / "secrets").glob("bluesky-*.json")
    refresh = [p for p in orjson.loads(secret.read_bytes())["session"].split(":::") if "." in p][1]
    done = amity("disconnect", f"bluesky:{user.handle}", "-w", str(workspace))
    assert done.returncode == 0, done.stderr
    assert "revoked on the server" in done.stderr
    assert not secret.exists()
    # The session amity held can no longer be renewed: its refresh token is revoked.
    answer = httpx.post(
        f"{bluesky_network.service}/xrpc/com.atproto.server.refreshSession",
        headers={"Authorization": f"Bearer {refresh}"},
    )
    assert answer.status_code in (400, 401), answer.text
    assert orjson.loads(amity("accounts", "--json", "-w", str(workspace)).stdout) == []


def test_killed_mid_sync_the_next_sync_finishes_with_exact_counts(
    bluesky_network: BlueskyNetwork, tmp_path: Path
) -> None:
    user = bluesky_network.account("me")
    fans = [bluesky_network.account(f"fan{n}") for n in range(6)]
    posts_made = [bluesky_network.post(user.did, f"drawing {n}") for n in range(40)]
    bluesky_network.likes([fan.did for fan in fans], [post.uri for post in posts_made])
    whole = tmp_path / "whole"
    connect(bluesky_network, user, whole)
    sync(whole)
    expected = counts(whole)
    assert expected["notifications"] == len(fans) * len(posts_made)

    killed = tmp_path / "killed"
    connect(bluesky_network, user, killed)
    database = killed / "amity.db"
    child = subprocess.Popen(
        [sys.executable, "-m", "amity", "sync", "-w", str(killed)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and child.poll() is None:
        if database.exists() and counts(killed)["notifications"] > 0:
            break
        time.sleep(0.02)
    assert child.poll() is None, "the sync ended before it could be killed"
    os.kill(child.pid, signal.SIGKILL)
    child.wait(10)
    assert 0 < counts(killed)["notifications"] < expected["notifications"]
    sync(killed)
    assert counts(killed) == expected
