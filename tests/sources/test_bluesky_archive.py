"""The Bluesky repository (CAR) reader, on real exports and on small CARs built here.

Real exports are personal: tests assert on counts, ids and booleans, never print what was written.
Expected counts are computed independently, by walking the tree with libipld in the test.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import libipld
import orjson
import pytest

from amity.errors import SourceError
from amity.model import Account, AccountRef, Interaction, Post, Problem, Record
from amity.sources.bluesky import archive
from amity.sources.container import Container

FIXTURES = Path(__file__).parent.parent / "fixtures" / "bluesky"
BNEWBOLD = FIXTURES / "bnewbold.robocracy.org.20250310005405.car"
PAUL = FIXTURES / "paul_staging.repo.car"
SLICE = FIXTURES / "repo_slice.car"
OWNER = "did:plc:owner0000000000000000000"
BOB = "did:plc:bob00000000000000000000"
CAROL = "did:plc:carol000000000000000000"
T = TypeVar("T")


def of_type(records: list[Record], kind: type[T]) -> list[T]:
    return [record for record in records if isinstance(record, kind)]


def tree_counts(path: Path) -> Counter[str]:
    """Count the records the head commit's tree reaches, by ``$type``, walking it here."""
    header, blocks = libipld.decode_car(path.read_bytes())
    counts: Counter[str] = Counter()
    pending = [blocks[blocks[header["roots"][0]]["data"]]]
    while pending:
        node = pending.pop()
        pending += [blocks[node["l"]]] if node.get("l") else []
        for entry in node["e"]:
            counts[blocks[entry["v"]]["$type"]] += 1
            pending += [blocks[entry["t"]]] if entry.get("t") else []
    return counts


def interactions(records: list[Record], kind: str) -> list[Interaction]:
    return [r for r in of_type(records, Interaction) if r.kind == kind]


# -- a small CAR writer, for synthetic repositories -------------------------------------------


def varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def cid_of(data: bytes) -> bytes:
    return b"\x01\x71\x12\x20" + hashlib.sha256(data).digest()


def write_car(records: dict[str, Any], *, did: str = OWNER, commit: bool = True) -> bytes:
    """Return a CAR of one commit and a one-node tree holding ``records`` by key."""
    blocks: list[tuple[bytes, bytes]] = []

    def add(value: Any) -> bytes:
        data = libipld.encode_dag_cbor(value)
        blocks.append((cid_of(data), data))
        return blocks[-1][0]

    entries = []
    for key in sorted(records):
        entries.append({"p": 0, "k": key.encode(), "v": add(records[key]), "t": None})
    root = add({"l": None, "e": entries})
    commit_data = libipld.encode_dag_cbor(
        {"did": did, "version": 3, "data": root, "rev": "3k", "prev": None, "sig": b"x"}
    )
    head = cid_of(commit_data)
    if commit:
        blocks.append((head, commit_data))
    header = libipld.encode_dag_cbor({"version": 1, "roots": [head]})
    body = b"".join(varint(len(cid) + len(data)) + cid + data for cid, data in blocks)
    return varint(len(header)) + header + body


def read_car(tmp_path: Path, records: dict[str, Any]) -> list[Record]:
    path = tmp_path / "repo.car"
    path.write_bytes(write_car(records))
    return list(archive.read_file(path))


def post(text: str = "hello", **fields: Any) -> dict[str, Any]:
    return {
        "$type": "app.bsky.feed.post",
        "text": text,
        "createdAt": "2024-05-01T10:00:00Z",
    } | fields


# -- real exports -------------------------------------------------------------------------------


def test_bnewbold_export_counts_match_an_independent_walk() -> None:
    records = list(archive.read_file(BNEWBOLD))
    counts = tree_counts(BNEWBOLD)
    posts = of_type(records, Post)
    assert len([p for p in posts if p.kind == "post"]) == counts["app.bsky.feed.post"] == 23
    assert len([p for p in posts if p.kind == "boost"]) == counts["app.bsky.feed.repost"] == 1
    assert len(interactions(records, "like")) == counts["app.bsky.feed.like"] == 2
    assert len(interactions(records, "follow")) == counts["app.bsky.graph.follow"] == 3
    assert len(interactions(records, "boost")) == 1


def test_bnewbold_owner_comes_first_from_the_commit_and_profile() -> None:
    records = list(archive.read_file(BNEWBOLD))
    owner = records[0]
    assert isinstance(owner, Account)
    assert owner.is_own and owner.platform_id == "did:plc:nhxcyu4ewwhl5pqil4dotqjo"
    assert owner.handle is None and owner.display_name is not None and owner.raw is not None
    assert [a for a in of_type(records, Account) if a.is_own] == [owner]
    others = [a.platform_id for a in of_type(records, Account) if not a.is_own]
    assert len(others) == len(set(others)) and all(did.startswith("did:") for did in others)
    targets = {i.target.platform_id for i in of_type(records, Interaction) if i.target}
    assert targets <= {*others, owner.platform_id}


def test_bnewbold_other_apps_collections_are_one_problem_each() -> None:
    problems = of_type(list(archive.read_file(BNEWBOLD)), Problem)
    items = {p.item for p in problems}
    assert "com.atproto.lexicon.schema (5 records)" in items
    assert "blue.linkat.board (1 record)" in items
    assert "net.bnewbold.demo.mushroom (1 record)" in items
    assert all(p.reason == "unknown record type, skipped" for p in problems)
    assert all(p.file == str(BNEWBOLD) for p in problems)


def test_bnewbold_posts_are_well_formed_and_raw_is_json_safe() -> None:
    records = list(archive.read_file(BNEWBOLD))
    for record in records:
        if isinstance(record, Account | Post | Interaction) and record.raw is not None:
            orjson.dumps(record.raw)
    for item in of_type(records, Post):
        assert item.platform_id.startswith("at://did:plc:nhxcyu4ewwhl5pqil4dotqjo/app.bsky.feed.")
        assert item.created_at.tzinfo is UTC
        if item.kind == "post":
            assert item.url and item.url.startswith("https://bsky.app/profile/did:plc:")
            assert (item.reply_to_id is None) == (item.thread_key is None)
    assert any(p.reply_to_id for p in of_type(records, Post))


def test_paul_staging_v2_reads_the_head_commit_not_its_history() -> None:
    records = list(archive.read_file(PAUL))
    counts = tree_counts(PAUL)
    posts = of_type(records, Post)
    assert len([p for p in posts if p.kind == "post"]) == counts["app.bsky.feed.post"] == 101
    assert len([p for p in posts if p.kind == "boost"]) == counts["app.bsky.feed.repost"] == 15
    assert len(interactions(records, "like")) == counts["app.bsky.feed.like"] == 60
    # The file holds 17 follow blocks and 54 deprecated votes, but the head tree reaches only 8
    # follows and no deprecated records: the rest are older commits' deleted records.
    assert len(interactions(records, "follow")) == counts["app.bsky.graph.follow"] == 8
    assert "app.bsky.feed.vote" not in counts
    assert of_type(records, Problem) == []
    assert interactions(records, "quote")


def test_a_partial_repository_reports_missing_parts_and_reads_the_rest() -> None:
    records = list(archive.read_file(SLICE))
    problems = of_type(records, Problem)
    assert len(of_type(records, Post)) == 1
    assert any(p.item.startswith("tree node ") for p in problems)
    assert any(p.reason == "record is missing from the file" for p in problems)


# -- whole-file failures ------------------------------------------------------------------------


def test_a_truncated_car_raises_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "cut.car"
    path.write_bytes(BNEWBOLD.read_bytes()[:7000])
    with pytest.raises(SourceError) as caught:
        list(archive.read_file(path))
    assert caught.value.file == str(path) and caught.value.hint


def test_a_flipped_byte_inside_a_block_fails_the_cid_check(tmp_path: Path) -> None:
    data = bytearray(BNEWBOLD.read_bytes())
    _, blocks = libipld.decode_car(bytes(data))
    like = next(b for b in blocks.values() if b.get("$type") == "app.bsky.feed.like")
    encoded = libipld.encode_dag_cbor(like)
    end = data.find(encoded) + len(encoded)
    assert data[end - 1 : end] == b"Z"  # the last byte of createdAt, still valid text when flipped
    data[end - 1] ^= 1
    path = tmp_path / "flipped.car"
    path.write_bytes(bytes(data))
    with pytest.raises(SourceError, match="does not match its CID") as caught:
        list(archive.read_file(path))
    assert caught.value.file == str(path)


def test_a_car_without_its_commit_block_raises(tmp_path: Path) -> None:
    path = tmp_path / "nocommit.car"
    path.write_bytes(write_car({"app.bsky.feed.post/1": post()}, commit=False))
    with pytest.raises(SourceError, match="no commit block"):
        list(archive.read_file(path))


@pytest.mark.parametrize("content", [b"", b"{}", b'{"version": 1}', b"\x05hello world"])
def test_a_file_that_is_not_a_car_raises(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "other.car"
    path.write_bytes(content)
    with pytest.raises(SourceError, match="not a CAR file"):
        list(archive.read_file(path))


# -- detection ----------------------------------------------------------------------------------


def test_detect_and_read_a_car_inside_a_folder(tmp_path: Path) -> None:
    (tmp_path / "repo.car").write_bytes(BNEWBOLD.read_bytes())
    with Container(tmp_path) as container:
        assert archive.detect(container)
        records = list(archive.read(container))
    expected = list(archive.read_file(BNEWBOLD))
    same = [r for r in records if not isinstance(r, Problem)] == [
        r for r in expected if not isinstance(r, Problem)
    ]
    assert same and len(records) == len(expected)
    assert {p.file for p in of_type(records, Problem)} == {str(tmp_path / "repo.car")}
    (tmp_path / "second.car").write_bytes(b"")
    with Container(tmp_path) as container:
        assert not archive.detect(container)


# -- normalisation, on synthetic repositories -----------------------------------------------


def test_a_reply_with_mentions_tags_links_and_a_quote(tmp_path: Path) -> None:
    parent = f"at://{BOB}/app.bsky.feed.post/p1"
    quoted = f"at://{CAROL}/app.bsky.feed.post/q1"
    facet = "app.bsky.richtext.facet#"
    record = post(
        langs=["en", "fr"],
        reply={"parent": {"uri": parent, "cid": "x"}, "root": {"uri": f"{parent}0", "cid": "x"}},
        facets=[
            {"index": {}, "features": [{"$type": facet + "mention", "did": BOB}]},
            {"index": {}, "features": [{"$type": facet + "mention", "did": CAROL}]},
            {"index": {}, "features": [{"$type": facet + "tag", "tag": "Python"}]},
            {"index": {}, "features": [{"$type": facet + "link", "uri": "https://a.example/"}]},
        ],
        embed={
            "$type": "app.bsky.embed.recordWithMedia",
            "record": {"$type": "app.bsky.embed.record", "record": {"uri": quoted, "cid": "x"}},
            "media": {"$type": "app.bsky.embed.images", "images": [{"alt": ""}, {"alt": ""}]},
        },
    )
    records = read_car(tmp_path, {"app.bsky.feed.post/3abc": record})
    (item,) = of_type(records, Post)
    assert item.platform_id == f"at://{OWNER}/app.bsky.feed.post/3abc"
    assert item.url == f"https://bsky.app/profile/{OWNER}/post/3abc"
    assert item.created_at == datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert item.language == "en" and item.text == "hello"
    assert item.reply_to_id == parent and item.reply_to_author == AccountRef("bluesky", BOB)
    assert item.thread_key == f"{parent}0" and item.quote_of_id == quoted
    assert item.hashtags == ("python",) and item.links == ("https://a.example/",)
    assert item.media_count == 2
    edges = {
        (i.kind, i.target.platform_id if i.target else "") for i in of_type(records, Interaction)
    }
    assert edges == {("reply", BOB), ("mention", CAROL), ("quote", CAROL)}
    assert [a.platform_id for a in of_type(records, Account)] == [OWNER, BOB, CAROL]


def test_reposts_likes_follows_and_blocks(tmp_path: Path) -> None:
    subject = {"uri": f"at://{BOB}/app.bsky.feed.post/p1", "cid": "x"}
    when = "2024-05-01T12:00:00.123+02:00"
    records = read_car(
        tmp_path,
        {
            "app.bsky.feed.repost/r1": {
                "$type": "app.bsky.feed.repost",
                "subject": subject,
                "createdAt": when,
            },
            "app.bsky.feed.like/l1": {
                "$type": "app.bsky.feed.like",
                "subject": subject,
                "createdAt": when,
            },
            "app.bsky.graph.follow/f1": {
                "$type": "app.bsky.graph.follow",
                "subject": CAROL,
                "createdAt": when,
            },
            "app.bsky.graph.block/b1": {
                "$type": "app.bsky.graph.block",
                "subject": CAROL,
                "createdAt": when,
            },
        },
    )
    (boost,) = of_type(records, Post)
    assert boost.kind == "boost" and boost.boost_of_id == subject["uri"]
    assert boost.platform_id == f"at://{OWNER}/app.bsky.feed.repost/r1"
    assert boost.created_at == datetime(2024, 5, 1, 10, 0, 0, 123000, tzinfo=UTC)
    kinds = Counter(i.kind for i in of_type(records, Interaction))
    assert kinds == {"boost": 1, "like": 1, "follow": 1, "block": 1}
    (block,) = interactions(records, "block")
    assert block.target is not None and block.target.platform_id == CAROL
    assert block.actor.platform_id == OWNER and block.occurred_at == boost.created_at
    assert of_type(records, Problem) == []


def test_malformed_records_and_deprecated_types_become_problems(tmp_path: Path) -> None:
    records = read_car(
        tmp_path,
        {
            "app.bsky.feed.post/bad1": {"$type": "app.bsky.feed.post", "text": "no date"},
            "app.bsky.feed.post/bad2": "not a map",
            "app.bsky.feed.like/bad3": {"$type": "app.bsky.feed.like", "createdAt": "2024"},
            "app.bsky.feed.post/good": post(),
            "app.bsky.feed.vote/v1": {"$type": "app.bsky.feed.vote", "direction": "up"},
            "app.bsky.feed.vote/v2": {"$type": "app.bsky.feed.vote", "direction": "up"},
            "app.bsky.system.declaration/self": {"$type": "app.bsky.system.declaration"},
        },
    )
    assert len(of_type(records, Post)) == 1
    problems = {p.item: p.reason for p in of_type(records, Problem)}
    assert problems["app.bsky.feed.post/bad1"] == "has no createdAt date"
    assert problems["app.bsky.feed.post/bad2"] == "is not a record (a map)"
    assert problems["app.bsky.feed.like/bad3"] == "has no subject post URI"
    assert problems["app.bsky.feed.vote (2 records)"] == "unknown record type, skipped"
    assert problems["app.bsky.system.declaration (1 record)"] == "unknown record type, skipped"
