"""Connect and sync a Mastodon account against the recorded responses of a real server.

The replay server answers from cassettes recorded against Mastodon 4.6.4 by Mastodon.py's own
test suite (account ``mastodonpy_test``); faults (a 500, a 429, an HTML page, a revoked token, a
request held while the client is killed) are injected on top of the recorded answers.
"""

from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import Engine

from amity.config import Settings
from amity.desk import accounts as desk
from amity.errors import CredentialsRejected, ServerFailed, ServerUnreachable
from amity.ingest.sync import RECEIVED_KINDS
from amity.store import open_store
from amity.store.schema import interactions, notifications, posts
from tests.ingest.helpers import FakeClock, count_rows, run_amity
from tests.mastodon_replay import MastodonReplay
from tests.mastodon_replay.cassettes import load_cassette

TOKEN = "__MASTODON_PY_TEST_ACCESS_TOKEN"
SCENARIO = [
    "test_fetch_next_previous",  # the account (verify_credentials) and its statuses, 3 pages
    "test_notifications",  # a mention from admin
    "test_status_context",
    "test_favourites",
    "test_instance",
]
ME = "117020565966271181"
STATUSES = f"/api/v1/accounts/{ME}/statuses"


def amity(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real command; never a traceback."""
    return run_amity(*args, stdin=stdin)


@pytest.fixture
def replay() -> Iterator[MastodonReplay]:
    with MastodonReplay(SCENARIO) as server:
        yield server


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return tmp_path / "ws"


def connect(server: MastodonReplay, workspace: Path) -> None:
    done = amity("connect", "mastodon", server.url, "--token-stdin", "-w", str(workspace),
                 stdin=TOKEN + "\n")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Nothing was fetched yet" in done.stderr
    assert "amity sync mastodon:mastodonpy_test@" in done.stderr


def counts(workspace: Path) -> dict[str, int]:
    return count_rows(workspace, (posts, interactions, notifications))


def recorded_own_statuses() -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for recording in load_cassette("test_fetch_next_previous"):
        if (
            recording.method == "GET"
            and recording.path == STATUSES
            and "min_id" not in recording.query
        ):
            found += orjson.loads(recording.body)
    return found


# -- connect and sync --------------------------------------------------------------------------


def test_connect_stores_the_account_and_fetches_nothing(
    replay: MastodonReplay, workspace: Path
) -> None:
    connect(replay, workspace)
    assert [r.path for r in replay.requests] == ["/api/v1/accounts/verify_credentials"]
    assert counts(workspace) == {"posts": 0, "interactions": 0, "notifications": 0}
    listed = amity("accounts", "--json", "--offline", "-w", str(workspace))
    (account,) = orjson.loads(listed.stdout)
    assert account["account"].startswith("mastodon:mastodonpy_test@")
    assert account["state"] == "ok" and account["last_sync"] is None


def test_sync_stores_what_the_server_said_and_a_second_sync_nothing(
    replay: MastodonReplay, workspace: Path
) -> None:
    connect(replay, workspace)
    done = amity("sync", "--json", "-w", str(workspace))
    assert done.returncode == 0, done.stderr
    report = orjson.loads(done.stdout)
    assert set(report["new"]) == set(RECEIVED_KINDS)
    assert report["new"] == {**dict.fromkeys(RECEIVED_KINDS, 0), "mention": 1}
    statuses = recorded_own_statuses()
    assert len(statuses) == 10
    stored = counts(workspace)
    assert stored["posts"] == len(statuses) + 1  # and the status that mentions the user
    assert stored["notifications"] == 1
    before = replay.requests
    again = amity("sync", "--json", "-w", str(workspace))
    assert orjson.loads(again.stdout)["new"] == dict.fromkeys(RECEIVED_KINDS, 0)
    assert counts(workspace) == stored
    newest_pages = [r for r in replay.requests[len(before) :] if r.path == STATUSES]
    assert len(newest_pages) == 1  # nothing new: one look at the newest page


def test_credentials_never_leave_the_secrets_folder(
    replay: MastodonReplay, workspace: Path
) -> None:
    connect(replay, workspace)
    outputs = [
        amity("sync", "-w", str(workspace)),
        amity("sync", "--json", "-w", str(workspace)),
        amity("accounts", "--json", "-w", str(workspace)),
        amity("accounts", "-w", str(workspace)),
    ]
    replay.revoke(TOKEN)
    debug = subprocess.run(
        [sys.executable, "-m", "amity", "sync", "--debug", "-w", str(workspace)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert "Traceback" in debug.stderr  # --debug shows it, with the secrets blanked out
    outputs.append(debug)
    for done in outputs:
        assert TOKEN not in done.stdout + done.stderr
    for path in workspace.rglob("*"):
        if path.is_file() and path.parent.name != "secrets":
            assert TOKEN.encode() not in path.read_bytes(), path
    (secret,) = (workspace / "secrets").glob("mastodon-mastodonpy*.json")
    assert TOKEN in secret.read_text()
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert stat.S_IMODE((workspace / "secrets").stat().st_mode) == 0o700


def test_a_token_from_the_environment_is_used_and_never_shown(
    replay: MastodonReplay, workspace: Path
) -> None:
    connect(replay, workspace)
    (secret,) = (workspace / "secrets").glob("mastodon-*.json")
    secret.unlink()
    variable = "AMITY_SECRET_" + secret.stem.upper().replace("-", "_")
    env = {**os.environ, variable: TOKEN}
    done = subprocess.run(
        [sys.executable, "-m", "amity", "accounts", "--json", "-w", str(workspace)],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    (account,) = orjson.loads(done.stdout)
    assert account["state"] == "ok"
    assert account["credentials"] == f"${variable}"
    assert TOKEN not in done.stdout + done.stderr


def test_a_token_revoked_mid_sync_names_the_account_and_keeps_what_came(
    replay: MastodonReplay, workspace: Path
) -> None:
    connect(replay, workspace)
    hold = replay.hold(STATUSES)
    child = subprocess.Popen(
        [sys.executable, "-m", "amity", "sync", "-w", str(workspace)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert hold.reached.wait(30)
    replay.revoke(TOKEN)
    hold.release()
    _, stderr = child.communicate(timeout=60)
    assert child.returncode == 1
    assert "Traceback" not in stderr
    assert "mastodon:mastodonpy_test@" in stderr
    assert f"amity connect mastodon 127.0.0.1:{replay.port}" in stderr
    assert counts(workspace)["notifications"] == 1  # the page before the revocation stays
    listed = amity("accounts", "--json", "--offline", "-w", str(workspace))
    assert orjson.loads(listed.stdout)[0]["state"] == "revoked"


def test_killed_mid_sync_the_next_sync_finishes_with_exact_counts(
    replay: MastodonReplay, tmp_path: Path
) -> None:
    whole = tmp_path / "whole"
    connect(replay, whole)
    assert amity("sync", "-w", str(whole)).returncode == 0
    expected = counts(whole)

    killed = tmp_path / "killed"
    connect(replay, killed)
    hold = replay.hold(STATUSES, after=1)  # the second page of the user's statuses
    child = subprocess.Popen(
        [sys.executable, "-m", "amity", "sync", "-w", str(killed)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    assert hold.reached.wait(30)
    os.kill(child.pid, signal.SIGKILL)
    child.wait(10)
    hold.release()
    partial = counts(killed)
    assert 0 < partial["posts"] < expected["posts"]
    done = amity("sync", "--json", "-w", str(killed))
    assert done.returncode == 0, done.stderr
    assert counts(killed) == expected
    assert amity("sync", "-w", str(killed)).returncode == 0
    assert counts(killed) == expected


# -- faults, on a fake clock ------------------------------------------------------------------


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def connected(
    server: MastodonReplay, settings: Settings, clock: FakeClock
) -> tuple[Engine, desk.Network]:
    engine = open_store(settings, create=True)
    network = desk.Network(settings, policy=clock.policy)
    desk.connect_mastodon_token(engine, network, server.url, TOKEN)
    return engine, network


def test_a_500_is_retried_after_a_backoff(
    replay: MastodonReplay, settings: Settings, clock: FakeClock
) -> None:
    engine, network = connected(replay, settings, clock)
    replay.fail("/api/v1/notifications", times=2, status=500)
    (report,) = desk.sync(engine, network)
    assert report.new["mention"] == 1
    assert len(clock.sleeps) == 2 and all(0 < s <= 60 for s in clock.sleeps)


def test_a_429_waits_as_long_as_retry_after_says(
    replay: MastodonReplay, settings: Settings, clock: FakeClock
) -> None:
    engine, network = connected(replay, settings, clock)
    replay.fail(
        "/api/v1/notifications",
        status=429,
        body=b'{"error":"Too many requests"}',
        headers={"Retry-After": "30", "X-RateLimit-Remaining": "0"},
    )
    started = time.monotonic()
    (report,) = desk.sync(engine, network)
    assert report.new["mention"] == 1
    assert clock.sleeps[0] == 30
    assert clock.waits[0].reason == "the server's rate limit"
    assert time.monotonic() - started < 10  # the fake clock waited, not the test


def test_an_html_error_page_is_retried_then_said_clearly(
    replay: MastodonReplay, settings: Settings, clock: FakeClock
) -> None:
    engine, network = connected(replay, settings, clock)
    page = "<html><body><h1>502 Bad Gateway</h1></body></html>"
    replay.fail("/api/v1/notifications", times=1, status=502, body=page, content_type="text/html")
    (report,) = desk.sync(engine, network)
    assert report.new["mention"] == 1
    replay.fail("/api/v1/notifications", times=10, status=200, body=page, content_type="text/html")
    with pytest.raises(ServerFailed, match="web page, not the Mastodon API"):
        desk.sync(engine, network)


def test_a_closed_port_is_unreachable_and_nothing_is_stored(
    tmp_path: Path, settings: Settings, clock: FakeClock
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    engine = open_store(settings, create=True)
    network = desk.Network(settings, policy=clock.policy)
    with pytest.raises(ServerUnreachable, match="cannot reach"):
        desk.connect_mastodon_token(engine, network, f"http://127.0.0.1:{port}", TOKEN)
    done = amity("connect", "mastodon", f"http://127.0.0.1:{port}", "--token-stdin",
                 "-w", str(tmp_path / "cli"), stdin=TOKEN)  # fmt: skip
    assert done.returncode == 1
    assert f"cannot reach http://127.0.0.1:{port}" in done.stderr


def test_a_revoked_token_is_a_clear_state(
    replay: MastodonReplay, settings: Settings, clock: FakeClock
) -> None:
    engine, network = connected(replay, settings, clock)
    replay.revoke(TOKEN)
    with pytest.raises(CredentialsRejected) as caught:
        desk.sync(engine, network)
    assert "amity connect mastodon" in caught.value.hint
    (status,) = desk.list_accounts(engine, network, check=True)
    assert status.state == "revoked"


def test_disconnect_deletes_the_secret_and_keeps_the_data(
    replay: MastodonReplay, workspace: Path
) -> None:
    connect(replay, workspace)
    secret = next((workspace / "secrets").glob("mastodon-*.json"))
    assert amity("sync", "-w", str(workspace)).returncode == 0
    stored = counts(workspace)
    done = amity("disconnect", "mastodon:mastodonpy_test", "-w", str(workspace))
    assert done.returncode == 0, done.stderr
    # A token made in the instance's settings can only be deleted there: amity says so.
    assert "Preferences → Development" in done.stderr
    assert not secret.exists()
    assert counts(workspace) == stored  # the data stays
    assert orjson.loads(amity("accounts", "--json", "-w", str(workspace)).stdout) == []
