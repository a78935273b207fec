"""The people view on PostgreSQL: the same history and the same people as on SQLite."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Engine

from amity.desk.people import People, get_people
from amity.ingest import import_archives
from amity.store.history import get_history

FIXTURES = Path(__file__).parents[1] / "fixtures"
ARCHIVES = [FIXTURES / "mastodon" / "dealingwith.zip", FIXTURES / "twitter" / "andreruffert"]

pytestmark = pytest.mark.postgres


def _shape(found: People) -> list[tuple[tuple[str, ...], int, int, int, int]]:
    return [
        (s.person.handles, s.contact.circle, s.contact.tie.sent, s.contact.tie.received,
         s.contact.tie.last_at)
        for s in found.standings
    ]  # fmt: skip


def test_postgres_gives_the_same_people_as_sqlite(pg_store: Engine, engine: Engine) -> None:
    for store in (pg_store, engine):
        import_archives(store, ARCHIVES, clock=lambda: 1.7e9)
    with pg_store.connect() as on_postgres, engine.connect() as on_sqlite:
        histories = [get_history(on_postgres), get_history(on_sqlite)]
        found = [get_people(on_postgres), get_people(on_sqlite)]
    assert histories[0].at.size == histories[1].at.size > 1000
    assert np.array_equal(histories[0].at, histories[1].at)
    assert np.array_equal(histories[0].kind, histories[1].kind)
    assert found[0].standings and _shape(found[0]) == _shape(found[1])
    assert found[0].circle_sizes == found[1].circle_sizes
