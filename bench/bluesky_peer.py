"""Read a Bluesky repository export the atproto SDK's way and store its records in SQLite.

The reference peer of bench/vs_bluesky.py; it runs in the SDK's own environment, without amity.
It does what the SDK documents for an export: ``CAR.from_bytes`` on the file's bytes, which
decodes every block into a dict in memory. The SDK has no tree walker, so the records are found
by walking the commit's Merkle Search Tree over those blocks (a dozen lines, below), and each is
written as JSON into one plain table, in one transaction.

    python bench/bluesky_peer.py REPO.car OUT.db
"""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import libipld
from atproto import CAR
from atproto_core.cid import CID


def walk(car: CAR, cid: Any) -> Iterator[tuple[str, Any]]:
    """Yield (key, record CID) from the tree node ``cid``, in key order."""
    node = car.blocks[CID.from_decoded_bytes(cid) if isinstance(cid, bytes) else cid]
    if node["l"]:
        yield from walk(car, node["l"])
    key = b""
    for entry in node["e"]:
        key = key[: entry["p"]] + entry["k"]
        yield key.decode(), entry["v"]
        if entry["t"]:
            yield from walk(car, entry["t"])


def _plain(value: object) -> str:
    if isinstance(value, bytes):
        return libipld.encode_cid(value)
    raise TypeError(type(value).__name__)


def rows(car: CAR) -> Iterator[tuple[str, ...]]:
    """Yield one row per record the commit's tree reaches."""
    commit = car.blocks[car.root]
    for key, cid in walk(car, commit["data"]):
        record = car.blocks[CID.from_decoded_bytes(cid)]
        collection, rkey = key.split("/", 1)
        created = record.get("createdAt")
        text = json.dumps(record, default=_plain)
        yield (
            f"at://{commit['did']}/{key}",
            collection,
            rkey,
            libipld.encode_cid(cid),
            created,
            text,
        )


def main() -> None:
    """Store every record of the repository as a row; print how many."""
    source, target = Path(sys.argv[1]), Path(sys.argv[2])
    car = CAR.from_bytes(source.read_bytes())
    with sqlite3.connect(target) as connection:
        connection.execute(
            "create table records (uri text primary key, collection text, rkey text,"
            " cid text, created_at text, record text)"
        )
        # Rows stream from the walk into the insert: the peer holds the decoded blocks, no more.
        connection.executemany("insert into records values (?, ?, ?, ?, ?, ?)", rows(car))
        print(connection.execute("select count(*) from records").fetchone()[0])


if __name__ == "__main__":
    main()
