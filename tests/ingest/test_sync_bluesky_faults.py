"""Faults on the way to a real Bluesky network: retried, waited out, or said clearly.

The network is the real local one; faults are put between it and the client by an httpx
transport that answers some requests itself (a 500, a 429 with its rate-limit headers, a proxy's
HTML error page) or drops the connection, and passes every other request on. Waits run on a fake
clock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from atproto_client.client.methods_mixin.time import TimeMethodsMixin

from amity.config import load_settings
from amity.desk import accounts
from amity.errors import CredentialsRejected, ServerUnreachable
from amity.store import open_store
from tests.bluesky_network.fixture import BlueskyNetwork
from tests.ingest.helpers import FakeClock

HTML_502 = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"


@dataclass
class Fault:
    """Answer the next ``times`` requests whose path ends with ``method`` with ``answer``."""

    method: str
    times: int
    answer: Callable[[httpx.Request], httpx.Response]


@dataclass
class Faults(httpx.BaseTransport):
    """An httpx transport that injects faults and otherwise passes requests to the network."""

    inner: httpx.BaseTransport = field(default_factory=httpx.HTTPTransport)
    pending: list[Fault] = field(default_factory=list)
    injected: list[str] = field(default_factory=list)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        for fault in self.pending:
            if fault.times > 0 and request.url.path.endswith(fault.method):
                fault.times -= 1
                self.injected.append(fault.method)
                return fault.answer(request)
        return self.inner.handle_request(request)


def dropped(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection reset by peer", request=request)


def test_faults_on_the_way_are_retried_and_waited_out(
    bluesky_network: BlueskyNetwork, tmp_path: Path
) -> None:
    user, friend = bluesky_network.account("me"), bluesky_network.account("friend")
    post = bluesky_network.post(user.did, "Does anyone have a spare brayer?")
    bluesky_network.post(friend.did, "I do!", reply_to=post.uri)
    bluesky_network.like(friend.did, post.uri)
    clock, faults = FakeClock(), Faults()
    reset = str(int(clock.now) + 30)
    faults.pending = [
        Fault("listNotifications", 1, lambda r: httpx.Response(
            500, json={"error": "InternalServerError"})),
        Fault("listRecords", 1, lambda r: httpx.Response(
            429, json={"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
            headers={"ratelimit-limit": "3000", "ratelimit-remaining": "0",
                     "ratelimit-reset": reset, "retry-after": "30"})),
        Fault("getFollowers", 1, lambda r: httpx.Response(
            502, text=HTML_502, headers={"content-type": "text/html"})),
        Fault("getPostThread", 1, dropped),
    ]  # fmt: skip
    settings = load_settings(tmp_path / "ws", environ={})
    engine = open_store(settings, create=True)
    network = accounts.Network(settings, policy=clock.policy, transport=faults)
    accounts.connect_bluesky(engine, network, user.handle, user.app_password,
                             service=bluesky_network.service)  # fmt: skip
    (report,) = accounts.sync(engine, network)
    assert sorted(faults.injected) == sorted(f.method for f in faults.pending)
    assert report.new["reply"] == 1 and report.new["like"] == 1
    assert report.threads_fetched >= 1
    assert 30 in clock.sleeps
    assert any(wait.reason == "the server's rate limit" for wait in clock.waits)
    # One wait per fault, and one retry of the chat service this network does not have.
    assert len(clock.sleeps) == len(faults.pending) + 1
    engine.dispose()


def test_a_server_that_stays_down_is_said_clearly_and_nothing_is_lost(
    bluesky_network: BlueskyNetwork, tmp_path: Path
) -> None:
    user = bluesky_network.account("me")
    bluesky_network.follow(bluesky_network.account("fan").did, user.did)
    clock, faults = FakeClock(), Faults()
    settings = load_settings(tmp_path / "ws", environ={})
    engine = open_store(settings, create=True)
    network = accounts.Network(settings, policy=clock.policy, transport=faults)
    accounts.connect_bluesky(engine, network, user.handle, user.app_password,
                             service=bluesky_network.service)  # fmt: skip
    faults.pending = [Fault("getFollowers", 99, dropped)]
    with pytest.raises(ServerUnreachable) as caught:
        accounts.sync(engine, network)
    assert caught.value.message.startswith(f"bluesky:{user.handle}: cannot reach")
    (status,) = accounts.list_accounts(engine, network, check=False)
    assert status.state == "unreachable"
    assert status.held.notifications == 1  # the streams before the failure are kept
    faults.pending = []
    (report,) = accounts.sync(engine, network)
    assert report.new["follow"] == 0  # stored by the first try, not counted twice
    engine.dispose()


def test_a_revoked_app_password_stops_the_sync_at_the_next_refresh(
    bluesky_network: BlueskyNetwork, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = bluesky_network.account("me")
    settings = load_settings(tmp_path / "ws", environ={})
    engine = open_store(settings, create=True)
    network = accounts.Network(settings, policy=FakeClock().policy)
    accounts.connect_bluesky(engine, network, user.handle, user.app_password,
                             service=bluesky_network.service)  # fmt: skip
    bluesky_network.revoke_app_password(user.did, "amity")
    # The access token still works until it expires: three hours later, the SDK must refresh it.
    later = datetime.now(UTC) + timedelta(hours=3)
    monkeypatch.setattr(TimeMethodsMixin, "get_current_time", lambda self: later)
    with pytest.raises(CredentialsRejected) as caught:
        accounts.sync(engine, network)
    assert caught.value.message.startswith(f"bluesky:{user.handle}")
    assert f"amity connect bluesky {user.handle} --password-stdin" in caught.value.hint
    (status,) = accounts.list_accounts(engine, network, check=False)
    assert status.state in ("expired", "revoked")
    engine.dispose()
