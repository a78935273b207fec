"""OAuth on the demo instance, as Mastodon (Doorkeeper) does it: apps, codes, tokens, PKCE.

An app registers (``POST /api/v1/apps``), sends the user to ``/oauth/authorize``, and swaps the
code she is shown for a token at ``/oauth/token``; ``/oauth/revoke`` ends it. The demo user is
always logged in on her instance and approves every request for scopes the app registered: the
authorisation redirects at once, to ``/oauth/authorize/native?code=…`` for the out-of-band
redirect URI (the page that shows the code) or to the app's redirect URI with ``code`` and
``state``. Codes live ten minutes and are good once; a code issued with a PKCE challenge needs
the matching verifier (S256). Apps and revoked tokens are kept in files beside the databases and
tokens are signed with a key derived from the world, so a token outlives the process that issued
it, as it would on a real instance.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import secrets
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import orjson

OOB = "urn:ietf:wg:oauth:2.0:oob"
CODE_LIFETIME = 600
SCOPES = (
    "read",
    "write",
    "follow",
    "push",
    "profile",
    "read:accounts",
    "read:blocks",
    "read:bookmarks",
    "read:favourites",
    "read:filters",
    "read:follows",
    "read:lists",
    "read:mutes",
    "read:notifications",
    "read:search",
    "read:statuses",
    "write:accounts",
    "write:blocks",
    "write:bookmarks",
    "write:conversations",
    "write:favourites",
    "write:filters",
    "write:follows",
    "write:lists",
    "write:media",
    "write:mutes",
    "write:notifications",
    "write:reports",
    "write:statuses",
)
INVALID_GRANT = (
    "The provided authorization grant is invalid, expired, revoked, does not match the "
    "redirection URI used in the authorization request, or was issued to another client."
)
INVALID_CLIENT = (
    "Client authentication failed due to unknown client, no client authentication included, "
    "or unsupported authentication method."
)


class OAuthError(Exception):
    """An OAuth request the instance refuses: the status and the JSON body it answers with."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(body.get("error_description") or body.get("error"))
        self.status = status
        self.body = body


@dataclass(slots=True)
class Application:
    """A registered app."""

    id: int
    name: str
    website: str | None
    redirect_uris: list[str]
    scopes: list[str]
    client_id: str
    client_secret: str


@dataclass(slots=True)
class Grant:
    """An authorisation code waiting to be exchanged."""

    client_id: str
    redirect_uri: str
    scopes: list[str]
    challenge: str | None
    issued: float
    used: bool = False


@dataclass(frozen=True, slots=True)
class Token:
    """A live access token: its app's number and whether it acts for her (``user``)."""

    app: int
    user: bool


def covers(granted: list[str], wanted: str) -> bool:
    """Return whether ``granted`` scopes include ``wanted`` (``read`` covers ``read:…``)."""
    return wanted in granted or wanted.split(":", 1)[0] in granted


class OAuth:
    """The instance's apps, codes and tokens."""

    def __init__(self, base_url: str, *, secret: bytes, state: Path) -> None:
        self.base_url = base_url
        self._key = hashlib.sha256(b"oauth" + secret).digest()
        self._apps_file = state / "mastodon-apps.jsonl"
        self._revoked_file = state / "mastodon-revoked"
        self._lock = threading.Lock()
        self._apps: dict[str, Application] = {}
        self._grants: dict[str, Grant] = {}
        self._revoked: set[str] = set()
        self._load()

    def _load(self) -> None:
        """Read the apps and revoked tokens other processes wrote."""
        with self._lock:
            if self._apps_file.is_file():
                for line in self._apps_file.read_bytes().splitlines():
                    app = Application(**orjson.loads(line))
                    self._apps.setdefault(app.client_id, app)
            if self._revoked_file.is_file():
                self._revoked |= set(self._revoked_file.read_text(encoding="utf-8").split())

    def _app(self, client_id: str) -> Application | None:
        if client_id not in self._apps:
            self._load()
        return self._apps.get(client_id)

    def metadata(self) -> dict[str, Any]:
        """Return the authorization server metadata (RFC 8414), as Mastodon publishes it."""
        base = self.base_url
        return {
            "issuer": f"{base}/",
            "service_documentation": "https://docs.joinmastodon.org/",
            "authorization_endpoint": f"{base}/oauth/authorize",
            "token_endpoint": f"{base}/oauth/token",
            "app_registration_endpoint": f"{base}/api/v1/apps",
            "revocation_endpoint": f"{base}/oauth/revoke",
            "userinfo_endpoint": f"{base}/oauth/userinfo",
            "scopes_supported": list(SCOPES),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query", "fragment", "form_post"],
            "code_challenge_methods_supported": ["S256"],
            "grant_types_supported": ["authorization_code", "client_credentials"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        }

    def register(self, form: dict[str, str]) -> dict[str, Any]:
        """Register an app; return the Application entity with its credentials."""
        name = form.get("client_name", "").strip()
        if not name:
            raise OAuthError(422, {"error": "Validation failed: Application name can't be blank"})
        uris = [u.strip() for u in form.get("redirect_uris", OOB).split("\n") if u.strip()]
        scopes = form.get("scopes", "read").split()
        self._load()
        with self._lock:
            app = Application(
                len(self._apps) + 1,
                name,
                form.get("website") or None,
                uris,
                scopes,
                secrets.token_urlsafe(32),
                secrets.token_urlsafe(32),
            )
            self._apps[app.client_id] = app
            with self._apps_file.open("ab") as out:
                out.write(orjson.dumps(asdict(app)) + b"\n")
        return {
            "id": str(app.id),
            "name": app.name,
            "website": app.website,
            "scopes": app.scopes,
            "redirect_uri": "\n".join(app.redirect_uris),
            "redirect_uris": app.redirect_uris,
            "client_id": app.client_id,
            "client_secret": app.client_secret,
            "client_secret_expires_at": 0,
        }

    def authorize(self, args: dict[str, str]) -> str:
        """Approve an authorisation request as the logged-in user; return where it redirects."""
        app = self._app(args.get("client_id", ""))
        redirect = args.get("redirect_uri", "")
        if app is None:
            raise OAuthError(401, {"error": "invalid_client", "error_description": INVALID_CLIENT})
        if args.get("response_type") != "code":
            raise OAuthError(400, {"error": "unsupported_response_type"})
        if redirect not in app.redirect_uris:
            raise OAuthError(400, {"error": "invalid_redirect_uri"})
        scopes = args.get("scope", " ".join(app.scopes)).split()
        if not all(covers(app.scopes, scope) for scope in scopes):
            raise OAuthError(400, {"error": "invalid_scope"})
        challenge = args.get("code_challenge") or None
        if challenge is not None and args.get("code_challenge_method", "plain") != "S256":
            raise OAuthError(
                400,
                {
                    "error": "invalid_request",
                    "error_description": "code_challenge_method must be S256",
                },
            )
        code = secrets.token_urlsafe(32)
        with self._lock:
            self._grants[code] = Grant(app.client_id, redirect, scopes, challenge, time.time())
        if redirect == OOB:
            return f"{self.base_url}/oauth/authorize/native?{urlencode({'code': code})}"
        query = {"code": code} | ({"state": args["state"]} if args.get("state") else {})
        return f"{redirect}{'&' if '?' in redirect else '?'}{urlencode(query)}"

    def token(self, form: dict[str, str], basic: tuple[str, str] | None) -> dict[str, Any]:
        """Exchange a code (or the app's own credentials) for an access token."""
        client_id, secret = basic or (form.get("client_id", ""), form.get("client_secret", ""))
        app = self._app(client_id)
        if app is None or app.client_secret != secret:
            raise OAuthError(401, {"error": "invalid_client", "error_description": INVALID_CLIENT})
        kind = form.get("grant_type")
        if kind == "client_credentials":
            return self._issue(app, form.get("scope", "read").split(), user=False)
        if kind != "authorization_code":
            raise OAuthError(
                400,
                {
                    "error": "unsupported_grant_type",
                    "error_description": "The authorization grant type is not supported by the "
                    "authorization server.",
                },
            )
        with self._lock:
            grant = self._grants.get(form.get("code", ""))
            fresh = grant is not None and not grant.used
            if grant is not None:
                grant.used = True
        if (
            grant is None
            or not fresh
            or grant.client_id != client_id
            or time.time() - grant.issued > CODE_LIFETIME
            or form.get("redirect_uri", grant.redirect_uri) != grant.redirect_uri
            or not _verified(grant.challenge, form.get("code_verifier"))
        ):
            raise OAuthError(400, {"error": "invalid_grant", "error_description": INVALID_GRANT})
        return self._issue(app, grant.scopes, user=True)

    def _issue(self, app: Application, scopes: list[str], *, user: bool) -> dict[str, Any]:
        body = secrets.token_bytes(12) + bytes((int(user),)) + app.id.to_bytes(4, "big")
        value = base64.urlsafe_b64encode(body + self._sign(body)).decode()
        return {
            "access_token": value,
            "token_type": "Bearer",
            "scope": " ".join(scopes),
            "created_at": int(time.time()),
        }

    def _sign(self, body: bytes) -> bytes:
        return hmac.new(self._key, body, hashlib.sha256).digest()[:16]

    def _read(self, value: str) -> Token | None:
        """Return the token ``value`` stands for, if it is one this instance signed."""
        try:
            raw = base64.urlsafe_b64decode(value)
        except ValueError:
            return None
        if len(raw) != 33 or not hmac.compare_digest(self._sign(raw[:17]), raw[17:]):
            return None
        return Token(int.from_bytes(raw[13:17], "big"), bool(raw[12]))

    def revoke(self, form: dict[str, str], basic: tuple[str, str] | None) -> None:
        """Revoke a token (RFC 7009: an unknown token is no error)."""
        client_id, secret = basic or (form.get("client_id", ""), form.get("client_secret", ""))
        app = self._app(client_id)
        if app is None or app.client_secret != secret:
            raise OAuthError(
                403,
                {
                    "error": "unauthorized_client",
                    "error_description": "You are not authorized to revoke this token",
                },
            )
        value = form.get("token", "")
        token = self._read(value)
        if token is not None and token.app == app.id:
            with self._lock:
                self._revoked.add(value)
                with self._revoked_file.open("a", encoding="utf-8") as out:
                    out.write(value + "\n")

    def bearer(self, header: str | None) -> Token | None:
        """Return the live token an Authorization header carries; None when there is none.

        A header with an unknown or revoked token raises the 401 Mastodon answers with.
        """
        if not header:
            return None
        scheme, _, value = header.partition(" ")
        value = value.strip()
        token = self._read(value) if scheme.lower() == "bearer" else None
        if token is not None and value in self._revoked_or_reload(value):
            token = None
        if token is None:
            raise OAuthError(401, {"error": "The access token is invalid"})
        return token

    def _revoked_or_reload(self, value: str) -> set[str]:
        """Return the revoked tokens, reading the file again if ``value`` is not among them."""
        if value not in self._revoked and self._revoked_file.is_file():
            with self._lock:
                self._revoked |= set(self._revoked_file.read_text(encoding="utf-8").split())
        return self._revoked


def _verified(challenge: str | None, verifier: str | None) -> bool:
    """Return whether a PKCE verifier answers its S256 challenge (no challenge: nothing to do)."""
    if challenge is None:
        return True
    if not verifier:
        return False
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=") == challenge


def native_page(code: str) -> str:
    """Return the page Mastodon shows for the out-of-band redirect: the code to copy."""
    shown = html.escape(code)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Authorization code'
        ' - inkwell.social</title></head><body><div class="form-container"><h2>Copy this '
        'authorization code and paste it to the application.</h2><input type="text" '
        f'class="oauth-code" readonly value="{shown}"></div></body></html>'
    )
