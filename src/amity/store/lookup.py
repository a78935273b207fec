"""Accounts by the names people give them: ``mastodon:ana@mastodon.social``, ``x:ana``, ``@ana``.

A name is a network (``mastodon``, ``twitter`` or ``x``, ``bluesky`` or ``bsky``), a colon and
the account's handle, platform id or profile address; without the network, every network is
searched. A Mastodon handle may leave out its server where only one account has that user name.
``amity.model.account_name`` writes the name that finds an account again.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, func, or_, select

from amity.errors import AmbiguousName, NotFound
from amity.model import Account, Platform, account_name
from amity.store.schema import accounts, people

NETWORKS: dict[str, Platform] = {"mastodon": "mastodon", "twitter": "twitter", "x": "twitter",
                                 "bluesky": "bluesky", "bsky": "bluesky"}  # fmt: skip
SHOWN = 5
NAME_HINT = (
    "Name an account as NETWORK:HANDLE, for example mastodon:ana@mastodon.social or x:ana;"
    " `amity people suggestions` shows accounts by these names."
)


def get_account_named(connection: Connection, name: str) -> Account:
    """Return the one account ``name`` means; fail when none or several fit."""
    rows = _account_rows(connection, name)
    if not rows:
        raise NotFound(f"no account named {name!r} in the store", hint=NAME_HINT)
    if len(rows) > 1:
        labels = ", ".join(account_name(account_from_row(row)) for row in rows[:SHOWN])
        more = f" and {len(rows) - SHOWN} more" if len(rows) > SHOWN else ""
        raise AmbiguousName(
            f"{name!r} fits {len(rows)} accounts: {labels}{more}",
            hint="Name one with its network and full handle, as listed.",
        )
    return account_from_row(rows[0])


PERSON_HINT = (
    "Name a person by one of their accounts (mastodon:ana@mastodon.social, x:ana, @ana), by"
    " their name as `amity people list` shows it, or by their number there (#12)."
)


def get_person_named(connection: Connection, name: str) -> tuple[int, str]:
    """Return the id and name of the one person ``name`` means; fail when none or several fit.

    A person is named by their number (``#12``), by one of their accounts, or by their name: the
    name amity gives them, or the display name of one of their accounts. A number or a name a
    person had before a merge finds the person they were merged into.
    """
    wanted = name.strip()
    if wanted.startswith("#") and wanted[1:].isdigit():
        ids = [_merged_into(connection, int(wanted[1:]))]
    else:
        ids = [row.person_id for row in _account_rows(connection, wanted)]
        ids = ids or _named(connection, wanted)
    found = _people_where(connection, people.c.id.in_(ids) & people.c.merged_into.is_(None))
    if not found:
        raise NotFound(f"no person named {name!r} in the store", hint=PERSON_HINT)
    if len(found) > 1:
        shown = ", ".join(f"#{pid} {label}" for pid, label in found[:SHOWN])
        more = f" and {len(found) - SHOWN} more" if len(found) > SHOWN else ""
        raise AmbiguousName(
            f"{name!r} fits {len(found)} people: {shown}{more}",
            hint="Name one by their number, as listed, or by an account with its network.",
        )
    return found[0]


def _merged_into(connection: Connection, number: int) -> int:
    """Return the person numbered ``number`` now: itself, or the person it was merged into."""
    query = select(people.c.merged_into).where(people.c.id == number)
    merged = connection.execute(query).scalar()
    return number if merged is None else int(merged)


def _named(connection: Connection, wanted: str) -> list[int]:
    """Return the people whose name, or an account's display name, is ``wanted`` (any case)."""
    lowered = wanted.lower()
    by_name = select(func.coalesce(people.c.merged_into, people.c.id)).where(
        func.lower(people.c.display_name) == lowered
    )
    by_account = select(accounts.c.person_id).where(
        func.lower(accounts.c.display_name) == lowered, accounts.c.person_id.is_not(None)
    )
    found = connection.execute(by_name.union(by_account)).scalars()
    return sorted(int(person) for person in found)


def _account_rows(connection: Connection, name: str) -> list[Any]:
    network, _, rest = name.partition(":")
    platform = NETWORKS.get(network.lower()) if rest else None
    return _matching(connection, platform, (rest if platform else name).strip())


def _people_where(connection: Connection, condition: Any) -> list[tuple[int, str]]:
    rows = connection.execute(
        select(people.c.id, people.c.display_name).where(condition).order_by(people.c.id)
    )
    return [(int(pid), label or f"#{pid}") for pid, label in rows]


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
