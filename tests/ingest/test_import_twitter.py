"""Importing real X archives: counts against the source files, DMs both ways, both layouts."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

from sqlalchemy import Engine, func, select

from amity.ingest import import_archives
from amity.store.schema import accounts, interactions, posts
from tests.ingest.helpers import read_js_array, snapshot, without_run_times

FIXTURES = Path(__file__).parents[1] / "fixtures" / "twitter"
ANDRE = FIXTURES / "andreruffert"
EROIJA = FIXTURES / "eroija"
GRAILBIRD = FIXTURES / "grailbird"


def _tweets(folder: Path) -> list[dict[str, object]]:
    return [item.get("tweet", item) for item in read_js_array(folder / "data" / "tweets.js")]


def test_counts_match_the_source_files(engine: Engine) -> None:
    tweets = _tweets(ANDRE)
    retweets = sum(str(t["full_text"]).startswith("RT @") for t in tweets)
    report = import_archives(engine, [ANDRE])
    assert report.counts["posts"] + report.counts["boosts"] == len(tweets)
    assert report.counts["boosts"] == retweets
    assert report.counts["likes"] == len(read_js_array(ANDRE / "data" / "like.js"))
    followers = len(read_js_array(ANDRE / "data" / "follower.js"))
    following = len(read_js_array(ANDRE / "data" / "following.js"))
    assert report.counts["follows"] == followers + following
    assert report.counts["dms"] == 0
    assert report.problem_count == 0


def test_replies_point_at_their_targets(engine: Engine) -> None:
    tweets = _tweets(ANDRE)
    replies = [t for t in tweets if t.get("in_reply_to_status_id_str")]
    import_archives(engine, [ANDRE])
    with engine.connect() as connection:
        stored = connection.execute(
            select(func.count()).where(posts.c.reply_to_platform_id.is_not(None))
        ).scalar_one()
        own_thread_links = connection.execute(
            select(func.count()).where(posts.c.reply_to_post_id.is_not(None))
        ).scalar_one()
        threaded = connection.execute(
            select(func.count()).where(
                posts.c.reply_to_platform_id.is_not(None), posts.c.thread_id.is_(None)
            )
        ).scalar_one()
    own_ids = {t["id_str"] for t in tweets}
    assert stored == len(replies)
    assert own_thread_links == sum(t["in_reply_to_status_id_str"] in own_ids for t in replies)
    assert threaded == 0


def test_direct_messages_both_ways(engine: Engine) -> None:
    conversations = read_js_array(EROIJA / "data" / "direct-messages.js")
    messages = [
        m["messageCreate"]
        for c in conversations
        for m in c["dmConversation"]["messages"]
        if "messageCreate" in m
    ]
    report = import_archives(engine, [EROIJA])
    assert report.counts["dms"] == len(messages)
    with engine.connect() as connection:
        own = connection.execute(select(accounts.c.id).where(accounts.c.is_own)).scalar_one()
        sent = connection.execute(
            select(func.count()).where(interactions.c.kind == "dm", interactions.c.actor_id == own)
        ).scalar_one()
        received = connection.execute(
            select(func.count()).where(interactions.c.kind == "dm", interactions.c.target_id == own)
        ).scalar_one()
    assert sent > 0
    assert received > 0


def test_followers_known_by_id_only_are_kept(engine: Engine) -> None:
    import_archives(engine, [ANDRE])
    with engine.connect() as connection:
        unnamed = connection.execute(
            select(func.count()).where(
                accounts.c.handle.is_(None), accounts.c.platform == "twitter"
            )
        ).scalar_one()
    assert unnamed > 100


def test_a_zipped_archive_imports_like_the_folder(engine: Engine, tmp_path: Path) -> None:
    archive = tmp_path / "twitter-2022-11-14.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as handle:
        for member in (ANDRE / "data").iterdir():
            handle.write(member, f"twitter-2022-11-14/data/{member.name}")
    from_zip = import_archives(engine, [archive])
    again = import_archives(engine, [ANDRE])
    assert from_zip.counts == again.counts
    assert set(again.new.values()) == {0}


def test_the_old_name_tweet_js_reads_the_same(engine: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "old"
    shutil.copytree(ANDRE, folder)
    (folder / "data" / "tweets.js").rename(folder / "data" / "tweet.js")
    first = import_archives(engine, [ANDRE])
    state = snapshot(engine)
    second = import_archives(engine, [folder])
    assert second.counts == first.counts
    assert without_run_times(snapshot(engine)) == without_run_times(state)


def test_a_newer_export_adds_only_what_is_new(engine: Engine, tmp_path: Path) -> None:
    older = tmp_path / "older"
    shutil.copytree(ANDRE, older)
    text = (older / "data" / "tweets.js").read_text(encoding="utf-8")
    prefix, body = text.split("=", 1)
    items = json.loads(body)
    (older / "data" / "tweets.js").write_text(
        prefix + "= " + json.dumps(items[100:], indent=2), encoding="utf-8"
    )
    first = import_archives(engine, [older])
    second = import_archives(engine, [ANDRE])
    assert first.counts["posts"] + first.counts["boosts"] == len(items) - 100
    assert second.new["posts"] + second.new["boosts"] == 100
    assert second.new["likes"] == 0


def test_the_2012_2018_layout_imports(engine: Engine) -> None:
    report = import_archives(engine, [GRAILBIRD])
    assert report.archives[0].format == "twitter"
    assert report.counts["posts"] + report.counts["boosts"] > 0
    assert report.problem_count == 0


def test_a_follower_known_by_id_is_named_when_a_later_tweet_mentions_them(
    engine: Engine, tmp_path: Path
) -> None:
    import_archives(engine, [ANDRE])
    follower = read_js_array(ANDRE / "data" / "follower.js")[0]["follower"]["accountId"]
    folder = tmp_path / "later"
    shutil.copytree(ANDRE, folder)
    tweets = read_js_array(folder / "data" / "tweets.js")
    mention = {"name": "Named Later", "screen_name": "named_later", "id_str": follower,
               "id": follower, "indices": ["0", "12"]}  # fmt: skip
    tweets[0]["tweet"]["entities"]["user_mentions"] = [mention]
    text = "window.YTD.tweets.part0 = " + json.dumps(tweets)
    (folder / "data" / "tweets.js").write_text(text, encoding="utf-8")

    def stored() -> tuple[int, str | None, str | None]:
        query = select(accounts.c.id, accounts.c.handle, accounts.c.display_name).where(
            accounts.c.platform == "twitter", accounts.c.platform_id == follower
        )
        with engine.connect() as connection:
            return tuple(connection.execute(query).one())  # type: ignore[return-value]

    account_id, handle, _ = stored()
    assert handle is None
    import_archives(engine, [folder])
    assert stored() == (account_id, "named_later", "Named Later")
    with engine.connect() as connection:
        edges = connection.execute(
            select(func.count()).where(
                interactions.c.kind == "follow", interactions.c.actor_id == account_id
            )
        ).scalar_one()
    assert edges == 1


def test_blocks_and_mutes_are_edges_from_the_owner(engine: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    shutil.copytree(EROIJA, folder)
    blocked, muted = ["3333333333333333333", "4444444444444444444"], ["5555555555555555555"]

    def write(stem: str, key: str, ids: list[str]) -> None:
        items = [
            {key: {"accountId": i, "userLink": f"https://twitter.com/intent/user?user_id={i}"}}
            for i in ids
        ]
        text = f"window.YTD.{stem}.part0 = {json.dumps(items, indent=2)}"
        (folder / "data" / f"{stem}.js").write_text(text)

    write("block", "blocking", blocked)
    write("mute", "muting", muted)
    report = import_archives(engine, [folder])
    assert (report.counts["blocks"], report.counts["mutes"]) == (2, 1)
    own = select(accounts.c.id).where(accounts.c.is_own).scalar_subquery()
    with engine.connect() as connection:
        edges = connection.execute(
            select(interactions.c.kind, accounts.c.platform_id)
            .join(accounts, accounts.c.id == interactions.c.target_id)
            .where(interactions.c.kind.in_(("block", "mute")), interactions.c.actor_id == own)
            .order_by(accounts.c.platform_id)
        ).all()
    assert [tuple(edge) for edge in edges] == [
        ("block", blocked[0]),
        ("block", blocked[1]),
        ("mute", muted[0]),
    ]
    assert set(import_archives(engine, [folder]).new.values()) == {0}
