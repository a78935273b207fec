"""Identifiers in the shapes the AT Protocol uses: DIDs, record keys (TIDs), CIDs and at:// URIs.

A ``did:plc`` is 24 characters of base32 (``a-z2-7``); the demo derives them from the seed and a
name, so every world has its own and the same seed gives the same. A record key is a TID: 53 bits
of microseconds since 1970 and 10 bits of clock id, written in a base32 whose order is the order of
the numbers, so keys sort by time. A record's CID is the CIDv1 of its DAG-CBOR encoding
(codec 0x71, sha2-256), written in base32 with the ``b`` prefix, as a PDS computes it.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import libipld

from amity.demo.items import Ref

SORTABLE = "234567abcdefghijklmnopqrstuvwxyz"
_TO_TID = str.maketrans("0123456789abcdefghijklmnopqrstuv", SORTABLE)
_CID_PREFIX = bytes((0x01, 0x71, 0x12, 0x20))
POST = "app.bsky.feed.post"
LIKE = "app.bsky.feed.like"
REPOST = "app.bsky.feed.repost"
FOLLOW = "app.bsky.graph.follow"
PROFILE = "app.bsky.actor.profile"


def plc_did(seed: int, name: str) -> str:
    """Return a ``did:plc`` for ``name`` in the world of ``seed`` (24 base32 characters)."""
    digest = hashlib.sha256(f"amity-demo-did-{seed}-{name}".encode()).digest()
    return "did:plc:" + base64.b32encode(digest).decode().lower()[:24]


def tid(micros: int, clock: int = 0) -> str:
    """Return the TID for ``micros`` microseconds since 1970 and a 10-bit clock id."""
    value = (micros << 10) | (clock & 0x3FF)
    # base32hex keeps the order of the numbers, as the TID alphabet does: encode the 65 bits
    # (ten bytes give sixteen characters, the first three of them zero) and swap the alphabet.
    return str(libipld.encode_multibase("v", value.to_bytes(10, "big")))[-13:].translate(_TO_TID)


def tid_of(item_id: int) -> str:
    """Return the TID for a demo id (milliseconds << 16 | sequence), one to one.

    The sequence's high bits move the microseconds within the millisecond and its low ten bits
    become the clock id, so distinct ids give distinct keys in the same time order.
    """
    ms, sequence = item_id >> 16, item_id & 0xFFFF
    return tid(ms * 1000 + (sequence >> 10), sequence & 0x3FF)


def micros_of_tid(key: str) -> int:
    """Return the microseconds since 1970 that a TID encodes."""
    value = 0
    for char in key:
        value = value * 32 + SORTABLE.index(char)
    return value >> 10


def cid_of(record: dict[str, Any]) -> str:
    """Return the CID of a record: CIDv1, DAG-CBOR, sha2-256, base32."""
    digest = hashlib.sha256(libipld.encode_dag_cbor(record)).digest()
    return str(libipld.encode_multibase("b", _CID_PREFIX + digest))


def at_uri(did: str, collection: str, rkey: str) -> str:
    """Return the at:// URI of a record."""
    return f"at://{did}/{collection}/{rkey}"


def split_at_uri(uri: str) -> tuple[str, str, str] | None:
    """Return ``(did, collection, rkey)`` of an at:// URI, or None if it is not one."""
    if not uri.startswith("at://"):
        return None
    parts = uri[5:].split("/")
    if len(parts) != 3 or not all(parts):
        return None
    return parts[0], parts[1], parts[2]


def post_uri(ref: Ref, user_did: str) -> str:
    """Return the at:// URI of a post in the world: its author's DID (or hers) and its TID."""
    account = ref.author.bluesky if ref.author else None
    return at_uri(account.did if account else user_did, POST, tid_of(ref.id))
