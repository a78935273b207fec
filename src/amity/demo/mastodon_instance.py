"""Witness her Mastodon year and write what her instance knows of it.

Her instance (``inkwell.social``) holds her statuses exactly as her export has them (same URIs,
same HTML), everything in the threads she takes part in, the posts she boosted, liked or
bookmarked, what people did to her posts (favourites, boosts, quotes), the mentions and direct
messages to her, and her notifications. The chatter outside her threads is written by
``mastodon_chatter``; the rows themselves by ``mastodon_rows``.
"""

from __future__ import annotations

import random
from pathlib import Path

from amity.demo.chatter import iter_chatter
from amity.demo.compose import Composer
from amity.demo.follows import iter_follows
from amity.demo.items import BOOKMARK, DIRECT, Item, Ref
from amity.demo.mastodon_chatter import InstanceChatter
from amity.demo.mastodon_html import content, link, words_html
from amity.demo.mastodon_rows import InstanceRows, host, millisecond
from amity.demo.mastodon_writer import status_uri
from amity.demo.other_side import Completer, Node, OtherIds, as_person, engagers
from amity.demo.picker import Picker
from amity.demo.profiles import Profile
from amity.demo.timing import DAY, Calendar
from amity.demo.truth import Tally
from amity.demo.witness import Tree
from amity.demo.world import Person, World

QUOTE_CHANCE = 0.03
EDIT_CHANCE = 0.03
USER_CREATED_DAYS = 900
"""Her account is as old as actor.json says: 900 days before the year starts."""


class MastodonInstance:
    """Witness the Mastodon pass and write her instance's database."""

    def __init__(
        self,
        servers: Path,
        world: World,
        truth: Tally,
        calendar: Calendar,
        profiles: dict[str, Profile],
    ) -> None:
        seed = world.seed
        self._world, self._truth, self._calendar = world, truth, calendar
        self._user = world.user.mastodon
        self._me = as_person(world.user)
        self._joined = world.start - USER_CREATED_DAYS * DAY
        self._rows = InstanceRows(servers, world, self._me, profiles, self._joined)
        self._rng = random.Random(f"amity-demo-mastodon-side-{seed}")
        self._picker = Picker(world, "mastodon", random.Random(f"amity-demo-mastodon-folk-{seed}"))
        self._composer = Composer(random.Random(f"amity-demo-mastodon-words-{seed}"), world.user)
        self._ids = OtherIds("mastodon", worker=5)
        self._completer = Completer(
            me=self._me, picker=self._picker, ids=self._ids, end=world.end, rng=self._rng
        )

    def tree(self, tree: Tree) -> None:
        """Write every status of a reply tree, and what it did to her."""
        nodes = self._completer.complete(tree)
        liked = {ref.id for ref in tree.liked.values()}
        local: list[int] = []
        for node in nodes:
            up = nodes[node.parent] if node.parent >= 0 else None
            item = node.item
            status = self._rows.status(
                node.author,
                node.id,
                node.at * 1000 + millisecond(node.id),
                content(item, self._user) if item is not None else None,
                node.visibility,
                parent=(local[node.parent], up.author) if up is not None else None,
                thread=local[0] if local else 0,
                mentions=node.mentions,
                words=item.text if item is not None else None,
                section=node.section or None,
                mine=item is not None,
            )
            local.append(status)
            if item is not None:
                self._engage(node, status, up)
            else:
                self._addressed(node, status, liked)

    def boost(self, item: Item) -> None:
        """Write the status she boosted and her boost of it."""
        assert item.target is not None
        shared = self._standalone(item.target)
        self._rows.boost(self._me, item.id, item.ms, shared)

    def reaction(self, item: Item) -> None:
        """Write the status she liked or bookmarked (unless its tree writes it) and her act."""
        target = item.target
        assert target is not None and target.author is not None
        status = self._rows.local(target.id, target.author)
        if not target.to_user:
            self._standalone(target)
        if item.kind == BOOKMARK:
            self._rows.bookmark(status, item.at * 1000)
        else:
            self._rows.favourite(self._me, status, item.at * 1000)

    def finish(self, *, posts: int) -> dict[str, int]:
        """Write the follows and the chatter, number what needs numbering, and close."""
        chatter = InstanceChatter(
            self._rows, composer=self._composer, ids=self._ids, rng=self._rng, truth=self._truth
        )
        for follow in iter_follows(self._world, "mastodon", joined=self._joined):
            chatter.follow(follow)
        for post in iter_chatter(self._world, "mastodon", posts=posts, picker=self._picker):
            chatter.chatter(post)
        chatter.extras(self._calendar)
        return self._rows.close()

    def _standalone(self, target: Ref) -> int:
        """Write a contact's post that stands alone (one she boosted or liked); return its id."""
        author = target.author
        assert author is not None
        edited = None
        if self._rng.random() < EDIT_CHANCE:
            edited = min(self._world.end, target.at + 300 + int(self._rng.random() * 7_200))
            self._rows.notify("update", edited * 1000, author, self._rows.local(target.id, author))
            edited *= 1000
        ms = target.at * 1000 + millisecond(target.id)
        return self._rows.status(
            author, target.id, ms, None, "public", section="contact_post", edited=edited
        )

    def _addressed(self, node: Node, status: int, liked: set[int]) -> None:
        """Notify her of a post that names her; count it; note a question she left waiting."""
        if not any(person is self._me for person in node.mentions):
            return
        self._rows.notify("mention", node.at * 1000 + millisecond(node.id), node.author, status)
        direct = node.visibility == "direct"
        self._truth.received(
            node.author, "mastodon", "dm" if direct else "reply" if node.to_user else "mention"
        )
        if direct:
            self._rows.counts["mastodon_direct_received"] += 1
        if node.asks and node.to_user and not node.answered and node.id not in liked:
            uri = status_uri(Ref(node.id, node.author, node.at), self._user)
            kind = "dm" if direct else "reply"
            self._truth.unanswered("mastodon", kind, uri, node.author.key, ("user",), node.at)

    def _engage(self, node: Node, status: int, up: Node | None) -> None:
        """Write the favourites, boosts and quotes one of her statuses drew."""
        item = node.item
        assert item is not None
        rng, end, rows = self._rng, self._world.end, self._rows
        if node.visibility == "direct":
            rows.counts["mastodon_direct_sent"] += 1
        only = tuple(p for p in node.mentions if p.mastodon) if item.kind == DIRECT else ()
        first = up.author if up is not None else None
        for person, at in engagers(
            rng, self._picker, item.likes, node.at, end, first=first, only=only
        ):
            rows.favourite(person, status, at * 1000)
            rows.notify("favourite", at * 1000, person, status)
            self._truth.received(person, "mastodon", "like")
        shares = item.shares if node.visibility in ("public", "unlisted") else 0
        for person, at in engagers(rng, self._picker, shares, node.at, end):
            self._reblog(person, status, at)
        if node.parent < 0 and node.visibility == "public" and rng.random() < QUOTE_CHANCE:
            self._quote(node, status)

    def _reblog(self, person: Person, status: int, at: int) -> None:
        uri_id = self._ids.make(at)
        self._rows.boost(
            person, self._rows.local(uri_id, person), at * 1000 + millisecond(uri_id), status
        )
        self._rows.notify("reblog", at * 1000, person, status)
        self._truth.received(person, "mastodon", "boost")

    def _quote(self, node: Node, status: int) -> None:
        """Write a quote of one of her posts, with Mastodon's ``RE:`` line for older clients."""
        at = min(self._world.end, node.at + 600 + int(self._rng.expovariate(1 / 20_000)))
        person = self._picker.pick(at)
        words = self._composer.contact_quote()
        url = f"{self._user.url}/{node.id}"
        html = f'<p class="quote-inline">RE: {link(url)}</p>' + words_html(
            words, (), host(person), inline_tags=False
        )
        uri_id = self._ids.make(at)
        ms = at * 1000 + millisecond(uri_id)
        quoting = self._rows.status(person, uri_id, ms, html, "public", words=words, quote=status)
        self._rows.notify("quote", ms, person, quoting)
        self._truth.received(person, "mastodon", "quote")
