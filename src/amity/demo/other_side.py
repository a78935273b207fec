"""Complete a reply tree: every post in it gets an author, a time, an id and words.

The archives' pass fixes what her archive points at (the root, her posts, the posts she answers,
the replies she liked). Everything else in the tree is drawn here, from streams of its own: the
other posts' times follow the tree's offsets (never before their parent, never after a reply the
pass already placed under them), their authors come from a picker of this side's own, their ids
from an id maker whose ids cannot meet the pass's, and the kind of their words is a template
section that ``compose.Voices`` fills from the post's id. Posts that would fall after the end of
the world have not happened yet and are left out. A reply she liked and also answered is, in the
pass, a second reply beside the one she answered (it got its own id there); it becomes one here
too.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from amity.demo.ids import IdMaker
from amity.demo.items import DIRECT, Item, Ref
from amity.demo.picker import Picker
from amity.demo.threads import PARTNER, USER
from amity.demo.timing import morning
from amity.demo.witness import Tree
from amity.demo.world import Person, Persona

OTHER_SEQUENCE = 0x8000
"""Set in every id this side makes: the pass's ids keep that bit clear (below 32M items each)."""


def as_person(persona: Persona) -> Person:
    """Return the user as a Person (key ``"user"``), so she can be mentioned and rendered."""
    return Person(
        "user",
        persona.display_name,
        0,
        0.0,
        persona.mastodon,
        persona.twitter,
        bluesky=persona.bluesky,
    )


class OtherIds:
    """Hand out time-ordered ids that the archives' pass never hands out."""

    def __init__(self, platform: str, worker: int) -> None:
        self._maker = IdMaker(platform, worker)

    def make(self, at: int) -> int:
        """Return a new id for an item written at ``at`` (epoch seconds)."""
        item_id = self._maker.make(at)[1]
        return item_id | OTHER_SEQUENCE


@dataclass(slots=True)
class Node:
    """One post of a completed tree; ``parent`` is its parent's position in the list (-1: root).

    ``mentions`` are whom the post addresses as Mastodon fills them in (a reply names the author
    it answers and whomever that post named); ``item`` is her item for her posts.
    """

    parent: int
    author: Person
    at: int
    id: int
    section: str
    """Which words the post has (a template section: see ``compose.Voices``); hers: ''."""
    mentions: tuple[Person, ...]
    visibility: str
    item: Item | None = None
    asks: bool = False
    answered: bool = False
    to_user: bool = False


class Completer:
    """Complete the trees of one network."""

    def __init__(
        self, *, me: Person, picker: Picker, ids: OtherIds, end: int, rng: random.Random
    ) -> None:
        self.me = me
        self._picker = picker
        self._ids = ids
        self._end = end
        self._rng = rng

    def complete(self, tree: Tree) -> list[Node]:
        """Return every post of ``tree`` that exists by the end of the world, parents first."""
        shape = tree.shape
        fixed = dict(tree.refs)
        for node, ref in tree.liked.items():
            fixed.setdefault(node, ref)
        times = self._times(tree, fixed)
        answered = {shape.parents[u] for u in shape.user_nodes if u}
        mine = dict(zip(shape.user_nodes, tree.items, strict=False))
        nodes: list[Node] = []
        where: dict[int, int] = {}
        for index in range(shape.size):
            parent = shape.parents[index]
            if times[index] > self._end or (parent >= 0 and parent not in where):
                continue
            up = nodes[where[parent]] if parent >= 0 else None
            where[index] = len(nodes)
            nodes.append(self._node(tree, index, up, where.get(parent, -1), fixed, times, mine))
            nodes[-1].answered = index in answered
        for index, ref in tree.liked.items():
            if index in tree.refs and shape.parents[index] in where:
                position = where[shape.parents[index]]
                nodes.append(self._reply(nodes[position], position, ref, asks=False))
        return nodes

    def _times(self, tree: Tree, fixed: dict[int, Ref]) -> list[int]:
        """Place the unfixed posts: after their parent, before any fixed reply below them."""
        shape = tree.shape
        times = [0] * shape.size
        for index in range(shape.size):
            ref = fixed.get(index)
            if ref is not None:
                times[index] = ref.at
            else:
                after = times[shape.parents[index]] + 1 if index else tree.t0
                times[index] = max(morning(tree.t0 + shape.offsets[index]), after)
        for index in range(shape.size - 1, 0, -1):
            parent = shape.parents[index]
            if parent not in fixed and times[parent] > times[index]:
                above = times[shape.parents[parent]] if parent else times[parent]
                times[parent] = max(above, times[index])
        return times

    def _node(
        self,
        tree: Tree,
        index: int,
        up: Node | None,
        position: int,
        fixed: dict[int, Ref],
        times: list[int],
        mine: dict[int, Item],
    ) -> Node:
        at = times[index]
        item = mine.get(index)
        if item is not None:
            return Node(position, self.me, at, item.id, "", item.mentions, item.visibility, item)
        ref = fixed.get(index)
        role = tree.shape.roles[index]
        if ref is not None and ref.author is not None:
            author = ref.author
        elif role == PARTNER:
            author = tree.partner
        else:
            author = self._picker.other(at)
        node_id = ref.id if ref is not None else self._ids.make(at)
        if up is None:
            if tree.kind == DIRECT:
                section = "contact_dm_question" if self._rng.random() < 0.3 else "contact_dm"
                return Node(-1, author, at, node_id, section, (self.me,), tree.visibility)
            return Node(-1, author, at, node_id, "contact_post", (), "public")
        asks = tree.asks.get(index, False) if up.author is self.me else False
        assert role != USER
        return self._reply(up, position, Ref(node_id, author, at), asks=asks, direct=tree.kind)

    def _reply(self, up: Node, position: int, ref: Ref, *, asks: bool, direct: str = "") -> Node:
        """Return a reply by ``ref.author`` to ``up``, at ``ref.at`` with id ``ref.id``.

        Like Mastodon's composer, a reply addresses the author it answers and whomever that post
        addressed; replies to her may ask her something, replies to others chat among themselves.
        """
        author = ref.author
        assert author is not None
        to_user = up.author is self.me
        if up.visibility == "direct" or direct == DIRECT:
            section = "contact_dm_question" if asks else "contact_dm"
        elif to_user:
            section = "contact_question" if asks else "contact_reply"
        else:
            section = "contact_chat"
        mentions: list[Person] = [] if up.author is author else [up.author]
        for person in up.mentions:
            if person is not author and all(person is not p for p in mentions):
                mentions.append(person)
        visibility = up.visibility
        if visibility in ("public", "unlisted"):
            visibility = "unlisted" if self._rng.random() < 0.08 else "public"
        return Node(
            position,
            author,
            ref.at,
            ref.id,
            section,
            tuple(mentions),
            visibility,
            None,
            asks,
            False,
            to_user,
        )


def engagers(
    rng: random.Random,
    picker: Picker,
    count: int,
    at: int,
    end: int,
    *,
    first: Person | None = None,
    only: tuple[Person, ...] = (),
) -> list[tuple[Person, int]]:
    """Return up to ``count`` distinct people who like or boost a post of hers, with when.

    The one she answered (``first``) often likes her reply; the rest are drawn by talk rate, so
    close people engage more. ``only`` limits who can (the people a private message was for).
    Reactions come minutes to hours after the post, never after the end of the world.
    """
    if only:
        count = min(count, len(only))
    chosen: dict[str, Person] = {}
    if first is not None and first.key != "user" and rng.random() < 0.6 and count:
        chosen[first.key] = first
    for _ in range(4 * count + 4):
        if len(chosen) >= count:
            break
        person = only[int(rng.random() * len(only))] if only else picker.pick(at)
        chosen.setdefault(person.key, person)
    return [
        (person, min(end, at + 30 + int(rng.expovariate(1 / 5_400)))) for person in chosen.values()
    ]
