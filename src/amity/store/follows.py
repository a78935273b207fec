"""The follow graph: who follows whom among the accounts the store knows, and since when; and
whom the user keeps away (blocks and mutes).

Follows are stored as ``follow`` interactions (actor follows target). X's ``follower.js`` and
``following.js`` give no dates, Bluesky follow records do, and a Mastodon follows CSV does not;
``since`` is -1 where the export did not say. Edges are between accounts, not people: the graph
analyses (influence of an audience) are about accounts on one network.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Connection, func, select

from amity.model import KEEP_AWAY_KINDS, InteractionKind
from amity.store.columns import read_integer_rows
from amity.store.schema import accounts, interactions


@dataclass(frozen=True, slots=True, eq=False)
class FollowGraph:
    """Directed follow edges as parallel arrays of account ids, and the user's own accounts."""

    follower: NDArray[np.int64]
    followed: NDArray[np.int64]
    since: NDArray[np.int64]
    own_accounts: tuple[int, ...]

    def __len__(self) -> int:
        return int(self.follower.size)


def get_follow_graph(connection: Connection) -> FollowGraph:
    """Return every follow edge, ordered by follower then followed account."""
    own = tuple(
        int(account_id)
        for account_id in connection.execute(
            select(accounts.c.id).where(accounts.c.is_own).order_by(accounts.c.id)
        ).scalars()
    )
    query = (
        select(
            interactions.c.actor_id,
            interactions.c.target_id,
            func.coalesce(func.min(interactions.c.occurred_at), -1),
        )
        .where(interactions.c.kind == "follow", interactions.c.target_id.is_not(None))
        .group_by(interactions.c.actor_id, interactions.c.target_id)
        .order_by(interactions.c.actor_id, interactions.c.target_id)
    )
    table = read_integer_rows(connection, query, columns=3)
    follower, followed, since = (np.ascontiguousarray(column) for column in table.T)
    return FollowGraph(follower, followed, since, own)


def get_kept_away(connection: Connection) -> dict[int, set[InteractionKind]]:
    """Return the people the user blocks or mutes on any network: person id → kinds."""
    actor, target = accounts.alias("actor"), accounts.alias("target")
    rows = connection.execute(
        select(target.c.person_id, interactions.c.kind)
        .join(actor, actor.c.id == interactions.c.actor_id)
        .join(target, target.c.id == interactions.c.target_id)
        .where(actor.c.is_own, interactions.c.kind.in_(KEEP_AWAY_KINDS))
        .distinct()
    )
    found: dict[int, set[InteractionKind]] = {}
    for person_id, kind in rows:
        if person_id is not None:
            found.setdefault(int(person_id), set()).add(kind)
    return found
