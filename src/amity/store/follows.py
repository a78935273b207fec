"""The follow graph: who follows whom among the accounts the store knows, and since when; and
whom the user keeps away (blocks and mutes).

Follows are stored as ``follow`` interactions (actor follows target). X's ``follower.js`` and
``following.js`` give no dates, Bluesky follow records do, and a Mastodon follows CSV does not;
``since`` is -1 where the export did not say. Edges are between accounts, not people: the graph
analyses (influence of an audience) are about accounts on one network.
"""

from __future__ import annotations

from sqlalchemy import Connection, select

from amity.model import KEEP_AWAY_KINDS, InteractionKind
from amity.store.schema import accounts, interactions


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
