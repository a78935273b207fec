"""Connected accounts and what their syncs keep: stream cursors, follow-up work, API ids."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Connection, delete, func, select, tuple_, update

from amity.model import KEEP_AWAY_KINDS, ApiId, FollowUp, account_name
from amity.store.schema import (
    accounts,
    api_ids,
    connections,
    interactions,
    notifications,
    posts,
    sync_queue,
    sync_state,
)
from amity.store.writes import dialect_insert, insert_ignoring

_CHUNK = 400


@dataclass(frozen=True, slots=True)
class ConnectedAccount:
    """One of the user's accounts connected to its network, and how it stands."""

    id: int
    account_id: int
    platform: str
    platform_id: str
    handle: str | None
    display_name: str | None
    service: str
    transport: str
    secret_name: str
    state: str
    state_detail: str | None
    checked_at: int | None
    connected_at: int
    last_sync_at: int | None

    @property
    def name(self) -> str:
        """Return how the account is named to the user: ``platform:handle``."""
        return account_name(self)


def _select() -> Any:
    return select(
        connections.c.id,
        connections.c.account_id,
        connections.c.platform,
        accounts.c.platform_id,
        accounts.c.handle,
        accounts.c.display_name,
        connections.c.service,
        connections.c.transport,
        connections.c.secret_name,
        connections.c.state,
        connections.c.state_detail,
        connections.c.checked_at,
        connections.c.connected_at,
        connections.c.last_sync_at,
    ).join(accounts, accounts.c.id == connections.c.account_id)


def list_connections(connection: Connection) -> list[ConnectedAccount]:
    """Return every connected account, by platform and handle."""
    rows = connection.execute(_select().order_by(connections.c.platform, accounts.c.handle))
    return [ConnectedAccount(*row) for row in rows]


def upsert_connection(
    connection: Connection,
    *,
    account_id: int,
    platform: str,
    service: str,
    transport: str,
    secret_name: str,
    now: int,
) -> int:
    """Record that an account is connected (again); return the connection's id."""
    found = connection.execute(
        select(connections.c.id).where(connections.c.account_id == account_id)
    ).scalar()
    values = {
        "service": service,
        "transport": transport,
        "secret_name": secret_name,
        "state": "ok",
        "state_detail": None,
        "checked_at": now,
    }
    if found is not None:
        connection.execute(update(connections).where(connections.c.id == found).values(values))
        return int(found)
    row = {**values, "account_id": account_id, "platform": platform, "connected_at": now}
    return int(
        connection.execute(connections.insert().returning(connections.c.id), row).scalar_one()
    )


def set_state(
    connection: Connection, connection_id: int, state: str, detail: str | None, *, now: int
) -> None:
    """Record how a connection stood the last time amity reached its server."""
    connection.execute(
        update(connections)
        .where(connections.c.id == connection_id)
        .values(state=state, state_detail=detail, checked_at=now)
    )


def mark_synced(connection: Connection, connection_id: int, run_id: int, *, now: int) -> None:
    """Record a finished sync of a connection."""
    connection.execute(
        update(connections)
        .where(connections.c.id == connection_id)
        .values(
            last_sync_at=now, last_sync_run_id=run_id, state="ok", state_detail=None, checked_at=now
        )
    )


def remove_connection(connection: Connection, connection_id: int) -> None:
    """Forget a connection and its cursors; the data its syncs brought stays."""
    connection.execute(delete(connections).where(connections.c.id == connection_id))


# -- stream state -----------------------------------------------------------------------------


def get_stream_state(connection: Connection, connection_id: int, stream: str) -> dict[str, Any]:
    """Return where a stream of a connection stands ({} before its first sync)."""
    raw = connection.execute(
        select(sync_state.c.state).where(
            sync_state.c.connection_id == connection_id, sync_state.c.stream == stream
        )
    ).scalar()
    state: dict[str, Any] = orjson.loads(raw) if raw else {}
    return state


def set_stream_state(
    connection: Connection, connection_id: int, stream: str, state: Mapping[str, Any], *, now: int
) -> None:
    """Store where a stream stands, in the transaction of the data it covers."""
    statement = dialect_insert(connection, sync_state)
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=["connection_id", "stream"],
            set_={"state": statement.excluded.state, "updated_at": statement.excluded.updated_at},
        ),
        {
            "connection_id": connection_id,
            "stream": stream,
            "state": orjson.dumps(dict(state)).decode(),
            "updated_at": now,
        },
    )


# -- follow-up work -----------------------------------------------------------------------------


def queue_work(
    connection: Connection, connection_id: int, kind: str, items: Iterable[FollowUp]
) -> None:
    """Queue follow-up work (threads to fetch) for a connection; known items are not doubled."""
    rows = {
        item.item: {"connection_id": connection_id, "kind": kind, "item": item.item, "at": item.at}
        for item in items
    }
    insert_ignoring(connection, sync_queue, list(rows.values()))


def get_queued(connection: Connection, connection_id: int, kind: str, limit: int) -> list[str]:
    """Return up to ``limit`` queued items of one kind, newest first."""
    query = (
        select(sync_queue.c.item)
        .where(sync_queue.c.connection_id == connection_id, sync_queue.c.kind == kind)
        .order_by(sync_queue.c.at.desc(), sync_queue.c.item)
        .limit(limit)
    )
    return list(connection.execute(query).scalars())


def count_queued(connection: Connection, connection_id: int) -> int:
    """Return how much follow-up work a connection has waiting."""
    query = select(func.count()).where(sync_queue.c.connection_id == connection_id)
    return int(connection.execute(query).scalar_one())


def drop_queued(
    connection: Connection, connection_id: int, kind: str, items: Sequence[str]
) -> None:
    """Remove done items from the queue."""
    for start in range(0, len(items), _CHUNK):
        connection.execute(
            delete(sync_queue).where(
                sync_queue.c.connection_id == connection_id,
                sync_queue.c.kind == kind,
                sync_queue.c.item.in_(items[start : start + _CHUNK]),
            )
        )


# -- API ids -------------------------------------------------------------------------------------


def save_api_ids(connection: Connection, connection_id: int, found: Sequence[ApiId]) -> None:
    """Keep the API ids learnt, beside amity's keys (a newer URI for an id replaces the old)."""
    if not found:
        return
    rows = {(item.kind, item.api_id): item.platform_id for item in found}
    statement = dialect_insert(connection, api_ids)
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=["connection_id", "kind", "api_id"],
            set_={"platform_id": statement.excluded.platform_id},
        ),
        [
            {"connection_id": connection_id, "kind": kind, "api_id": api_id, "platform_id": uri}
            for (kind, api_id), uri in rows.items()
        ],
    )


def find_api_ids(
    connection: Connection, connection_id: int, wanted: Collection[tuple[str, str]]
) -> dict[tuple[str, str], str]:
    """Return the keys amity knows for API ids: (kind, id) → status or actor URI."""
    found: dict[tuple[str, str], str] = {}
    pairs = list(wanted)
    for start in range(0, len(pairs), _CHUNK):
        chunk = pairs[start : start + _CHUNK]
        query = select(api_ids.c.kind, api_ids.c.api_id, api_ids.c.platform_id).where(
            api_ids.c.connection_id == connection_id,
            tuple_(api_ids.c.kind, api_ids.c.api_id).in_(chunk),
        )
        found.update({(kind, api_id): uri for kind, api_id, uri in connection.execute(query)})
    return found


# -- what a connection holds ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Held:
    """What the store holds for one of the user's accounts."""

    posts: int
    received: int
    notifications: int


def get_held(connection: Connection, account_id: int) -> Held:
    """Count the account's own posts, the interactions it received, and its notifications."""

    def count(query: Any) -> int:
        return int(connection.execute(query).scalar_one())

    return Held(
        posts=count(select(func.count()).where(posts.c.account_id == account_id)),
        received=count(
            select(func.count()).where(
                interactions.c.target_id == account_id,
                interactions.c.kind.not_in(KEEP_AWAY_KINDS),
            )
        ),
        notifications=count(select(func.count()).where(notifications.c.account_id == account_id)),
    )


# -- where an archive ends ------------------------------------------------------------------------

_STATUS_NUMBER = re.compile(r"/statuses/(\d+)(?:/activity)?$")


def get_newest_status_number(connection: Connection, account_id: int) -> str | None:
    """Return the number of the account's newest stored Mastodon status (from its URI)."""
    query = (
        select(posts.c.platform_id)
        .where(posts.c.account_id == account_id)
        .order_by(posts.c.created_at.desc())
        .limit(50)
    )
    numbers = [
        int(found[1])
        for uri in connection.execute(query).scalars()
        if (found := _STATUS_NUMBER.search(uri))
    ]
    return str(max(numbers)) if numbers else None


def get_newest_post_id(connection: Connection, account_id: int, prefix: str) -> str | None:
    """Return the greatest platform id among the account's posts that start with ``prefix``."""
    query = select(func.max(posts.c.platform_id)).where(
        posts.c.account_id == account_id, posts.c.platform_id.startswith(prefix, autoescape=True)
    )
    found = connection.execute(query).scalar()
    return str(found) if found is not None else None
