"""Helpers for the demo servers' tests: a logged-in Mastodon.py client, raw calls, paging."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import requests
from atproto import Client
from atproto_client.request import Request
from mastodon import Mastodon

from amity.demo.servers import DemoServers


def mastodon_client(servers: DemoServers) -> Mastodon:
    """Register an app, have the demo user approve it, and return a logged-in Mastodon.py."""
    session = servers.requests_session()
    client_id, secret = Mastodon.create_app(
        "amity tests", api_base_url=servers.mastodon_url, session=session
    )
    client = Mastodon(
        client_id=client_id,
        client_secret=secret,
        api_base_url=servers.mastodon_url,
        session=session,
    )
    client.log_in(code=servers.approve(client.auth_request_url()))
    return client


def raw_pages(
    session: requests.Session, token: str, url: str, params: dict[str, Any] | None = None
) -> Iterator[requests.Response]:
    """Yield every page of a Mastodon list, following the Link header's rel="next"."""
    next_url: str | None = url
    first = True
    while next_url:
        response = session.get(
            next_url,
            params=params if first else None,
            headers={"Authorization": f"Bearer {token}"},
        )
        first = False
        response.raise_for_status()
        yield response
        next_url = response.links.get("next", {}).get("url") if response.json() else None


def bluesky_client(servers: DemoServers) -> Client:
    """Return an atproto Client logged in to the demo PDS with her app password."""
    client = Client(
        base_url=servers.bluesky_service, request=Request(transport=servers.httpx_transport())
    )
    client.login(servers.bluesky_handle, servers.bluesky_app_password)
    return client
