"""Secondary indexes deferred while a first import loads, and always there afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect

from amity.ingest import import_archives
from amity.store import bulk, schema
from amity.store.schema import interactions, posts

ANDRE = Path(__file__).parents[1] / "fixtures" / "twitter" / "andreruffert"


def _index_names(engine: Engine, table: str) -> set[str]:
    return {str(index["name"]) for index in inspect(engine).get_indexes(table)}


def _schema_names(table: str) -> set[str]:
    source = posts if table == "posts" else interactions
    return {str(index.name) for index in source.indexes if not index.unique}


def test_empty_tables_load_without_their_secondary_indexes(engine: Engine) -> None:
    with (
        engine.begin() as connection,
        bulk.deferred_indexes(connection, (posts, interactions)) as deferred,
    ):
        assert set(deferred) == _schema_names("posts") | _schema_names("interactions")
        assert not inspect(connection).get_indexes("posts")
    assert _index_names(engine, "posts") >= _schema_names("posts")
    assert _index_names(engine, "interactions") >= _schema_names("interactions")


def test_a_failed_load_leaves_the_indexes_as_they_were(engine: Engine) -> None:
    before = _index_names(engine, "posts")
    with (
        pytest.raises(RuntimeError),
        engine.begin() as connection,
        bulk.deferred_indexes(connection, (posts,)),
    ):
        raise RuntimeError("interrupted")
    assert _index_names(engine, "posts") == before == _schema_names("posts")


def test_tables_with_rows_keep_their_indexes_during_a_load(engine: Engine) -> None:
    import_archives(engine, [ANDRE])
    with (
        engine.begin() as connection,
        bulk.deferred_indexes(connection, (posts, interactions)) as deferred,
    ):
        assert deferred == []
        assert {i["name"] for i in inspect(connection).get_indexes("posts")} >= _schema_names(
            "posts"
        )


def test_an_import_ends_with_every_index_of_the_schema(engine: Engine) -> None:
    import_archives(engine, [ANDRE])
    import_archives(engine, [ANDRE])
    assert _index_names(engine, "posts") == _schema_names("posts")
    assert _index_names(engine, "interactions") == _schema_names("interactions")


@pytest.mark.parametrize("table", [bulk.POSTS, bulk.INTERACTIONS, bulk.NOTIFICATIONS])
def test_each_bulk_layout_fills_columns_of_its_table(table: bulk.BulkTable) -> None:
    columns = set(schema.metadata.tables[table.name].columns.keys())
    assert set(table.columns) <= columns
    assert len(set(table.columns)) == len(table.columns)
    assert table.columns[-1] == "import_run_id"


def test_a_layout_must_end_with_the_accounts_it_names() -> None:
    with pytest.raises(ValueError, match="end with the accounts"):
        bulk.BulkTable("posts", bulk.PostRow._fields, {"author": "account_id"})


def test_rows_and_threads_name_only_columns_their_tables_hold() -> None:
    for row, table in ((bulk.PayloadRow, "post_payloads"), (bulk.ThreadRow, "threads")):
        assert set(row._fields) <= set(schema.metadata.tables[table].columns.keys())
