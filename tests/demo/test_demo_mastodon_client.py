"""Mastodon.py itself, driven against the demo instance: connect, sync, page, revoke.

The client runs its own code over ``DemoServers.requests_session()``; no socket is opened.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from typing import Any

import httpx
import pytest
import requests
from mastodon import Mastodon, MastodonUnauthorizedError
from tests.demo.servers import mastodon_client, raw_pages

from amity.demo import DemoWorld, generate
from amity.demo.servers import DemoServers
from amity.demo.servers.transport import NotADemoHost

KIND_OF_NOTIFICATION = {
    "like": "favourite",
    "boost": "reblog",
    "follow": "follow",
    "quote": "quote",
    "reply": "mention",
    "mention": "mention",
    "dm": "mention",
}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> DemoWorld:
    return generate(tmp_path_factory.mktemp("demo"), posts=300, seed=5)


@pytest.fixture(scope="module")
def servers(world: DemoWorld) -> DemoServers:
    return DemoServers(world.ground_truth.parent)


@pytest.fixture(scope="module")
def client(servers: DemoServers) -> Mastodon:
    return mastodon_client(servers)


def test_the_client_connects_and_pages_every_notification(
    servers: DemoServers, client: Mastodon, truth: dict[str, Any]
) -> None:
    """Mastodon.py pages all but favourites (its type casting is slow); raw calls count those."""
    me = client.account_verify_credentials()
    assert me.acct == "junodraws" and me.source.privacy == "public"
    seen: Counter[str] = Counter()
    ids: list[int] = []
    page = client.notifications(limit=80, exclude_types=["favourite"])
    while page:
        seen.update(notification.type for notification in page)
        ids += [int(notification.id) for notification in page]
        page = client.fetch_next(page)
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == len(ids)
    url = f"{servers.mastodon_url}/api/v1/notifications"
    for response in raw_pages(
        servers.requests_session(), client.access_token, url, {"types[]": "favourite", "limit": 80}
    ):
        seen.update(notification["type"] for notification in response.json())
    counts = truth["counts"]
    expected = {
        key.removeprefix("mastodon_notifications_"): n
        for key, n in counts.items()
        if key.startswith("mastodon_notifications_")
    }
    assert dict(seen) == expected
    received: Counter[str] = Counter()
    for person in truth["people"]:
        for kind, n in person["received"].get("mastodon", {}).items():
            received[KIND_OF_NOTIFICATION[kind]] += n
    assert all(seen[kind] == n for kind, n in received.items()), (seen, received)


def test_a_thread_comes_back_whole(client: Mastodon) -> None:
    replies = [
        n.status
        for n in client.notifications(types=["mention"], limit=80)
        if n.status.in_reply_to_id
    ]
    assert replies
    context = client.status_context(replies[0].id)
    assert context.ancestors[-1].id == replies[0].in_reply_to_id
    assert all(a.id < replies[0].id for a in context.ancestors)


def test_a_revoked_token_is_refused(servers: DemoServers) -> None:
    client = mastodon_client(servers)
    token = client.access_token
    client.revoke_access_token()
    again = Mastodon(
        access_token=token, api_base_url=servers.mastodon_url, session=servers.requests_session()
    )
    with pytest.raises(MastodonUnauthorizedError):
        again.account_verify_credentials()
    response = servers.requests_session().get(
        f"{servers.mastodon_url}/api/v1/notifications", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 401
    assert response.json() == {"error": "The access token is invalid"}


def test_pages_follow_mastodons_rules(servers: DemoServers, client: Mastodon) -> None:
    session, token = servers.requests_session(), client.access_token
    url = f"{servers.mastodon_url}/api/v1/notifications"
    auth = {"Authorization": f"Bearer {token}"}
    first = session.get(url, headers=auth)
    assert len(first.json()) == 40
    assert len(session.get(url, params={"limit": 500}, headers=auth).json()) == 80
    ids = [int(n["id"]) for n in first.json()]
    assert first.headers["Link"] == (
        f'<{url}?max_id={ids[-1]}>; rel="next", <{url}?min_id={ids[0]}>; rel="prev"'
    )
    newer = session.get(url, params={"min_id": ids[10], "limit": 5}, headers=auth).json()
    assert [int(n["id"]) for n in newer] == ids[5:10]
    since = session.get(url, params={"since_id": ids[10], "limit": 5}, headers=auth).json()
    assert [int(n["id"]) for n in since] == ids[:5]
    typed = session.get(url, params={"types[]": ["follow", "mention"], "limit": 3}, headers=auth)
    assert {n["type"] for n in typed.json()} <= {"follow", "mention"}
    assert "types%5B%5D=follow&types%5B%5D=mention" in typed.headers["Link"]


def test_follower_and_favourite_pages_use_their_own_ids(
    servers: DemoServers, client: Mastodon
) -> None:
    me = client.account_verify_credentials()
    session, auth = servers.requests_session(), {"Authorization": f"Bearer {client.access_token}"}
    url = f"{servers.mastodon_url}/api/v1/accounts/{me.id}/followers"
    page = session.get(url, params={"limit": 5}, headers=auth)
    link = page.links
    assert "since_id" in link["prev"]["url"] and "max_id" in link["next"]["url"]
    next_id = int(link["next"]["url"].split("max_id=")[1].split("&")[0])
    assert str(next_id) not in {account["id"] for account in page.json()}
    total = sum(len(p.json()) for p in raw_pages(session, client.access_token, url))
    assert total == me.followers_count
    favourites = session.get(f"{servers.mastodon_url}/api/v1/favourites", headers=auth)
    cursor = int(favourites.links["next"]["url"].split("max_id=")[1].split("&")[0])
    assert cursor < 10**9, "favourites page by the favourite's id, not the status's"


def test_oauth_checks_the_code_and_the_pkce_verifier(servers: DemoServers) -> None:
    session, base = servers.requests_session(), servers.mastodon_url
    app = session.post(f"{base}/api/v1/apps", data={"client_name": "pkce", "scopes": "read"})
    credentials = app.json()
    verifier = "a" * 64
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode()
    code = servers.approve(_authorize_url(base, credentials, challenge))
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": credentials["client_id"],
        "client_secret": credentials["client_secret"],
        "redirect_uri": "urn:ietf:wg:oauth:2.0:oob",
    }
    wrong = session.post(f"{base}/oauth/token", data=form | {"code_verifier": "b" * 64})
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    code = servers.approve(_authorize_url(base, credentials, challenge))
    token = session.post(
        f"{base}/oauth/token", data=form | {"code": code, "code_verifier": verifier}
    )
    assert token.status_code == 200 and token.json()["token_type"] == "Bearer"
    again = session.post(
        f"{base}/oauth/token", data=form | {"code": code, "code_verifier": verifier}
    )
    assert again.status_code == 400, "a code is good once"
    metadata = session.get(f"{base}/.well-known/oauth-authorization-server").json()
    assert metadata["code_challenge_methods_supported"] == ["S256"]


def _authorize_url(base: str, credentials: dict[str, Any], challenge: str) -> str:
    return (
        f"{base}/oauth/authorize?client_id={credentials['client_id']}&response_type=code"
        "&redirect_uri=urn:ietf:wg:oauth:2.0:oob&scope=read"
        f"&code_challenge={challenge.rstrip('=')}&code_challenge_method=S256"
    )


def test_every_response_carries_the_rate_limit_headers(servers: DemoServers) -> None:
    response = servers.requests_session().get(f"{servers.mastodon_url}/api/v1/instance")
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert response.headers["X-RateLimit-Limit"] == "300"
    assert int(response.headers["X-RateLimit-Remaining"]) < 300
    reset = response.headers["X-RateLimit-Reset"]
    assert reset.endswith("Z") and len(reset.split(".")[1]) == 7, "microseconds, as Rails writes"


def test_the_servers_stand_at_a_moment(world: DemoWorld, truth: dict[str, Any]) -> None:
    servers = DemoServers(world.ground_truth.parent, until=1_770_000_000)
    client = mastodon_client(servers)
    early = client.notifications(limit=80)
    assert all(n.created_at.timestamp() <= 1_770_000_000 for n in early)
    last = client.account_verify_credentials().statuses_count
    servers.until = None
    assert client.account_verify_credentials().statuses_count > last


def test_direct_messages_show_only_to_their_participants(
    servers: DemoServers, client: Mastodon
) -> None:
    conversation = client.conversations(limit=1)[0]
    status_id = conversation.last_status.id
    assert client.status(status_id).visibility == "direct"
    anonymous = servers.requests_session().get(
        f"{servers.mastodon_url}/api/v1/statuses/{status_id}"
    )
    assert anonymous.status_code == 404 and anonymous.json() == {"error": "Record not found"}


def test_no_request_leaves_the_process(servers: DemoServers) -> None:
    with pytest.raises(NotADemoHost, match="not a demo host"):
        servers.requests_session().get("https://mastodon.social/api/v1/instance")
    with (
        httpx.Client(transport=servers.httpx_transport()) as http,
        pytest.raises(NotADemoHost),
    ):
        http.get("https://bsky.social/xrpc/com.atproto.server.describeServer")
    assert isinstance(servers.requests_session(), requests.Session)
