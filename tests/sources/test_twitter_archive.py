"""The X archive parser, against real archives and a hand-written 2012-2018 one.

The real archives are personal: these tests compare counts, ids and structure, and build their
assertion values from ids and booleans so that a failure never prints a tweet or a message.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest

from amity.errors import SourceError
from amity.model import Account, Interaction, Post, Problem, Record
from amity.sources.container import Container
from amity.sources.twitter import archive
from amity.sources.twitter.normalize import (
    ItemError,
    expand_text,
    parse_status_url,
    parse_time,
)

FIXTURES = Path(__file__).parent.parent / "fixtures" / "twitter"
ANDRE = FIXTURES / "andreruffert"
EROIJA = FIXTURES / "eroija"
SIMONW = FIXTURES / "twitter-to-sqlite"
GRAILBIRD = FIXTURES / "grailbird"
ANDRE_ID = "112769581"
EROIJA_ID = "1308602301154811905"


class Records(list[Record]):
    """The records of one archive, shown by count only: a failure never prints a tweet."""

    def __repr__(self) -> str:
        return f"<{len(self)} records>"


def read_all(path: Path) -> Records:
    with Container(path) as container:
        return Records(archive.read(container))


def load_js(path: Path) -> Any:
    """Parse an archive file independently of the code under test."""
    text = path.read_text(encoding="utf-8-sig")
    return json.loads(text[text.index("=") + 1 :])


def tweets_of(path: Path) -> list[dict[str, Any]]:
    return [item.get("tweet", item) for item in load_js(path)]


T = TypeVar("T")


def of_type(records: list[Record], kind: type[T]) -> list[T]:
    return [record for record in records if isinstance(record, kind)]


def posts(records: list[Record], kind: str) -> list[Post]:
    return [post for post in of_type(records, Post) if post.kind == kind]


def edges(records: list[Record], kind: str) -> list[Interaction]:
    return [edge for edge in of_type(records, Interaction) if edge.kind == kind]


def write_js(path: Path, name: str, items: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"window.YTD.{name}.part0 = {json.dumps(items, indent=1)}", encoding="utf-8")


@pytest.fixture(scope="module")
def andre() -> list[Record]:
    return read_all(ANDRE)


@pytest.fixture(scope="module")
def eroija() -> list[Record]:
    return read_all(EROIJA)


# -- detection ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [ANDRE, EROIJA, SIMONW, GRAILBIRD, ANDRE / "data"])
def test_detect_accepts_both_layouts(path: Path) -> None:
    assert archive.detect(Container(path))


def test_detect_rejects_other_exports(tmp_path: Path) -> None:
    (tmp_path / "outbox.json").write_text("{}")
    (tmp_path / "actor.json").write_text("{}")
    assert not archive.detect(Container(tmp_path))


# -- the current layout: andreruffert -------------------------------------------------------


def test_owner_comes_first_from_account_and_profile(andre: list[Record]) -> None:
    owner = andre[0]
    assert isinstance(owner, Account)
    assert (owner.platform_id, owner.handle, owner.is_own) == (ANDRE_ID, "andreruffert", True)
    assert owner.url == "https://x.com/andreruffert"
    assert owner.created_at == datetime(2010, 2, 9, 17, 10, 5, tzinfo=UTC)
    assert owner.bio is not None and owner.website == "https://andreruffert.com"
    assert owner.avatar_url is None  # the archive points at a file inside it, not a web address
    assert sum(1 for account in of_type(andre, Account) if account.is_own) == 1


def test_every_tweet_becomes_one_post(andre: list[Record]) -> None:
    tweets = tweets_of(ANDRE / "data" / "tweets.js")
    timeline = [post for post in of_type(andre, Post) if post.kind != "dm"]
    assert len(timeline) == len(tweets) == 1986
    assert {post.platform_id for post in timeline} == {tweet["id_str"] for tweet in tweets}
    assert of_type(andre, Problem) == []


def test_replies_and_boosts_match_the_file(andre: list[Record]) -> None:
    tweets = tweets_of(ANDRE / "data" / "tweets.js")
    replies = {t["id_str"] for t in tweets if t.get("in_reply_to_status_id_str")}
    boosts = {t["id_str"] for t in tweets if t["full_text"].startswith("RT @")}
    assert {p.platform_id for p in of_type(andre, Post) if p.reply_to_id} == replies
    assert {p.platform_id for p in posts(andre, "boost")} == boosts
    assert (len(replies), len(boosts)) == (485, 643)


def test_reply_and_mention_edges_leave_out_self_and_reply_target(andre: list[Record]) -> None:
    tweets = tweets_of(ANDRE / "data" / "tweets.js")
    expected_replies, expected_mentions = Counter[str](), Counter[str]()
    for tweet in tweets:
        if tweet["full_text"].startswith("RT @"):
            continue
        target = tweet.get("in_reply_to_user_id_str")
        if target and target != ANDRE_ID:
            expected_replies[target] += 1
        mentioned = {m["id_str"] for m in tweet["entities"]["user_mentions"]}
        for user_id in mentioned - {ANDRE_ID, target, "-1"}:
            expected_mentions[user_id] += 1
    assert Counter(e.target.platform_id for e in edges(andre, "reply") if e.target) == (
        expected_replies
    )
    assert Counter(e.target.platform_id for e in edges(andre, "mention") if e.target) == (
        expected_mentions
    )
    own = [e for e in of_type(andre, Interaction) if e.kind != "follow"]
    assert all(e.actor.platform_id == ANDRE_ID for e in own)


def test_boosts_name_the_retweeted_author(andre: list[Record]) -> None:
    boosts = posts(andre, "boost")
    resolved = [post for post in boosts if post.boost_of_author is not None]
    mismatched = [
        post.platform_id
        for post in resolved
        if post.boost_of_author
        and not post.text.lower().startswith(f"rt @{(post.boost_of_author.handle or '').lower()}:")
    ]
    assert mismatched == []
    assert len(resolved) > 600  # a few name accounts X could no longer resolve (id "-1")
    assert all(post.mentions == () and post.boost_of_id is None for post in boosts)
    boost_edges = edges(andre, "boost")
    assert len(boost_edges) == len(resolved)
    assert {edge.post_id for edge in boost_edges} == {post.platform_id for post in resolved}


def test_links_are_expanded_and_quotes_split_off(andre: list[Record]) -> None:
    by_id = {tweet["id_str"]: tweet for tweet in tweets_of(ANDRE / "data" / "tweets.js")}
    leftover_short_links, quote_in_links, wrong_quote = [], [], []
    for post in of_type(andre, Post):
        entities = by_id[post.platform_id]["entities"]
        urls = [u["expanded_url"] for u in entities["urls"]]
        if any(u["url"] in post.text for u in entities["urls"]):
            leftover_short_links.append(post.platform_id)
        if post.quote_of_id:
            if not any(f"/status/{post.quote_of_id}" in url for url in urls):
                wrong_quote.append(post.platform_id)
            if any(f"/status/{post.quote_of_id}" in link for link in post.links):
                quote_in_links.append(post.platform_id)
    assert (leftover_short_links, quote_in_links, wrong_quote) == ([], [], [])
    quotes = [p for p in of_type(andre, Post) if p.quote_of_id]
    assert len(quotes) > 50
    assert all(tag == tag.lower() for p in of_type(andre, Post) for tag in p.hashtags)
    assert all("&amp;" not in p.text for p in of_type(andre, Post))


def test_counts_media_and_urls_come_from_the_tweet(andre: list[Record]) -> None:
    by_id = {tweet["id_str"]: tweet for tweet in tweets_of(ANDRE / "data" / "tweets.js")}
    wrong = []
    for post in posts(andre, "post"):
        tweet = by_id[post.platform_id]
        extended = tweet.get("extended_entities", {})
        media = extended.get("media") or tweet["entities"].get("media", [])
        if (post.like_count, post.boost_count, post.media_count) != (
            int(tweet["favorite_count"]),
            int(tweet["retweet_count"]),
            len(media),
        ):
            wrong.append(post.platform_id)
        if post.url != f"https://x.com/andreruffert/status/{post.platform_id}":
            wrong.append(post.platform_id)
    assert wrong == []
    assert all(post.created_at.tzinfo is UTC for post in of_type(andre, Post))


def test_likes_and_follows(andre: list[Record]) -> None:
    likes = load_js(ANDRE / "data" / "like.js")
    followers = load_js(ANDRE / "data" / "follower.js")
    following = load_js(ANDRE / "data" / "following.js")
    like_edges = edges(andre, "like")
    assert [edge.post_id for edge in like_edges] == [item["like"]["tweetId"] for item in likes]
    assert all(e.target is None and e.occurred_at is None for e in like_edges)
    follows = edges(andre, "follow")
    fans = {e.actor.platform_id for e in follows if e.target and e.target.platform_id == ANDRE_ID}
    idols = {e.target.platform_id for e in follows if e.target and e.actor.platform_id == ANDRE_ID}
    assert fans == {item["follower"]["accountId"] for item in followers}
    assert idols == {item["following"]["accountId"] for item in following}
    assert len(follows) == len(followers) + len(following) == 715


def test_each_account_is_announced_once(andre: list[Record]) -> None:
    ids = [account.platform_id for account in of_type(andre, Account)]
    assert len(ids) == len(set(ids))
    referenced = {e.target.platform_id for e in of_type(andre, Interaction) if e.target}
    assert referenced <= set(ids)


def test_empty_direct_message_files_give_nothing(andre: list[Record]) -> None:
    assert posts(andre, "dm") == []
    assert edges(andre, "dm") == []


# -- direct messages: eroija ----------------------------------------------------------------


def test_owner_from_manifest_when_account_js_is_missing(eroija: list[Record]) -> None:
    owner = eroija[0]
    assert isinstance(owner, Account)
    assert (owner.platform_id, owner.handle, owner.is_own) == (EROIJA_ID, "EImamai", True)


def test_every_message_create_becomes_a_dm(eroija: list[Record]) -> None:
    conversations = [item["dmConversation"] for item in load_js(EROIJA / "data/direct-messages.js")]
    created = [
        (conversation["conversationId"], message["messageCreate"])
        for conversation in conversations
        for message in conversation["messages"]
        if "messageCreate" in message
    ]
    dms = posts(eroija, "dm")
    assert len(dms) == len(created) == 256
    expected = {m["id"]: (m["senderId"], m["recipientId"], cid) for cid, m in created}
    actual = {
        dm.platform_id: (dm.author.platform_id, dm.recipients[0].platform_id, dm.thread_key)
        for dm in dms
    }
    assert actual == expected
    assert all(dm.visibility == "direct" and len(dm.recipients) == 1 for dm in dms)
    assert of_type(eroija, Problem) == []


def test_dms_run_both_ways_and_make_edges(eroija: list[Record]) -> None:
    dms = posts(eroija, "dm")
    sent = [dm for dm in dms if dm.author.platform_id == EROIJA_ID]
    received = [dm for dm in dms if dm.recipients[0].platform_id == EROIJA_ID]
    assert sent and received and len(sent) + len(received) == len(dms)
    dm_edges = edges(eroija, "dm")
    assert sorted(e.post_id or "" for e in dm_edges) == sorted(dm.platform_id for dm in dms)
    assert all(e.occurred_at is not None for e in dm_edges)
    people = {dm.author.platform_id for dm in dms} | {dm.recipients[0].platform_id for dm in dms}
    assert people - {EROIJA_ID} <= {a.platform_id for a in of_type(eroija, Account)}


def test_group_conversations_address_the_other_participants(tmp_path: Path) -> None:
    write_js(tmp_path / "data/account.js", "account", [{"account": _ACCOUNT}])
    write_js(tmp_path / "data/direct-messages-group.js", "direct_messages_group", [_GROUP])
    records = read_all(tmp_path)
    dms = {dm.platform_id: dm for dm in posts(records, "dm")}
    assert {d.author.platform_id for d in dms.values()} == {"100", "200"}
    assert {r.platform_id for r in dms["9002"].recipients} == {"200", "300"}
    assert {r.platform_id for r in dms["9003"].recipients} == {"100", "300"}
    assert len(edges(records, "dm")) == 4
    assert dms["9003"].text == "see https://example.com/agenda" and dms["9003"].media_count == 1
    problems = of_type(records, Problem)
    assert [p.item for p in problems] == ["conversation 1 message 4 (id 9004)"]


_ACCOUNT = {"accountId": "100", "username": "owner", "accountDisplayName": "Owner"}
_GROUP = {
    "dmConversation": {
        "conversationId": "1500000000000000000",
        "messages": [
            {"messageCreate": {
                "senderId": "200", "id": "9003", "createdAt": "2022-01-02T10:00:00.000Z",
                "text": "see https://t.co/abc", "mediaUrls": ["https://ton.twitter.com/x.jpg"],
                "urls": [{"url": "https://t.co/abc", "expanded": "https://example.com/agenda",
                          "display": "example.com/agenda"}],
                "reactions": [],
            }},
            {"messageCreate": {
                "senderId": "100", "id": "9002", "createdAt": "2022-01-02T09:00:00.000Z",
                "text": "hello all", "mediaUrls": [], "urls": [], "reactions": [],
            }},
            {"participantsJoin": {
                "initiatingUserId": "100", "userIds": ["300"],
                "createdAt": "2022-01-01T09:00:00.000Z",
            }},
            {"messageCreate": {"id": "9004", "createdAt": "2022-01-01T08:00:00.000Z", "text": "x"}},
            {"joinConversation": {
                "initiatingUserId": "200", "participantsSnapshot": ["100", "200"],
                "createdAt": "2022-01-01T08:00:00.000Z",
            }},
        ],
    }
}  # fmt: skip


# -- older naming, wrappers, parts, zips ----------------------------------------------------


def test_twitter_to_sqlite_snippets(tmp_path: Path) -> None:
    shutil.copytree(SIMONW, tmp_path / "data")
    api_tweets = json.loads((SIMONW / "tweets.json").read_text())
    # tweet.js (the name before 2020), items without the {"tweet": ...} wrapper.
    write_js(tmp_path / "data/tweet.js", "tweet", api_tweets)
    records = read_all(tmp_path)
    owner = records[0]
    assert isinstance(owner, Account) and owner.is_own
    assert (owner.platform_id, owner.handle, owner.display_name) == (
        "12497", "simonw", "Simon Willison"
    )  # fmt: skip
    assert owner.created_at == datetime(2006, 11, 15, 13, 18, 50, tzinfo=UTC)
    by_id = {post.platform_id: post for post in of_type(records, Post)}
    assert set(by_id) == {tweet["id_str"] for tweet in api_tweets}  # never the rounded "id"
    boost, reply, quote = (by_id[tweet["id_str"]] for tweet in api_tweets)
    assert (boost.kind, boost.boost_of_id) == ("boost", api_tweets[0]["retweeted_status"]["id_str"])
    assert boost.boost_of_author and boost.boost_of_author.handle == "drvox"
    assert reply.reply_to_author and reply.reply_to_author.platform_id == "82016165"
    assert quote.quote_of_id == api_tweets[2]["quoted_status_id_str"] and quote.links == ()
    quote_edges = edges(records, "quote")
    assert [(e.target.platform_id if e.target else None) for e in quote_edges] == ["14148390"]
    assert len(edges(records, "follow")) == 4
    assert all(a.url is None for a in of_type(records, Account) if a.platform_id == "73747798")


def _split_archive(root: Path, names: list[str], wrapped: bool) -> set[str]:
    """Write eroija's tweets over several files; return their ids."""
    shutil.copy(EROIJA / "data/manifest.js", root / "manifest.js")
    tweets = tweets_of(EROIJA / "data/tweets.js")
    size = len(tweets) // len(names) + 1
    for number, name in enumerate(names):
        part = tweets[number * size : (number + 1) * size]
        write_js(root / name, "tweets", [{"tweet": t} for t in part] if wrapped else part)
    return {tweet["id_str"] for tweet in tweets}


@pytest.mark.parametrize(
    ("names", "wrapped"),
    [
        (["tweets.js"], True),
        (["tweet.js"], False),
        (["tweets.js", "tweets-part1.js", "tweets-part2.js"], True),
        (["tweet.js", "tweet-part1.js"], False),
    ],
)
def test_tweet_files_old_new_and_split(tmp_path: Path, names: list[str], wrapped: bool) -> None:
    ids = _split_archive(tmp_path, names, wrapped)
    records = read_all(tmp_path)
    assert [p.platform_id for p in of_type(records, Post)] == [
        t["id_str"] for t in tweets_of(EROIJA / "data/tweets.js")
    ]
    assert {p.platform_id for p in of_type(records, Post)} == ids
    assert of_type(records, Problem) == []


@pytest.mark.parametrize("top", ["twitter-2022-11-23/", ""])
def test_zipped_archive_reads_like_the_folder(
    tmp_path: Path, eroija: list[Record], top: str
) -> None:
    path = tmp_path / "archive.zip"
    with zipfile.ZipFile(path, "w") as bundle:
        for member in sorted((EROIJA / "data").iterdir()):
            bundle.write(member, f"{top}data/{member.name}" if top else member.name)
    records = read_all(path)
    assert Counter(type(r).__name__ for r in records) == Counter(type(r).__name__ for r in eroija)
    same_posts = of_type(records, Post) == posts(eroija, "post") + posts(eroija, "dm")
    assert same_posts  # compared whole, but never shown: the messages are private


# -- bad input ------------------------------------------------------------------------------


def test_malformed_tweets_become_problems_and_the_rest_is_read(tmp_path: Path) -> None:
    tweets = tweets_of(EROIJA / "data/tweets.js")
    items: list[Any] = [{"tweet": t} for t in tweets]
    del items[2]["tweet"]["id_str"]
    items[4]["tweet"]["created_at"] = "sometime in 2022"
    items[6] = 42
    write_js(tmp_path / "tweets.js", "tweets", items)
    shutil.copy(EROIJA / "data/manifest.js", tmp_path / "manifest.js")
    records = read_all(tmp_path)
    problems = of_type(records, Problem)
    assert [p.item for p in problems] == [
        "tweet 3 (no id)",
        f"tweet 5 (id {tweets[4]['id_str']})",
        "tweet 7 (no id)",
    ]
    assert all(p.file.endswith("tweets.js") and p.reason for p in problems)
    assert len(of_type(records, Post)) == len(tweets) - 3


def test_cut_off_tweets_file_raises_naming_it(tmp_path: Path) -> None:
    data = (ANDRE / "data/tweets.js").read_bytes()
    shutil.copy(ANDRE / "data/account.js", tmp_path / "account.js")
    (tmp_path / "tweets.js").write_bytes(data[: len(data) // 2])
    with pytest.raises(SourceError) as caught:
        read_all(tmp_path)
    assert caught.value.file.endswith("tweets.js")


def test_archive_without_owner_raises(tmp_path: Path) -> None:
    shutil.copy(EROIJA / "data/tweets.js", tmp_path / "tweets.js")
    with pytest.raises(SourceError, match="owner"):
        read_all(tmp_path)


# -- the 2012-2018 layout -------------------------------------------------------------------

GRAILBIRD_POSTS = {
    # id: (kind, reply_to_id, reply_to_author, boost_of_id, quote_of_id)
    "612000000000000000": ("post", None, None, None, "611999999999999999"),
    "440190000000000000": ("post", "440185000000000000", "14562712", None, None),
    "440185000000000000": ("post", None, None, None, None),
    "440182360112545792": ("post", "440180000000000000", "5550001", None, None),
    "434500000000000002": ("boost", None, None, "434499999999999999", None),
    "434400000000000001": ("post", None, None, None, None),
}


def _shape(post: Post) -> tuple[str | None, ...]:
    author = post.reply_to_author.platform_id if post.reply_to_author else None
    return (post.kind, post.reply_to_id, author, post.boost_of_id, post.quote_of_id)


def test_grailbird_monthly_files() -> None:
    records = read_all(GRAILBIRD)
    owner = records[0]
    assert isinstance(owner, Account) and owner.is_own
    assert (owner.platform_id, owner.handle, owner.display_name) == (
        "14562712", "amity_example", "Amity Example"
    )  # fmt: skip
    assert owner.website == "http://example.com"
    assert owner.created_at == datetime(2008, 7, 28, 10, 15, tzinfo=UTC)
    by_id = {post.platform_id: post for post in of_type(records, Post)}
    assert {i: _shape(p) for i, p in by_id.items()} == GRAILBIRD_POSTS
    assert all(isinstance(p.raw, dict) and "id_str" in p.raw for p in by_id.values())  # not CSV
    link_post = by_id["434400000000000001"]
    assert link_post.text == (
        "New post on the blog: http://example.com/blog/shop-local #Valentines & small shops"
    )
    assert (link_post.links, link_post.hashtags) == (
        ("http://example.com/blog/shop-local",), ("valentines",)
    )  # fmt: skip
    assert by_id["440185000000000000"].media_count == 1
    assert by_id["434500000000000002"].text.endswith("<3")
    assert by_id["440182360112545792"].created_at == datetime(2014, 3, 2, 17, 10, 5, tzinfo=UTC)
    targets = {(e.kind, e.target.platform_id if e.target else "") for e in edges_all(records)}
    assert targets == {
        ("reply", "5550001"), ("mention", "5550002"), ("boost", "5550001"), ("quote", "5550002")
    }  # fmt: skip


def edges_all(records: list[Record]) -> list[Interaction]:
    return of_type(records, Interaction)


def test_grailbird_csv_only(tmp_path: Path) -> None:
    shutil.copytree(GRAILBIRD, tmp_path / "archive", ignore=shutil.ignore_patterns("tweets"))
    records = read_all(tmp_path / "archive")
    by_id = {post.platform_id: post for post in of_type(records, Post)}
    assert {i: _shape(p) for i, p in by_id.items()} == GRAILBIRD_POSTS
    assert by_id["434400000000000001"].links == ("http://example.com/blog/shop-local",)
    assert by_id["434400000000000001"].hashtags == ("valentines",)
    assert by_id["440185000000000000"].media_count == 1
    boost = by_id["434500000000000002"]
    assert boost.boost_of_author and boost.boost_of_author.platform_id == "5550001"
    assert boost.boost_of_author.handle == "jane_doe"
    kinds = sorted(e.kind for e in edges_all(records))
    assert kinds == ["boost", "reply"]  # the CSV names no mention or quoted author by id
    assert of_type(records, Problem) == []


def test_csv_without_user_details_raises(tmp_path: Path) -> None:
    shutil.copy(GRAILBIRD / "tweets.csv", tmp_path / "tweets.csv")
    with pytest.raises(SourceError, match="account file"):
        read_all(tmp_path)


def test_grailbird_data_folder_zipped_alone(tmp_path: Path) -> None:
    path = tmp_path / "data.zip"
    with zipfile.ZipFile(path, "w") as bundle:
        for member in sorted((GRAILBIRD / "data").rglob("*.js")):
            bundle.write(member, member.relative_to(GRAILBIRD).as_posix())
    records = read_all(path)
    assert {p.platform_id for p in of_type(records, Post)} == set(GRAILBIRD_POSTS)


# -- pieces ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["Sun Mar 02 17:10:05 +0000 2014", "2014-03-02 17:10:05 +0000", "2014-03-02T17:10:05.000Z"],
)
def test_parse_time_reads_every_form_x_writes(value: str) -> None:
    assert parse_time(value) == datetime(2014, 3, 2, 17, 10, 5, tzinfo=UTC)


@pytest.mark.parametrize("value", [None, "", "Sun Foo 02 17:10:05 +0000 2014", "yesterday"])
def test_parse_time_rejects_nonsense(value: str | None) -> None:
    with pytest.raises(ItemError):
        parse_time(value)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://twitter.com/bramus/status/1471087623", ("bramus", "1471087623")),
        ("https://x.com/a_b/status/123?s=20&t=xyz", ("a_b", "123")),
        ("https://mobile.twitter.com/a/status/123/", ("a", "123")),
        ("https://twitter.com/i/web/status/123", (None, "123")),
        ("https://twitter.com/a/status/123/photo/1", None),
        ("https://example.com/a/status/123", None),
        ("https://twitter.com/search?q=/status/", None),
    ],
)  # fmt: skip
def test_parse_status_url(url: str, expected: tuple[str | None, str] | None) -> None:
    assert parse_status_url(url) == expected


def test_expand_text_unescapes_once() -> None:
    entities = {"urls": [{"url": "https://t.co/x", "expanded_url": "https://e.com/?a=1&b=2"}]}
    assert expand_text("a &amp;lt; b https://t.co/x", entities) == "a &lt; b https://e.com/?a=1&b=2"
