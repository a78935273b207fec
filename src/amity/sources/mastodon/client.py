"""Talk to a Mastodon instance through Mastodon.py: sign in, check, read pages, sign out.

Everything goes through one ``requests.Session`` the caller hands in (the demo world hands one
whose requests its own servers answer). Mastodon.py makes the requests; this module adds what a
sync needs around them: one mapping of failures to amity's errors, rate limits honoured with a
visible wait (``X-RateLimit-*`` and ``Retry-After``, which Mastodon.py does not read), retries with
backoff, and pages as ``Listing``s with the cursor of the next one.

Mastodon.py has no PKCE; where the server supports it (``code_challenge_methods_supported`` in
its OAuth metadata), the authorisation address carries an S256 challenge and the code is
exchanged with its verifier in one form POST through the same session (see design notes).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar
from urllib.parse import urlencode, urlsplit

import requests
from mastodon import Mastodon
from mastodon.errors import (
    MastodonAPIError,
    MastodonIllegalArgumentError,
    MastodonNetworkError,
    MastodonNotFoundError,
    MastodonRatelimitError,
    MastodonServerError,
    MastodonUnauthorizedError,
)

from amity.errors import (
    AmityError,
    BadCredentials,
    CredentialsRejected,
    NotFound,
    ServerFailed,
    ServerUnreachable,
    UsageError,
)
from amity.sources.live import Listing
from amity.sources.retry import RateLimited, Retry, RetryPolicy

T = TypeVar("T")
Entity = Mapping[str, Any]

APP_NAME = "amity"
APP_WEBSITE = "https://pypi.org/project/amity/"
READ_SCOPES = ("read",)
OOB = "urn:ietf:wg:oauth:2.0:oob"
TIMEOUT = 30.0
PAGE = {"notifications": 80, "statuses": 40, "conversations": 40, "accounts": 80}
"""The most items each kind of list gives in one page (the API's maxima)."""


@dataclass(frozen=True, slots=True)
class App:
    """amity's application registered on one instance: what its OAuth flow needs."""

    instance: str
    client_id: str
    client_secret: str


@dataclass(frozen=True, slots=True)
class Authorization:
    """An authorisation request under way: the address to open and the PKCE verifier."""

    url: str
    verifier: str | None


def instance_url(text: str) -> str:
    """Return an instance's base URL from what a person typed: a host, a URL or ``@name@host``.

    Plain ``http`` is accepted only for this machine (``localhost``, ``127.*``), for testing.
    """
    value = text.strip().rstrip("/")
    if value.startswith("@") or ("@" in value and "://" not in value):
        value = value.rsplit("@", 1)[-1]
    if "://" not in value:
        value = f"https://{value}"
    try:
        parts = urlsplit(value)
        host = parts.hostname or ""
    except ValueError:  # a "[" that opens no IPv6 address
        parts, host = urlsplit("https://"), ""
    local = host == "localhost" or host.startswith("127.") or host == "::1"
    if not host or parts.scheme not in ("https", "http") or (parts.scheme == "http" and not local):
        raise UsageError(
            f"{text!r} is not a Mastodon instance address",
            hint="Give the instance's host name, e.g. `amity connect mastodon mastodon.social`.",
        )
    return f"{parts.scheme}://{parts.netloc}"


class PlainMastodon(Mastodon):
    """Mastodon.py, handing back the server's JSON as it came.

    Mastodon.py turns every answer into its typed entity classes, field by field: 4.7 ms per
    notification measured here, which made reading a year of notifications a minute of work (the
    server's rate limit allows about 80 a second). amity reads entities as plain JSON anyway
    (``entities`` takes both), so this one hook, the private method every answer passes through,
    returns them unconverted. Should a later Mastodon.py rename it, entities come typed again:
    slower, and as correct.
    """

    def _Mastodon__try_cast_to_type(
        self, value: Any, override_type: Any = None
    ) -> tuple[Any, None]:
        return value, None


class MastodonClient:
    """One instance, through Mastodon.py, with amity's policy for failures and rate limits."""

    def __init__(
        self,
        instance: str,
        *,
        session: requests.Session,
        policy: RetryPolicy,
        token: str | None = None,
        app: App | None = None,
        page_size: Mapping[str, int] | None = None,
    ) -> None:
        self.instance = instance
        self._session = session
        self._policy = policy
        self._headers: Mapping[str, str] = {}
        session.hooks["response"].append(self._remember_headers)
        self.api = PlainMastodon(
            client_id=app.client_id if app else None,
            client_secret=app.client_secret if app else None,
            access_token=token,
            api_base_url=instance,
            session=session,
            ratelimit_method="throw",
            request_timeout=TIMEOUT,
            version_check_mode="none",
            user_agent=f"{APP_NAME} (+{APP_WEBSITE})",
        )
        self._page_size = {**PAGE, **(page_size or {})}

    # -- signing in -----------------------------------------------------------------------------

    @classmethod
    def register(cls, instance: str, *, session: requests.Session, policy: RetryPolicy) -> App:
        """Register amity on the instance (read scopes only) and return its credentials."""

        def create() -> tuple[str, str]:
            client_id, client_secret = Mastodon.create_app(
                APP_NAME,
                scopes=list(READ_SCOPES),
                redirect_uris=OOB,
                website=APP_WEBSITE,
                api_base_url=instance,
                session=session,
                request_timeout=TIMEOUT,
            )
            return client_id, client_secret

        client_id, client_secret = policy.call(lambda: _translated(instance, create))
        return App(instance, client_id, client_secret)

    def authorization(self) -> Authorization:
        """Return the address where the user authorises amity, with PKCE where supported."""
        info = self._call(self.api.oauth_authorization_server_info)
        url = self._call(
            lambda: self.api.auth_request_url(
                redirect_uris=OOB, scopes=list(READ_SCOPES), skip_server_info=True
            )
        )
        endpoint = info.get("authorization_endpoint") if isinstance(info, Mapping) else None
        if isinstance(endpoint, str) and endpoint:
            url = endpoint + url[url.index("?") :]
        methods = info.get("code_challenge_methods_supported") if isinstance(info, Mapping) else ()
        if "S256" not in (methods or ()):
            return Authorization(url, None)
        verifier = secrets.token_urlsafe(48)
        digest = hashlib.sha256(verifier.encode()).digest()
        challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        url += "&" + urlencode({"code_challenge": challenge, "code_challenge_method": "S256"})
        return Authorization(url, verifier)

    def exchange(self, code: str, verifier: str | None) -> str:
        """Exchange the code the user pasted for an access token, and keep it."""
        code = code.strip()
        if verifier is None:
            token: str = self._call(
                lambda: self.api.log_in(code=code, redirect_uri=OOB, scopes=list(READ_SCOPES))
            )
            return token
        info = self._call(self.api.oauth_authorization_server_info)
        endpoint = info.get("token_endpoint") if isinstance(info, Mapping) else None
        url = endpoint if isinstance(endpoint, str) and endpoint else f"{self.instance}/oauth/token"
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "client_id": self.api.client_id,
            "client_secret": self.api.client_secret,
            "redirect_uri": OOB,
            "scope": " ".join(READ_SCOPES),
            "code_verifier": verifier,
        }
        answer = self._policy.call(lambda: self._post_form(url, form))
        found = answer.get("access_token") if isinstance(answer, Mapping) else None
        if not isinstance(found, str) or not found:
            raise BadCredentials(
                f"{self.instance} did not accept the authorisation code",
                hint="Run `amity connect mastodon` again and paste the newest code it shows.",
            )
        self.api.access_token = found
        return found

    def _post_form(self, url: str, form: Mapping[str, Any]) -> Any:
        try:
            response = self._session.post(url, data=dict(form), timeout=TIMEOUT)
        except requests.RequestException as error:
            raise Retry(_unreachable(self.instance, error)) from None
        if response.status_code in (400, 401):
            raise BadCredentials(
                f"{self.instance} did not accept the authorisation code",
                hint="Codes are good for one try and a few minutes: run `amity connect"
                " mastodon` again and paste the new code.",
            )
        if response.status_code >= 500:
            raise Retry(ServerFailed(f"{self.instance} failed ({response.status_code})"))
        try:
            return response.json()
        except ValueError:
            raise ServerFailed(
                f"{self.instance} answered the sign-in with a web page, not the Mastodon API"
            ) from None

    def revoke(self) -> None:
        """Revoke the access token on the instance (POST /oauth/revoke)."""
        self._call(self.api.revoke_access_token)

    # -- reading --------------------------------------------------------------------------------

    def me(self) -> Entity:
        """Return the account the token belongs to (verify_credentials)."""
        found: Entity = self._call(self.api.account_verify_credentials)
        return found

    def notifications(self, cursor: str | None) -> Listing[Entity]:
        """Return one page of notifications, newest first, older than ``cursor``."""
        size = self._page_size["notifications"]
        return self._listing(lambda: self.api.notifications(max_id=cursor, limit=size))

    def own_statuses(self, account_id: str, cursor: str | None) -> Listing[Entity]:
        """Return one page of the account's statuses (boosts included), newest first."""
        size = self._page_size["statuses"]
        return self._listing(
            lambda: self.api.account_statuses(account_id, max_id=cursor, limit=size)
        )

    def conversations(self, cursor: str | None) -> Listing[Entity]:
        """Return one page of direct conversations, most recently active first."""
        size = self._page_size["conversations"]
        return self._listing(lambda: self.api.conversations(max_id=cursor, limit=size))

    def favourites(self, cursor: str | None) -> Listing[Entity]:
        """Return one page of the statuses the user favourited, most recent first."""
        size = self._page_size["statuses"]
        return self._listing(lambda: self.api.favourites(max_id=cursor, limit=size))

    def followers(self, account_id: str, cursor: str | None) -> Listing[Entity]:
        """Return one page of the accounts that follow ``account_id``, newest follow first."""
        size = self._page_size["accounts"]
        return self._listing(
            lambda: self.api.account_followers(account_id, max_id=cursor, limit=size)
        )

    def following(self, account_id: str, cursor: str | None) -> Listing[Entity]:
        """Return one page of the accounts ``account_id`` follows, newest follow first."""
        size = self._page_size["accounts"]
        return self._listing(
            lambda: self.api.account_following(account_id, max_id=cursor, limit=size)
        )

    def context(self, status_id: str) -> Entity:
        """Return a status's thread context: its ancestors and descendants."""
        found: Entity = self._call(lambda: self.api.status_context(status_id))
        return found

    def _listing(self, request: Callable[[], Any]) -> Listing[Entity]:
        page = self._call(request)
        items = list(page) if isinstance(page, list) else []
        pagination = getattr(page, "_pagination_next", None)
        cursor = pagination.get("max_id") if isinstance(pagination, Mapping) else None
        return Listing(items, None if cursor is None else str(cursor))

    # -- failures -------------------------------------------------------------------------------

    def _call(self, request: Callable[[], T]) -> T:
        """Run one request under the policy, after waiting out an exhausted rate limit."""
        self._pace()
        return self._policy.call(lambda: _translated(self.instance, request, self._retry_after))

    def _pace(self) -> None:
        """Wait for the rate limit to reset when the last answer said none is left."""
        remaining = self._headers.get("X-RateLimit-Remaining")
        if remaining is None or not remaining.strip().isdigit() or int(remaining) > 0:
            return
        reset = _reset_time(self._headers.get("X-RateLimit-Reset"))
        if reset is not None:
            self._headers = {}
            self._policy.wait(reset - self._policy.clock(), "the server's rate limit")

    def _retry_after(self) -> float:
        """Return how long the last answer asked to wait (Retry-After, else the limit's reset)."""
        retry = _retry_seconds(self._headers.get("Retry-After"), self._policy.clock())
        if retry is not None:
            return retry
        reset = _reset_time(self._headers.get("X-RateLimit-Reset"))
        return max(1.0, reset - self._policy.clock()) if reset is not None else 60.0

    def _remember_headers(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self._headers = response.headers


def _translated(
    instance: str, request: Callable[[], T], retry_after: Callable[[], float] | None = None
) -> T:
    """Run a Mastodon.py request, turning its exceptions into amity's errors and signals."""
    try:
        return request()
    except MastodonRatelimitError:
        wait = retry_after() if retry_after is not None else 60.0
        limit = ServerFailed(f"{instance} keeps saying: too many requests")
        raise RateLimited(wait, limit) from None
    except MastodonUnauthorizedError as error:
        raise CredentialsRejected(
            f"{instance} no longer accepts amity's access token ({_said(error)})",
            state="revoked",
        ) from None
    except MastodonNotFoundError as error:
        raise NotFound(f"{instance} has no such thing ({_said(error)})") from None
    except MastodonServerError as error:
        raise Retry(ServerFailed(f"{instance} failed: {_said(error)}")) from None
    except MastodonNetworkError as error:
        raise Retry(_unreachable(instance, error)) from None
    except MastodonIllegalArgumentError as error:
        raise BadCredentials(f"{instance} refused the sign-in: {error}") from None
    except MastodonAPIError as error:
        if "parse response as JSON" in str(error):
            raise Retry(
                ServerFailed(
                    f"{instance} answered with a web page, not the Mastodon API",
                    hint="Check the instance address; if it is right, the server may be down"
                    " or behind maintenance: try again later.",
                )
            ) from None
        raise ServerFailed(f"{instance} refused the request: {_said(error)}") from None


def _said(error: Exception) -> str:
    """Return what a Mastodon.py error says the server answered: status and message."""
    args = error.args
    if len(args) >= 4:
        status, reason, message = args[1], args[2], args[3]
        return f"{status} {reason}" + (f": {message}" if message else "")
    return str(error)


def _unreachable(instance: str, error: Exception) -> AmityError:
    return ServerUnreachable(
        f"cannot reach {instance}",
        hint="Check your connection and the instance address, then run the command again.",
    )


def _reset_time(value: str | None) -> float | None:
    """Return an ``X-RateLimit-Reset`` (ISO 8601, as Mastodon writes it) as epoch seconds."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return float(value) if value.strip().isdigit() else None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def _retry_seconds(value: str | None, now: float) -> float | None:
    """Return a ``Retry-After`` (seconds, or an HTTP date) as seconds from ``now``."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        return parsedate_to_datetime(text).timestamp() - now
    except (TypeError, ValueError):
        return None
