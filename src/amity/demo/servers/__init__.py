"""The demo world's Mastodon and Bluesky servers, answering in this process.

``DemoServers(world)`` opens the databases ``amity.demo.generate`` wrote under ``world/servers/``
and serves them as her Mastodon instance (``https://inkwell.social``, Mastodon's REST API) and
her Bluesky PDS (the XRPC API, with the AppView's and the chat service's methods proxied through
it, as a real PDS proxies them). Clients reach them through ``requests_session()`` (Mastodon.py)
or ``httpx_transport()`` (the atproto SDK): every request is handed to the WSGI application of
its host, and a request to any other host fails at once. ``until`` sets the moment the servers
stand at: what was created after it is not there yet.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import requests

from amity.demo.servers.bluesky import BlueskyServer
from amity.demo.servers.mastodon import MastodonServer
from amity.demo.servers.ratelimit import RateLimit
from amity.demo.servers.store import BLUESKY_FILE, FOLDER, MASTODON_FILE
from amity.demo.servers.transport import Dispatcher, httpx_transport, requests_session

__all__ = ["DemoServers"]

BLUESKY_HOST = "porcini.us-east.host.bsky.example"
"""Her PDS: a host under the reserved ``.example`` top-level domain, shaped like Bluesky's."""


class DemoServers:
    """The demo world's Mastodon and Bluesky servers, answering in this process."""

    def __init__(self, world: Path, *, until: int | None = None) -> None:
        folder = world / FOLDER
        self._mastodon = MastodonServer(folder / MASTODON_FILE, RateLimit(300, 300))
        self._bluesky = BlueskyServer(folder / BLUESKY_FILE, BLUESKY_HOST, RateLimit(3000, 300))
        self.mastodon_url = self._mastodon.base_url
        self.mastodon_username = self._mastodon.username
        self.bluesky_service = f"https://{BLUESKY_HOST}"
        self.bluesky_handle = self._bluesky.handle
        self.bluesky_app_password = self._bluesky.app_password
        self._dispatcher = Dispatcher(
            {self._mastodon.domain: self._mastodon, BLUESKY_HOST: self._bluesky}
        )
        self.until = until

    @property
    def until(self) -> int | None:
        """Return the moment the servers stand at (epoch seconds; None: the end of the world)."""
        return self._until

    @until.setter
    def until(self, value: int | None) -> None:
        self._until = value
        moment = None if value is None else value * 1000 + 999
        self._mastodon.until_ms = moment
        self._bluesky.until_ms = moment

    @property
    def throttle(self) -> bool:
        """Return whether the servers refuse calls over their rate limits (429)."""
        return self._mastodon.limits.throttle

    @throttle.setter
    def throttle(self, value: bool) -> None:
        self._mastodon.limits.throttle = value
        self._bluesky.limits.throttle = value

    def requests_session(self) -> requests.Session:
        """Return a requests session answered by the demo servers (for Mastodon.py)."""
        return requests_session(self._dispatcher)

    def httpx_transport(self) -> httpx.BaseTransport:
        """Return an httpx transport answered by the demo servers (for the atproto SDK)."""
        return httpx_transport(self._dispatcher)

    def approve(self, authorize_url: str) -> str:
        """Approve an OAuth authorisation request as the logged-in demo user; return the code.

        Follows the URL as a browser would: the instance approves and redirects, to the page
        showing the code for ``urn:ietf:wg:oauth:2.0:oob`` or to the app's redirect URI.
        """
        session = self.requests_session()
        response = session.get(authorize_url, allow_redirects=False)
        if response.status_code != 302:
            raise ValueError(
                f"the instance refused the authorisation request ({response.status_code}): "
                f"{response.text}"
            )
        location = response.headers["Location"]
        code = parse_qs(urlsplit(location).query).get("code")
        if not code:
            raise ValueError(f"the instance redirected without a code: {location}")
        if urlsplit(location).netloc == self._mastodon.domain:
            session.get(location)
        return code[0]
