"""The interaction history as integer columns, by person."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sqlalchemy import Engine, func, select

from amity.ingest import import_archives
from amity.model import INTERACTION_KINDS
from amity.store.history import get_history
from amity.store.schema import interactions

ANDRE = Path(__file__).parents[1] / "fixtures" / "twitter" / "andreruffert"


def test_an_empty_store_has_no_history(engine: Engine) -> None:
    with engine.connect() as connection:
        history = get_history(connection)
    assert history.at.size == 0 and history.own_person is None


def test_every_timed_edge_between_two_people_is_a_row_in_time_order(engine: Engine) -> None:
    import_archives(engine, [ANDRE])
    with engine.connect() as connection:
        history = get_history(connection)
        timed = connection.execute(
            select(func.count()).where(
                interactions.c.occurred_at.is_not(None), interactions.c.target_id.is_not(None)
            )
        ).scalar_one()
        kinds = dict(
            connection.execute(
                select(interactions.c.kind, func.count())
                .where(
                    interactions.c.occurred_at.is_not(None), interactions.c.target_id.is_not(None)
                )
                .group_by(interactions.c.kind)
            ).all()
        )
    assert history.at.size == timed > 0
    assert np.all(np.diff(history.at) >= 0)
    assert np.all(history.actor != history.target)
    counted = np.bincount(history.kind, minlength=len(INTERACTION_KINDS))
    assert {INTERACTION_KINDS[i]: int(n) for i, n in enumerate(counted) if n} == kinds
    assert history.own_person is not None
    assert np.all((history.actor == history.own_person) | (history.target == history.own_person))
