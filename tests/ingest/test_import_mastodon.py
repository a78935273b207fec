"""Importing real Mastodon exports: counts, threads, sanitised HTML, idempotence."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, func, select

from amity.ingest import import_archives
from amity.store.schema import accounts, interactions, posts, threads
from tests.ingest.helpers import (
    count_collection,
    count_outbox,
    snapshot,
    unpack,
    without_run_times,
)

FIXTURES = Path(__file__).parents[1] / "fixtures" / "mastodon"
DEALINGWITH = FIXTURES / "dealingwith.zip"
ERAMDAM = FIXTURES / "eramdam-testaccount"


def test_counts_match_the_source_files(engine: Engine, tmp_path: Path) -> None:
    folder = unpack(DEALINGWITH, tmp_path / "export") / "dealingwith"
    expected = count_outbox(folder)
    report = import_archives(engine, [DEALINGWITH])
    assert report.counts["posts"] + report.counts["dms"] == expected["Create"]
    assert report.counts["dms"] == expected["direct"]
    assert report.counts["boosts"] == expected["Announce"]
    assert report.counts["likes"] == count_collection(folder / "likes.json")
    assert report.counts["bookmarks"] == count_collection(folder / "bookmarks.json")
    assert report.new == report.counts
    assert report.problem_count == 0


def test_replies_are_linked_into_threads(engine: Engine) -> None:
    import_archives(engine, [ERAMDAM])
    with engine.connect() as connection:
        replies = connection.execute(
            select(posts.c.reply_to_post_id, posts.c.thread_id).where(
                posts.c.reply_to_platform_id.is_not(None)
            )
        ).all()
        assert replies, "the test account has a self-reply thread"
        assert all(parent is not None for parent, _ in replies)
        thread_ids = {thread for _, thread in replies}
        assert None not in thread_ids
        sizes = connection.execute(select(threads.c.post_count)).scalars().all()
    assert max(sizes) >= 2


def test_self_replies_of_the_real_archive_share_their_thread(engine: Engine) -> None:
    import_archives(engine, [DEALINGWITH])
    with engine.connect() as connection:
        linked = connection.execute(
            select(posts.c.id, posts.c.thread_id, posts.c.reply_to_post_id).where(
                posts.c.reply_to_post_id.is_not(None)
            )
        ).all()
        thread_of = dict(connection.execute(select(posts.c.id, posts.c.thread_id)).all())
    assert len(linked) > 100
    assert all(thread == thread_of[parent] for _, thread, parent in linked)


def test_html_is_sanitised(engine: Engine) -> None:
    import_archives(engine, [DEALINGWITH])
    with engine.connect() as connection:
        html = connection.execute(select(posts.c.html).where(posts.c.html.is_not(None))).scalars()
        bodies = list(html)
    assert len(bodies) > 1000
    assert not any("<script" in body.lower() or " onclick=" in body.lower() for body in bodies)
    assert sum("<a " in body for body in bodies) > 100


def test_a_second_import_changes_nothing(engine: Engine) -> None:
    first = import_archives(engine, [DEALINGWITH])
    before = snapshot(engine)
    second = import_archives(engine, [DEALINGWITH])
    assert second.counts == first.counts
    assert set(second.new.values()) == {0}
    assert without_run_times(snapshot(engine)) == without_run_times(before)


def test_interactions_point_at_accounts_with_handles(engine: Engine) -> None:
    import_archives(engine, [DEALINGWITH])
    with engine.connect() as connection:
        query = select(interactions.c.kind, func.count()).group_by(interactions.c.kind)
        kinds = dict(connection.execute(query).all())
        dm_posts = connection.execute(
            select(posts.c.kind)
            .join(interactions, interactions.c.post_id == posts.c.id)
            .where(interactions.c.kind == "dm")
        ).scalars()
        assert set(dm_posts) == {"dm"}
        handled = connection.execute(
            select(func.count()).where(accounts.c.handle.is_not(None), ~accounts.c.is_own)
        ).scalar_one()
    assert kinds["reply"] > 100
    assert kinds["mention"] > 100
    assert kinds["dm"] > 20
    assert handled >= 150
