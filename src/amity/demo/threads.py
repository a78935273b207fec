"""Reply trees shaped like real ones, with roles for who writes each post.

A tree grows one reply at a time. Some trees are stars (every reply answers the root), some are
dialogues (replies mostly answer the latest post, building long chains), most are in between;
sizes of the larger trees are log-normal. With the constants below, trees of six or more posts
match the Twitter trees of the delab-trees data set (median size about 30, 90th percentile about
190; median depth 2, 90th percentile about 11) — see tests/demo/test_demo_threads.py.

Each node has a role: ``USER`` (the illustrator), ``PARTNER`` (the one contact she is mostly
talking with in this thread) or ``OTHER`` (anyone else). Growing a tree is slow in Python, so the
schedule draws large trees from a pool made once per world.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

USER, PARTNER, OTHER = 0, 1, 2
STAR_SHARE = 0.45
DIALOGUE_SHARE = 0.17
SIZE_MEDIAN = 22.0
SIZE_SIGMA = 1.55
MAX_SIZE = 800
LARGE = 6
CHAIN_VARIANTS = 64
"""Trees of at least this many posts are 'large': delab-trees holds no smaller ones."""


@dataclass(frozen=True, slots=True)
class Shape:
    """One reply tree: parent, role and seconds after the root for each node, in time order.

    The other fields are worked out once, when the tree is made, because trees are reused many
    times: the user's nodes, the replies to her (each with her first answer to it, or -1), the
    nodes a thread's items need, the user's nodes somebody answered, and her replies to herself.
    """

    parents: tuple[int, ...]
    roles: bytes
    offsets: tuple[int, ...]
    depth: int
    user_nodes: tuple[int, ...]
    answers: tuple[tuple[int, int], ...]
    needed: tuple[int, ...]
    replied: frozenset[int]
    own_replies: dict[int, tuple[int, ...]]

    @property
    def size(self) -> int:
        """Return the number of posts in the tree."""
        return len(self.parents)


def grow(rng: random.Random, size: int, root: int) -> Shape:
    """Grow a tree of ``size`` posts whose root is written by ``root`` (USER or PARTNER).

    The user writes at least one post of every tree: the demo holds only her conversations.
    """
    parents, roles, depths = [-1], [root], [0]
    p_root, latest = _style(rng)
    for index in range(1, size):
        if index == 1 or rng.random() < p_root:
            parent = 0
        elif rng.random() < latest:
            parent = index - 1
        else:
            parent = rng.randrange(1, index)
        parents.append(parent)
        depths.append(depths[parent] + 1)
        roles.append(_role(rng, roles, parents, parent, size))
    if root != USER and USER not in roles:
        _bring_user_in(rng, parents, roles)
    return _finish(rng, parents, roles, max(depths))


def _bring_user_in(rng: random.Random, parents: list[int], roles: list[int]) -> None:
    """Make one reply the user's and redraw the roles after it; the tree's shape stays."""
    first = rng.randrange(1, len(parents))
    roles[first] = USER
    for index in range(first + 1, len(parents)):
        roles[index] = _role(rng, roles, parents, parents[index], len(parents))


def _style(rng: random.Random) -> tuple[float, float]:
    """Pick how a tree branches: (chance a reply answers the root, chance it answers the latest)."""
    draw = rng.random()
    if draw < STAR_SHARE:
        return 1.0, 0.0
    if draw < STAR_SHARE + DIALOGUE_SHARE:
        return rng.uniform(0.02, 0.3), 0.95
    return rng.betavariate(1.2, 1.6), 0.2


def _role(rng: random.Random, roles: list[int], parents: list[int], parent: int, size: int) -> int:
    """Decide who writes a reply, from who wrote its parent and grandparent."""
    above = roles[parent]
    grand = roles[parents[parent]] if parent > 0 else -1
    draw = rng.random()
    if above == USER:
        return PARTNER if draw < 0.55 else OTHER
    if above == PARTNER:
        chance = 0.55 if grand == USER else min(0.5, 2.5 / size)
        return USER if draw < chance else OTHER
    chance = min(0.45, 10 / size) if grand == USER else min(0.15, 1 / size)
    return USER if draw < chance else OTHER


def _finish(
    rng: random.Random, parents: list[int], roles: list[int], depth: int, quick: bool = False
) -> Shape:
    offsets, clock = [0], 0
    pace = math.exp(rng.gauss(0.0, 0.5)) * (0.1 if quick else 1.0)
    for role in roles[1:]:
        median = 1_200 if role == USER else 300
        clock += 1 + int(pace * median * math.exp(rng.gauss(0.0, 1.2)))
        offsets.append(clock)
    return _shape(parents, bytes(roles), tuple(offsets), depth)


def _shape(parents: list[int], roles: bytes, offsets: tuple[int, ...], depth: int) -> Shape:
    users = tuple(index for index, role in enumerate(roles) if role == USER)
    first_answer: dict[int, int] = {}
    own: dict[int, list[int]] = {}
    for index in users[1:] if users and users[0] == 0 else users:
        parent = parents[index]
        first_answer.setdefault(parent, index)
        if roles[parent] == USER:
            own.setdefault(parent, []).append(index)
    answers = tuple(
        (index, first_answer.get(index, -1))
        for index, parent in enumerate(parents)
        if index and roles[parent] == USER and roles[index] != USER
    )
    needed = {0, *users, *(parents[u] for u in users if u)}
    replied = frozenset(parents[node] for node, _ in answers)
    own_replies = {parent: tuple(children) for parent, children in own.items()}
    return Shape(
        tuple(parents),
        roles,
        offsets,
        depth,
        users,
        answers,
        tuple(sorted(needed)),
        replied,
        own_replies,
    )


def chain(rng: random.Random, size: int, roles: tuple[int, ...], *, quick: bool = False) -> Shape:
    """Return a straight chain of ``size`` posts whose roles cycle through ``roles``.

    ``quick`` chains (a thread the user writes in one go) have replies minutes apart.
    """
    parents = list(range(-1, size - 1))
    cycled = [roles[i % len(roles)] for i in range(size)]
    return _finish(rng, parents, cycled, size - 1, quick)


SINGLE = _shape([-1], bytes((USER,)), (0,), 0)
"""A post nobody answered."""


def large_size(rng: random.Random) -> int:
    """Draw the size of a large tree: log-normal, at least LARGE and at most MAX_SIZE posts."""
    while True:
        size = round(math.exp(rng.gauss(math.log(SIZE_MEDIAN), SIZE_SIGMA)))
        if LARGE <= size <= MAX_SIZE:
            return size


class ShapePool:
    """Trees made once per world and drawn at random afterwards (growing them is slow)."""

    def __init__(self, rng: random.Random, count: int = 800) -> None:
        self._rng = rng
        self._large = {
            root: [grow(rng, large_size(rng), root) for _ in range(count)]
            for root in (USER, PARTNER)
        }
        self._chains: dict[tuple[int, tuple[int, ...], bool], list[Shape]] = {}
        self._small = {
            root: [grow(rng, rng.randint(2, LARGE - 1), root) for _ in range(count)]
            for root in (USER, PARTNER)
        }

    def fork(self) -> ShapePool:
        """Return a pool that will draw exactly what this one draws from now on.

        The trees are shared (they never change); the random state and the chains made so far
        are copied, so a second pass over the same network sees the same trees.
        """
        twin = ShapePool.__new__(ShapePool)
        twin._rng = random.Random()
        twin._rng.setstate(self._rng.getstate())
        twin._large, twin._small = self._large, self._small
        twin._chains = dict(self._chains)
        return twin

    def chain(self, size: int, roles: tuple[int, ...], *, quick: bool = False) -> Shape:
        """Return a chain like ``chain()`` does, from a few made once per size and roles."""
        key = (size, roles, quick)
        variants = self._chains.get(key)
        if variants is None:
            variants = [chain(self._rng, size, roles, quick=quick) for _ in range(CHAIN_VARIANTS)]
            self._chains[key] = variants
        return variants[int(self._rng.random() * CHAIN_VARIANTS)]

    def large(self, root: int) -> Shape:
        """Return a tree of at least LARGE posts whose root is written by ``root``."""
        pool = self._large[root]
        return pool[int(self._rng.random() * len(pool))]

    def small(self, root: int) -> Shape:
        """Return a tree of two to LARGE - 1 posts whose root is written by ``root``."""
        pool = self._small[root]
        return pool[int(self._rng.random() * len(pool))]
