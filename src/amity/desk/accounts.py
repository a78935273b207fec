"""Live accounts as the user handles them: connect, list, sync, disconnect.

The one API the CLI and the web call for connected accounts. Connecting checks the credentials
against the server, stores them in the workspace's ``secrets/`` (never in the database) and the
account in the store, and fetches nothing: ``sync`` does that. A connection's ``transport`` says
how its server is reached: over the network, or, for the demo world's accounts, by the demo
servers answering in this process.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import httpx
import requests
from sqlalchemy import Engine

from amity.config import Settings
from amity.credentials import FROM_ENVIRONMENT, Secret, Vault, remember, secret_name
from amity.errors import (
    AmbiguousName,
    AmityError,
    BadCredentials,
    CredentialsRejected,
    NotFound,
    ServerFailed,
    ServerUnreachable,
    UsageError,
)
from amity.ingest.sync import (
    FOLLOW_UP_BUDGET,
    RECEIVED_KINDS,
    Progress,
    record_own_account,
    sync_account,
)
from amity.ingest.sync import SyncReport as SyncReport
from amity.model import Account, account_name
from amity.sources.bluesky.client import BlueskyClient
from amity.sources.bluesky.live import BlueskyLive
from amity.sources.bluesky.normalize import POST, REPOST
from amity.sources.bluesky.views import ViewReader
from amity.sources.live import sortable_id
from amity.sources.mastodon.client import App, MastodonClient, instance_url
from amity.sources.mastodon.entities import read_account
from amity.sources.mastodon.live import MastodonLive
from amity.sources.retry import RetryPolicy as RetryPolicy
from amity.sources.retry import Wait as Wait
from amity.store import connections as linked
from amity.store.connections import ConnectedAccount, Held
from amity.store.lookup import get_account_named

if TYPE_CHECKING:
    from amity.demo.servers import DemoServers

NETWORK, DEMO = "network", "demo"
DEMO_WORLD = "demo-world"
PLC_DIRECTORY = "https://plc.directory"


@dataclass(frozen=True, slots=True)
class Connected:
    """An account just connected: its name, where its credentials are kept, what to run next."""

    name: str
    display_name: str | None
    service: str
    secret: str
    next: str


@dataclass(frozen=True, slots=True)
class AccountStatus:
    """A connected account as ``amity accounts`` lists it."""

    name: str
    platform: str
    handle: str | None
    display_name: str | None
    service: str
    state: str
    detail: str | None
    checked_at: int | None
    last_sync_at: int | None
    held: Held
    secret: str
    demo: bool

    def as_dict(self) -> dict[str, Any]:
        """Return the status as plain data for ``--json`` (never the credentials themselves)."""
        return {
            "account": self.name,
            "platform": self.platform,
            "handle": self.handle,
            "display_name": self.display_name,
            "service": self.service,
            "state": self.state,
            "detail": self.detail,
            "checked_at": _iso(self.checked_at),
            "last_sync": _iso(self.last_sync_at),
            "held": {
                "posts": self.held.posts,
                "received": self.held.received,
                "notifications": self.held.notifications,
            },
            "credentials": self.secret,
            "demo": self.demo,
        }


@dataclass(frozen=True, slots=True)
class PendingAuthorization:
    """A Mastodon sign-in under way: where the user goes, and what finishing it needs."""

    url: str
    instance: str
    app: App
    verifier: str | None
    transport: str


@dataclass(frozen=True, slots=True)
class Disconnected:
    """An account disconnected: whether the server revoked the credentials, and a note."""

    name: str
    revoked: bool
    note: str


class Network:
    """How this workspace reaches servers: over the network, or the demo world's, in process.

    ``transport`` replaces httpx's own for the network (a proxy, or faults in tests).
    """

    def __init__(
        self,
        settings: Settings,
        *,
        policy: Callable[[], RetryPolicy] | None = None,
        on_wait: Callable[[Wait], None] | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self._policy = policy
        self._on_wait = on_wait
        self._transport = transport
        self._demo: DemoServers | None = None

    def policy(self) -> RetryPolicy:
        """Return a fresh retry policy (with the caller's clock in tests)."""
        if self._policy is not None:
            return self._policy()
        return RetryPolicy(on_wait=self._on_wait)

    def session(self, transport: str) -> requests.Session:
        """Return a requests session for Mastodon.py."""
        if transport == DEMO:
            demo: requests.Session = self.demo().requests_session()
            return demo
        return requests.Session()

    def httpx_transport(self, transport: str) -> httpx.BaseTransport | None:
        """Return the httpx transport for the atproto SDK (None: httpx's own, the network)."""
        return self.demo().httpx_transport() if transport == DEMO else self._transport

    def demo(self) -> DemoServers:
        """Return the demo world's servers (the world under the workspace's demo-world/)."""
        if self._demo is None:
            from amity.demo.servers import DemoServers

            world = self.settings.workspace / DEMO_WORLD
            if not (world / "ground_truth.json").is_file():
                raise UsageError(
                    f"there is no demo world at {world}",
                    hint="Run `amity demo` to make one in this workspace.",
                )
            self._demo = DemoServers(world)
        return self._demo


# -- connecting ------------------------------------------------------------------------------------


def begin_mastodon(
    network: Network, instance: str, *, transport: str = NETWORK
) -> PendingAuthorization:
    """Register amity on the instance (once) and return the address where the user signs in."""
    base = instance_url(instance)
    vault = Vault(network.settings)
    app = _stored_app(vault, base) or MastodonClient.register(
        base, session=network.session(transport), policy=network.policy()
    )
    vault.write(
        _app_secret(base),
        {"instance": base, "client_id": app.client_id, "client_secret": app.client_secret},
    )
    client = MastodonClient(
        base, session=network.session(transport), policy=network.policy(), app=app
    )
    authorization = client.authorization()
    return PendingAuthorization(authorization.url, base, app, authorization.verifier, transport)


def finish_mastodon(
    engine: Engine, network: Network, pending: PendingAuthorization, code: str
) -> Connected:
    """Exchange the code the user pasted for a token, check it, and store the account."""
    if not code.strip():
        raise BadCredentials(
            "no authorisation code was given",
            hint="Open the address amity printed, authorise it, and paste the code it shows.",
        )
    session = network.session(pending.transport)
    client = MastodonClient(
        pending.instance, session=session, policy=network.policy(), app=pending.app
    )
    token = client.exchange(code, pending.verifier)
    remember(token)
    return _store_mastodon(engine, network, pending.instance, token, pending.app, pending.transport)


def connect_mastodon_token(
    engine: Engine, network: Network, instance: str, token: str, *, transport: str = NETWORK
) -> Connected:
    """Connect a Mastodon account with an access token the user made in their settings."""
    token = token.strip()
    if not token:
        raise BadCredentials(
            "no access token was given on standard input",
            hint="In Mastodon open Preferences → Development → New application (scope: read),"
            " then pipe its access token: `amity connect mastodon HOST --token-stdin < token.txt`.",
        )
    remember(token)
    base = instance_url(instance)
    return _store_mastodon(engine, network, base, token, None, transport)


def _store_mastodon(
    engine: Engine, network: Network, instance: str, token: str, app: App | None, transport: str
) -> Connected:
    client = MastodonClient(
        instance, session=network.session(transport), policy=network.policy(), token=token, app=app
    )
    try:
        me = client.me()
    except CredentialsRejected as error:
        raise BadCredentials(
            f"{instance} did not accept the access token ({error.message})",
            hint="Check that the token is whole and belongs to this instance, or run"
            f" `amity connect mastodon {_host(instance)}` to sign in instead.",
        ) from None
    owner = replace(read_account(me, instance), is_own=True)
    name = secret_name("mastodon", owner.handle or owner.platform_id)
    values = {"instance": instance, "access_token": token}
    if app is not None:
        values |= {"client_id": app.client_id, "client_secret": app.client_secret}
    return _store(engine, network, owner, instance, transport, name, values)


def connect_bluesky(
    engine: Engine,
    network: Network,
    identifier: str,
    app_password: str,
    *,
    service: str | None = None,
    transport: str = NETWORK,
) -> Connected:
    """Sign in to Bluesky with an app password, check it, and store the session."""
    identifier = identifier.strip().lstrip("@")
    remember(app_password.strip())
    base = service.rstrip("/") if service else _resolve_service(network, identifier, transport)
    client = BlueskyClient(
        base, policy=network.policy(), transport=network.httpx_transport(transport)
    )
    session = client.sign_in(identifier, app_password)
    remember(*session.split(":::"))
    profile = client.profile(client.did)
    owner = replace(ViewReader(client.did).profile(profile), is_own=True)
    name = secret_name("bluesky", owner.handle or owner.platform_id)
    values = {"service": base, "session": session}
    return _store(engine, network, owner, base, transport, name, values)


def _store(
    engine: Engine,
    network: Network,
    owner: Account,
    service: str,
    transport: str,
    name: str,
    values: dict[str, str],
) -> Connected:
    path = Vault(network.settings).write(name, values)
    now = int(time.time())
    with engine.begin() as connection:
        account_id = record_own_account(connection, owner, now=now)
        linked.upsert_connection(
            connection,
            account_id=account_id,
            platform=owner.platform,
            service=service,
            transport=transport,
            secret_name=name,
            now=now,
        )
    label = account_name(owner)
    return Connected(label, owner.display_name, service, str(path), f"amity sync {label}")


def _resolve_service(network: Network, identifier: str, transport: str) -> str:
    """Return the PDS of a handle or DID: the handle's DID, then the DID document's service."""
    if transport == DEMO:
        return network.demo().bluesky_service
    from atproto import IdResolver

    plc = network.settings.bluesky_plc or PLC_DIRECTORY
    resolver = IdResolver(plc_url=plc, timeout=10)
    try:
        did = identifier if identifier.startswith("did:") else resolver.handle.resolve(identifier)
        document = resolver.did.resolve(did) if did else None
    except Exception as error:  # the resolver raises its own errors and httpx's
        raise ServerUnreachable(
            f"cannot look up {identifier!r} ({type(error).__name__})",
            hint="Check the handle, or give your PDS address with --service URL.",
        ) from None
    endpoint = document.get_pds_endpoint() if document is not None else None
    if not endpoint:
        raise NotFound(
            f"no Bluesky account is found for {identifier!r}",
            hint="Check the handle (as in your profile, e.g. name.bsky.social), or give your"
            " PDS address with --service URL.",
        )
    return str(endpoint).rstrip("/")


# -- listing ---------------------------------------------------------------------------------------


def list_accounts(engine: Engine, network: Network, *, check: bool = True) -> list[AccountStatus]:
    """Return the connected accounts; with ``check``, ask each server how the credentials stand."""
    with engine.connect() as connection:
        found = linked.list_connections(connection)
    if check:
        for account in found:
            _check(engine, network, account)
        with engine.connect() as connection:
            found = linked.list_connections(connection)
    vault = Vault(network.settings)
    statuses = []
    with engine.connect() as connection:
        for account in found:
            secret = vault.read(account.secret_name)
            state = account.state if secret is not None else "revoked"
            detail = account.state_detail if secret is not None else "no credentials in secrets/"
            statuses.append(
                AccountStatus(
                    name=account.name,
                    platform=account.platform,
                    handle=account.handle,
                    display_name=account.display_name,
                    service=account.service,
                    state=state,
                    detail=detail,
                    checked_at=account.checked_at,
                    last_sync_at=account.last_sync_at,
                    held=linked.get_held(connection, account.account_id),
                    secret=secret.source if secret is not None else "missing",
                    demo=account.transport == DEMO,
                )
            )
    return statuses


def _check(engine: Engine, network: Network, account: ConnectedAccount) -> None:
    """Ask the account's server whether the credentials still work; record the answer."""
    state, detail = "ok", None
    try:
        with _opened(engine, network, account):
            pass
    except CredentialsRejected as error:
        state, detail = error.state, error.message
    except (ServerUnreachable, ServerFailed) as error:
        state, detail = "unreachable", error.message
    except BadCredentials as error:
        state, detail = "revoked", error.message
    with engine.begin() as connection:
        linked.set_state(connection, account.id, state, detail, now=int(time.time()))


# -- syncing ---------------------------------------------------------------------------------------


def sync(
    engine: Engine,
    network: Network,
    name: str | None = None,
    *,
    progress: Callable[[str], Progress] | None = None,
    thread_budget: int | None = None,
) -> list[SyncReport]:
    """Sync one connected account, or all of them; return a report for each."""
    with engine.connect() as connection:
        found = linked.list_connections(connection)
    if not found:
        raise NotFound(
            "no account is connected to sync",
            hint="Connect one first: `amity connect mastodon HOST`, or"
            " `amity connect bluesky HANDLE --password-stdin`.",
        )
    chosen = [_named(engine, found, name)] if name else found
    reports = []
    for account in chosen:
        reports.append(_sync_one(engine, network, account, progress, thread_budget))
    return reports


def _sync_one(
    engine: Engine,
    network: Network,
    account: ConnectedAccount,
    progress: Callable[[str], Progress] | None,
    thread_budget: int | None,
) -> SyncReport:
    try:
        with _opened(engine, network, account) as opened:
            source, owner = opened
            with engine.begin() as connection:
                record_own_account(connection, owner, now=int(time.time()))
            return sync_account(
                engine,
                account.id,
                source,
                name=account.name,
                progress=progress(account.name) if progress else None,
                thread_budget=FOLLOW_UP_BUDGET if thread_budget is None else thread_budget,
            )
    except CredentialsRejected as error:
        _set_state(engine, account.id, error.state, error.message)
        raise CredentialsRejected(
            f"{account.name}: {error.message}; what was fetched before is kept",
            state=error.state,
            hint=f"Connect it again: `{_connect_line(account)}`",
        ) from None
    except (ServerUnreachable, ServerFailed) as error:
        _set_state(engine, account.id, "unreachable", error.message)
        raise type(error)(
            f"{account.name}: {error.message}; what was fetched before is kept",
            hint=error.hint or "Run `amity sync` again later: it goes on where it stopped.",
        ) from None


@contextmanager
def _opened(
    engine: Engine, network: Network, account: ConnectedAccount
) -> Iterator[tuple[Any, Account]]:
    """Yield the account's live source, signed in, and its own account as the server has it."""
    secret = Vault(network.settings).read(account.secret_name)
    if secret is None:
        raise CredentialsRejected(
            f"there are no credentials for {account.name} in the workspace",
            state="revoked",
            hint=f"Connect it again: `{_connect_line(account)}`",
        )
    if account.platform == "mastodon":
        yield _open_mastodon(engine, network, account, secret)
    elif account.platform == "bluesky":
        yield _open_bluesky(engine, network, account, secret)
    else:
        raise UsageError(f"{account.platform} accounts cannot be synced")


def _open_mastodon(
    engine: Engine, network: Network, account: ConnectedAccount, secret: Secret
) -> tuple[MastodonLive, Account]:
    values = secret.values
    token = values.get(FROM_ENVIRONMENT) or values.get("access_token", "")
    app = None
    if values.get("client_id") and values.get("client_secret"):
        app = App(account.service, values["client_id"], values["client_secret"])
    client = MastodonClient(
        account.service,
        session=network.session(account.transport),
        policy=network.policy(),
        token=token,
        app=app,
    )
    me = client.me()
    api_id = str(me.get("id"))
    owner = replace(read_account(me, account.service), is_own=True)
    lookup = _StoreLookup(engine, account)
    live = MastodonLive(
        client,
        owner=owner,
        owner_api_id=api_id,
        lookup=lookup,
        own_posts_floor=lookup.own_status_floor(),
    )
    return live, owner


def _open_bluesky(
    engine: Engine, network: Network, account: ConnectedAccount, secret: Secret
) -> tuple[BlueskyLive, Account]:
    vault = Vault(network.settings)
    values = secret.values

    def keep(session: str) -> None:
        remember(*session.split(":::"))
        if FROM_ENVIRONMENT not in values:
            vault.write(account.secret_name, {**values, "session": session})

    client = BlueskyClient(
        account.service,
        policy=network.policy(),
        transport=network.httpx_transport(account.transport),
        on_session=keep,
    )
    if FROM_ENVIRONMENT in values:
        client.sign_in(account.handle or account.platform_id, values[FROM_ENVIRONMENT])
    else:
        client.resume(values.get("session", ""))
    profile = client.profile(client.did)
    owner = replace(ViewReader(client.did).profile(profile), is_own=True)
    floors = _StoreLookup(engine, account).bluesky_floors(owner)
    return BlueskyLive(client, owner=owner, floors=floors), owner


class _StoreLookup:
    """The store's answers a live source needs while it reads: ids it knows, where archives end."""

    def __init__(self, engine: Engine, account: ConnectedAccount) -> None:
        self._engine = engine
        self._account = account

    def __call__(self, wanted: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
        with self._engine.connect() as connection:
            return linked.find_api_ids(connection, self._account.id, wanted)

    def own_status_floor(self) -> str | None:
        """Return where a first walk of the own statuses stops: the newest one stored."""
        with self._engine.connect() as connection:
            newest = linked.get_newest_status_number(connection, self._account.account_id)
        return None if newest is None else sortable_id(newest)

    def bluesky_floors(self, owner: Account) -> dict[str, str]:
        """Return where first walks of posts and reposts stop: the newest record key stored."""
        found: dict[str, str] = {}
        with self._engine.connect() as connection:
            for collection in (POST, REPOST):
                prefix = f"at://{owner.platform_id}/{collection}/"
                newest = linked.get_newest_post_id(connection, self._account.account_id, prefix)
                if newest is not None:
                    found[collection] = newest.rsplit("/", 1)[-1]
        return found


# -- disconnecting ---------------------------------------------------------------------------------


def disconnect(engine: Engine, network: Network, name: str) -> Disconnected:
    """Revoke an account's credentials on its server where it can, and forget them here."""
    with engine.connect() as connection:
        found = linked.list_connections(connection)
    account = _named(engine, found, name)
    vault = Vault(network.settings)
    secret = vault.read(account.secret_name)
    revoked, note = False, ""
    if secret is not None and FROM_ENVIRONMENT not in secret.values:
        revoked, note = _revoke(network, account, secret)
    elif secret is not None:
        note = (
            f"the credentials come from {secret.source}: remove that variable, and revoke"
            " them on the network yourself"
        )
    vault.delete(account.secret_name)
    with engine.begin() as connection:
        linked.remove_connection(connection, account.id)
    return Disconnected(account.name, revoked, note)


def _revoke(network: Network, account: ConnectedAccount, secret: Secret) -> tuple[bool, str]:
    values = secret.values
    try:
        if account.platform == "mastodon":
            app = None
            if values.get("client_id") and values.get("client_secret"):
                app = App(account.service, values["client_id"], values["client_secret"])
            if app is None:
                return False, (
                    "the token was made in the instance's settings: delete it there"
                    " (Preferences → Development)"
                )
            client = MastodonClient(
                account.service,
                session=network.session(account.transport),
                policy=network.policy(),
                token=values.get("access_token"),
                app=app,
            )
            client.revoke()
        else:
            client_b = BlueskyClient(
                account.service,
                policy=network.policy(),
                transport=network.httpx_transport(account.transport),
            )
            client_b.resume(values.get("session", ""))
            client_b.sign_out()
    except CredentialsRejected:
        return True, "the server had already revoked them"
    except AmityError as error:
        return False, (
            f"the server could not revoke them ({error.message}); revoke amity's access in the"
            " network's settings yourself"
        )
    if account.platform == "bluesky":
        return True, "the session is ended; delete the app password in Bluesky's settings too"
    return True, ""


# -- helpers ---------------------------------------------------------------------------------------


def _named(engine: Engine, found: list[ConnectedAccount], name: str) -> ConnectedAccount:
    """Return the connected account ``name`` means: platform:handle, @handle or handle."""
    wanted = name.strip()
    bare = (
        wanted.split(":", 1)[-1].lstrip("@").lower()
        if ":" in wanted
        else wanted.lstrip("@").lower()
    )
    matches = [
        account
        for account in found
        if account.name.lower() == wanted.lower()
        or (account.handle or "").lower() == bare
        or (account.handle or "").lower().split("@")[0] == bare
    ]
    if len(matches) == 1:
        return matches[0]
    connected = ", ".join(account.name for account in found)
    if len(matches) > 1:
        raise AmbiguousName(
            f"{name!r} fits several connected accounts: {connected}",
            hint="Name it as listed by `amity accounts`.",
        )
    with engine.connect() as connection:
        try:
            account = get_account_named(connection, name)
        except (NotFound, AmbiguousName):
            account = None
    for candidate in found:
        if account is not None and candidate.platform_id == account.platform_id:
            return candidate
    raise NotFound(
        f"no connected account is named {name!r}",
        hint=f"Connected: {connected}." if connected else "No account is connected yet.",
    )


def _stored_app(vault: Vault, instance: str) -> App | None:
    secret = vault.read(_app_secret(instance))
    if secret is None:
        return None
    values = secret.values
    if values.get("client_id") and values.get("client_secret"):
        return App(instance, values["client_id"], values["client_secret"])
    return None


def _app_secret(instance: str) -> str:
    return secret_name("mastodon-app", _host(instance))


def _host(instance: str) -> str:
    return instance.split("://", 1)[-1]


def _connect_line(account: ConnectedAccount) -> str:
    if account.platform == "mastodon":
        return f"amity connect mastodon {_host(account.service)}"
    return f"amity connect bluesky {account.handle or account.platform_id} --password-stdin"


def _set_state(engine: Engine, connection_id: int, state: str, detail: str) -> None:
    with engine.begin() as connection:
        linked.set_state(connection, connection_id, state, detail, now=int(time.time()))


def _iso(moment: int | None) -> str | None:
    if moment is None:
        return None
    return datetime.fromtimestamp(moment, UTC).isoformat().replace("+00:00", "Z")


def connecting_policy() -> RetryPolicy:
    """Return the retry policy of connecting: one retry, as a wrong address should fail quickly."""
    return RetryPolicy(attempts=2)


def received_in_all(reports: Sequence[SyncReport]) -> dict[str, int]:
    """Return what the syncs of ``reports`` received, by kind, summed over the accounts."""
    new = dict.fromkeys(RECEIVED_KINDS, 0)
    for report in reports:
        for kind, count in report.new.items():
            new[kind] = new.get(kind, 0) + count
    return new
