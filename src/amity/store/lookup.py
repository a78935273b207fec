"""Accounts by the names people give them: ``mastodon:ana@mastodon.social``, ``x:ana``, ``@ana``.

A name is a network (``mastodon``, ``twitter`` or ``x``, ``bluesky`` or ``bsky``), a colon and
the account's handle, platform id or profile address; without the network, every network is
searched. A Mastodon handle may leave out its server where only one account has that user name.
``account_label`` writes the name that finds an account again.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, func, or_, select

from amity.errors import AmbiguousName, NotFound
from amity.model import Account, Platform
from amity.store.schema import accounts

NETWORKS: dict[str, Platform] = {"mastodon": "mastodon", "twitter": "twitter", "x": "twitter",
                                 "bluesky": "bluesky", "bsky": "bluesky"}  # fmt: skip
SHOWN = 5
NAME_HINT = (
    "Name an account as NETWORK:HANDLE, for example mastodon:ana@mastodon.social or x:ana;"
    " `amity people suggestions` shows accounts by these names."
)


def account_label(account: Account) -> str:
    """Return the name that finds ``account``: its network and handle, or its platform id."""
    return f"{account.platform}:{account.handle or account.platform_id}"


def get_account_named(connection: Connection, name: str) -> Account:
    """Return the one account ``name`` means; fail when none or several fit."""
    network, _, rest = name.partition(":")
    platform = NETWORKS.get(network.lower()) if rest else None
    wanted = (rest if platform else name).strip()
    rows = _matching(connection, platform, wanted)
    if not rows:
        raise NotFound(f"no account named {name!r} in the store", hint=NAME_HINT)
    if len(rows) > 1:
        labels = ", ".join(account_label(account_from_row(row)) for row in rows[:SHOWN])
        more = f" and {len(rows) - SHOWN} more" if len(rows) > SHOWN else ""
        raise AmbiguousName(
            f"{name!r} fits {len(rows)} accounts: {labels}{more}",
            hint="Name one with its network and full handle, as listed.",
        )
    return account_from_row(rows[0])


def account_from_row(row: Any) -> Account:
    """Return the account record of a row of ``accounts``."""
    created = None if row.created_at is None else datetime.fromtimestamp(row.created_at, UTC)
    return Account(
        platform=row.platform,
        platform_id=row.platform_id,
        handle=row.handle,
        display_name=row.display_name,
        url=row.url,
        bio=row.bio,
        website=row.website,
        avatar_url=row.avatar_url,
        created_at=created,
        is_own=bool(row.is_own),
    )


def _matching(connection: Connection, platform: Platform | None, wanted: str) -> list[Any]:
    """Return the rows whose handle, Mastodon user name, id or address is ``wanted``."""
    handle = wanted.lower().removeprefix("@")
    if not handle:
        return []
    lowered = func.lower(accounts.c.handle)
    query = select(accounts).where(
        or_(
            lowered == handle,
            lowered.startswith(f"{handle}@", autoescape=True),
            accounts.c.platform_id == wanted,
            accounts.c.url == wanted,
        )
    )
    if platform is not None:
        query = query.where(accounts.c.platform == platform)
    return list(connection.execute(query.order_by(accounts.c.platform, accounts.c.id)))
