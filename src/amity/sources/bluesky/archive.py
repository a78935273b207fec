"""Read a Bluesky repository export (Settings > Account > Export my data).

The export is one CAR v1 file (see ``car``): a header naming a root CID, then blocks. The root
block is the signed commit (``did``, ``data``, ``version``; ``rev`` from version 3). ``data`` is
the root of a Merkle Search Tree (see ``mst``) whose entries map keys ``collection/rkey`` to the
CIDs of records. The CAR may also hold blocks the tree no longer reaches (older commits); only
records reached from the commit are read.

Memory stays flat however large the repository: the file is read twice, never held. The first
pass checks every block against its CID and keeps an index of where each one lies (20 bytes a
block); the second walks the tree from the commit, reading each node and record where it lies.
Exports do not keep blocks in tree order (the real ones in the tests do not even start with the
commit), so the index is needed. The second pass reads the file at any offset, which a member
of a zip cannot be: a ``.car`` inside a zip is copied to a temporary file during the first pass.
"""

from __future__ import annotations

import contextlib
import functools
import os
import tempfile
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import libipld

from amity.errors import SourceError
from amity.model import Account, Interaction, Post, Problem, Record
from amity.sources.bluesky import car, mst
from amity.sources.bluesky.normalize import (
    BLOCK,
    FOLLOW,
    LIKE,
    POST,
    PROFILE,
    REPOST,
    RecordReader,
    json_safe,
)
from amity.sources.container import Container, Readable
from amity.sources.items import ItemError

SUFFIX = ".car"

_HINT_EXPORT = (
    "Pass the repository .car file exactly as downloaded from Bluesky"
    " (Settings > Account > Export my data)."
)
_HINT_AGAIN = "The file is damaged or was cut off; export your data from Bluesky again."
_HINT_SKIPPED = "amity does not import this kind of record; nothing else was affected."
_HINT_SUBTREE = "The records under this part of the tree were skipped."


def detect(container: Container) -> bool:
    """Return True when ``container`` holds exactly one ``.car`` member that looks like a CAR."""
    cars = _car_members(container)
    if len(cars) != 1:
        return False
    with container.open(cars[0]) as handle:
        return car.starts_like_car(handle)


def read_file(path: Path) -> Iterator[Record]:
    """Yield the account, posts, boosts, interactions and problems of a repository file."""
    try:
        handle = path.open("rb")
    except OSError as error:
        raise SourceError(f"cannot be read ({error.strerror})", file=str(path)) from None
    with handle:
        yield from _read(handle, _positional(handle), str(path))


def read(container: Container) -> Iterator[Record]:
    """Yield the records of the one ``.car`` member of ``container``."""
    cars = _car_members(container)
    if len(cars) != 1:
        found = f"{len(cars)} .car files" if cars else "no .car file"
        raise SourceError(f"holds {found}", file=str(container.path), hint=_HINT_EXPORT)
    name = cars[0]
    local = _local_file(container, name)
    with contextlib.ExitStack() as stack:
        stream = stack.enter_context(container.open(name))
        target: IO[bytes]
        if local is None:
            # A zip member can only be read front to back: keep a copy to read blocks from.
            target = stack.enter_context(tempfile.TemporaryFile(prefix="amity-", suffix=SUFFIX))
            stream = _Copying(stream, target)
        else:
            target = stack.enter_context(local.open("rb"))
        yield from _read(stream, _positional(target), container.describe(name))


def _car_members(container: Container) -> list[str]:
    return [name for name in container.names() if name.lower().endswith(SUFFIX)]


def _local_file(container: Container, name: str) -> Path | None:
    """Return the file on disk that holds member ``name``, or None when it lies in a zip."""
    # Mirrors how Container names members: relative to a folder, or the one file it was given.
    if container.path.is_dir():
        return container.path / name
    return None if zipfile.is_zipfile(container.path) else container.path


def _positional(handle: IO[bytes]) -> car.ReadAt:
    """Return a function reading ``length`` bytes at ``offset`` of ``handle``'s file.

    ``os.pread`` leaves the file's shared offset alone, so reading stays right when the import
    forks a second process that inherits the file.
    """
    if hasattr(os, "pread"):
        return functools.partial(os.pread, handle.fileno())

    def read_at(length: int, offset: int) -> bytes:
        handle.seek(offset)
        return handle.read(length)

    return read_at


class _Copying:
    """Read a stream while writing what was read to a file, complete once the stream ends."""

    def __init__(self, stream: Readable, copy: IO[bytes]) -> None:
        self._stream = stream
        self._copy = copy

    def read(self, size: int = -1, /) -> bytes:
        data = self._stream.read(size)
        self._copy.write(data)
        if not data:
            # The copy is read by position, past the buffer: it must all be on file now.
            self._copy.flush()
        return data


def _read(stream: Readable, read_at: car.ReadAt, where: str) -> Iterator[Record]:
    """Yield the records of the repository CAR read from ``stream``, then from ``read_at``."""
    try:
        header, index = car.scan(stream)
        blocks = car.BlockFile(index, read_at)
        did, root = _commit(blocks, header, where)
        yield from _RepositoryReader(did, blocks, where).read(root)
    except car.NotACar:
        raise SourceError(
            "is not a CAR file (a Bluesky repository export)", file=where, hint=_HINT_EXPORT
        ) from None
    except car.CarError as error:
        raise SourceError(error.reason, file=where, hint=_HINT_AGAIN) from None


def _commit(blocks: car.BlockFile, header: dict[str, Any], where: str) -> tuple[str, bytes]:
    """Return the DID of the repository and the root of its tree, from the commit block."""
    roots = header.get("roots")
    head = roots[0] if isinstance(roots, list) and roots else None
    commit = blocks.decode(head) if isinstance(head, bytes) else None
    if not isinstance(commit, dict):
        raise SourceError("has no commit block for its root", file=where, hint=_HINT_AGAIN)
    did, data = commit.get("did"), commit.get("data")
    if (
        not isinstance(did, str)
        or not did.startswith("did:")
        or not isinstance(data, bytes)
        or not data
    ):
        raise SourceError("has a commit with no DID or no data", file=where, hint=_HINT_AGAIN)
    return did, data


class _RepositoryReader:
    """Normalise the records of one repository, announcing each account before its first use."""

    def __init__(self, did: str, blocks: car.BlockFile, where: str) -> None:
        self.reader = RecordReader(did)
        self.blocks = blocks
        self.where = where
        self.seen = {did}
        self.handlers: dict[str, Callable[[str, dict[str, Any]], list[Post | Interaction]]] = {
            POST: self._post,
            REPOST: lambda key, record: list(self.reader.repost(key, record)),
            LIKE: lambda key, record: [self.reader.like(key, record)],
            FOLLOW: lambda key, record: [self.reader.follow(key, record)],
            PROFILE: lambda key, record: [],
            BLOCK: lambda key, record: [self.reader.block(key, record)],
        }
        self.subtrees_missing: list[Problem] = []
        self.records_missing: list[Problem] = []

    def read(self, root: bytes) -> Iterator[Record]:
        """Yield the owner, then each record's accounts, posts and interactions, then problems."""
        yield self._owner(root)
        unknown: Counter[str] = Counter()
        handlers = self.handlers
        for key, cid in mst.walk(self.blocks, root, self._subtree_missing):
            collection = key.split("/", 1)[0]
            handler = handlers.get(collection)
            if handler is None:
                unknown[collection] += 1
                self._check_held(key, cid)
                continue
            record = self.blocks.decode(cid)
            if record is None:
                self._record_missing(key)
            elif not isinstance(record, dict):
                yield Problem(self.where, key, "is not a record (a map)", _HINT_SKIPPED)
            else:
                yield from self._normalised(handler, key, record)
        yield from self._unknown(unknown)
        yield from self.subtrees_missing
        yield from self.records_missing

    def _normalised(
        self,
        handler: Callable[[str, dict[str, Any]], list[Post | Interaction]],
        key: str,
        record: dict[str, Any],
    ) -> list[Record]:
        """Return a record's new accounts, posts and interactions, or the problem with it."""
        try:
            produced = handler(key, record)
        except ItemError as error:
            return [Problem(self.where, key, error.reason, _HINT_SKIPPED)]
        return [*self._new_accounts(produced), *produced]

    def _unknown(self, unknown: Counter[str]) -> Iterator[Problem]:
        for collection, count in sorted(unknown.items()):
            noun = "record" if count == 1 else "records"
            yield Problem(
                self.where,
                f"{collection} ({count} {noun})",
                "unknown record type, skipped",
                _HINT_SKIPPED,
            )

    def _check_held(self, key: str, cid: bytes) -> None:
        """Note a record the file lacks, though its collection is skipped unread."""
        if not self.blocks.holds(cid):
            self._record_missing(key)

    def _record_missing(self, key: str) -> None:
        problem = Problem(self.where, key, "record is missing from the file", _HINT_AGAIN)
        self.records_missing.append(problem)

    def _subtree_missing(self, cid: bytes, reason: str) -> None:
        item = f"tree node {libipld.encode_cid(cid)}"
        self.subtrees_missing.append(Problem(self.where, item, reason, _HINT_SUBTREE))

    def _post(self, key: str, record: dict[str, Any]) -> list[Post | Interaction]:
        post, edges = self.reader.post(key, record)
        return [post, *edges]

    def _owner(self, root: bytes) -> Account:
        did = self.reader.did
        found = mst.find(self.blocks, root, f"{PROFILE}/self")
        profile = self.blocks.decode(found) if found else None
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

    def _new_accounts(self, produced: list[Post | Interaction]) -> list[Account]:
        """Return the accounts ``produced`` names that no earlier record did."""
        new = []
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
                    new.append(Account("bluesky", account.platform_id))
        return new
