"""The demo Mastodon instance: Mastodon's REST API over the world's ``mastodon.sqlite``.

It answers the calls a client makes to connect and sync: app registration and OAuth, the
instance, her account, accounts and their statuses, followers and following, a status and its
context, notifications, conversations, favourites, bookmarks and follow requests; lists page as
Mastodon pages them (see ``pages``). Responses carry Mastodon's headers: JSON with
``charset=utf-8`` and the rate-limit headers. Errors are Mastodon's: 401
``{"error": "The access token is invalid"}`` for a bad or revoked token, 404
``{"error": "Record not found"}`` for what does not exist or may not be seen.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from amity.demo.servers.mastodon_entities import STATUS_COLUMNS, Entities, StatusRow
from amity.demo.servers.mastodon_instance_info import instance_v1, instance_v2
from amity.demo.servers.mastodon_oauth import OAuth, OAuthError, Token, native_page
from amity.demo.servers.pages import Window, fetch, link_header, window
from amity.demo.servers.ratelimit import RateLimit, mastodon_headers
from amity.demo.servers.store import Reader

JSON = "application/json; charset=utf-8"
NOTIFICATION_PARAMS = ("account_id", "exclude_types", "include_filtered", "limit", "types")
STATUS_PARAMS = ("exclude_reblogs", "exclude_replies", "limit", "only_media", "pinned", "tagged")
ROUTES = (
    ("/api/v1/apps", "apps", "POST"),
    ("/.well-known/oauth-authorization-server", "oauth_metadata", "GET"),
    ("/oauth/authorize", "authorize", "GET"),
    ("/oauth/authorize/native", "native", "GET"),
    ("/oauth/token", "token", "POST"),
    ("/oauth/revoke", "revoke", "POST"),
    ("/api/v1/instance", "instance_v1", "GET"),
    ("/api/v2/instance", "instance_v2", "GET"),
    ("/api/v1/accounts/verify_credentials", "verify_credentials", "GET"),
    ("/api/v1/accounts/lookup", "lookup", "GET"),
    ("/api/v1/accounts/<int:account_id>", "account", "GET"),
    ("/api/v1/accounts/<int:account_id>/statuses", "account_statuses", "GET"),
    ("/api/v1/accounts/<int:account_id>/followers", "followers", "GET"),
    ("/api/v1/accounts/<int:account_id>/following", "following", "GET"),
    ("/api/v1/statuses/<int:status_id>", "status", "GET"),
    ("/api/v1/statuses/<int:status_id>/context", "context", "GET"),
    ("/api/v1/notifications", "notifications", "GET"),
    ("/api/v1/notifications/<int:notification_id>", "notification", "GET"),
    ("/api/v1/conversations", "conversations", "GET"),
    ("/api/v1/favourites", "favourites", "GET"),
    ("/api/v1/bookmarks", "bookmarks", "GET"),
    ("/api/v1/follow_requests", "follow_requests", "GET"),
)
"""Path, endpoint and method of every call the instance answers."""


class Refused(Exception):
    """A request the instance answers with an error: its status and JSON body."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(body.get("error"))
        self.status = status
        self.body = body


def not_found() -> Refused:
    """Return Mastodon's 404."""
    return Refused(404, {"error": "Record not found"})


class MastodonServer:
    """A WSGI application answering as her instance, from the world's database."""

    def __init__(self, path: Path, limits: RateLimit) -> None:
        self.reader = Reader(path)
        meta = dict(self.reader.all("SELECT key, value FROM meta"))
        self.domain = str(meta["domain"])
        self.base_url = f"https://{self.domain}"
        self.user_id = int(meta["user_id"])
        self.end_ms = int(meta["end_ms"]) + 999  # the whole last second
        self.until_ms: int | None = None
        self.username = str(
            self.reader.value("SELECT username FROM accounts WHERE id = ?", self.user_id)
        )
        secret = bytes.fromhex(str(meta["secret"]))
        self.oauth = OAuth(self.base_url, secret=secret, state=path.parent)
        self.limits = limits
        self._entities = Entities(self.reader, self.domain, self.user_id)
        self._lock = threading.Lock()
        self._visible_ids: dict[tuple[str, int], int] = {}
        self._map = Map(
            [
                Rule(path, endpoint=endpoint, methods=[method], strict_slashes=False)
                for path, endpoint, method in ROUTES
            ]
        )

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        """Serve one request (WSGI)."""
        request = Request(environ)
        response = self._respond(request)
        return response(environ, start_response)

    def _respond(self, request: Request) -> Response:
        allowance = self.limits.take(request.headers.get("Authorization", "anonymous"))
        try:
            if allowance.over:
                raise Refused(429, {"error": "Too many requests"})
            endpoint, values = self._map.bind_to_environ(request.environ).match()
            handler: Callable[..., Response] = getattr(self, f"_on_{endpoint}")
            response = handler(request, **values)
        except Refused as refusal:
            response = _json(refusal.body, refusal.status)
        except OAuthError as error:
            response = _json(error.body, error.status)
            if error.status == 401 and "invalid" in str(error.body.get("error", "")):
                response.headers["WWW-Authenticate"] = (
                    'Bearer realm="Doorkeeper", error="invalid_token", '
                    'error_description="The access token is invalid"'
                )
        except NotFound:
            response = _json({"error": "Record not found"}, 404)
        except HTTPException as error:
            response = _json({"error": error.description or "Bad request"}, error.code or 400)
        response.headers.update(mastodon_headers(allowance))
        return response

    # Reading the moment and the viewer.

    @property
    def entities(self) -> Entities:
        """Return the renderer, standing at the servers' current moment."""
        with self._lock:
            self._entities.set_until(self.until_ms if self.until_ms is not None else self.end_ms)
        return self._entities

    def _bearer(self, request: Request) -> Token | None:
        return self.oauth.bearer(request.headers.get("Authorization"))

    def _viewer(self, request: Request) -> int | None:
        token = self._bearer(request)
        return self.user_id if token is not None and token.user else None

    def _user(self, request: Request) -> int:
        token = self._bearer(request)
        if token is None:
            raise OAuthError(401, {"error": "The access token is invalid"})
        if not token.user:
            raise Refused(422, {"error": "This method requires an authenticated user"})
        return self.user_id

    def _last_visible(self, table: str) -> int:
        """Return the highest id of ``table`` existing at the current moment (ids follow time)."""
        until = self.entities.until
        key = (table, until)
        found = self._visible_ids.get(key)
        if found is None:
            found = self.reader.value(f"SELECT MAX(id) FROM {table} WHERE created_ms <= ?", until)
            found = int(found or 0)
            self._visible_ids[key] = found
        return found

    # OAuth.

    def _on_apps(self, request: Request) -> Response:
        return _json(self.oauth.register(_form(request)))

    def _on_oauth_metadata(self, request: Request) -> Response:
        return _json(self.oauth.metadata())

    def _on_authorize(self, request: Request) -> Response:
        location = self.oauth.authorize(dict(request.args.items()))
        return Response(status=302, headers={"Location": location}, content_type="text/html")

    def _on_native(self, request: Request) -> Response:
        return Response(native_page(request.args.get("code", "")), content_type="text/html")

    def _on_token(self, request: Request) -> Response:
        return _json(self.oauth.token(_form(request), _basic(request)))

    def _on_revoke(self, request: Request) -> Response:
        self.oauth.revoke(_form(request), _basic(request))
        return _json({})

    # Instance and accounts.

    def _on_instance_v1(self, request: Request) -> Response:
        return _json(instance_v1(self.reader, self.domain, self.entities.account(self.user_id)))

    def _on_instance_v2(self, request: Request) -> Response:
        return _json(instance_v2(self.reader, self.domain, self.entities.account(self.user_id)))

    def _on_verify_credentials(self, request: Request) -> Response:
        self._user(request)
        return _json(self.entities.credential_account())

    def _on_account(self, request: Request, account_id: int) -> Response:
        self._viewer(request)
        return _json(self._account_or_404(account_id))

    def _account_or_404(self, account_id: int) -> dict[str, Any]:
        found = self.entities.account(account_id)
        if found is None:
            raise not_found()
        return found

    def _on_lookup(self, request: Request) -> Response:
        self._viewer(request)
        acct = request.args.get("acct", "").lstrip("@")
        username, _, domain = acct.partition("@")
        local = domain in ("", self.domain)
        row = self.reader.one(
            "SELECT id FROM accounts WHERE username = ? AND domain IS ?",
            username,
            None if local else domain,
        )
        if row is None:
            raise not_found()
        return _json(self._account_or_404(row[0]))

    def _on_account_statuses(self, request: Request, account_id: int) -> Response:
        viewer = self._viewer(request)
        self._account_or_404(account_id)
        args = request.args
        page = window(args, 20)
        if _flag(args, "pinned") or _flag(args, "only_media"):
            return self._page([], request, STATUS_PARAMS, None, None)
        entities = self.entities
        conditions = [
            "account_id = ?",
            "created_ms <= ?",
            _visibility_sql(viewer, account_id, entities),
        ]
        if _flag(args, "exclude_reblogs"):
            conditions.append("reblog_of_id IS NULL")
        if _flag(args, "exclude_replies"):
            conditions.append("(in_reply_to_id IS NULL OR in_reply_to_account_id = account_id)")
        if args.get("tagged"):
            conditions.append("(' ' || lower(tags) || ' ') LIKE ?")
        where = " AND ".join(conditions)
        base: list[Any] = [account_id, entities.until]
        if args.get("tagged"):
            base.append(f"% {args['tagged'].lower()} %")
        rows = fetch(
            lambda sql, extra: self.reader.all(
                f"SELECT {STATUS_COLUMNS} FROM statuses WHERE {where}{sql}", *base, *extra
            ),
            "id",
            page,
        )
        body = [entities.status(StatusRow._make(row), viewer) for row in rows]
        next_id = rows[-1][0] if rows and len(rows) == page.limit else None
        return self._page(body, request, STATUS_PARAMS, next_id, rows[0][0] if rows else None)

    def _on_followers(self, request: Request, account_id: int) -> Response:
        return self._follow_list(request, account_id, "target_account_id", "account_id")

    def _on_following(self, request: Request, account_id: int) -> Response:
        return self._follow_list(request, account_id, "account_id", "target_account_id")

    def _follow_list(self, request: Request, account_id: int, mine: str, theirs: str) -> Response:
        self._viewer(request)
        self._account_or_404(account_id)
        page = window(request.args, 40)
        last = self._last_visible("follows")
        rows = fetch(
            lambda sql, extra: self.reader.all(
                f"SELECT id, {theirs} FROM follows WHERE {mine} = ? AND id <= ?{sql}",
                account_id,
                last,
                *extra,
            ),
            "id",
            page,
        )
        body = [self.entities.account(row[1]) for row in rows]
        next_id = rows[-1][0] if rows and len(rows) == page.limit else None
        prev_id = rows[0][0] if rows else None
        return self._page(body, request, ("limit",), next_id, prev_id, prev_name="since_id")

    # Statuses.

    def _status_row(self, status_id: int, viewer: int | None) -> StatusRow:
        row = self.entities.status_row(status_id)
        if row is None or not self.entities.visible(row, viewer):
            raise not_found()
        return row

    def _on_status(self, request: Request, status_id: int) -> Response:
        viewer = self._viewer(request)
        return _json(self.entities.status(self._status_row(status_id, viewer), viewer))

    def _on_context(self, request: Request, status_id: int) -> Response:
        viewer = self._viewer(request)
        row = self._status_row(status_id, viewer)
        entities = self.entities
        ancestors: list[StatusRow] = []
        parent = row.in_reply_to_id
        while parent is not None and len(ancestors) < 4096:
            above = entities.status_row(parent)
            if above is None:
                break
            if entities.visible(above, viewer):
                ancestors.append(above)
            parent = above.in_reply_to_id
        below = map(StatusRow._make, self.reader.all(_DESCENDANTS, status_id))
        descendants = [r for r in below if entities.visible(r, viewer)]
        return _json(
            {
                "ancestors": [entities.status(r, viewer) for r in reversed(ancestors)],
                "descendants": [entities.status(r, viewer) for r in descendants],
            }
        )

    # Her lists.

    def _on_notifications(self, request: Request) -> Response:
        viewer = self._user(request)
        args = request.args
        page = window(args, 40)
        conditions = ["id <= ?"]
        values: list[Any] = [self._last_visible("notifications")]
        types, excluded = args.getlist("types[]"), args.getlist("exclude_types[]")
        if types:
            conditions.append(f"type IN ({','.join('?' * len(types))})")
            values += types
        if excluded:
            conditions.append(f"type NOT IN ({','.join('?' * len(excluded))})")
            values += excluded
        if args.get("account_id", "").isdigit():
            conditions.append("account_id = ?")
            values.append(int(args["account_id"]))
        where = " AND ".join(conditions)
        rows = fetch(
            lambda sql, extra: self.reader.all(
                "SELECT id, type, created_ms, account_id, status_id, extra FROM notifications "
                f"WHERE {where}{sql}",
                *values,
                *extra,
            ),
            "id",
            page,
        )
        body = [self.entities.notification(row, viewer) for row in rows]
        next_id, prev_id = (rows[-1][0], rows[0][0]) if rows else (None, None)
        return self._page(body, request, NOTIFICATION_PARAMS, next_id, prev_id)

    def _on_notification(self, request: Request, notification_id: int) -> Response:
        viewer = self._user(request)
        row = self.reader.one(
            "SELECT id, type, created_ms, account_id, status_id, extra FROM notifications "
            "WHERE id = ? AND id <= ?",
            notification_id,
            self._last_visible("notifications"),
        )
        if row is None:
            raise not_found()
        return _json(self.entities.notification(row, viewer))

    def _on_conversations(self, request: Request) -> Response:
        viewer = self._user(request)
        page = window(request.args, 20)
        until = self.entities.until
        me = f"% {viewer} %"
        rows = fetch(
            lambda sql, extra: self.reader.all(
                "SELECT thread_id, last FROM (SELECT thread_id, MAX(id) AS last FROM statuses "
                "WHERE visibility = 3 AND created_ms <= ? AND (account_id = ? OR "
                "(' ' || mentions || ' ') LIKE ?) GROUP BY thread_id) WHERE 1 = 1" + sql,
                until,
                viewer,
                me,
                *extra,
            ),
            "last",
            page,
        )
        body = [self._conversation(thread, last, viewer) for thread, last in rows]
        next_id = rows[-1][1] if rows and len(rows) == page.limit else None
        return self._page(body, request, ("limit",), next_id, rows[0][1] if rows else None)

    def _conversation(self, thread: int, last: int, viewer: int) -> dict[str, Any]:
        entities = self.entities
        people: dict[int, None] = {}
        for author, mentions in self.reader.all(
            "SELECT account_id, mentions FROM statuses WHERE thread_id = ? AND visibility = 3 "
            "AND created_ms <= ? ORDER BY id",
            thread,
            entities.until,
        ):
            for account in (author, *(int(m) for m in mentions.split())):
                if account != viewer:
                    people.setdefault(account, None)
        row = entities.status_row(last)
        assert row is not None
        return {
            "id": str(thread),
            "unread": row.account_id != viewer,
            "accounts": [entities.account(account) for account in people],
            "last_status": entities.status(row, viewer),
        }

    def _on_favourites(self, request: Request) -> Response:
        viewer = self._user(request)
        return self._status_list(request, viewer, "favourites", "AND account_id = ?", [viewer])

    def _on_bookmarks(self, request: Request) -> Response:
        viewer = self._user(request)
        return self._status_list(request, viewer, "bookmarks", "", [])

    def _status_list(
        self, request: Request, viewer: int, table: str, condition: str, values: list[Any]
    ) -> Response:
        page = window(request.args, 20)
        last = self._last_visible(table)
        rows = fetch(
            lambda sql, extra: self.reader.all(
                f"SELECT id, status_id FROM {table} WHERE id <= ? {condition}{sql}",
                last,
                *values,
                *extra,
            ),
            "id",
            page,
        )
        entities = self.entities
        body = []
        for _, status_id in rows:
            row = entities.status_row(status_id)
            if row is not None:
                body.append(entities.status(row, viewer))
        next_id = rows[-1][0] if rows and len(rows) == page.limit else None
        return self._page(body, request, ("limit",), next_id, rows[0][0] if rows else None)

    def _on_follow_requests(self, request: Request) -> Response:
        self._user(request)
        page = window(request.args, 40)
        until = self.entities.until
        rows = fetch(
            lambda sql, extra: self.reader.all(
                "SELECT id, account_id FROM follow_requests WHERE created_ms <= ?" + sql,
                until,
                *extra,
            ),
            "id",
            page,
        )
        body = [self.entities.account(row[1]) for row in rows]
        next_id = rows[-1][0] if rows and len(rows) == page.limit else None
        prev_id = rows[0][0] if rows else None
        return self._page(body, request, ("limit",), next_id, prev_id, prev_name="since_id")

    def _page(
        self,
        body: list[Any],
        request: Request,
        kept: tuple[str, ...],
        next_id: int | None,
        prev_id: int | None,
        *,
        prev_name: str = "min_id",
    ) -> Response:
        response = _json(body)
        url = f"{self.base_url}{request.path.rstrip('/')}"
        link = link_header(
            url, request.args, kept, next_id=next_id, prev_id=prev_id, prev_name=prev_name
        )
        if link:
            response.headers["Link"] = link
        return response


_DESCENDANTS = f"""
WITH RECURSIVE tree(id, path) AS (
  SELECT id, printf('%020d', id) FROM statuses WHERE in_reply_to_id = ?
  UNION ALL
  SELECT s.id, tree.path || '/' || printf('%020d', s.id)
  FROM statuses AS s JOIN tree ON s.in_reply_to_id = tree.id
)
SELECT {", ".join("s." + c.strip() for c in STATUS_COLUMNS.split(","))}
FROM tree JOIN statuses AS s ON s.id = tree.id ORDER BY tree.path
"""


def _visibility_sql(viewer: int | None, author: int, entities: Entities) -> str:
    """Return the SQL condition for statuses of ``author`` that ``viewer`` may see."""
    if viewer is None:
        return "visibility <= 1"
    if viewer == author:
        return "1 = 1"
    private = " OR visibility = 2" if author in entities.follows_of_viewer() else ""
    return f"(visibility <= 1{private} OR (' ' || mentions || ' ') LIKE '% {viewer} %')"


def _json(body: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(body), status=status, content_type=JSON)


def _form(request: Request) -> dict[str, str]:
    values: MultiDict[str, str] = request.form
    if not values and request.is_json:
        loaded = request.get_json(silent=True) or {}
        return {str(k): str(v) for k, v in loaded.items()}
    return dict(values.items())


def _basic(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("basic "):
        return None
    decoded = base64.b64decode(header[6:]).decode()
    client_id, _, secret = decoded.partition(":")
    return client_id, secret


def _flag(args: MultiDict[str, str], name: str) -> bool:
    return args.get(name, "").lower() in ("1", "true", "t", "yes", "on")


__all__ = ["MastodonServer", "Window"]
