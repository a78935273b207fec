"""The demo Bluesky PDS: XRPC over the world's ``bluesky.sqlite``.

Her PDS answers the ``com.atproto`` methods itself (sessions, handle resolution, her repository's
records) and, as a real PDS proxies them, the AppView's ``app.bsky`` methods (profiles,
notifications, threads, posts, follows) and the chat service's ``chat.bsky`` methods (which, as
on the real network, need the header ``atproto-proxy: did:web:api.bsky.chat#bsky_chat``).
Cursors are the network's own: an ISO timestamp for notifications, ``<ms>__<cid>`` for follows,
the last record key for ``listRecords``, the last message id for chat. Errors are
``{"error": ..., "message": ...}`` with the PDS's status codes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
from werkzeug.wrappers import Request, Response

from amity.demo.bluesky_ids import FOLLOW, POST
from amity.demo.servers.bluesky_auth import (
    APP_PASS,
    REFRESH,
    Sessions,
    XrpcError,
    account_password,
    app_password,
)
from amity.demo.servers.bluesky_chat import Chat, limit_of
from amity.demo.servers.bluesky_views import RECORD_COLUMNS, Views, timestamp
from amity.demo.servers.ratelimit import RateLimit, bluesky_headers
from amity.demo.servers.store import Reader

CHAT_PROXY = "did:web:api.bsky.chat#bsky_chat"
SEEN_BEFORE_MS = 2 * 86_400_000
"""She last opened her notifications two days before the servers' moment."""
Handler = Callable[[Request], Any]


class BlueskyServer:
    """A WSGI application answering as her PDS (with the AppView and chat behind it)."""

    def __init__(self, path: Path, host: str, limits: RateLimit) -> None:
        self.reader = Reader(path)
        meta = dict(self.reader.all("SELECT key, value FROM meta"))
        secret = bytes.fromhex(str(meta["secret"]))
        self.host = host
        self.did = str(meta["did"])
        self.handle = str(meta["handle"])
        self.user_id = int(meta["user_id"])
        self.end_ms = int(meta["end_ms"]) + 999  # the whole last second
        self.until_ms: int | None = None
        self.limits = limits
        self.app_password = app_password(secret)
        self.account_password = account_password(secret)
        self.service_did = f"did:web:{host}"
        self.sessions = Sessions(
            secret=secret,
            did=self.did,
            service_did=self.service_did,
            revoked=path.parent / "bluesky-revoked",
        )
        self._views = Views(self.reader, self.user_id, host)
        self._chat = Chat(self.reader, self._views, self.user_id)
        self._methods: dict[str, tuple[str, str | None, Handler]] = {
            "com.atproto.server.describeServer": ("GET", None, self._describe_server),
            "com.atproto.server.createSession": ("POST", None, self._create_session),
            "com.atproto.server.getSession": ("GET", APP_PASS, self._get_session),
            "com.atproto.server.refreshSession": ("POST", REFRESH, self._refresh_session),
            "com.atproto.server.deleteSession": ("POST", REFRESH, self._delete_session),
            "com.atproto.identity.resolveHandle": ("GET", None, self._resolve_handle),
            "com.atproto.repo.listRecords": ("GET", None, self._list_records),
            "com.atproto.repo.getRecord": ("GET", None, self._get_record),
            "app.bsky.actor.getProfile": ("GET", APP_PASS, self._get_profile),
            "app.bsky.actor.getProfiles": ("GET", APP_PASS, self._get_profiles),
            "app.bsky.notification.listNotifications": ("GET", APP_PASS, self._notifications),
            "app.bsky.notification.getUnreadCount": ("GET", APP_PASS, self._unread_count),
            "app.bsky.feed.getPostThread": ("GET", APP_PASS, self._get_post_thread),
            "app.bsky.feed.getPosts": ("GET", APP_PASS, self._get_posts),
            "app.bsky.graph.getFollowers": ("GET", APP_PASS, self._get_followers),
            "app.bsky.graph.getFollows": ("GET", APP_PASS, self._get_follows),
            "chat.bsky.convo.listConvos": ("GET", APP_PASS, self._chat.list_convos),
            "chat.bsky.convo.getMessages": ("GET", APP_PASS, self._chat.get_messages),
        }

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        """Serve one request (WSGI)."""
        request = Request(environ)
        return self._respond(request)(environ, start_response)

    def _respond(self, request: Request) -> Response:
        allowance = self.limits.take(request.headers.get("Authorization", "anonymous"))
        try:
            if allowance.over:
                raise XrpcError(429, "RateLimitExceeded", "Rate Limit Exceeded")
            body = self._dispatch(request)
            response = Response(
                b"" if body is None else orjson.dumps(body),
                content_type="application/json; charset=utf-8" if body is not None else None,
            )
        except XrpcError as error:
            response = Response(
                orjson.dumps({"error": error.error, "message": error.message}),
                status=error.status,
                content_type="application/json; charset=utf-8",
            )
        response.headers.update(bluesky_headers(allowance, self.limits.window))
        return response

    def _dispatch(self, request: Request) -> Any:
        nsid = request.path.removeprefix("/xrpc/")
        method = self._methods.get(nsid)
        if not request.path.startswith("/xrpc/") or method is None:
            raise XrpcError(501, "MethodNotImplemented", "Method Not Implemented")
        verb, scope, handler = method
        if request.method != verb:
            raise XrpcError(
                400, "InvalidRequest", f"Incorrect HTTP method ({request.method}) expected {verb}"
            )
        if nsid.startswith("chat.bsky.") and request.headers.get("atproto-proxy") != CHAT_PROXY:
            raise XrpcError(400, "InvalidRequest", f"No service configured for {nsid}")
        if scope is not None:
            request.environ["amity.token"] = self.sessions.check(
                request.headers.get("Authorization"), scope
            )
        with_until = self.until_ms if self.until_ms is not None else self.end_ms
        self._views.set_until(with_until)
        return handler(request)

    @property
    def views(self) -> Views:
        """Return the renderer, standing at the servers' current moment."""
        return self._views

    # Server and sessions.

    def _describe_server(self, request: Request) -> Any:
        return {
            "did": self.service_did,
            "availableUserDomains": [".bsky.social"],
            "inviteCodeRequired": True,
            "phoneVerificationRequired": False,
            "links": {
                "privacyPolicy": f"https://{self.host}/privacy",
                "termsOfService": f"https://{self.host}/tos",
            },
            "contact": {"email": f"support@{self.host}"},
        }

    def _session_body(self, access: str | None, refresh: str | None) -> dict[str, Any]:
        body: dict[str, Any] = {}
        if access is not None and refresh is not None:
            body |= {"accessJwt": access, "refreshJwt": refresh}
        return body | {
            "handle": self.handle,
            "did": self.did,
            "didDoc": self._did_doc(),
            "email": "hello@junocastellanos.art",
            "emailConfirmed": True,
            "emailAuthFactor": False,
            "active": True,
        }

    def _did_doc(self) -> dict[str, Any]:
        return {
            "@context": [
                "https://www.w3.org/ns/did/v1",
                "https://w3id.org/security/multikey/v1",
                "https://w3id.org/security/suites/secp256k1-2019/v1",
            ],
            "id": self.did,
            "alsoKnownAs": [f"at://{self.handle}"],
            "verificationMethod": [
                {
                    "id": f"{self.did}#atproto",
                    "type": "Multikey",
                    "controller": self.did,
                    "publicKeyMultibase": "zQ3shDemoKeyNotARealKeyJustForTheDemoWorld000000000",
                }
            ],
            "service": [
                {
                    "id": "#atproto_pds",
                    "type": "AtprotoPersonalDataServer",
                    "serviceEndpoint": f"https://{self.host}",
                }
            ],
        }

    def _create_session(self, request: Request) -> Any:
        body = _json_body(request)
        identifier = str(body.get("identifier", "")).lstrip("@").lower()
        known = identifier in (self.handle, self.did.lower())
        if not known or body.get("password") != self.app_password:
            raise XrpcError(401, "AuthenticationRequired", "Invalid identifier or password")
        return self._session_body(*self.sessions.mint())

    def _get_session(self, request: Request) -> Any:
        return self._session_body(None, None)

    def _refresh_session(self, request: Request) -> Any:
        self.sessions.revoke(request.environ["amity.token"])
        access, refresh = self.sessions.mint()
        return {
            "accessJwt": access,
            "refreshJwt": refresh,
            "handle": self.handle,
            "did": self.did,
            "didDoc": self._did_doc(),
            "active": True,
        }

    def _delete_session(self, request: Request) -> Any:
        self.sessions.revoke(request.environ["amity.token"])
        return None

    def _resolve_handle(self, request: Request) -> Any:
        handle = request.args.get("handle", "").lower()
        found = self.reader.value("SELECT did FROM accounts WHERE handle = ?", handle)
        if found is None:
            raise XrpcError(400, "InvalidRequest", "Unable to resolve handle")
        return {"did": found}

    # Repositories.

    def _actor(self, request: Request, name: str = "actor") -> int:
        actor = request.args.get(name, "")
        if not actor:
            raise XrpcError(400, "InvalidRequest", f'Error: Params must have the property "{name}"')
        found = self.views.account_id(actor)
        if found is None:
            raise XrpcError(400, "InvalidRequest", "Profile not found")
        return found

    def _list_records(self, request: Request) -> Any:
        account = self._repo(request)
        collection = request.args.get("collection", "")
        limit = limit_of(request, 50)
        reverse = request.args.get("reverse", "false").lower() == "true"
        cursor = request.args.get("cursor")
        sql = (
            f"SELECT {RECORD_COLUMNS} FROM records WHERE account_id = ? AND collection = ? "
            "AND created_ms <= ?"
        )
        args: list[Any] = [account, collection, self.views.until]
        if cursor:
            sql += " AND rkey > ?" if reverse else " AND rkey < ?"
            args.append(cursor)
        sql += f" ORDER BY rkey {'ASC' if reverse else 'DESC'} LIMIT ?"
        rows = self.reader.all(sql, *args, limit)
        records = [
            {"uri": self.views.uri(row), "cid": row[4], "value": orjson.loads(row[6])}
            for row in rows
        ]
        return {"records": records} | ({"cursor": rows[-1][3]} if rows else {})

    def _repo(self, request: Request) -> int:
        repo = request.args.get("repo", "")
        found = self.views.account_id(repo) if repo else None
        if found is None:
            raise XrpcError(400, "InvalidRequest", f"Could not find repo: {repo}")
        return found

    def _get_record(self, request: Request) -> Any:
        account = self._repo(request)
        row = self.reader.one(
            f"SELECT {RECORD_COLUMNS} FROM records WHERE account_id = ? AND collection = ? "
            "AND rkey = ? AND created_ms <= ?",
            account,
            request.args.get("collection", ""),
            request.args.get("rkey", ""),
            self.views.until,
        )
        if row is None:
            raise XrpcError(400, "RecordNotFound", "Could not locate record")
        return {"uri": self.views.uri(row), "cid": row[4], "value": orjson.loads(row[6])}

    # The AppView.

    def _get_profile(self, request: Request) -> Any:
        return self.views.profile(self._actor(request), "detailed")

    def _get_profiles(self, request: Request) -> Any:
        found = []
        for actor in request.args.getlist("actors")[:25]:
            account = self.views.account_id(actor)
            if account is not None:
                found.append(self.views.profile(account, "detailed"))
        return {"profiles": found}

    def _notifications(self, request: Request) -> Any:
        limit = limit_of(request, 50)
        until = self.views.until
        sql = (
            "SELECT n.id, n.reason, n.indexed_ms, n.reason_subject, r.id, r.account_id, "
            "r.collection, r.rkey, r.cid, r.created_ms, r.json FROM notifications AS n "
            "JOIN records AS r ON r.id = n.record_id WHERE n.indexed_ms <= ?"
        )
        args: list[Any] = [until]
        cursor = request.args.get("cursor")
        if cursor:
            sql += " AND n.indexed_ms < ?"
            args.append(_cursor_ms(cursor))
        reasons = request.args.getlist("reasons")
        if reasons:
            sql += f" AND n.reason IN ({','.join('?' * len(reasons))})"
            args += reasons
        rows = self.reader.all(sql + " ORDER BY n.indexed_ms DESC LIMIT ?", *args, limit + 1)
        seen = until - SEEN_BEFORE_MS
        views = [self.views.notification(row, seen) for row in rows[:limit]]
        body: dict[str, Any] = {"notifications": views}
        if len(rows) > limit:
            body["cursor"] = timestamp(rows[limit - 1][2])
        return body | {"priority": False, "seenAt": timestamp(seen)}

    def _unread_count(self, request: Request) -> Any:
        seen = self.views.until - SEEN_BEFORE_MS
        count = self.reader.value(
            "SELECT COUNT(*) FROM notifications WHERE indexed_ms > ? AND indexed_ms <= ?",
            seen,
            self.views.until,
        )
        return {"count": int(count)}

    def _get_post_thread(self, request: Request) -> Any:
        uri = request.args.get("uri", "")
        depth = min(max(int(request.args.get("depth", "6")), 0), 1000)
        height = min(max(int(request.args.get("parentHeight", "80")), 0), 1000)
        row = self.views.record_by_uri(uri)
        if row is None or row[2] != POST:
            raise XrpcError(400, "NotFound", f"Post not found: {uri}")
        return {"thread": self.views.thread(row, depth, height)}

    def _get_posts(self, request: Request) -> Any:
        posts = []
        for uri in request.args.getlist("uris")[:25]:
            row = self.views.record_by_uri(uri)
            if row is not None and row[2] == POST:
                posts.append(self.views.post(row))
        return {"posts": posts}

    def _get_followers(self, request: Request) -> Any:
        account = self._actor(request)
        did = self.reader.value("SELECT did FROM accounts WHERE id = ?", account)
        rows = self._follow_page(request, "subject = ?", did)
        views = [self.views.profile(row[1], "view") for row in rows[0]]
        return {"subject": self.views.profile(account, "view"), "followers": views} | rows[1]

    def _get_follows(self, request: Request) -> Any:
        account = self._actor(request)
        rows = self._follow_page(request, "account_id = ?", account)
        views = []
        for row in rows[0]:
            target = self.views.account_id(orjson.loads(row[6])["subject"])
            if target is not None:
                views.append(self.views.profile(target, "view"))
        return {"subject": self.views.profile(account, "view"), "follows": views} | rows[1]

    def _follow_page(
        self, request: Request, condition: str, value: Any
    ) -> tuple[list[tuple[Any, ...]], dict[str, str]]:
        """Return a page of follow records, newest first, and the cursor (``<ms>__<cid>``)."""
        limit = limit_of(request, 50)
        sql = (
            f"SELECT {RECORD_COLUMNS} FROM records WHERE {condition} AND collection = ? "
            "AND created_ms <= ?"
        )
        args: list[Any] = [value, FOLLOW, self.views.until]
        cursor = request.args.get("cursor")
        if cursor:
            ms, _, cid = cursor.partition("__")
            if not ms.isdigit() or not cid:
                raise XrpcError(400, "InvalidRequest", "Malformed cursor")
            sql += " AND (created_ms < ? OR (created_ms = ? AND cid < ?))"
            args += [int(ms), int(ms), cid]
        rows = self.reader.all(
            sql + " ORDER BY created_ms DESC, cid DESC LIMIT ?", *args, limit + 1
        )
        more = (
            {"cursor": f"{rows[limit - 1][5]}__{rows[limit - 1][4]}"} if len(rows) > limit else {}
        )
        return rows[:limit], more


def _json_body(request: Request) -> dict[str, Any]:
    try:
        loaded = orjson.loads(request.get_data() or b"{}")
    except orjson.JSONDecodeError:
        raise XrpcError(400, "InvalidRequest", "Request body is not valid JSON") from None
    if not isinstance(loaded, dict):
        raise XrpcError(400, "InvalidRequest", "Request body must be an object")
    return loaded


def _cursor_ms(cursor: str) -> int:
    try:
        return round(datetime.fromisoformat(cursor.replace("Z", "+00:00")).timestamp() * 1000)
    except ValueError:
        raise XrpcError(400, "InvalidRequest", "Malformed cursor") from None
