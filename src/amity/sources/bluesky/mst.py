"""Walk and build the Merkle Search Tree that holds a Bluesky repository's records.

A tree node is ``{"l": CID | None, "e": [entry, ...]}`` and an entry ``{"p": int, "k": bytes,
"v": CID, "t": CID | None}``: ``k`` is the entry's key less the ``p`` bytes it shares with the
previous key in the same node, ``v`` the record's CID, and ``t`` the subtree holding the keys
between this entry and the next; ``l`` holds the keys before the first entry. Keys are
``collection/rkey``.

A key's depth is the number of leading zero bits of its SHA-256, counted in pairs (a fanout of
4). A node of layer L holds the keys of depth L in its range, in order; its subtrees are nodes of
layer L - 1, and a range with no key of depth L but deeper keys is still a node, with only ``l``.
The shape of the tree, and so every node's CID, depends on the set of keys alone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from amity.sources.bluesky.car import BlockFile, CarError

Missing = Callable[[bytes, str], None]
"""Told the CID of a tree node the file lacks (or that is no node) and why; the walk goes on."""


def key_depth(key: bytes) -> int:
    """Return the layer of the tree ``key`` belongs to: its hash's leading zero bits, halved."""
    digest = int.from_bytes(hashlib.sha256(key).digest(), "big")
    return (256 - digest.bit_length()) // 2


def walk(blocks: BlockFile, root: bytes, missing: Missing) -> Iterator[tuple[str, bytes]]:
    """Yield the (key, record CID) entries of the tree at ``root``, in key order.

    A subtree whose node the file does not hold is reported to ``missing`` and skipped; a node
    that cannot be read as one raises CarError.
    """
    # Depth first with a stack of what is still to come, (None, subtree) or (key, record), last
    # first: one generator, rather than one per layer that every entry would pass through.
    pending: list[tuple[str | None, bytes]] = [(None, root)]
    last = ""
    while pending:
        key, cid = pending.pop()
        if key is not None:
            # Keys only ever increase: a file whose tree reaches one node twice would repeat them.
            if key <= last:
                raise CarError(f"has a damaged tree: key {key!r} comes after {last!r}")
            yield key, cid
            last = key
            continue
        node = _node(blocks, cid, missing)
        if node is not None:
            pending.extend(reversed(_items(node)))


def _items(node: dict[str, Any]) -> list[tuple[str | None, bytes]]:
    """Return a node's left subtree, then each entry and its right subtree, in key order."""
    items: list[tuple[str | None, bytes]] = [(None, node["l"])] if node.get("l") else []
    for key, value, subtree in entries(node):
        items.append((key.decode("utf-8", "replace"), value))
        if subtree:
            items.append((None, subtree))
    return items


def find(blocks: BlockFile, root: bytes, key: str) -> bytes | None:
    """Return the record CID stored at ``key``, or None when the tree (as far as held) lacks it."""
    wanted = key.encode()
    at: bytes | None = root
    while at:
        node = _node(blocks, at, lambda cid, reason: None)
        if node is None:
            return None
        at = node.get("l")
        for entry_key, value, subtree in entries(node):
            if entry_key == wanted:
                return value
            if entry_key > wanted:
                break
            at = subtree
    return None


def entries(node: dict[str, Any]) -> Iterator[tuple[bytes, bytes, bytes | None]]:
    """Yield each entry of a node as its full key, its value CID and its right subtree."""
    key = b""
    try:
        for entry in node["e"]:
            key = key[: entry["p"]] + entry["k"]
            value, subtree = entry["v"], entry.get("t")
            if not isinstance(value, bytes) or not isinstance(subtree, bytes | None):
                raise TypeError("a link is not a CID")
            yield key, value, subtree
    except (KeyError, TypeError, AttributeError):
        raise CarError("has a damaged tree node") from None


def _node(blocks: BlockFile, cid: bytes, missing: Missing) -> dict[str, Any] | None:
    """Return the tree node ``cid``, or None (and tell ``missing``) when there is none."""
    node = blocks.decode(cid)
    if isinstance(node, dict) and isinstance(node.get("e"), list):
        if not isinstance(node.get("l"), bytes | None):
            raise CarError("has a damaged tree node")
        return node
    missing(cid, "is missing from the file" if node is None else "is not a tree node")
    return None


@dataclass(slots=True)
class _OpenNode:
    """A node still taking entries: its left subtree and its [key, value, subtree] entries."""

    left: bytes | None = None
    entries: list[list[Any]] = field(default_factory=list)


class TreeBuilder:
    """Build a tree from keys given in increasing order, writing each node once it is complete.

    Only the one open node of each layer is held (a few entries each), so memory does not grow
    with the number of keys. ``put`` writes a node and returns its CID.
    """

    def __init__(self, put: Callable[[Any], bytes]) -> None:
        self._put = put
        self._layers: list[_OpenNode] = []
        self._last: bytes | None = None

    def add(self, key: bytes, value: bytes) -> None:
        """Add the record CID ``value`` at ``key``, which must sort after every key added."""
        if self._last is not None and key <= self._last:
            raise ValueError(f"key {key!r} does not sort after {self._last!r}")
        self._last = key
        depth = key_depth(key)
        while len(self._layers) <= depth:
            self._layers.append(_OpenNode())
        # A key of depth d ends the ranges below it on every layer under d.
        for layer in range(depth):
            self._close(layer)
        self._layers[depth].entries.append([key, value, None])

    def finish(self) -> bytes:
        """Write the nodes still open and return the CID of the root."""
        if not self._layers:
            return self._put({"l": None, "e": []})
        top = len(self._layers) - 1
        for layer in range(top):
            self._close(layer)
        return self._put(_encoded(self._layers[top]))

    def _close(self, layer: int) -> None:
        """Write the open node of ``layer``, if it holds anything, into its parent."""
        node = self._layers[layer]
        if node.left is None and not node.entries:
            return
        cid = self._put(_encoded(node))
        self._layers[layer] = _OpenNode()
        parent = self._layers[layer + 1]
        if parent.entries:
            parent.entries[-1][2] = cid
        else:
            parent.left = cid


def _encoded(node: _OpenNode) -> dict[str, Any]:
    """Return a node as stored: each key compressed against the key before it in the node."""
    encoded = []
    previous = b""
    for key, value, subtree in node.entries:
        shared = _shared_length(previous, key)
        encoded.append({"p": shared, "k": key[shared:], "v": value, "t": subtree})
        previous = key
    return {"l": node.left, "e": encoded}


def _shared_length(first: bytes, second: bytes) -> int:
    for index, (one, other) in enumerate(zip(first, second, strict=False)):
        if one != other:
            return index
    return min(len(first), len(second))
