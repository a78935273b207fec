"""The interaction history as columns of integers, ready for vectorised analysis.

Each interaction between two known people becomes one row: who acted (person id), towards whom
(person id), when (Unix seconds), what kind (an index into ``model.INTERACTION_KINDS``) and in
which thread (its id, or -1); the follow graph (follows, blocks, mutes) is not contact and is
left out (``store.follows`` reads it). People,
not accounts: where the user linked one person's accounts, their history is one. Rows stream
from the database in partitions into NumPy arrays, so a million interactions never exist as a
million Python rows at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Connection, Select, case, func, select

from amity.model import GRAPH_KINDS, INTERACTION_KINDS
from amity.store.driver import read_integer_rows
from amity.store.schema import accounts, interactions, posts


@dataclass(frozen=True, slots=True)
class History:
    """Interactions as parallel arrays, in time order, and the user's own person id."""

    actor: NDArray[np.int64]
    target: NDArray[np.int64]
    at: NDArray[np.int64]
    kind: NDArray[np.int64]
    thread: NDArray[np.int64]
    own_person: int | None


def get_history(connection: Connection) -> History:
    """Return every timed interaction between two people, oldest first."""
    # The first statement opens the transaction that the history is then read in.
    own = connection.execute(
        select(accounts.c.person_id).where(accounts.c.is_own).order_by(accounts.c.id).limit(1)
    ).scalar()
    table = read_integer_rows(connection, _history_query(), columns=5)
    actor_ids, target_ids, times, kinds, thread_ids = (
        np.ascontiguousarray(column, dtype=np.int64) for column in table.T
    )
    return History(actor_ids, target_ids, times, kinds, thread_ids, own_person=own)


def _history_query() -> Select[Any]:
    actor, target = accounts.alias("actor"), accounts.alias("target")
    kind = case(
        *((interactions.c.kind == name, index) for index, name in enumerate(INTERACTION_KINDS)),
        else_=-1,
    )
    return (
        select(
            actor.c.person_id,
            target.c.person_id,
            interactions.c.occurred_at,
            kind,
            func.coalesce(posts.c.thread_id, -1),
        )
        .join(actor, actor.c.id == interactions.c.actor_id)
        .join(target, target.c.id == interactions.c.target_id)
        .outerjoin(posts, posts.c.id == interactions.c.post_id)
        .where(
            interactions.c.occurred_at.is_not(None),
            actor.c.person_id.is_not(None),
            target.c.person_id.is_not(None),
            actor.c.person_id != target.c.person_id,
            interactions.c.kind.not_in(GRAPH_KINDS),
        )
        .order_by(interactions.c.occurred_at, interactions.c.id)
    )
