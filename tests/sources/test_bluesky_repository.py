"""The streaming CAR reader and the tree walk and build under it: order, gaps, memory, zips.

Repositories are built here with amity's own writer (``export.write_repository``), whose trees are
checked against indigo's test vectors first, and with bench/bluesky_world.py, the generator the
benchmarks use.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import random
import tracemalloc
import zipfile
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import libipld
import pytest
from tests.sources.car_writer import write_repository

from amity.errors import SourceError
from amity.model import Account, Interaction, Post, Problem, Record
from amity.sources.bluesky import archive, car, mst
from amity.sources.container import Container

FIXTURES = Path(__file__).parent.parent / "fixtures" / "bluesky"
BNEWBOLD = FIXTURES / "bnewbold.robocracy.org.20250310005405.car"
BENCH = Path(__file__).parents[2] / "bench"
OWNER = "did:plc:owner0000000000000000000"
WHEN = "2024-05-01T10:00:00.000Z"


def bench_world() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bluesky_world", BENCH / "bluesky_world.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def frames(data: bytes) -> tuple[bytes, list[bytes]]:
    """Split a CAR into its header frame and its block frames, each with its length."""
    length, at = car.read_varint(data)
    header, at = data[: at + length], at + length
    blocks = []
    while at < len(data):
        length, start = car.read_varint(data, at)
        blocks.append(data[at : start + length])
        at = start + length
    return header, blocks


def frame_cid(frame: bytes) -> bytes:
    _, start = car.read_varint(frame)
    return frame[start : start + 36]


def repository(records: dict[str, Any], path: Path, *, did: str = OWNER) -> Path:
    with path.open("wb") as handle:
        write_repository(handle, did=did, rev="3kabc", records=sorted(records.items()))
    return path


def like(n: int) -> dict[str, Any]:
    uri = f"at://did:plc:bob/app.bsky.feed.post/{n}"
    return {"$type": "app.bsky.feed.like", "subject": {"uri": uri, "cid": "x"}, "createdAt": WHEN}


def without_problems(records: list[Record]) -> list[Record]:
    return [record for record in records if not isinstance(record, Problem)]


# -- the tree -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "depth"),
    [
        ("2653ae71", 0),
        ("blue", 1),
        ("app.bsky.feed.post/454397e440ec", 4),
        ("app.bsky.feed.post/9adeb165882c", 8),
    ],
)
def test_key_depth_counts_leading_zero_bits_in_pairs(key: str, depth: int) -> None:
    # The examples of the atproto repository specification.
    assert mst.key_depth(key.encode()) == depth


def test_built_trees_have_the_roots_of_indigos_test_vectors() -> None:
    cases = json.loads((FIXTURES / "commit-proof-fixtures.json").read_text())

    def put(node: Any) -> bytes:
        return car.cid_of(libipld.encode_dag_cbor(node))

    checked = 0
    for case in cases:
        leaf = libipld.decode_cid(case["leafValue"])["hash"]["digest"]
        after = (set(case["keys"]) | set(case["adds"])) - set(case["dels"])
        for keys, root in (
            (case["keys"], case["rootBeforeCommit"]),
            (after, case["rootAfterCommit"]),
        ):
            tree = mst.TreeBuilder(put)
            for key in sorted(keys):
                tree.add(key.encode(), car.SHA256_DAG_CBOR + leaf)
            assert libipld.encode_cid(tree.finish()) == root, case["comment"]
            checked += 1
    assert checked == 12


def test_the_builder_refuses_keys_out_of_order() -> None:
    tree = mst.TreeBuilder(lambda node: car.cid_of(libipld.encode_dag_cbor(node)))
    tree.add(b"app.bsky.feed.like/2", car.cid_of(b"x"))
    with pytest.raises(ValueError, match="does not sort after"):
        tree.add(b"app.bsky.feed.like/1", car.cid_of(b"y"))


# -- reading: order, gaps and damage ------------------------------------------------------------


@pytest.mark.parametrize("order", ["reversed", "shuffled", "commit first"])
def test_blocks_in_any_order_read_the_same(tmp_path: Path, order: str) -> None:
    header, blocks = frames(BNEWBOLD.read_bytes())
    if order == "reversed":
        blocks.reverse()
    elif order == "shuffled":
        random.Random(5).shuffle(blocks)
    else:
        root = libipld.decode_dag_cbor(header[car.read_varint(header)[1] :])["roots"][0]
        blocks.sort(key=lambda frame: frame_cid(frame) != root)
    path = tmp_path / "reordered.car"
    path.write_bytes(header + b"".join(blocks))
    records = list(archive.read_file(path))
    assert without_problems(records) == without_problems(list(archive.read_file(BNEWBOLD)))


def test_a_record_missing_from_the_file_is_a_problem_naming_file_and_key(tmp_path: Path) -> None:
    records = {f"app.bsky.feed.like/{n}": like(n) for n in range(50)}
    path = repository(records, tmp_path / "full.car")
    header, blocks = frames(path.read_bytes())
    gone = car.cid_of(libipld.encode_dag_cbor(like(17)))
    kept = [frame for frame in blocks if frame_cid(frame) != gone]
    assert len(kept) == len(blocks) - 1
    path.write_bytes(header + b"".join(kept))
    read = list(archive.read_file(path))
    problems = [p for p in read if isinstance(p, Problem)]
    assert [(p.file, p.item, p.reason) for p in problems] == [
        (str(path), "app.bsky.feed.like/17", "record is missing from the file")
    ]
    assert len([r for r in read if isinstance(r, Interaction)]) == 49


def test_a_duplicated_block_is_read_once(tmp_path: Path) -> None:
    header, blocks = frames(BNEWBOLD.read_bytes())
    path = tmp_path / "twice.car"
    path.write_bytes(header + b"".join(blocks + blocks[:10]))
    records, expected = list(archive.read_file(path)), list(archive.read_file(BNEWBOLD))
    assert without_problems(records) == without_problems(expected)
    assert len(records) == len(expected)


def handmade(path: Path, build: Any) -> Path:
    """Write a CAR whose tree ``build(put)`` makes block by block; it returns the tree's root."""
    blocks: list[bytes] = []

    def put(value: Any) -> bytes:
        data = libipld.encode_dag_cbor(value)
        blocks.append(car.varint(36 + len(data)) + car.cid_of(data) + data)
        return car.cid_of(data)

    root = build(put)
    commit = put({"did": OWNER, "version": 3, "data": root, "rev": "3k", "prev": None, "sig": b""})
    header = libipld.encode_dag_cbor({"version": 1, "roots": [commit]})
    path.write_bytes(car.varint(len(header)) + header + b"".join(blocks))
    return path


def test_a_tree_that_reaches_a_node_twice_is_damaged(tmp_path: Path) -> None:
    def build(put: Any) -> bytes:
        record = put(like(1))
        entry = {"p": 0, "k": b"app.bsky.feed.like/1", "v": record, "t": None}
        leaf = put({"l": None, "e": [entry]})
        entry = {"p": 0, "k": b"app.bsky.feed.like/5", "v": record, "t": leaf}
        return put({"l": leaf, "e": [entry]})

    path = handmade(tmp_path / "twice.car", build)
    with pytest.raises(SourceError, match="damaged tree") as caught:
        list(archive.read_file(path))
    assert caught.value.file == str(path)


@pytest.mark.parametrize(
    "node",
    [
        {"l": 5, "e": []},
        {"l": None, "e": [{"p": 0, "k": b"app.bsky.feed.like/1", "v": 5, "t": None}]},
        {"l": None, "e": [{"p": 0, "k": "app.bsky.feed.like/1", "v": b"x", "t": None}]},
        {"l": None, "e": [{"k": b"app.bsky.feed.like/1", "v": b"x", "t": None}]},
    ],
)
def test_a_tree_node_of_the_wrong_shape_is_damaged(tmp_path: Path, node: Any) -> None:
    path = handmade(tmp_path / "odd.car", lambda put: put(node))
    with pytest.raises(SourceError, match="damaged tree node"):
        list(archive.read_file(path))


def test_a_block_changed_after_the_scan_fails_its_cid_check() -> None:
    data = BNEWBOLD.read_bytes()
    header, index = car.scan(io.BytesIO(data))
    _, blocks = frames(data)
    changed = bytearray(data)
    last = len(data) - 1  # the last byte of the last block
    changed[last] ^= 1
    file = car.BlockFile(index, lambda length, offset: bytes(changed[offset : offset + length]))
    with pytest.raises(car.CarError, match="does not match its CID"):
        file.get(frame_cid(blocks[-1]))
    assert file.get(header["roots"][0]) is not None


def test_an_empty_repository_yields_its_owner_only(tmp_path: Path) -> None:
    records = list(archive.read_file(repository({}, tmp_path / "empty.car")))
    assert records == [
        Account("bluesky", OWNER, url=f"https://bsky.app/profile/{OWNER}", is_own=True)
    ]


# -- bounded memory ----------------------------------------------------------------------------


class Spy:
    """A stream that records the size of every read."""

    def __init__(self, data: bytes) -> None:
        self.stream = io.BytesIO(data)
        self.sizes: list[int] = []

    def read(self, size: int = -1, /) -> bytes:
        self.sizes.append(size)
        return self.stream.read(size)


def test_the_scan_reads_in_bounded_chunks_never_the_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "world.car"
    bench_world().write_world(path, 5000, seed=3)
    data = path.read_bytes()
    assert len(data) > 2 << 20  # more than two chunks
    spy = Spy(data)
    _, index = car.scan(spy)
    assert spy.sizes and all(0 < size <= 1 << 20 for size in spy.sizes)
    assert len(index) == len(frames(data)[1])


@pytest.mark.slow
def test_reading_a_large_repository_holds_neither_the_file_nor_its_records(tmp_path: Path) -> None:
    path = tmp_path / "world.car"
    bench_world().write_world(path, 30_000, seed=3)
    size = path.stat().st_size
    tracemalloc.start()
    try:
        count = sum(1 for _ in archive.read_file(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count > 30_000
    # A megabyte chunk or two being read, the index (20 bytes a block) and the record at hand:
    # about 4 MB for this 14 MB file, where decoding it whole took 80 MB.
    assert peak < size // 2, f"peak {peak:,} bytes for a file of {size:,}"


# -- a generated repository round trip ----------------------------------------------------------


def test_a_generated_repository_yields_every_record_exactly_once(tmp_path: Path) -> None:
    world_module = bench_world()
    world = world_module.World(4000, seed=11)
    generated = list(world.iter_records())
    path = tmp_path / "world.car"
    with path.open("wb") as handle:
        write_repository(handle, did=world.owner, rev="3kzzz", records=iter(generated))

    with path.open("rb") as handle:
        header, index = car.scan(handle)
        blocks = car.BlockFile(index, lambda length, offset: _read_at(handle, length, offset))
        root = blocks.decode(header["roots"][0])["data"]
        walked = list(mst.walk(blocks, root, lambda cid, reason: pytest.fail(reason)))
    expected = [(key, car.cid_of(libipld.encode_dag_cbor(record))) for key, record in generated]
    assert walked == expected

    records = list(archive.read_file(path))
    by_kind = Counter(key.split("/")[0] for key, _ in generated)
    posts = [r for r in records if isinstance(r, Post)]
    assert sorted(p.platform_id for p in posts) == sorted(
        f"at://{world.owner}/{key}"
        for key, _ in generated
        if key.startswith(("app.bsky.feed.post/", "app.bsky.feed.repost/"))
    )
    edges = [r for r in records if isinstance(r, Interaction)]
    likes = Counter((e.post_id, e.occurred_at) for e in edges if e.kind == "like")
    assert sum(likes.values()) == len(likes) == by_kind["app.bsky.feed.like"]
    follows = {e.target.platform_id for e in edges if e.kind == "follow" and e.target}
    assert len(follows) == by_kind["app.bsky.graph.follow"]
    problems = {p.item for p in records if isinstance(p, Problem)}
    assert problems == {
        "app.bsky.graph.list (3 records)",
        f"app.bsky.graph.listitem ({by_kind['app.bsky.graph.listitem']} records)",
        "chat.bsky.actor.declaration (1 record)",
    }


def _read_at(handle: Any, length: int, offset: int) -> bytes:
    handle.seek(offset)
    data: bytes = handle.read(length)
    return data


def test_the_generator_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    world = bench_world()
    first, second = tmp_path / "a.car", tmp_path / "b.car"
    world.write_world(first, 500, seed=4)
    world.write_world(second, 500, seed=4)
    digest = [hashlib.sha256(path.read_bytes()).hexdigest() for path in (first, second)]
    assert digest[0] == digest[1]


# -- zips ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("compression", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_a_car_inside_a_zip_reads_like_the_file(tmp_path: Path, compression: int) -> None:
    zipped = tmp_path / "export.zip"
    with zipfile.ZipFile(zipped, "w", compression=compression) as zip_file:
        zip_file.write(BNEWBOLD, "repo.car")
    with Container(zipped) as container:
        assert archive.detect(container)
        records = list(archive.read(container))
    expected = list(archive.read_file(BNEWBOLD))
    assert without_problems(records) == without_problems(expected)
    assert {p.file for p in records if isinstance(p, Problem)} == {f"{zipped}!repo.car"}


def test_a_damaged_car_inside_a_zip_names_the_member(tmp_path: Path) -> None:
    zipped = tmp_path / "export.zip"
    with zipfile.ZipFile(zipped, "w") as zip_file:
        zip_file.writestr("repo.car", BNEWBOLD.read_bytes()[:9000])
    with Container(zipped) as container, pytest.raises(SourceError) as caught:
        list(archive.read(container))
    assert caught.value.file == f"{zipped}!repo.car" and caught.value.hint
