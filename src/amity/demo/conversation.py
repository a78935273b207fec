"""Turn reply trees into the user's items on one network: posts, replies, boosts, likes.

Only the user's own posts reach her archive. Everyone else's posts in a tree get ids (and, where
an archive shows them, words) only when the archive points at them: as the post a reply answers,
the post a boost shares, or a reply to the user that she liked or bookmarked.

A ``Witness`` (the servers' side of the world) is shown every tree, boost and reaction as it is
made; it draws whatever more it needs from streams of its own, so the archives do not change.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable

from amity.demo.bluesky_ids import post_uri
from amity.demo.compose import Composer, first_name
from amity.demo.ids import IdMaker, ms_of
from amity.demo.items import BOOKMARK, BOOST, DIRECT, LIKE, POST, REPLY, Item, Ref
from amity.demo.picker import Picker
from amity.demo.text import Text
from amity.demo.threads import PARTNER, USER, Shape
from amity.demo.timing import Calendar, morning
from amity.demo.truth import Tally
from amity.demo.witness import Tree, Witness
from amity.demo.world import Person


class Conversations:
    """Build the user's items on one platform from reply trees, recording the ground truth."""

    def __init__(
        self,
        *,
        platform: str,
        picker: Picker,
        calendar: Calendar,
        composer: Composer,
        truth: Tally,
        rng: random.Random,
        user_uri: str,
        witness: Witness | None = None,
    ) -> None:
        self.platform = platform
        self._witness = witness
        self._user_uri = user_uri
        self.picker = picker
        self.calendar = calendar
        self.composer = composer
        self._truth = truth
        self._rng = rng
        self._ids = IdMaker(platform, worker=1)
        self._their_ids = IdMaker(platform, worker=2)
        self._thread = 0
        self._partner: Person | None = None
        self._liked: dict[int, Ref] = {}
        self._asks: dict[int, bool] = {}

    def their_post(self, person: Person, at: int, text: Text[Person] | None = None) -> Ref:
        """Give a contact's post an id (its time is ``at``)."""
        return Ref(self._their_ids.make(at)[1], person, at, text)

    def their_words(self, *, to_user: bool = False, question: bool = False) -> Text[Person] | None:
        """Write a contact's words where the archive shows them (X only: Mastodon keeps URIs)."""
        if self.platform != "twitter":
            return None
        if to_user:
            return self.composer.contact_reply(question=question)
        return self.composer.contact_post()

    def items_from(
        self,
        shape: Shape,
        *,
        t0: int,
        anchor: int,
        partner: Person,
        first: Text[Person] | None,
        kind: str = POST,
        visibility: str = "public",
    ) -> list[Item]:
        """Return the user's items in ``shape``, a tree whose root is written at ``t0``.

        ``first`` is the root's text when the user wrote the root; ``anchor`` is the time of the
        user's first post in the tree. Replies to the user may become likes and bookmarks.
        """
        self._partner = partner
        times = self._times(shape.needed, t0, shape.offsets, anchor)
        refs = {node: self._ref(shape, node, times[node], partner) for node in shape.needed}
        self._thread += 1
        self._truth.thread(shape.size, shape.depth)
        items = [
            self._item(shape, node, refs, first, kind, visibility) for node in shape.user_nodes
        ]
        self._liked, self._asks = {}, {}
        if shape.answers:
            items += self._reactions(shape, refs, t0)
        if self._witness is not None:
            tree = Tree(shape, t0, refs, self._liked, self._asks, items, partner, kind, visibility)
            self._witness.tree(tree)
        return items

    def _ref(self, shape: Shape, node: int, at: int, partner: Person) -> Ref:
        role = shape.roles[node]
        if role == USER:
            return Ref(self._ids.make(at)[1], None, at)
        person = partner if role == PARTNER else self.picker.other(at)
        return self.their_post(person, at)

    def _times(
        self, needed: tuple[int, ...], t0: int, offsets: tuple[int, ...], anchor: int
    ) -> dict[int, int]:
        """Place the tree in time: night replies move to the morning; nothing passes the end."""
        times: dict[int, int] = {}
        last = -1
        for node in needed:
            at = max(morning(t0 + offsets[node]), last + 1)
            times[node] = last = at
        end = self.calendar.end
        if last > end:
            scale = (end - anchor) / max(1, last - anchor)
            for node, at in times.items():
                if at > anchor:
                    times[node] = anchor + int((at - anchor) * scale)
        return times

    def _item(
        self,
        shape: Shape,
        node: int,
        refs: dict[int, Ref],
        first: Text[Person] | None,
        kind: str,
        visibility: str,
    ) -> Item:
        ref = refs[node]
        parent = refs[shape.parents[node]] if node else None
        root = refs[0]
        answered = node in shape.replied
        text = self._text(node, parent, answered, first, kind)
        mentions = _mentions(text, parent, root)
        self._count(kind, parent, mentions)
        if text.question and not answered:
            label = "dm" if kind == DIRECT else ("reply" if parent else "post")
            to = tuple(person.key for person in mentions)
            self._truth.unanswered(self.platform, label, self.item_key(ref), "user", to, ref.at)
        own = shape.own_replies.get(node, ())
        draw = self._rng.random
        return Item(
            kind if kind == DIRECT else (REPLY if parent else POST),
            ref.at,
            ms_of(ref.id, self.platform),
            ref.id,
            text,
            parent,
            root,
            self._thread,
            mentions,
            tuple(refs[child].id for child in own[:5]),
            None,
            int(-(1.5 if parent else 5.0) * math.log(1.0 - draw())),
            int(-(0.3 if parent else 1.5) * math.log(1.0 - draw())),
            visibility,
        )

    def _text(
        self,
        node: int,
        parent: Ref | None,
        answered: bool,
        first: Text[Person] | None,
        kind: str,
    ) -> Text[Person]:
        if node == 0 and first is not None:
            return first
        asks = self._rng.random() < (0.25 if answered else 0.06)
        name = first_name(parent.author if parent else None)
        if kind == DIRECT:
            return self.composer.direct(question=asks, name=name)
        if parent is not None and parent.author is None:
            return self.composer.thread_next()
        return self.composer.reply(question=asks, name=name)

    def _count(self, kind: str, parent: Ref | None, mentions: tuple[Person, ...]) -> None:
        if kind == DIRECT:
            for person in mentions:
                self._truth.interaction(person, self.platform, "dm")
            return
        if parent is not None and parent.author is not None:
            self._truth.interaction(parent.author, self.platform, "reply")
        for person in mentions:
            if parent is None or person is not parent.author:
                self._truth.interaction(person, self.platform, "mention")

    def _reactions(self, shape: Shape, refs: dict[int, Ref], t0: int) -> Iterable[Item]:
        """Like or bookmark some replies to the user; note the questions left unanswered."""
        draw = self._rng.random
        mastodon = self.platform == "mastodon"
        for node, first_answer in shape.answers:
            answered = first_answer != -1
            question = draw() < 0.15
            self._asks[node] = question
            liked = draw() < (0.45 if answered else 0.15)
            waiting = question and not answered
            saved = mastodon and not liked and draw() < (0.15 if waiting else 0.02)
            if not (liked or saved):
                continue
            target = self._answer(shape, node, refs, t0, question)
            self._liked[node] = target
            if waiting:
                sender = target.author.key if target.author else "user"
                key = self.item_key(target)
                self._truth.unanswered(self.platform, "reply", key, sender, ("user",), target.at)
            yield self.reaction(LIKE if liked else BOOKMARK, target)

    def _answer(
        self, shape: Shape, node: int, refs: dict[int, Ref], t0: int, question: bool
    ) -> Ref:
        """Give a reply to the user an id and a time after her post (and before her answer)."""
        after = refs[shape.parents[node]].at + 1
        at = max(after, morning(t0 + shape.offsets[node]))
        answer = next((refs[u] for u in shape.user_nodes if shape.parents[u] == node), None)
        if answer is not None:
            at = min(at, answer.at - 1)
        at = max(after - 1, min(at, self.calendar.end))
        person = self._partner if shape.roles[node] == PARTNER else self.picker.other(at)
        text = self.their_words(to_user=True, question=question)
        return Ref(self._their_ids.make(at)[1], person, at, text, to_user=True)

    def reaction(self, kind: str, target: Ref, at: int | None = None) -> Item:
        """Return a like or bookmark of ``target`` at ``at``, or a little after it was posted."""
        if at is None:
            at = min(self.calendar.end, target.at + 60 + int(self._rng.expovariate(1 / 3_600)))
        assert target.author is not None
        self._truth.interaction(target.author, self.platform, "like" if kind == LIKE else kind)
        item = Item(kind=kind, at=at, ms=at * 1000, id=target.id, target=target)
        if self._witness is not None:
            self._witness.reaction(item)
        return item

    def boost(self, at: int) -> Item:
        """Return a boost (retweet) of a contact's recent post."""
        person = self.picker.pick(at)
        posted = at - 120 - int(self._rng.expovariate(1 / 14_400))
        target = self.their_post(person, posted, self.their_words())
        ms, item_id = self._ids.make(at)
        self._truth.interaction(person, self.platform, "boost")
        item = Item(kind=BOOST, at=at, ms=ms, id=item_id, target=target)
        if self._witness is not None:
            self._witness.boost(item)
        return item

    def item_key(self, ref: Ref) -> str:
        """Return how the platform names ``ref``: a status URI, an at:// URI, an id on X."""
        if self.platform == "twitter":
            return str(ref.id)
        if self.platform == "bluesky":
            return post_uri(ref, self._user_uri)
        account = ref.author.mastodon if ref.author else None
        base = account.uri if account else self._user_uri
        return f"{base}/statuses/{ref.id}"


def _mentions(text: Text[Person], parent: Ref | None, root: Ref) -> tuple[Person, ...]:
    """Return who a post mentions: the people in its words, whom it answers, the thread's root."""
    found = [part for part in text.parts if not isinstance(part, str)]
    if parent is not None:
        for author in (parent.author, root.author):
            if author is not None and author not in found:
                found.append(author)
    return tuple(found)
