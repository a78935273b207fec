"""A real HTTP server on 127.0.0.1 that answers from recorded responses of real Mastodon servers.

``MastodonReplay(["test_notifications", ...])`` loads cassettes from
``tests/fixtures/mastodon/cassettes`` and serves them on a free port, so that any client
(Mastodon.py, httpx, amity's CLI in a subprocess) talks to it as to a Mastodon instance.

Matching a request (method, path, query) against the recordings:

1. same method and same path; a trailing slash does not count (``/api/v1/conversations/``);
2. the paging parameters ``max_id``, ``min_id``, ``since_id`` equal (absent = absent); ``limit`` and
   every other parameter are ignored...
3. ...but among the candidates left, those recorded with the same bearer token (the same user) are
   preferred, then those whose whole query is the same (in any order);
4. the first of the best, in load order; or, for paths given in ``sequential``, successive requests
   get successive recordings (the last one repeats), modelling a server whose state changes.

A request whose paging parameters no recording has gets ``200 []`` without ``Link`` (what a real
server answers beyond the last page). Anything else unmatched gets the real 404 recorded in
``test_status_missing`` (its body is ``{"error":"Not Found"}``). Both are logged in ``unmatched``.

A bearer token the server does not accept (default: every token in the loaded recordings), or one
revoked with ``revoke()`` or ``POST /oauth/revoke``, gets the real 401 recorded in
``test_home_tl_anonymous_throws``; that recording was made without any token, but its body and
``www-authenticate`` header are what Mastodon sends for a bad one. No recording of
``/oauth/revoke`` exists: the server answers it itself with ``200 {}``, as Mastodon (Doorkeeper)
does. Requests without a token are served from the recordings.

Responses keep the recorded status, headers and body bytes, except that ``Content-Length`` is
recomputed, hop-by-hop and encoding headers are dropped, and ``Link`` URLs point at this server.
Faults (``fail``, ``hold``, ``delay``) apply before matching.
"""

from __future__ import annotations

import contextlib
import re
import socket
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, cast
from urllib.parse import parse_qsl, urlsplit

from tests.mastodon_replay.cassettes import (
    FIXTURES_DIR,
    Headers,
    Query,
    Recording,
    bearer_token,
    load_cassette,
    load_cassettes,
    normalise_path,
    recorded_tokens,
)

PAGING_PARAMETERS = ("max_id", "min_id", "since_id")
NOT_FOUND_RECORDING = "test_status_missing"
UNAUTHORIZED_RECORDING = "test_home_tl_anonymous_throws"
REVOKE_PATH = "/oauth/revoke"
JSON = "application/json; charset=utf-8"
# Headers that describe one connection or an encoding the replayed body no longer has.
DROPPED_HEADERS = frozenset(
    {
        "connection",
        "content-encoding",
        "content-length",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)
# What nginx in front of a Mastodon server sends when Puma is down.
NGINX_502_PAGE = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    b"</body>\r\n</html>\r\n"
)
# Mastodon's rack-attack answer to a throttled client (``errors.429``).
TOO_MANY_REQUESTS_BODY = b'{"error":"Too many requests"}'


@dataclass(frozen=True, slots=True)
class LoggedRequest:
    """A request as the replay server received it."""

    method: str
    path: str
    query: Query
    headers: Headers
    body: bytes


@dataclass(frozen=True, slots=True)
class Reply:
    """A response to send: status, headers (without ``Content-Length``) and body."""

    status: int
    reason: str
    headers: tuple[tuple[str, str], ...]
    body: bytes


@dataclass(slots=True)
class _Failure:
    prefix: str
    remaining: int
    reply: Reply


class Hold:
    """A request held by the server until ``release()``; ``reached`` is set once one waits."""

    def __init__(self, path_prefix: str, after: int) -> None:
        self.path_prefix = path_prefix
        self.after = after
        self.reached = threading.Event()
        self.seen = 0
        self._released = threading.Event()

    def release(self) -> None:
        """Let the held request (and any later one) through."""
        self._released.set()

    @property
    def released(self) -> bool:
        """Whether ``release()`` was called (or the server stopped)."""
        return self._released.is_set()

    def _wait(self) -> None:
        self.reached.set()
        self._released.wait()


def _prefix_matches(prefix: str, path: str) -> bool:
    return normalise_path(path).startswith(normalise_path(prefix))


def _paging(query: Query) -> tuple[tuple[str, ...], ...]:
    return tuple(query.get_all(name) for name in PAGING_PARAMETERS)


def _served_headers(recording: Recording, base_url: str) -> tuple[tuple[str, str], ...]:
    """The recorded response headers as this server sends them."""
    origin = re.compile("<" + re.escape(recording.origin) + r"(?=[/?>])")
    served: list[tuple[str, str]] = []
    for name, value in recording.response_headers.items:
        lowered = name.lower()
        if lowered in DROPPED_HEADERS:
            continue
        if lowered == "link":
            value = origin.sub("<" + base_url, value)
        served.append((name, value))
    return tuple(served)


class _Catalogue:
    """The loaded recordings, indexed by route, with the per-group counters of sequential paths."""

    def __init__(self, recordings: Sequence[Recording], sequential: bool | Iterable[str]) -> None:
        self.recordings = tuple(recordings)
        self._routes: dict[tuple[str, str], list[int]] = {}
        for position, recording in enumerate(self.recordings):
            key = (recording.method, normalise_path(recording.path))
            self._routes.setdefault(key, []).append(position)
        self._all_sequential = sequential is True
        self._sequential = (
            frozenset()
            if isinstance(sequential, bool)
            else frozenset(normalise_path(path) for path in sequential)
        )
        self._counters: dict[tuple[int, ...], int] = {}

    def route(self, method: str, path: str) -> list[Recording]:
        """Every recording of this method and path, in load order."""
        positions = self._routes.get((method, normalise_path(path)), [])
        return [self.recordings[position] for position in positions]

    def select(self, method: str, path: str, query: Query, token: str | None) -> Recording | None:
        """The recording that answers this request, or None (see the module docstring)."""
        positions = [
            position
            for position in self._routes.get((method, normalise_path(path)), [])
            if _paging(self.recordings[position].query) == _paging(query)
        ]
        if not positions:
            return None

        def rank(position: int) -> tuple[bool, bool]:
            recording = self.recordings[position]
            return (recording.token == token, recording.query.same_as(query))

        best = max(rank(position) for position in positions)
        group = tuple(position for position in positions if rank(position) == best)
        if not (self._all_sequential or normalise_path(path) in self._sequential):
            return self.recordings[group[0]]
        served = self._counters.get(group, 0)
        self._counters[group] = served + 1
        return self.recordings[group[min(served, len(group) - 1)]]


class MastodonReplay:
    """A Mastodon instance on ``http://127.0.0.1:PORT`` replaying recorded responses.

    It starts serving when created; ``stop()`` (or leaving the ``with`` block) shuts it down.
    """

    def __init__(
        self,
        cassettes: Sequence[str],
        *,
        sequential: bool | Iterable[str] = (),
        tokens: Iterable[str] | None = None,
        root: Path = FIXTURES_DIR,
    ) -> None:
        self.cassettes = tuple(cassettes)
        self._catalogue = _Catalogue(load_cassettes(self.cassettes, root), sequential)
        self.accepted_tokens = (
            recorded_tokens(self.recordings) if tokens is None else frozenset(tokens)
        )
        self._not_found = load_cassette(NOT_FOUND_RECORDING)[0]
        self._unauthorized = load_cassette(UNAUTHORIZED_RECORDING)[0]
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._revoked: set[str] = set()
        self._failures: list[_Failure] = []
        self._holds: list[Hold] = []
        self._delay = 0.0
        self._requests: list[LoggedRequest] = []
        self._unmatched: list[LoggedRequest] = []
        self._httpd = _ReplayHTTPServer(self)
        self.port: int = self._httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"mastodon-replay-{self.port}",
            daemon=True,
        )
        self._thread.start()

    def __enter__(self) -> MastodonReplay:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def recordings(self) -> tuple[Recording, ...]:
        """The loaded recordings, in load order."""
        return self._catalogue.recordings

    @property
    def requests(self) -> tuple[LoggedRequest, ...]:
        """Every request received so far, in arrival order."""
        with self._lock:
            return tuple(self._requests)

    @property
    def unmatched(self) -> tuple[LoggedRequest, ...]:
        """The requests no recording answered (served ``200 []`` beyond the end, or 404)."""
        with self._lock:
            return tuple(self._unmatched)

    def revoke(self, token: str) -> None:
        """From now on, requests with this bearer token get the recorded 401."""
        with self._lock:
            self._revoked.add(token)

    def fail(
        self,
        path_prefix: str,
        *,
        times: int = 1,
        status: int = 500,
        body: bytes | str | None = None,
        headers: Mapping[str, str] | None = None,
        content_type: str = JSON,
        reason: str | None = None,
    ) -> None:
        """Answer the next ``times`` requests under ``path_prefix`` with this response instead.

        The default body is ``{"error":"<reason phrase>"}``. Failures queue up in the order given.
        """
        phrase = reason or BaseHTTPRequestHandler.responses.get(status, ("Error", ""))[0]
        if body is None:
            body = '{"error":"' + phrase + '"}'
        data = body.encode("utf-8") if isinstance(body, str) else body
        served = (("Content-Type", content_type), *(headers or {}).items())
        with self._lock:
            self._failures.append(_Failure(path_prefix, times, Reply(status, phrase, served, data)))

    def hold(self, path_prefix: str, *, after: int = 0) -> Hold:
        """Block the (after+1)-th request under ``path_prefix`` until ``Hold.release()``."""
        held = Hold(path_prefix, after)
        with self._lock:
            self._holds.append(held)
        return held

    def delay(self, seconds: float) -> None:
        """Wait this long before every later response (0 to stop delaying)."""
        with self._lock:
            self._delay = max(0.0, seconds)

    def stop(self) -> None:
        """Stop serving, release every hold and close open connections; safe to call twice."""
        if self._stopped.is_set():
            return
        self._stopped.set()
        with self._lock:
            holds = list(self._holds)
        for held in holds:
            held.release()
        self._httpd.shutdown()
        self._httpd.close_connections()
        self._httpd.server_close()
        self._thread.join()

    def answer(self, request: LoggedRequest) -> Reply | None:
        """Decide the response to one request (None: the server stopped meanwhile)."""
        with self._lock:
            self._requests.append(request)
            delay = self._delay
            holds = [
                held for held in self._holds if _prefix_matches(held.path_prefix, request.path)
            ]
            for held in holds:
                held.seen += 1
            to_wait = [held for held in holds if held.seen == held.after + 1]
        if delay:
            self._stopped.wait(delay)
        for held in to_wait:
            held._wait()
        if self._stopped.is_set():
            return None
        return self._fault(request) or self._respond(request)

    def _fault(self, request: LoggedRequest) -> Reply | None:
        with self._lock:
            for failure in self._failures:
                if failure.remaining > 0 and _prefix_matches(failure.prefix, request.path):
                    failure.remaining -= 1
                    return failure.reply
        return None

    def _respond(self, request: LoggedRequest) -> Reply:
        if request.method == "POST" and normalise_path(request.path) == REVOKE_PATH:
            return self._revoke_endpoint(request)
        authorization = request.headers.get("Authorization")
        token = bearer_token(authorization)
        if authorization is not None and not self._accepts(token):
            return self._reply(self._unauthorized)
        with self._lock:
            chosen = self._catalogue.select(request.method, request.path, request.query, token)
            if chosen is None:
                self._unmatched.append(request)
        if chosen is not None:
            return self._reply(chosen)
        route = self._catalogue.route(request.method, request.path)
        if route and any(name in request.query for name in PAGING_PARAMETERS):
            return self._beyond_end(route[0])
        return self._reply(self._not_found)

    def _accepts(self, token: str | None) -> bool:
        with self._lock:
            return (
                token is not None and token in self.accepted_tokens and token not in self._revoked
            )

    def _revoke_endpoint(self, request: LoggedRequest) -> Reply:
        form = dict(parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True))
        token = form.get("token")
        if token:
            self.revoke(token)
        return Reply(200, "OK", (("Content-Type", JSON), ("Cache-Control", "no-store")), b"{}")

    def _beyond_end(self, template: Recording) -> Reply:
        kept = tuple(
            (name, value)
            for name, value in _served_headers(template, self.url)
            if name.lower() not in {"link", "etag"}
        )
        return Reply(200, "OK", kept, b"[]")

    def _reply(self, recording: Recording) -> Reply:
        return Reply(
            recording.status,
            recording.reason,
            _served_headers(recording, self.url),
            recording.body,
        )


class _ReplayHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server that knows its replay and its open connections."""

    daemon_threads = True

    def __init__(self, replay: MastodonReplay) -> None:
        self.replay = replay
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Cut every open connection, so that handler threads waiting on a client end."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet about clients that hung up (killed mid-request, server stopping)."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """No access log on stderr."""

    def _serve(self) -> None:
        replay = cast(_ReplayHTTPServer, self.server).replay
        length = int(self.headers.get("Content-Length") or 0)
        parts = urlsplit(self.path)
        request = LoggedRequest(
            method=self.command,
            path=parts.path or "/",
            query=Query.parse(parts.query),
            headers=Headers(tuple(self.headers.items())),
            body=self.rfile.read(length) if length > 0 else b"",
        )
        reply = replay.answer(request)
        if reply is None:
            self.close_connection = True
            return
        self.send_response_only(reply.status, reply.reason)
        for name, value in reply.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)

    do_GET = _serve
    do_POST = _serve
    do_PUT = _serve
    do_PATCH = _serve
    do_DELETE = _serve
