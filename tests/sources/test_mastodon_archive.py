"""The Mastodon export reader, on real exports and on synthetic variants of the format.

The real exports are personal: these tests assert on counts, structure and ids, and compare text
only through booleans, so that no failure prints what someone wrote.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any, TypeVar

import pytest

from amity.errors import SourceError
from amity.model import Account, AccountRef, Interaction, Post, Problem, Record
from amity.sources.container import Container
from amity.sources.mastodon import archive

FIXTURES = Path(__file__).parent.parent / "fixtures" / "mastodon"
ERAMDAM = FIXTURES / "eramdam-testaccount"
DEALINGWITH = FIXTURES / "dealingwith.zip"

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
OWNER = "https://example.social/users/alice"
FOLLOWERS = f"{OWNER}/followers"
BOB = "https://other.example/users/bob"
HANDLER = re.compile(r"<[^>]*\son\w+\s*=", re.IGNORECASE)
T = TypeVar("T")


def read_all(path: Path) -> list[Record]:
    with Container(path) as container:
        return list(archive.read(container))


def of_type(records: list[Record], kind: type[T]) -> list[T]:
    return [record for record in records if isinstance(record, kind)]


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def load_zipped(name: str) -> Any:
    with zipfile.ZipFile(DEALINGWITH) as bundle:
        return json.loads(bundle.read(f"dealingwith/{name}"))


# -- the eramdam test account: 9 posts, every visibility ----------------------------------------


@pytest.fixture(scope="module")
def eramdam() -> list[Record]:
    return read_all(ERAMDAM)


@pytest.fixture(scope="module")
def eramdam_items() -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = load_json(ERAMDAM / "outbox.json")["orderedItems"]
    return items


def test_detect_needs_actor_and_outbox(tmp_path: Path) -> None:
    (tmp_path / "outbox.json").write_text("{}")
    with Container(ERAMDAM) as container:
        assert archive.detect(container)
    with Container(tmp_path) as container:
        assert not archive.detect(container)


def test_owner_comes_first_and_a_service_actor_is_accepted(eramdam: list[Record]) -> None:
    owner = eramdam[0]
    actor = load_json(ERAMDAM / "actor.json")
    assert isinstance(owner, Account)
    assert owner.is_own
    assert actor["type"] == "Service"
    assert owner.platform_id == actor["id"]
    assert owner.handle == "zapdos@social.erambert.me"
    assert owner.created_at is not None and owner.created_at.utcoffset() is not None
    assert owner.raw is not None and "publicKey" not in owner.raw
    assert owner.website is None  # its profile fields hold no links


def test_every_create_becomes_a_post(
    eramdam: list[Record], eramdam_items: list[dict[str, Any]]
) -> None:
    posts = of_type(eramdam, Post)
    assert len(eramdam_items) == 9
    assert [post.platform_id for post in posts] == [item["object"]["id"] for item in eramdam_items]
    assert not of_type(eramdam, Problem)
    assert all(post.created_at.utcoffset() is not None for post in posts)
    assert {post.language for post in posts} == {"en"}


def test_self_reply_thread_links_up_without_interactions(eramdam: list[Record]) -> None:
    owner = eramdam[0]
    assert isinstance(owner, Account)
    posts = of_type(eramdam, Post)
    ids = {post.platform_id for post in posts}
    replies = [post for post in posts if post.reply_to_id]
    assert len(replies) == 7
    assert all(post.reply_to_id in ids for post in replies)
    assert all(post.reply_to_author == owner.ref for post in replies)
    assert len({post.thread_key for post in posts}) == 2
    assert not of_type(eramdam, Interaction)
    assert of_type(eramdam, Account) == [owner]


def test_visibility_is_mapped_from_the_audience(eramdam: list[Record]) -> None:
    posts = of_type(eramdam, Post)
    visibility = Counter(post.visibility for post in posts)
    assert visibility == {"public": 6, "unlisted": 1, "followers": 1, "direct": 1}
    assert [post.kind for post in posts if post.visibility == "direct"] == ["dm"]
    assert all(post.kind == "post" for post in posts if post.visibility != "direct")


def test_media_counts_match_the_attachments(
    eramdam: list[Record], eramdam_items: list[dict[str, Any]]
) -> None:
    posts = of_type(eramdam, Post)
    expected = [len(item["object"]["attachment"]) for item in eramdam_items]
    assert [post.media_count for post in posts] == expected
    assert sum(expected) >= 3


def test_content_warning_leads_the_text(
    eramdam: list[Record], eramdam_items: list[dict[str, Any]]
) -> None:
    warned = [item["object"] for item in eramdam_items if item["object"]["summary"]]
    assert len(warned) == 1
    post = next(p for p in of_type(eramdam, Post) if p.platform_id == warned[0]["id"])
    leads = post.text.startswith(warned[0]["summary"] + "\n\n")
    assert leads
    assert post.html is not None and "<p>" in post.html


# -- dealingwith: a real account with 1586 activities -------------------------------------------


@pytest.fixture(scope="module")
def dealingwith() -> list[Record]:
    return read_all(DEALINGWITH)


@pytest.fixture(scope="module")
def outbox_items() -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = load_zipped("outbox.json")["orderedItems"]
    return items


def is_direct(item: dict[str, Any], followers: str) -> bool:
    audience = [*item["to"], *item["cc"]]
    return PUBLIC not in audience and followers not in audience


def test_counts_match_the_source_files(
    dealingwith: list[Record], outbox_items: list[dict[str, Any]]
) -> None:
    kinds = Counter(item["type"] for item in outbox_items)
    posts = Counter(post.kind for post in of_type(dealingwith, Post))
    interactions = Counter(edge.kind for edge in of_type(dealingwith, Interaction))
    assert kinds["Create"] + kinds["Announce"] == len(outbox_items)
    assert posts["post"] + posts["dm"] == kinds["Create"]
    assert posts["boost"] == kinds["Announce"]
    assert interactions["like"] == len(load_zipped("likes.json")["orderedItems"])
    assert interactions["bookmark"] == len(load_zipped("bookmarks.json")["orderedItems"])
    assert not of_type(dealingwith, Problem)


def test_direct_messages_are_the_direct_creates(
    dealingwith: list[Record], outbox_items: list[dict[str, Any]]
) -> None:
    followers = load_zipped("actor.json")["followers"]
    direct = {
        item["object"]["id"]
        for item in outbox_items
        if item["type"] == "Create" and is_direct(item, followers)
    }
    dms = {post.platform_id for post in of_type(dealingwith, Post) if post.kind == "dm"}
    assert dms == direct
    assert len(dms) == 35


def test_replies_to_others_are_interactions_and_self_replies_are_not(
    dealingwith: list[Record], outbox_items: list[dict[str, Any]]
) -> None:
    owner = load_zipped("actor.json")["id"]
    # A direct message that answers one is a message (a dm edge), not a reply.
    direct = {post.platform_id for post in of_type(dealingwith, Post) if post.kind == "dm"}
    others = [
        item["object"]["inReplyTo"]
        for item in outbox_items
        if item["type"] == "Create"
        and item["object"]["inReplyTo"]
        and not item["object"]["inReplyTo"].startswith(owner + "/")
        and item["object"]["id"] not in direct
    ]
    derivable = [uri for uri in others if "/users/" in uri and "/statuses/" in uri]
    replies = [edge for edge in of_type(dealingwith, Interaction) if edge.kind == "reply"]
    assert len(replies) == len(derivable)
    assert all(edge.target is not None and edge.target.platform_id != owner for edge in replies)


def test_each_other_account_comes_once_before_it_is_used(dealingwith: list[Record]) -> None:
    owner = dealingwith[0]
    assert isinstance(owner, Account)
    yielded = {owner.platform_id}
    for record in dealingwith[1:]:
        if isinstance(record, Account):
            assert record.platform_id not in yielded
            assert not record.is_own
            yielded.add(record.platform_id)
        elif isinstance(record, Interaction) and record.target is not None:
            assert record.target.platform_id in yielded
    assert len(yielded) > 150


def test_boosts_point_at_the_boosted_post(
    dealingwith: list[Record], outbox_items: list[dict[str, Any]]
) -> None:
    announced = [item["object"] for item in outbox_items if item["type"] == "Announce"]
    boosts = [post for post in of_type(dealingwith, Post) if post.kind == "boost"]
    assert [post.boost_of_id for post in boosts] == announced
    known = [post for post in boosts if post.boost_of_author is not None]
    assert len(known) == sum("/users/" in uri and "/statuses/" in uri for uri in announced)


def test_html_is_sanitised_and_links_kept(dealingwith: list[Record]) -> None:
    posts = [post for post in of_type(dealingwith, Post) if post.kind != "boost"]
    markup = [post.html or "" for post in posts]
    assert not any("<script" in html.lower() for html in markup)
    assert not any(HANDLER.search(html) for html in markup)
    links = [link for post in posts for link in post.links]
    assert len(links) > 100
    assert all(link.startswith(("https://", "http://")) for link in links)
    assert all("#" not in tag and tag == tag.lower() for post in posts for tag in post.hashtags)
    assert sum(len(post.hashtags) for post in posts) > 50
    assert sum(len(post.mentions) for post in posts) > 250


def test_script_in_a_real_post_is_removed(
    tmp_path: Path, outbox_items: list[dict[str, Any]]
) -> None:
    item = json.loads(json.dumps(next(i for i in outbox_items if i["type"] == "Create")))
    item["object"]["content"] = (
        '<p>see <a href="https://example.org/x" onclick="steal()">this</a></p>'
        "<script>alert(1)</script><img src=x onerror=alert(2)>"
    )
    container = write_export(tmp_path, [item], actor=load_zipped("actor.json"))
    post = of_type(list(archive.read(container)), Post)[0]
    assert post.html is not None
    assert "script" not in post.html and "onclick" not in post.html and "onerror" not in post.html
    assert 'href="https://example.org/x"' in post.html
    assert post.links == ("https://example.org/x",)
    assert "alert" not in post.text


# -- synthetic variants of the format -----------------------------------------------------------


def make_actor(**changes: Any) -> dict[str, Any]:
    actor = {
        "id": OWNER,
        "type": "Person",
        "preferredUsername": "alice",
        "name": "Alice",
        "summary": "<p>Knits &amp; writes.</p><p>Second line</p>",
        "url": "https://example.social/@alice",
        "published": "2017-04-01T00:00:00Z",
        "followers": FOLLOWERS,
        "publicKey": {"id": f"{OWNER}#main-key", "publicKeyPem": "-----BEGIN PUBLIC KEY-----"},
        "attachment": [
            {"type": "PropertyValue", "name": "Pronouns", "value": "she/her"},
            {
                "type": "PropertyValue",
                "name": "Blog",
                "value": '<a href="https://alice.example/" rel="me nofollow">alice.example</a>',
            },
        ],
        "icon": {"type": "Image", "mediaType": "image/png", "url": "avatar.png"},
    }
    actor.update(changes)
    return actor


def make_create(number: int, **changes: Any) -> dict[str, Any]:
    status = f"{OWNER}/statuses/{number}"
    note = {
        "id": status,
        "type": "Note",
        "summary": None,
        "inReplyTo": None,
        "published": "2024-03-01T10:00:00Z",
        "url": f"https://example.social/@alice/{number}",
        "to": [PUBLIC],
        "cc": [FOLLOWERS],
        "content": "<p>Hello</p>",
        "contentMap": {"en": "<p>Hello</p>"},
        "attachment": [],
        "tag": [],
    }
    note.update(changes)
    return {
        "id": f"{status}/activity",
        "type": "Create",
        "actor": OWNER,
        "published": note["published"],
        "to": note["to"],
        "cc": note["cc"],
        "object": note,
    }


def write_export(
    folder: Path,
    items: list[Any],
    *,
    actor: dict[str, Any] | None = None,
    likes: dict[str, Any] | None = None,
    bookmarks: dict[str, Any] | None = None,
) -> Container:
    folder.mkdir(parents=True, exist_ok=True)
    outbox = {"@context": "https://www.w3.org/ns/activitystreams", "id": "outbox.json"}
    outbox |= {"type": "OrderedCollection", "totalItems": 1, "orderedItems": items}
    (folder / "actor.json").write_text(json.dumps(actor or make_actor()))
    (folder / "outbox.json").write_text(json.dumps(outbox, separators=(",", ":")))
    for name, collection in (("likes.json", likes), ("bookmarks.json", bookmarks)):
        if collection is not None:
            (folder / name).write_text(json.dumps(collection))
    return Container(folder)


def read_items(tmp_path: Path, items: list[Any], **files: Any) -> list[Record]:
    return list(archive.read(write_export(tmp_path / "export", items, **files)))


def test_owner_profile_fields(tmp_path: Path) -> None:
    owner = read_items(tmp_path, [])[0]
    assert isinstance(owner, Account)
    assert owner.handle == "alice@example.social"
    assert owner.display_name == "Alice"
    assert owner.bio == "Knits & writes.\n\nSecond line"
    assert owner.website == "https://alice.example/"
    assert owner.avatar_url == "avatar.png"
    assert owner.url == "https://example.social/@alice"
    assert owner.raw is not None and "publicKey" not in owner.raw


def test_mastodon_3_style_items_read_in_the_same_path(tmp_path: Path) -> None:
    old = make_create(
        1,
        published="2019-05-02T08:09:10.123+00:00",
        tag={
            "type": "Hashtag",
            "href": "https://example.social/tags/Knitting",
            "name": "#Knitting",
        },
        to=PUBLIC,
        cc=FOLLOWERS,
        replies={"totalItems": 3},
        likes={"totalItems": "many"},
        shares={"type": "Collection", "totalItems": 2},
    )
    del old["object"]["contentMap"], old["object"]["attachment"]
    old["object"]["content"] = "<p>Rows&#39;n&#39;rows <br/>done</p>"
    naive = make_create(2, published="2019-05-02T08:09:11")
    boost = {
        "id": f"{OWNER}/statuses/3/activity",
        "type": "Announce",
        "published": "2019-05-02T09:00:00.5Z",
        "to": PUBLIC,
        "cc": [BOB, FOLLOWERS],
        "object": {"id": f"{BOB}/statuses/77", "type": "Note"},
    }
    records = read_items(tmp_path, [old, naive, boost])
    posts = of_type(records, Post)
    assert not of_type(records, Problem)
    first = posts[0]
    assert first.created_at.isoformat() == "2019-05-02T08:09:10.123000+00:00"
    assert first.hashtags == ("knitting",)
    assert first.language is None and first.media_count == 0
    assert first.text == "Rows'n'rows \ndone"
    assert (first.reply_count, first.like_count, first.boost_count) == (3, None, 2)
    assert posts[1].created_at.isoformat() == "2019-05-02T08:09:11+00:00"
    assert posts[2].kind == "boost" and posts[2].boost_of_id == f"{BOB}/statuses/77"
    assert posts[2].boost_of_author == AccountRef("mastodon", BOB, "bob@other.example")
    edges = of_type(records, Interaction)
    assert [(edge.kind, edge.post_id) for edge in edges] == [("boost", f"{BOB}/statuses/77")]
    assert [a.platform_id for a in of_type(records, Account)] == [OWNER, BOB]


def test_create_with_only_the_object_uri(tmp_path: Path) -> None:
    item = make_create(5)
    item["object"] = item["object"]["id"]
    post = of_type(read_items(tmp_path, [item]), Post)[0]
    assert post.platform_id == f"{OWNER}/statuses/5"
    assert post.text == "" and post.html is None and post.visibility == "public"


def test_visibility_variants(tmp_path: Path) -> None:
    items = [
        make_create(1, to=[PUBLIC], cc=[FOLLOWERS]),
        make_create(2, to=[FOLLOWERS], cc=[PUBLIC]),
        make_create(3, to="as:Public", cc=[]),
        make_create(4, to=FOLLOWERS, cc=[BOB]),
        make_create(5, to=[BOB], cc=[]),
        make_create(6, to=None, cc=None),
        make_create(7, to=[BOB], cc=[{"type": "Collection", "id": PUBLIC}]),
    ]
    posts = of_type(read_items(tmp_path, items), Post)
    assert [post.visibility for post in posts] == [
        "public",
        "unlisted",
        "public",
        "followers",
        "direct",
        "direct",
        "unlisted",
    ]


def test_reply_mentions_and_quote_make_interactions(tmp_path: Path) -> None:
    carol = "https://third.example/users/carol"
    tags = [
        {"type": "Mention", "href": BOB, "name": "@bob@other.example"},
        {"type": "Mention", "href": carol, "name": "@carol"},
        {"type": "Mention", "href": OWNER, "name": "@alice"},
        {"type": "Hashtag", "href": "https://example.social/tags/tea", "name": "#Tea"},
        {"type": "Emoji", "name": ":blobcat:"},
    ]
    content = (
        '<p><span class="h-card"><a href="https://other.example/@bob" class="u-url mention">'
        '@<span>bob</span></a></span> read <a href="https://blog.example/post?a=1&amp;b=2" '
        'target="_blank" rel="nofollow noopener noreferrer" translate="no">'
        '<span class="invisible">https://</span><span class="">blog.example/post</span></a> '
        '<a href="https://example.social/tags/tea" class="mention hashtag" rel="tag">#<span>Tea'
        "</span></a></p>"
    )
    item = make_create(
        9,
        inReplyTo=f"{BOB}/statuses/1",
        tag=tags,
        content=content,
        quoteUri="https://third.example/users/carol/statuses/4",
        conversation="tag:example.social,2024:objectId=1:objectType=Conversation",
    )
    records = read_items(tmp_path, [item])
    post = of_type(records, Post)[0]
    assert post.reply_to_author == AccountRef("mastodon", BOB, "bob@other.example")
    assert [ref.handle for ref in post.mentions] == [
        "bob@other.example",
        "carol@third.example",
        "alice@example.social",
    ]
    assert post.hashtags == ("tea",)
    assert post.links == ("https://blog.example/post?a=1&b=2",)
    assert post.text == "@bob read https://blog.example/post #Tea"
    assert post.thread_key is not None and post.quote_of_id is not None
    edges = [
        (edge.kind, edge.target.platform_id if edge.target else None)
        for edge in of_type(records, Interaction)
    ]
    assert edges == [("reply", BOB), ("mention", carol), ("quote", carol)]
    assert all(edge.post_id == post.platform_id for edge in of_type(records, Interaction))
    assert [a.platform_id for a in of_type(records, Account)] == [OWNER, BOB, carol]
    assert records.index(of_type(records, Account)[-1]) < records.index(post)


def test_direct_message_makes_dm_edges_not_mentions(tmp_path: Path) -> None:
    tags = [{"type": "Mention", "href": BOB, "name": "@bob@other.example"}]
    item = make_create(4, to=[BOB], cc=[], tag=tags)
    records = read_items(tmp_path, [item])
    post = of_type(records, Post)[0]
    assert post.kind == "dm" and post.visibility == "direct"
    assert [ref.platform_id for ref in post.recipients] == [BOB]
    assert [(e.kind, e.target) for e in of_type(records, Interaction)] == [
        ("dm", AccountRef("mastodon", BOB, "bob@other.example")),
    ]


def test_unknown_authors_make_no_edges_but_keep_the_post(tmp_path: Path) -> None:
    item = make_create(4, inReplyTo="https://misskey.example/notes/9abc")
    boost = {
        "id": f"{OWNER}/statuses/5/activity",
        "type": "Announce",
        "to": [PUBLIC],
        "published": "2024-03-02T00:00:00Z",
        "object": "https://misskey.example/notes/9x",
    }
    records = read_items(tmp_path, [item, boost])
    posts = of_type(records, Post)
    assert posts[0].reply_to_id == "https://misskey.example/notes/9abc"
    assert posts[0].reply_to_author is None and posts[1].boost_of_author is None
    assert not of_type(records, Interaction)


def test_malformed_items_become_problems_and_the_rest_is_read(tmp_path: Path) -> None:
    no_object = make_create(3)
    del no_object["object"]
    no_id = make_create(4)
    del no_id["object"]["id"]
    no_date = make_create(5)
    del no_date["object"]["published"], no_date["published"]
    bad_date = make_create(6, published="yesterday")
    no_type = make_create(7)
    del no_type["type"]
    items = [
        make_create(1),
        "oops",
        no_object,
        no_id,
        no_date,
        bad_date,
        no_type,
        {"id": "x/like", "type": "Like"},
        make_create(9),
    ]
    records = read_items(tmp_path, items)
    problems = of_type(records, Problem)
    assert [problem.item.split(" (")[0] for problem in problems] == [
        f"item {n}" for n in range(2, 9)
    ]
    assert problems[1].item == f"item 3 ({OWNER}/statuses/3/activity)"
    assert all(problem.file.endswith("outbox.json") and problem.hint for problem in problems)
    assert "Like" in problems[-1].reason
    assert [post.platform_id for post in of_type(records, Post)] == [
        f"{OWNER}/statuses/1",
        f"{OWNER}/statuses/9",
    ]


def test_likes_with_total_and_bookmarks_absent(tmp_path: Path) -> None:
    likes = {
        "type": "OrderedCollection",
        "totalItems": 3,
        "orderedItems": [
            f"{BOB}/statuses/1",
            f"{OWNER}/statuses/2",
            42,
            {"id": "https://misskey.example/notes/x"},
        ],
    }
    records = read_items(tmp_path, [], likes=likes)
    edges = of_type(records, Interaction)
    assert [(edge.kind, edge.target) for edge in edges] == [
        ("like", AccountRef("mastodon", BOB, "bob@other.example")),
        ("like", of_type(records, Account)[0].ref),
        ("like", None),
    ]
    assert all(edge.occurred_at is None for edge in edges)
    problems = of_type(records, Problem)
    assert [(p.file.endswith("likes.json"), p.item) for p in problems] == [(True, "item 3")]


# -- whole-file failures ------------------------------------------------------------------------


def test_outbox_cut_in_half_names_the_file(tmp_path: Path) -> None:
    container = write_export(tmp_path, [make_create(n) for n in range(20)])
    outbox = tmp_path / "outbox.json"
    outbox.write_bytes(outbox.read_bytes()[: outbox.stat().st_size // 2])
    with pytest.raises(SourceError) as caught:
        list(archive.read(container))
    assert caught.value.file.endswith("outbox.json")
    assert caught.value.hint


def test_actor_cut_in_half_names_the_file(tmp_path: Path) -> None:
    container = write_export(tmp_path, [])
    actor = tmp_path / "actor.json"
    actor.write_bytes(actor.read_bytes()[:100])
    with pytest.raises(SourceError) as caught:
        list(archive.read(container))
    assert caught.value.file.endswith("actor.json")


def test_actor_without_id_is_refused(tmp_path: Path) -> None:
    actor = make_actor()
    del actor["id"]
    with pytest.raises(SourceError, match="id"):
        list(archive.read(write_export(tmp_path, [], actor=actor)))


def test_missing_outbox_is_refused(tmp_path: Path) -> None:
    (tmp_path / "actor.json").write_text(json.dumps(make_actor()))
    with pytest.raises(SourceError, match=r"outbox\.json") as caught:
        list(archive.read(Container(tmp_path)))
    assert caught.value.hint


def test_outbox_without_items_is_refused(tmp_path: Path) -> None:
    write_export(tmp_path, [])
    (tmp_path / "outbox.json").write_text('{"type": "OrderedCollection"}')
    with pytest.raises(SourceError, match="orderedItems"):
        list(archive.read(Container(tmp_path)))
