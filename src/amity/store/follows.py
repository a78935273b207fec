"""Whom the user keeps away: the people they block or mute, on any network.

The follow graph is kept as ``follow``, ``block`` and ``mute`` interactions (actor → target), dated
where the source says (Bluesky records and the live sync do; X's lists and Mastodon's CSVs do
not). Blocks and mutes are never conversation; the people behind them are left out of the
people view.
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
