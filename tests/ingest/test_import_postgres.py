"""The same imports on PostgreSQL: identical results to SQLite, idempotent, transactional."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from amity.errors import SourceError
from amity.ingest import import_archives
from amity.store.schema import interactions, posts, threads
from tests.ingest.helpers import snapshot, without_run_times

FIXTURES = Path(__file__).parents[1] / "fixtures"
ARCHIVES = [FIXTURES / "mastodon" / "dealingwith.zip", FIXTURES / "twitter" / "andreruffert"]

pytestmark = pytest.mark.postgres


def _shape(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            "posts": connection.execute(select(func.count()).select_from(posts)).scalar_one(),
            "edges": connection.execute(
                select(func.count()).select_from(interactions)
            ).scalar_one(),
            "threads": connection.execute(select(func.count()).select_from(threads)).scalar_one(),
            "threaded": connection.execute(
                select(func.count()).where(posts.c.thread_id.is_not(None))
            ).scalar_one(),
        }


def test_postgres_matches_sqlite(pg_store: Engine, engine: Engine) -> None:
    on_postgres = import_archives(pg_store, ARCHIVES)
    on_sqlite = import_archives(engine, ARCHIVES)
    assert on_postgres.counts == on_sqlite.counts
    assert _shape(pg_store) == _shape(engine)


def test_postgres_second_import_changes_nothing(pg_store: Engine) -> None:
    import_archives(pg_store, ARCHIVES)
    before = without_run_times(snapshot(pg_store))
    again = import_archives(pg_store, ARCHIVES)
    assert set(again.new.values()) == {0}
    assert without_run_times(snapshot(pg_store)) == before


def test_postgres_bad_file_leaves_the_store_as_it_was(pg_store: Engine, tmp_path: Path) -> None:
    import_archives(pg_store, [ARCHIVES[1]])
    before = snapshot(pg_store)
    folder = tmp_path / "cut"
    (folder / "data").mkdir(parents=True)
    for member in (ARCHIVES[1] / "data").iterdir():
        data = member.read_bytes()
        if member.name == "tweets.js":
            data = data[: len(data) // 2]
        (folder / "data" / member.name).write_bytes(data)
    with pytest.raises(SourceError, match=r"tweets\.js"):
        import_archives(pg_store, [folder])
    assert snapshot(pg_store) == before
