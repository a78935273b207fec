"""Read CAR v1 files (Content-Addressable aRchives) one block at a time.

A CAR v1 file is a frame holding a DAG-CBOR header ``{"version": 1, "roots": [CID, ...]}``, then
one frame per block; a frame is an unsigned LEB128 varint length and that many bytes, and a block
frame holds a CID followed by the block's DAG-CBOR bytes. That framing is read here by hand, as it
is a few lines; everything inside a header or block is DAG-CBOR and is decoded by libipld.

To split a block frame into CID and block, the CID's length must be known, and a CID does not
state it: CIDv1 is the varints ``version codec hash-code digest-size`` followed by the digest
(36 bytes for the SHA-256 dag-cbor CIDs that repositories use), CIDv0 is a bare SHA-256 multihash
(``0x12 0x20`` and 32 bytes). Reading those varints is all the CID parsing done here; it also
yields the digest each block is checked against.

libipld's ``decode_car`` needs the whole file in memory and decodes every block at once. Instead,
``scan`` reads the file once, front to back, checks every block's SHA-256 against its CID, and
keeps a compact index (``BlockIndex``): per block, 8 bytes of its digest, its offset and length,
in NumPy arrays, 20 bytes a block whatever the block's size. Blocks are then read one at a time
by CID, with one positional read each, and checked again as they are read.
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Callable, Iterator
from typing import Any, TypeGuard

import libipld
import numpy as np

from amity.sources.container import Readable

SHA256_DAG_CBOR = b"\x01\x71\x12\x20"
"""The prefix of a CIDv1 of a dag-cbor block hashed with SHA-256 (32 bytes of digest follow)."""
MAX_FRAME = 16 << 20
"""Far larger than any block of a repository: a frame claiming more is damage, and reading it
would only fill memory."""
MAX_HEADER = 1 << 16
"""A header names a root or a few; one larger than this is not a CAR header."""
_CHUNK = 1 << 20
"""How much of the file the first pass reads at a time."""
_SHA256 = 0x12  # the multihash code of SHA-256

ReadAt = Callable[[int, int], bytes]
"""``read_at(length, offset)``: return bytes of a file, like ``os.pread`` with the file bound."""


class CarError(Exception):
    """The CAR file is damaged; ``reason`` says how, for a SourceError naming the file."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NotACar(CarError):
    """The file does not open with a CAR version 1 header."""


def cid_of(data: bytes) -> bytes:
    """Return the CIDv1 (dag-cbor, SHA-256) of a DAG-CBOR block, in binary form."""
    return SHA256_DAG_CBOR + hashlib.sha256(data).digest()


def varint(value: int) -> bytes:
    """Return ``value`` as an unsigned LEB128 varint."""
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | 0x80 if value else byte)
        if not value:
            return bytes(out)


def read_varint(data: bytes | memoryview, start: int = 0) -> tuple[int, int]:
    """Return the varint at ``start`` of ``data`` and the offset after it; (0, start) if none."""
    value = shift = 0
    for index in range(start, min(start + 9, len(data))):
        byte = data[index]
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, index + 1
        shift += 7
    return 0, start


def split_cid(frame: bytes | memoryview) -> tuple[int, bytes | None]:
    """Return the length of the CID opening a block frame, and its SHA-256 digest if it has one.

    The digest is None for a CID hashed otherwise, whose block cannot be checked here (atproto
    repositories use SHA-256 only).
    """
    if frame[:4] == SHA256_DAG_CBOR:
        return 36, bytes(frame[4:36])
    if frame[:2] == b"\x12\x20":  # CIDv0: a bare SHA-256 multihash
        return 34, bytes(frame[2:34])
    version, at = read_varint(frame)
    _codec, at = read_varint(frame, at)
    code, at = read_varint(frame, at)
    size, at = read_varint(frame, at)
    if version != 1 or at + size > len(frame):
        raise CarError("has a block whose CID cannot be read")
    return at + size, bytes(frame[at : at + size]) if code == _SHA256 else None


def index_key(cid: bytes) -> int:
    """Return the 8 bytes of a CID the index sorts by: its digest's first 8 bytes when SHA-256.

    Read as a signed integer: NumPy searches an int64 column for a Python int directly, but
    converts a whole uint64 column to search it for an int past 2**63.
    """
    if cid[:4] == SHA256_DAG_CBOR:
        return int.from_bytes(cid[4:12], "little", signed=True)
    return int.from_bytes(hashlib.sha256(cid).digest()[:8], "little", signed=True)


class BlockIndex:
    """Where each block of a CAR lies: digest keys in order, with frame offsets and lengths.

    20 bytes a block, held in NumPy arrays rather than in a dict, whose entries would take about
    ten times as much.
    """

    def __init__(self, keys: array[int], offsets: array[int], lengths: array[int]) -> None:
        column = np.frombuffer(keys, dtype=np.int64)
        order = np.argsort(column, kind="stable")
        self._keys = column[order]
        self._offsets = np.frombuffer(offsets, dtype=np.uint64)[order]
        self._lengths = np.frombuffer(lengths, dtype=np.uint32)[order]

    def __len__(self) -> int:
        return len(self._keys)

    def places(self, cid: bytes) -> list[tuple[int, int]]:
        """Return the (offset, length) of each frame whose digest key is that of ``cid``."""
        key = index_key(cid)
        keys = self._keys
        at = int(keys.searchsorted(key))
        found = []
        while at < len(keys) and keys[at] == key:
            found.append((int(self._offsets[at]), int(self._lengths[at])))
            at += 1
        return found


class BlockFile:
    """Read the blocks of a scanned CAR by CID, checking each against its CID as it is read."""

    def __init__(self, index: BlockIndex, read_at: ReadAt) -> None:
        self.index = index
        self._read_at = read_at

    def get(self, cid: bytes) -> bytes | None:
        """Return the DAG-CBOR bytes of the block ``cid``, or None if the file does not hold it."""
        size = len(cid)
        for offset, length in self.index.places(cid):
            frame = self._read_at(length, offset)
            if frame[:size] != cid:
                continue  # another block whose digest starts with the same 8 bytes
            # Checked again: the file may have changed since it was scanned.
            digest = cid[4:] if size == 36 and cid[:4] == SHA256_DAG_CBOR else split_cid(cid)[1]
            data = frame[size:]
            if digest is not None and hashlib.sha256(data).digest() != digest:
                raise CarError(_mismatch(cid))
            return data
        return None

    def holds(self, cid: bytes) -> bool:
        """Return True when the file holds the block ``cid``, reading only its CID."""
        places = self.index.places(cid)
        return any(self._read_at(len(cid), offset) == cid for offset, _ in places)

    def decode(self, cid: bytes) -> Any:
        """Return the decoded block ``cid``; None if the file does not hold it."""
        data = self.get(cid)
        if data is None:
            return None
        try:
            return libipld.decode_dag_cbor(data)
        except (ValueError, RecursionError) as error:
            raise CarError(f"has a block that is not DAG-CBOR ({error})") from None


def starts_like_car(stream: Readable) -> bool:
    """Return True when a stream opens with a varint length and a CAR v1 header."""
    start = stream.read(10)
    length, at = read_varint(start)
    if at == 0 or not 0 < length <= MAX_HEADER:
        return False
    frame = start[at : at + length]
    frame += stream.read(length - len(frame))
    return _is_header(_decoded(frame))


def scan(stream: Readable) -> tuple[dict[str, Any], BlockIndex]:
    """Read a CAR front to back: return its header and an index of its blocks.

    Every block is checked against its CID on the way. Raise NotACar when the stream does not
    open with a CAR header, and CarError when a block does not match its CID or the file is cut
    off.
    """
    frames = _frames(stream)
    header = _header_of(frames)
    keys, offsets, lengths = array("q"), array("Q"), array("I")
    sha256, from_bytes = hashlib.sha256, int.from_bytes
    for offset, frame in frames:
        if frame[:4] == SHA256_DAG_CBOR:  # nearly every block: take the digest as it lies
            if sha256(frame[36:]).digest() != frame[4:36]:
                raise CarError(_mismatch(bytes(frame[:36])))
            keys.append(from_bytes(frame[4:12], "little", signed=True))
        else:
            keys.append(_checked_key(frame))
        offsets.append(offset)
        lengths.append(len(frame))
    return header, BlockIndex(keys, offsets, lengths)


def _checked_key(frame: memoryview) -> int:
    """Return the index key of a block whose CID is not the usual one, after checking it."""
    cid_length, digest = split_cid(frame)
    if digest is not None and hashlib.sha256(frame[cid_length:]).digest() != digest:
        raise CarError(_mismatch(bytes(frame[:cid_length])))
    return index_key(bytes(frame[:cid_length]))


def _header_of(frames: Iterator[tuple[int, memoryview]]) -> dict[str, Any]:
    """Return the decoded first frame when it is a CAR v1 header, or raise NotACar."""
    try:
        _, frame = next(frames)
    except (StopIteration, CarError):
        raise NotACar("does not open with a CAR header") from None
    header = _decoded(bytes(frame)) if len(frame) <= MAX_HEADER else None
    if not _is_header(header):
        raise NotACar("does not open with a CAR version 1 header")
    return header


def _decoded(frame: bytes) -> Any:
    """Return a frame decoded as DAG-CBOR, or None when it is not."""
    try:
        return libipld.decode_dag_cbor(frame)
    except (ValueError, RecursionError):
        return None


def _is_header(value: object) -> TypeGuard[dict[str, Any]]:
    return isinstance(value, dict) and value.get("version") == 1 and "roots" in value


def _frames(stream: Readable) -> Iterator[tuple[int, memoryview]]:
    """Yield each frame's offset in the file (after its length) and its bytes, header first.

    The stream is read a megabyte at a time; a frame is a view into the chunk it lies in, not a
    copy.
    """
    buffer = memoryview(b"")
    base = at = 0  # the file offset of buffer[0]; the read position in buffer
    while True:
        if len(buffer) - at < 10:  # a varint takes at most 9 bytes
            buffer, base, at = _refill(stream, buffer, base, at, 10)
            if not buffer:
                return
        first = buffer[at]
        if first < 0x80:
            length, start = first, at + 1
        elif len(buffer) > at + 1 and buffer[at + 1] < 0x80:  # most blocks: 128 B to 16 KB
            length, start = (first & 0x7F) | buffer[at + 1] << 7, at + 2
        else:
            length, start = read_varint(buffer, at)
        if start == at or length > MAX_FRAME:
            raise CarError("is damaged: the length of a block cannot be read")
        if start + length > len(buffer):
            start -= at
            buffer, base, at = _refill(stream, buffer, base, at, start + length)
            if start + length > len(buffer):
                raise CarError("is cut off: its last block is incomplete")
        yield base + start, buffer[start : start + length]
        at = start + length


def _refill(
    stream: Readable, buffer: memoryview, base: int, at: int, need: int
) -> tuple[memoryview, int, int]:
    """Return a buffer holding the unread rest of ``buffer`` and at least ``need`` bytes more."""
    rest = bytes(buffer[at:])
    parts = [rest]
    have = len(rest)
    while have < max(need, _CHUNK):
        chunk = stream.read(_CHUNK)
        if not chunk:
            break
        parts.append(chunk)
        have += len(chunk)
    return memoryview(b"".join(parts)), base + at, 0


def _mismatch(cid: bytes) -> str:
    return f"has a block whose content does not match its CID {libipld.encode_cid(cid)}"
