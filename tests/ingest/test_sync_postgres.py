"""The live sync on PostgreSQL: the same store as on SQLite, page by page, and nothing twice."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from amity.config import Settings, load_settings
from amity.desk import accounts
from amity.ingest import import_archives
from amity.ingest.sync import RECEIVED_KINDS
from amity.store.schema import interactions, notifications, posts, sync_state, threads
from tests.mastodon_replay import MastodonReplay

pytestmark = pytest.mark.postgres

TOKEN = "__MASTODON_PY_TEST_ACCESS_TOKEN"
SCENARIO = ["test_fetch_next_previous", "test_notifications", "test_status_context",
            "test_favourites", "test_instance"]  # fmt: skip


@pytest.fixture
def replay() -> Iterator[MastodonReplay]:
    with MastodonReplay(SCENARIO) as server:
        yield server


def shape(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table.name: int(
                connection.execute(select(func.count()).select_from(table)).scalar_one()
            )
            for table in (posts, interactions, notifications, threads, sync_state)
        }


def synced(engine: Engine, settings: Settings, server: MastodonReplay) -> list[dict[str, int]]:
    network = accounts.Network(settings)
    accounts.connect_mastodon_token(engine, network, server.url, TOKEN)
    return [report.new for report in accounts.sync(engine, network)]


def test_a_sync_on_postgres_stores_what_it_does_on_sqlite(
    pg_store: Engine, engine: Engine, replay: MastodonReplay, tmp_path: Path
) -> None:
    on_postgres = synced(pg_store, load_settings(tmp_path / "pg", environ={}), replay)
    on_sqlite = synced(engine, load_settings(tmp_path / "lite", environ={}), replay)
    assert on_postgres == on_sqlite
    assert on_postgres[0]["mention"] == 1
    assert shape(pg_store) == shape(engine)
    again = accounts.sync(pg_store, accounts.Network(load_settings(tmp_path / "pg", environ={})))
    assert [report.new for report in again] == [dict.fromkeys(RECEIVED_KINDS, 0)]
    assert shape(pg_store) == shape(engine)


def test_archive_then_sync_on_postgres_threads_both(pg_store: Engine, tmp_path: Path) -> None:
    archive = Path(__file__).parents[1] / "fixtures" / "mastodon" / "dealingwith.zip"
    import_archives(pg_store, [archive])
    before = shape(pg_store)
    with MastodonReplay(SCENARIO) as server:
        synced(pg_store, load_settings(tmp_path / "pg", environ={}), server)
    after = shape(pg_store)
    assert after["posts"] == before["posts"] + 11
    assert after["threads"] >= before["threads"]
