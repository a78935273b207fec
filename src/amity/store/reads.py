"""Store reads: counts and summaries, each a small query returning plain values."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, func, or_, select

from amity.model import Account
from amity.store.schema import accounts, import_runs, interactions, people, posts, threads

RECORD_KINDS = ("posts", "boosts", "likes", "bookmarks", "follows", "dms", "blocks", "mutes")


def get_own_accounts(connection: Connection) -> list[Account]:
    """Return the user's own accounts, one or more per platform."""
    rows = connection.execute(
        select(accounts).where(accounts.c.is_own).order_by(accounts.c.platform, accounts.c.id)
    )
    return [
        Account(
            platform=row.platform,
            platform_id=row.platform_id,
            handle=row.handle,
            display_name=row.display_name,
            is_own=True,
        )
        for row in rows
    ]


def get_own_account_ids(connection: Connection) -> list[int]:
    """Return the store ids of the user's own accounts."""
    return list(connection.execute(select(accounts.c.id).where(accounts.c.is_own)).scalars())


def count_records(connection: Connection, own_ids: Collection[int]) -> dict[str, int]:
    """Count what the store holds of the given own accounts, by kind of record."""
    if not own_ids:
        return dict.fromkeys(RECORD_KINDS, 0)
    ids = list(own_ids)

    def count_posts(kind: str) -> int:
        query = select(func.count()).where(posts.c.kind == kind, posts.c.account_id.in_(ids))
        return int(connection.execute(query).scalar_one())

    def count_edges(kind: str, *, either_side: bool = False) -> int:
        side: ColumnElement[bool] = interactions.c.actor_id.in_(ids)
        if either_side:
            side = or_(side, interactions.c.target_id.in_(ids))
        query = select(func.count()).where(interactions.c.kind == kind, side)
        return int(connection.execute(query).scalar_one())

    received_dms = select(interactions.c.post_id).where(
        interactions.c.kind == "dm", interactions.c.target_id.in_(ids)
    )
    dms = connection.execute(
        select(func.count()).where(
            posts.c.kind == "dm", or_(posts.c.account_id.in_(ids), posts.c.id.in_(received_dms))
        )
    ).scalar_one()
    return {
        "posts": count_posts("post"),
        "boosts": count_posts("boost"),
        "likes": count_edges("like"),
        "bookmarks": count_edges("bookmark"),
        "follows": count_edges("follow", either_side=True),
        "dms": int(dms),
        "blocks": count_edges("block"),
        "mutes": count_edges("mute"),
    }


@dataclass(frozen=True, slots=True)
class StoreTotals:
    """How much the whole store holds."""

    accounts: int
    people: int
    posts: int
    interactions: int
    threads: int
    import_runs: int


def get_totals(connection: Connection) -> StoreTotals:
    """Count the rows of the main tables."""

    def count(table: object) -> int:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]

    live_people = people.select().where(people.c.merged_into.is_(None)).subquery()
    return StoreTotals(
        accounts=count(accounts),
        people=count(live_people),  # a person merged into another is only a number now
        posts=count(posts),
        interactions=count(interactions),
        threads=count(threads),
        import_runs=count(import_runs),
    )


def count_posts_by_kind(connection: Connection, own_ids: Collection[int]) -> dict[str, int]:
    """Count the user's posts by kind of post: top-level, reply, boost, dm (sent)."""
    ids = list(own_ids)
    if not ids:
        return {}
    reply = posts.c.reply_to_platform_id.is_not(None)
    rows = connection.execute(
        select(posts.c.platform, posts.c.kind, reply.label("is_reply"), func.count())
        .where(posts.c.account_id.in_(ids))
        .group_by(posts.c.platform, posts.c.kind, reply)
    ).all()
    result: dict[str, int] = {}
    for platform, kind, is_reply, number in rows:
        label = (
            "reply" if kind == "post" and is_reply else ("top-level" if kind == "post" else kind)
        )
        key = f"{platform}:{label}"
        result[key] = result.get(key, 0) + int(number)
    return result
