"""Sessions on the demo PDS: app-password logins and the JWTs a PDS hands out.

As the reference PDS does: ``createSession`` takes a handle or DID and a password; only her app
password opens a session (an account password, or anything else, gets 401
``AuthenticationRequired`` "Invalid identifier or password"). The access token is an HS256 JWT
(``typ`` ``at+jwt``, scope ``com.atproto.appPass``, two hours); the refresh token is one too
(``typ`` ``refresh+jwt``, scope ``com.atproto.refresh``, 90 days, with a ``jti``). They are signed
with a key derived from the world, so a session outlives the process that opened it; a refreshed
or deleted refresh token is revoked in a file beside the databases. Errors are the PDS's: a
missing token is 401 ``AuthMissing``; an expired one 400 ``ExpiredToken``; a bad one 400
``InvalidToken``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
from pathlib import Path
from typing import Any

import orjson

ACCESS_SECONDS = 2 * 3600
REFRESH_SECONDS = 90 * 86_400
APP_PASS = "com.atproto.appPass"
REFRESH = "com.atproto.refresh"


class XrpcError(Exception):
    """An XRPC error: the status, the error name and the message a PDS sends."""

    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def app_password(secret: bytes) -> str:
    """Return her app password (``xxxx-xxxx-xxxx-xxxx``, lowercase letters and digits)."""
    alphabet = "abcdefghijklmnopqrstuvwxyz234567"
    digest = hashlib.sha256(b"app-password" + secret).digest()
    letters = "".join(alphabet[b % 32] for b in digest[:16])
    return "-".join(letters[i : i + 4] for i in range(0, 16, 4))


def account_password(secret: bytes) -> str:
    """Return her account password: it exists, and the PDS refuses it to API clients."""
    return _b64(hashlib.sha256(b"account-password" + secret).digest())[:20]


class Sessions:
    """Mint and check the PDS's tokens for one account."""

    def __init__(self, *, secret: bytes, did: str, service_did: str, revoked: Path) -> None:
        self._key = hashlib.sha256(b"jwt" + secret).digest()
        self.did = did
        self.service_did = service_did
        self._revoked_file = revoked
        self._revoked: set[str] = set()
        self._lock = threading.Lock()

    def mint(self) -> tuple[str, str]:
        """Return a new access token and refresh token."""
        now = int(time.time())
        access = self._jwt(
            "at+jwt",
            {
                "scope": APP_PASS,
                "sub": self.did,
                "iat": now,
                "exp": now + ACCESS_SECONDS,
                "aud": self.service_did,
            },
        )
        refresh = self._jwt(
            "refresh+jwt",
            {
                "scope": REFRESH,
                "sub": self.did,
                "aud": self.service_did,
                "jti": secrets.token_urlsafe(32),
                "iat": now,
                "exp": now + REFRESH_SECONDS,
            },
        )
        return access, refresh

    def _jwt(self, typ: str, payload: dict[str, Any]) -> str:
        head = _b64(orjson.dumps({"typ": typ, "alg": "HS256"}))
        body = _b64(orjson.dumps(payload))
        signature = hmac.new(self._key, f"{head}.{body}".encode(), hashlib.sha256).digest()
        return f"{head}.{body}.{_b64(signature)}"

    def check(self, header: str | None, scope: str) -> dict[str, Any]:
        """Return the payload of the bearer token in ``header``, or raise the PDS's error."""
        if not header or not header.lower().startswith("bearer "):
            raise XrpcError(401, "AuthMissing", "Authentication Required")
        token = header[7:].strip()
        try:
            head, body, signature = token.split(".")
            expected = hmac.new(self._key, f"{head}.{body}".encode(), hashlib.sha256).digest()
            if not hmac.compare_digest(expected, _unb64(signature)):
                raise ValueError("bad signature")
            payload: dict[str, Any] = orjson.loads(_unb64(body))
        except ValueError:
            raise XrpcError(400, "InvalidToken", "Token could not be verified") from None
        if payload.get("exp", 0) <= time.time():
            raise XrpcError(400, "ExpiredToken", "Token has expired")
        if payload.get("scope") != scope:
            raise XrpcError(400, "InvalidToken", "Bad token scope")
        if scope == REFRESH and self._is_revoked(str(payload.get("jti"))):
            raise XrpcError(400, "ExpiredToken", "Token has been revoked")
        return payload

    def revoke(self, payload: dict[str, Any]) -> None:
        """Revoke a refresh token (it was used, or its session deleted)."""
        jti = str(payload.get("jti"))
        with self._lock:
            self._revoked.add(jti)
            with self._revoked_file.open("a", encoding="utf-8") as out:
                out.write(jti + "\n")

    def _is_revoked(self, jti: str) -> bool:
        if jti in self._revoked:
            return True
        if self._revoked_file.is_file():
            with self._lock:
                self._revoked |= set(self._revoked_file.read_text(encoding="utf-8").split())
        return jti in self._revoked
