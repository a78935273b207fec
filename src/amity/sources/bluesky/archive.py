"""Read a Bluesky repository export (Settings > Account > Export my data).

The export is one CAR v1 file (Content-Addressable aRchive): a varint-framed DAG-CBOR header
naming a root CID, then blocks, each a CID and its DAG-CBOR bytes. The root block is the signed
commit (``did``, ``data``, ``version``; ``rev`` from version 3). ``data`` is the root of a Merkle
Search Tree whose nodes hold a left subtree ``l`` and entries ``e``: ``p`` (bytes shared with the
previous key), ``k`` (the rest of the key), ``v`` (the record's CID) and ``t`` (the subtree to the
right). Keys are ``collection/rkey``. The CAR may also hold blocks the tree no longer reaches
(older commits); only records reached from the commit are read.

libipld decodes the CAR but does not check that blocks match their CIDs, so each block is
re-encoded (DAG-CBOR is canonical) and its SHA-256 compared with the CID's digest.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import libipld

from amity.errors import SourceError
from amity.model import Account, Interaction, Post, Problem, Record
from amity.sources.bluesky.normalize import (
    BLOCK,
    FOLLOW,
    LIKE,
    POST,
    PROFILE,
    REPOST,
    ItemError,
    RecordReader,
    json_safe,
)
from amity.sources.container import Container, Readable

SUFFIX = ".car"
_MAX_HEADER = 1 << 16
_SHA256_DAG_CBOR = b"\x01\x71\x12\x20"  # CIDv1, dag-cbor, sha2-256, 32 bytes

_HINT_EXPORT = (
    "Pass the repository .car file exactly as downloaded from Bluesky"
    " (Settings > Account > Export my data)."
)
_HINT_AGAIN = "The file is damaged or was cut off; export your data from Bluesky again."
_HINT_SKIPPED = "amity does not import this kind of record; nothing else was affected."


def detect_file(path: Path) -> bool:
    """Return True when the file at ``path`` starts like a CAR v1 file."""
    try:
        with path.open("rb") as handle:
            return _starts_like_car(handle)
    except OSError:
        return False


def detect(container: Container) -> bool:
    """Return True when ``container`` holds exactly one ``.car`` member that looks like a CAR."""
    cars = [name for name in container.names() if name.lower().endswith(SUFFIX)]
    if len(cars) != 1:
        return False
    with container.open(cars[0]) as handle:
        return _starts_like_car(handle)


def read_file(path: Path) -> Iterator[Record]:
    """Yield the account, posts, boosts, interactions and problems of a repository file."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SourceError(f"cannot be read ({error.strerror})", file=str(path)) from None
    yield from read_bytes(data, where=str(path))


def read(container: Container) -> Iterator[Record]:
    """Yield the records of the one ``.car`` member of ``container``."""
    cars = [name for name in container.names() if name.lower().endswith(SUFFIX)]
    if len(cars) != 1:
        found = f"{len(cars)} .car files" if cars else "no .car file"
        raise SourceError(f"holds {found}", file=str(container.path), hint=_HINT_EXPORT)
    with container.open(cars[0]) as handle:
        data = handle.read()
    yield from read_bytes(data, where=container.describe(cars[0]))


def read_bytes(data: bytes, *, where: str) -> Iterator[Record]:
    """Yield the records of a repository CAR held in memory; ``where`` names it in messages."""
    did, records, problems = _load_repository(data, where)
    return _RepositoryReader(did, records, where).read(problems)


def _starts_like_car(handle: Readable) -> bool:
    """Return True when a stream starts with a varint length and a CAR v1 header map."""
    start = handle.read(10)
    length, offset = _varint(start)
    if not 0 < length <= _MAX_HEADER:
        return False
    header = start[offset:] + handle.read(length - len(start) + offset)
    try:
        decoded = libipld.decode_dag_cbor(header[:length])
    except (ValueError, RecursionError):
        return False
    return isinstance(decoded, dict) and decoded.get("version") == 1 and "roots" in decoded


def _varint(data: bytes) -> tuple[int, int]:
    """Return the unsigned LEB128 varint at the start of ``data`` and its length (0, 0 if none)."""
    value = 0
    for index, byte in enumerate(data[:9]):
        value |= (byte & 0x7F) << (7 * index)
        if not byte & 0x80:
            return value, index + 1
    return 0, 0


def _load_repository(data: bytes, where: str) -> tuple[str, list[tuple[str, Any]], list[Problem]]:
    """Return the repository's DID, its (key, record) pairs and problems with its tree."""
    if not data[:1] or not _starts_like_car(_BytesReader(data)):
        raise SourceError(
            "is not a CAR file (a Bluesky repository export)", file=where, hint=_HINT_EXPORT
        )
    try:
        header, blocks = libipld.decode_car(data)
    except (ValueError, RecursionError) as error:
        raise SourceError(f"is damaged ({error})", file=where, hint=_HINT_AGAIN) from None
    _verify_blocks(blocks, where)
    roots = header.get("roots")
    commit = blocks.get(roots[0]) if isinstance(roots, list) and roots else None
    if not isinstance(commit, dict):
        raise SourceError("has no commit block for its root", file=where, hint=_HINT_AGAIN)
    did = commit.get("did")
    if not isinstance(did, str) or not did.startswith("did:") or not commit.get("data"):
        raise SourceError("has a commit with no DID or no data", file=where, hint=_HINT_AGAIN)
    problems: list[Problem] = []
    entries = _walk_tree(blocks, commit["data"], where, problems)
    records: list[tuple[str, Any]] = []
    for key, cid in entries:
        if cid in blocks:
            records.append((key, blocks[cid]))
        else:
            problems.append(Problem(where, key, "record is missing from the file", _HINT_AGAIN))
    return did, records, problems


def _verify_blocks(blocks: dict[bytes, Any], where: str) -> None:
    """Raise SourceError when a block's content does not hash to its CID."""
    encode = libipld.encode_dag_cbor
    sha256 = hashlib.sha256
    for cid, block in blocks.items():
        if cid[:4] == _SHA256_DAG_CBOR:
            digest = cid[4:]
        else:
            multihash = libipld.decode_cid(cid)["hash"]
            if multihash["code"] != 0x12:
                continue  # not SHA-256: cannot check here, and repositories use SHA-256
            digest = multihash["digest"]
        if sha256(encode(block)).digest() != digest:
            raise SourceError(
                f"has a block whose content does not match its CID {libipld.encode_cid(cid)}",
                file=where,
                hint=_HINT_AGAIN,
            )


def _walk_tree(
    blocks: dict[bytes, Any], root: bytes, where: str, problems: list[Problem]
) -> list[tuple[str, bytes]]:
    """Return the (key, record CID) entries of the Merkle Search Tree at ``root``, in key order."""
    entries: list[tuple[str, bytes]] = []

    def visit(cid: bytes) -> None:
        node = blocks.get(cid)
        if not isinstance(node, dict) or not isinstance(node.get("e"), list):
            reason = "is missing from the file" if node is None else "is not a tree node"
            problems.append(
                Problem(
                    where,
                    f"tree node {libipld.encode_cid(cid)}",
                    reason,
                    "The records under this part of the tree were skipped.",
                )
            )
            return
        if node.get("l"):
            visit(node["l"])
        key = b""
        try:
            for entry in node["e"]:
                key = key[: entry["p"]] + entry["k"]
                entries.append((key.decode("utf-8", "replace"), entry["v"]))
                if entry.get("t"):
                    visit(entry["t"])
        except (KeyError, TypeError):
            raise SourceError("has a damaged tree node", file=where, hint=_HINT_AGAIN) from None

    visit(root)
    return entries


class _BytesReader:
    """Read from bytes in memory through the ``Readable`` protocol."""

    def __init__(self, data: bytes) -> None:
        self._data = memoryview(data)
        self._offset = 0

    def read(self, size: int = -1, /) -> bytes:
        end = len(self._data) if size < 0 else self._offset + size
        chunk = bytes(self._data[self._offset : end])
        self._offset += len(chunk)
        return chunk


class _RepositoryReader:
    """Normalise the records of one repository, announcing each account before its first use."""

    def __init__(self, did: str, records: list[tuple[str, Any]], where: str) -> None:
        self.reader = RecordReader(did)
        self.records = records
        self.where = where
        self.seen = {did}
        self.handlers: dict[str, Callable[[str, dict[str, Any]], list[Post | Interaction]]] = {
            POST: self._post,
            REPOST: lambda key, record: list(self.reader.repost(key, record)),
            LIKE: lambda key, record: [self.reader.like(key, record)],
            FOLLOW: lambda key, record: [self.reader.follow(key, record)],
            PROFILE: lambda key, record: [],
            # Blocks are known but amity has no block edge; they are skipped without a problem.
            BLOCK: lambda key, record: [],
        }

    def read(self, problems: list[Problem]) -> Iterator[Record]:
        """Yield the owner, then each record's accounts, posts and interactions, then problems."""
        yield self._owner()
        unknown: Counter[str] = Counter()
        handlers = self.handlers
        for key, record in self.records:
            collection = key.split("/", 1)[0]
            handler = handlers.get(collection)
            if handler is None:
                unknown[collection] += 1
                continue
            if not isinstance(record, dict):
                yield Problem(self.where, key, "is not a record (a map)", _HINT_SKIPPED)
                continue
            try:
                produced = handler(key, record)
            except ItemError as error:
                yield Problem(self.where, key, error.reason, _HINT_SKIPPED)
                continue
            yield from self._new_accounts(produced)
            yield from produced
        for collection, count in sorted(unknown.items()):
            noun = "record" if count == 1 else "records"
            yield Problem(
                self.where,
                f"{collection} ({count} {noun})",
                "unknown record type, skipped",
                _HINT_SKIPPED,
            )
        yield from problems

    def _post(self, key: str, record: dict[str, Any]) -> list[Post | Interaction]:
        post, edges = self.reader.post(key, record)
        return [post, *edges]

    def _owner(self) -> Account:
        did = self.reader.did
        profile = next((r for k, r in self.records if k == f"{PROFILE}/self"), None)
        fields = profile if isinstance(profile, dict) else {}
        name, bio = fields.get("displayName"), fields.get("description")
        return Account(
            platform="bluesky",
            platform_id=did,
            display_name=name if isinstance(name, str) and name else None,
            url=f"https://bsky.app/profile/{did}",
            bio=bio if isinstance(bio, str) and bio else None,
            is_own=True,
            raw=json_safe(profile) if isinstance(profile, dict) else None,
        )

    def _new_accounts(self, produced: list[Post | Interaction]) -> Iterator[Account]:
        for item in produced:
            if isinstance(item, Interaction) and item.target is not None:
                refs = [item.target]
            elif isinstance(item, Post):
                refs = [r for r in (item.reply_to_author, item.boost_of_author) if r]
                refs += item.mentions
            else:
                continue
            for account in refs:
                if account.platform_id and account.platform_id not in self.seen:
                    self.seen.add(account.platform_id)
                    yield Account("bluesky", account.platform_id)
