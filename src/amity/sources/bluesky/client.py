"""Talk to a Bluesky PDS through the atproto SDK: sign in with an app password, read pages.

Only app passwords are accepted: amity never holds the password of the account itself. One is
recognised by its shape (four groups of four letters or digits) and, once signed in, by the scope
the PDS gives the session (``com.atproto.appPass``). The session (a pair of JWTs) is kept by the
caller and refreshed by the SDK as it nears expiry; every new one is handed back through
``on_session`` to be stored.

Failures map onto amity's errors once, here; rate limits (``ratelimit-reset``, ``retry-after``) and
transient failures go through the ``RetryPolicy``. Views come back as plain dicts by their wire
names, for ``views.ViewReader``.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import httpx
from atproto import Client, Session, SessionEvent
from atproto_client import models
from atproto_client.exceptions import (
    BadRequestError,
    InvokeTimeoutError,
    ModelError,
    NetworkError,
    RateLimitExceededError,
    RequestErrorBase,
    RequestException,
    UnauthorizedError,
)
from atproto_client.models.utils import get_model_as_dict
from atproto_client.request import Request
from atproto_core.exceptions import AtProtocolError
from atproto_server.auth.jwt import get_jwt_payload

from amity.errors import (
    AmityError,
    BadCredentials,
    CredentialsRejected,
    NotFound,
    ServerFailed,
    ServerUnreachable,
)
from amity.sources.live import Listing
from amity.sources.retry import RateLimited, Retry, RetryPolicy

T = TypeVar("T")
View = dict[str, Any]

TIMEOUT = 30.0
PAGE = 100
APP_PASSWORD = re.compile(r"[a-z0-9]{4}(?:-[a-z0-9]{4}){3}")
APP_PASSWORD_SCOPES = ("com.atproto.appPass", "com.atproto.appPassPrivileged")
APP_PASSWORD_HINT = (
    "amity only takes an app password, never your account password: in Bluesky open Settings →"
    ' Privacy and security → App passwords → Add App Password, give it a name ("amity"), and'
    " pass the password it shows (four groups of four characters, like abcd-efgh-ijkl-mnop)."
    ' Tick "Allow access to your direct messages" if amity should read your chats.'
)


def is_app_password(password: str) -> bool:
    """Return True when ``password`` has the shape of a Bluesky app password."""
    return APP_PASSWORD.fullmatch(password.strip()) is not None


class BlueskyClient:
    """One account's PDS, through the atproto SDK, with amity's policy for failures."""

    def __init__(
        self,
        service: str,
        *,
        policy: RetryPolicy,
        transport: httpx.BaseTransport | None = None,
        on_session: Callable[[str], None] | None = None,
    ) -> None:
        self.service = service.rstrip("/")
        self._policy = policy
        request = (
            Request(transport=transport, timeout=TIMEOUT)
            if transport is not None
            else Request(timeout=TIMEOUT)
        )
        self.client = Client(base_url=self.service, request=request)
        self._on_session = on_session
        self.client.on_session_change(self._session_changed)

    # -- sessions -------------------------------------------------------------------------------

    def sign_in(self, identifier: str, app_password: str) -> str:
        """Create a session with an app password; return it as a string to keep."""
        if not is_app_password(app_password):
            raise BadCredentials(
                "that is not an app password; amity did not send it anywhere",
                hint=APP_PASSWORD_HINT,
            )
        password = app_password.strip()

        def login() -> None:
            self.client.login(identifier, password, fetch_bsky_profile=False)

        self._call(login, signing_in=True)
        scope = _scope_of(self.client.export_session_string())
        if scope not in APP_PASSWORD_SCOPES:
            with contextlib.suppress(AmityError):
                self.sign_out()
            raise BadCredentials(
                "the password given is the account's own password, not an app password;"
                " amity signed out again and kept nothing",
                hint=APP_PASSWORD_HINT,
            )
        return self.session()

    def resume(self, session: str) -> None:
        """Take up a stored session (the SDK refreshes it when it nears expiry)."""
        self._call(lambda: self.client.login(session_string=session, fetch_bsky_profile=False))

    def sign_out(self) -> None:
        """End the session on the PDS (``deleteSession``, with the refresh token it revokes)."""
        refresh = Session.decode(self.session()).refresh_jwt
        headers = {"Authorization": f"Bearer {refresh}"}
        self._call(lambda: self.client.com.atproto.server.delete_session(headers=headers))

    def session(self) -> str:
        """Return the current session as a string to keep."""
        exported: str = self.client.export_session_string()
        return exported

    @property
    def did(self) -> str:
        """Return the DID of the signed-in account."""
        did: str = Session.decode(self.session()).did
        return did

    def _session_changed(self, event: SessionEvent, session: Session) -> None:
        if event in (SessionEvent.CREATE, SessionEvent.REFRESH) and self._on_session:
            self._on_session(session.export())

    # -- reading --------------------------------------------------------------------------------

    def profile(self, actor: str) -> View:
        """Return an account's detailed profile."""
        params = models.AppBskyActorGetProfile.Params(actor=actor)
        return _plain(self._call(lambda: self.client.app.bsky.actor.get_profile(params)))

    def notifications(self, cursor: str | None) -> Listing[View]:
        """Return one page of notifications, newest first, older than ``cursor``."""
        params = models.AppBskyNotificationListNotifications.Params(limit=PAGE, cursor=cursor)
        found = self._call(lambda: self.client.app.bsky.notification.list_notifications(params))
        return Listing([_plain(item) for item in found.notifications], found.cursor)

    def thread(self, uri: str) -> View:
        """Return a post's thread: its parents and replies."""
        params = models.AppBskyFeedGetPostThread.Params(uri=uri, depth=20, parent_height=40)
        found = self._call(lambda: self.client.app.bsky.feed.get_post_thread(params))
        return _plain(found.thread)

    def records(self, repo: str, collection: str, cursor: str | None) -> Listing[View]:
        """Return one page of a repository's records of one collection, newest first."""
        params = models.ComAtprotoRepoListRecords.Params(
            repo=repo, collection=collection, limit=PAGE, cursor=cursor
        )
        found = self._call(lambda: self.client.com.atproto.repo.list_records(params))
        return Listing([_plain(item) for item in found.records], found.cursor)

    def followers(self, actor: str, cursor: str | None) -> Listing[View]:
        """Return one page of the account's followers, newest first."""
        params = models.AppBskyGraphGetFollowers.Params(actor=actor, limit=PAGE, cursor=cursor)
        found = self._call(lambda: self.client.app.bsky.graph.get_followers(params))
        return Listing([_plain(item) for item in found.followers], found.cursor)

    def follows(self, actor: str, cursor: str | None) -> Listing[View]:
        """Return one page of the accounts the account follows, newest first."""
        params = models.AppBskyGraphGetFollows.Params(actor=actor, limit=PAGE, cursor=cursor)
        found = self._call(lambda: self.client.app.bsky.graph.get_follows(params))
        return Listing([_plain(item) for item in found.follows], found.cursor)

    def conversations(self, cursor: str | None) -> Listing[View]:
        """Return one page of chat conversations, most recently active first.

        Not every PDS reaches a chat service: the first page is tried twice, not five times.
        """
        chat = self.client.with_bsky_chat_proxy()
        params = models.ChatBskyConvoListConvos.Params(limit=PAGE, cursor=cursor)
        attempts = 2 if cursor is None else None
        found = self._call(lambda: chat.chat.bsky.convo.list_convos(params), attempts=attempts)
        return Listing([_plain(item) for item in found.convos], found.cursor)

    def messages(self, convo_id: str, cursor: str | None) -> Listing[View]:
        """Return one page of a chat conversation's messages, newest first."""
        chat = self.client.with_bsky_chat_proxy()
        params = models.ChatBskyConvoGetMessages.Params(
            convo_id=convo_id, limit=PAGE, cursor=cursor
        )
        found = self._call(lambda: chat.chat.bsky.convo.get_messages(params))
        return Listing([_plain(item) for item in found.messages], found.cursor)

    # -- failures -------------------------------------------------------------------------------

    def _call(
        self, request: Callable[[], T], *, signing_in: bool = False, attempts: int | None = None
    ) -> T:
        clock = self._policy.clock
        return self._policy.call(
            lambda: _translated(self.service, request, signing_in, clock), attempts=attempts
        )


def _translated(
    service: str, request: Callable[[], T], signing_in: bool, clock: Callable[[], float]
) -> T:
    """Run an SDK request, turning its exceptions into amity's errors and signals."""
    try:
        return request()
    except RateLimitExceededError as error:
        wait = error.retry_after
        if wait is None and error.reset_at is not None:
            wait = max(1.0, error.reset_at.timestamp() - clock())
        limit = ServerFailed(f"{service} keeps saying: too many requests")
        raise RateLimited(wait if wait is not None else 60.0, limit) from None
    except UnauthorizedError as error:
        raise _refused(service, error, signing_in) from None
    except BadRequestError as error:
        code = _error_code(error)
        if code in ("ExpiredToken", "InvalidToken"):
            raise _refused(service, error, signing_in) from None
        if code in ("NotFound", "RecordNotFound") or "not found" in _said(error).lower():
            raise NotFound(f"{service} has no such thing ({_said(error)})") from None
        raise ServerFailed(f"{service} refused the request: {_said(error)}") from None
    except NetworkError as error:  # connection failures, timeouts, 502, 409, 413
        if isinstance(error, InvokeTimeoutError) or error.response is None:
            raise Retry(_unreachable(service)) from None
        raise Retry(ServerFailed(f"{service} failed: {_said(error)}")) from None
    except RequestException as error:
        status = error.response.status_code if error.response is not None else 0
        if status == 404:
            raise NotFound(f"{service} has no such thing ({_said(error)})") from None
        if status == 501:
            raise ServerFailed(f"{service} does not offer this ({_said(error)})") from None
        failed = ServerFailed(f"{service} failed: {_said(error)}")
        if status >= 500:
            raise Retry(failed) from None
        raise failed from None
    except ModelError:
        raise Retry(
            ServerFailed(
                f"{service} answered with something that is not the Bluesky API",
                hint="Check the address (--service); if it is right the server may be down:"
                " try again later.",
            )
        ) from None
    except AtProtocolError as error:
        raise ServerFailed(f"{service} failed: {type(error).__name__}") from None


def _refused(service: str, error: RequestErrorBase, signing_in: bool) -> AmityError:
    if signing_in:
        return BadCredentials(
            f"{service} did not accept the handle and app password ({_said(error)})",
            hint="Check the handle, and make a new app password if this one was deleted. "
            + APP_PASSWORD_HINT,
        )
    code = _error_code(error)
    state = "expired" if code == "ExpiredToken" else "revoked"
    return CredentialsRejected(
        f"{service} no longer accepts amity's session ({code or 'unauthorised'})", state=state
    )


def _error_code(error: RequestErrorBase) -> str:
    content = error.response.content if error.response is not None else None
    code = getattr(content, "error", None)
    return code if isinstance(code, str) else ""


def _said(error: RequestErrorBase) -> str:
    response = error.response
    if response is None:
        return type(error).__name__
    content = response.content
    code = getattr(content, "error", None)
    message = getattr(content, "message", None)
    detail = ": ".join(part for part in (code, message) if isinstance(part, str) and part)
    return f"{response.status_code}" + (f" {detail}" if detail else "")


def _unreachable(service: str) -> AmityError:
    return ServerUnreachable(
        f"cannot reach {service}",
        hint="Check your connection and the service address, then run the command again.",
    )


def _plain(model: Any) -> View:
    """Return an SDK model as a dict by its wire names."""
    if isinstance(model, Mapping):
        return dict(model)
    plain: View = get_model_as_dict(model)
    return plain


def _scope_of(session: str) -> str | None:
    """Return the ``scope`` claim of a session's access token (read, never verified)."""
    try:
        scope = get_jwt_payload(Session.decode(session).access_jwt).scope
    except (AtProtocolError, ValueError):
        return None
    return scope if isinstance(scope, str) else None
