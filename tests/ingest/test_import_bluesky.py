"""Importing real Bluesky repository exports through the import path."""

from __future__ import annotations

import zipfile
from pathlib import Path

import libipld
import pytest
from sqlalchemy import Engine, func, select

from amity.config import load_settings
from amity.errors import WrongAccount
from amity.ingest import import_archives
from amity.store import open_store
from amity.store.schema import accounts, interactions, posts
from tests.ingest.helpers import snapshot, without_run_times

FIXTURES = Path(__file__).parents[1] / "fixtures" / "bluesky"
EXPORT = FIXTURES / "bnewbold.robocracy.org.20250310005405.car"
STAGING = FIXTURES / "paul_staging.repo.car"


def _types(path: Path) -> dict[str, int]:
    """Count the record types among all blocks of a CAR, history included, with libipld."""
    _, blocks = libipld.decode_car(path.read_bytes())
    counts: dict[str, int] = {}
    for block in blocks.values():
        if isinstance(block, dict) and isinstance(block.get("$type"), str):
            counts[block["$type"]] = counts.get(block["$type"], 0) + 1
    return counts


def test_counts_of_a_real_export(engine: Engine) -> None:
    types = _types(EXPORT)
    report = import_archives(engine, [EXPORT])
    assert report.archives[0].format == "bluesky"
    assert report.counts["posts"] == types["app.bsky.feed.post"] == 23
    assert report.counts["boosts"] == types["app.bsky.feed.repost"]
    assert report.counts["likes"] == types["app.bsky.feed.like"]
    assert report.counts["follows"] == types["app.bsky.graph.follow"]
    assert report.problem_count == 4  # the four other apps' collections, one problem each
    with engine.connect() as connection:
        owner = connection.execute(
            select(accounts.c.platform_id).where(accounts.c.is_own)
        ).scalar_one()
    assert owner.startswith("did:")


def test_a_second_import_changes_nothing(engine: Engine) -> None:
    import_archives(engine, [STAGING])
    before = without_run_times(snapshot(engine))
    again = import_archives(engine, [STAGING])
    assert set(again.new.values()) == {0}
    assert without_run_times(snapshot(engine)) == before


def test_replies_and_quotes_become_edges(engine: Engine) -> None:
    import_archives(engine, [STAGING])
    with engine.connect() as connection:
        kinds = dict(
            connection.execute(
                select(interactions.c.kind, func.count()).group_by(interactions.c.kind)
            ).all()
        )
        replies = connection.execute(
            select(func.count()).where(posts.c.reply_to_platform_id.is_not(None))
        ).scalar_one()
    assert kinds["like"] == 60
    assert kinds["follow"] == 8
    assert kinds["boost"] == 15
    assert replies > 0


def test_another_accounts_repository_is_refused(engine: Engine) -> None:
    import_archives(engine, [EXPORT])
    before = snapshot(engine)
    with pytest.raises(WrongAccount, match="bluesky"):
        import_archives(engine, [STAGING])
    assert snapshot(engine) == before


def test_an_export_inside_a_zip_imports_like_the_file(engine: Engine, tmp_path: Path) -> None:
    zipped = tmp_path / "bluesky-export.zip"
    with zipfile.ZipFile(zipped, "w", compression=zipfile.ZIP_DEFLATED) as zip_file:
        zip_file.write(EXPORT, "repo.car")
    report = import_archives(engine, [zipped])
    assert report.archives[0].format == "bluesky"
    assert report.counts["posts"] == 23 and report.problem_count == 4
    assert set(import_archives(engine, [EXPORT]).new.values()) == {0}


@pytest.mark.parametrize("zipped", [False, True])
def test_reading_in_a_second_process_stores_the_same(tmp_path: Path, zipped: bool) -> None:
    # The forked reader inherits the open file (or the copy of a zip member) and reads blocks by
    # position: it must see what this process would.
    export = STAGING
    if zipped:
        export = tmp_path / "export.zip"
        with zipfile.ZipFile(export, "w") as zip_file:
            zip_file.write(STAGING, "repo.car")
    stores = []
    for parallel in (True, False):
        store = open_store(load_settings(tmp_path / f"store-{parallel}", environ={}), create=True)
        import_archives(store, [export], parallel=parallel, clock=lambda: 1_700_000_000.0)
        stores.append(without_run_times(snapshot(store)))
        store.dispose()
    assert stores[0] == stores[1]
