"""Write a Bluesky repository export: the file ``archive.read_file`` reads, built from records.

For tests and benchmarks (a repository of a million records is written in bounded memory) and
for demo worlds. Records are written as blocks as they come, tree nodes as each one completes,
and the commit last, so blocks are not in tree order (nor are they in real exports). The commit
is unsigned (``sig`` is zeros): amity checks blocks against their CIDs but has no key to check a
signature with.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, Any

import libipld

from amity.sources.bluesky.car import SHA256_DAG_CBOR, cid_of, varint
from amity.sources.bluesky.mst import TreeBuilder


def write_repository(
    handle: IO[bytes], *, did: str, rev: str, records: Iterable[tuple[str, Any]]
) -> int:
    """Write a repository of ``records`` (``(collection/rkey, record)`` in key order) as a CAR.

    ``handle`` must be seekable (the header is completed last). Return the number of records.
    """
    writer = CarWriter(handle)
    tree = TreeBuilder(writer.put)
    count = 0
    for key, record in records:
        tree.add(key.encode(), writer.put(record))
        count += 1
    commit = {
        "did": did,
        "version": 3,
        "data": tree.finish(),
        "rev": rev,
        "prev": None,
        "sig": bytes(64),
    }
    writer.finish(writer.put(commit))
    return count


class CarWriter:
    """Write a CAR v1 file block by block; its one root is written last, when it is known.

    The header is written first with a placeholder root of the same length (every SHA-256
    dag-cbor CID is 36 bytes) and rewritten in place by ``finish``, so the file needs to be
    seekable but no block is held in memory.
    """

    def __init__(self, handle: IO[bytes]) -> None:
        self._handle = handle
        handle.write(_header(SHA256_DAG_CBOR + bytes(32)))

    def put(self, value: Any) -> bytes:
        """Encode ``value`` as DAG-CBOR, write it as a block and return its CID."""
        data = libipld.encode_dag_cbor(value)
        cid = cid_of(data)
        self._handle.write(varint(len(cid) + len(data)) + cid + data)
        return cid

    def finish(self, root: bytes) -> None:
        """Write ``root`` into the header."""
        self._handle.seek(0)
        self._handle.write(_header(root))
        self._handle.seek(0, 2)


def _header(root: bytes) -> bytes:
    encoded = libipld.encode_dag_cbor({"version": 1, "roots": [root]})
    return varint(len(encoded)) + encoded
