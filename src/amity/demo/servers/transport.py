"""Answer HTTP requests to the demo hosts in this process: for requests and for httpx.

Both clients get a transport that hands each request to the WSGI application of its host, so
Mastodon.py and the atproto SDK run their own code unchanged, with no socket opened. A request
to any other host fails at once with ``NotADemoHost``: the demo never reaches the network.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

import httpx
import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from werkzeug.test import run_wsgi_app

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class NotADemoHost(ConnectionError):
    """A request went to a host that is not one of the demo servers."""


def _refuse(host: str, hosts: Iterable[str]) -> NotADemoHost:
    known = ", ".join(sorted(hosts))
    return NotADemoHost(
        f"{host!r} is not a demo host (the demo servers answer {known}); "
        "the demo world never opens a network connection"
    )


class Dispatcher:
    """A WSGI application that passes each request on to the application of its host."""

    def __init__(self, apps: Mapping[str, WsgiApp]) -> None:
        self.apps = dict(apps)

    def app_for(self, host: str) -> WsgiApp:
        """Return the application serving ``host`` (a name, with or without a port)."""
        name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
        app = self.apps.get(name.lower())
        if app is None:
            raise _refuse(name, self.apps)
        return app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        """Serve one request (WSGI)."""
        return self.app_for(environ.get("HTTP_HOST", ""))(environ, start_response)


class WsgiAdapter(BaseAdapter):
    """A requests transport adapter that answers from the demo servers' WSGI applications."""

    def __init__(self, dispatcher: Dispatcher) -> None:
        super().__init__()
        self._dispatcher = dispatcher

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: Any = True,
        cert: Any = None,
        proxies: Any = None,
    ) -> requests.Response:
        """Turn the prepared request into a WSGI call and its answer into a Response."""
        url = request.url or ""
        parts = urlsplit(url)
        app = self._dispatcher.app_for(parts.netloc)
        body = request.body or b""
        data = body.encode() if isinstance(body, str) else body
        environ = _environ(request.method or "GET", parts, dict(request.headers), bytes(data))
        chunks, status, headers = run_wsgi_app(app, environ)
        content = b"".join(chunks)
        response = requests.Response()
        response.status_code = int(status.split(" ", 1)[0])
        response.reason = status.split(" ", 1)[1] if " " in status else ""
        response.headers = CaseInsensitiveDict(headers.items())
        response.raw = io.BytesIO(content)
        response._content = content
        response.url = url
        response.request = request
        response.encoding = requests.utils.get_encoding_from_headers(response.headers)
        return response

    def close(self) -> None:
        """Release nothing: no connection was ever opened."""


def _environ(method: str, parts: Any, headers: dict[str, str], body: bytes) -> dict[str, Any]:
    """Build the WSGI environ of one request."""
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": parts.path or "/",
        "QUERY_STRING": parts.query,
        "SERVER_NAME": parts.hostname or "",
        "SERVER_PORT": str(parts.port or (443 if parts.scheme == "https" else 80)),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": parts.netloc,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": parts.scheme or "https",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "CONTENT_LENGTH": str(len(body)),
    }
    for name, value in headers.items():
        key = name.upper().replace("-", "_")
        if key == "CONTENT_TYPE":
            environ["CONTENT_TYPE"] = value
        elif key != "CONTENT_LENGTH":
            environ[f"HTTP_{key}"] = value
    return environ


def requests_session(dispatcher: Dispatcher) -> requests.Session:
    """Return a requests session whose every request is answered by ``dispatcher``."""
    session = requests.Session()
    adapter = WsgiAdapter(dispatcher)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


class _HostCheckingTransport(httpx.WSGITransport):
    """httpx's WSGI transport, refusing hosts that are not demo hosts before the app is called."""

    def __init__(self, dispatcher: Dispatcher) -> None:
        super().__init__(app=dispatcher)
        self._dispatcher = dispatcher

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Answer one request from the host's application."""
        self._dispatcher.app_for(request.url.netloc.decode())
        return super().handle_request(request)


def httpx_transport(dispatcher: Dispatcher) -> httpx.BaseTransport:
    """Return an httpx transport whose every request is answered by ``dispatcher``."""
    return _HostCheckingTransport(dispatcher)
