"""Write what her Mastodon instance knows: the database the demo Mastodon server answers from.

Her instance (``inkwell.social``) holds her statuses, exactly as her export has them (same URIs,
same HTML), everything in the threads she takes part in, the posts she boosted, liked or
bookmarked, what people did to her posts (favourites, boosts, quotes), mentions and direct
messages to her, follows, and her notifications. Her statuses and those of other local accounts
keep their ids; a remote status gets an id of the instance's own, as a real instance assigns one
when it first fetches the status (its URI still names the id on its home server).
"""

from __future__ import annotations

import calendar as calendars
import itertools
import random
import time
from collections import Counter
from pathlib import Path

import orjson

from amity.demo.chatter import Chatter, iter_chatter
from amity.demo.compose import Composer
from amity.demo.follows import iter_follows
from amity.demo.items import BOOKMARK, DIRECT, Item, Ref
from amity.demo.mastodon_html import content, escape, link, words_html
from amity.demo.mastodon_writer import me_link, status_uri
from amity.demo.other_side import Completer, Node, OtherIds, as_person, engagers
from amity.demo.picker import Picker
from amity.demo.profiles import Profile
from amity.demo.servers import schema
from amity.demo.servers.schema import REMOTE_BIT
from amity.demo.servers.store import (
    MASTODON_FILE,
    Batches,
    create,
    finish,
    renumber,
    world_secret,
)
from amity.demo.text import Text
from amity.demo.timing import DAY, Calendar
from amity.demo.truth import Tally
from amity.demo.witness import Tree
from amity.demo.world import Person, World

INSTANCE = "inkwell.social"
VISIBILITY = {"public": 0, "unlisted": 1, "followers": 2, "direct": 3}
QUOTE_CHANCE = 0.03
EDIT_CHANCE = 0.03
USER_CREATED_DAYS = 900
"""Her account is as old as actor.json says: 900 days before the year starts."""
STATUS = "INSERT INTO statuses VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"


class MastodonInstance:
    """Witness the archives' pass on Mastodon and write her instance's database."""

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
        self._db = create(servers / MASTODON_FILE, schema.MASTODON_SCHEMA)
        self._rows = Batches(self._db)
        self._seq = itertools.count()
        self._rng = random.Random(f"amity-demo-mastodon-side-{seed}")
        self._picker = Picker(world, "mastodon", random.Random(f"amity-demo-mastodon-folk-{seed}"))
        self._composer = Composer(random.Random(f"amity-demo-mastodon-words-{seed}"), world.user)
        self._ids = OtherIds("mastodon", worker=5)
        self._completer = Completer(
            me=self._me,
            picker=self._picker,
            ids=self._ids,
            end=world.end,
            rng=self._rng,
        )
        self.counts: Counter[str] = Counter()
        self._accounts: dict[str, int] = {}
        self._people = {person.key: person for person in world.everyone}
        self._polls = itertools.count(1)
        self._joined = world.start - USER_CREATED_DAYS * DAY
        self._add_accounts(profiles)
        self._named = {key: str(number) for key, number in self._accounts.items()}
        bell = [p for p in world.people if p.mastodon and p.layer == 1][:1]
        self._bell = {p.key for p in bell} | {p.key for p in world.notables[:1]}

    # The pass's witness.

    def tree(self, tree: Tree) -> None:
        """Write every status of a reply tree, and what it did to her."""
        nodes = self._completer.complete(tree)
        liked = {ref.id for ref in tree.liked.values()}
        local: list[int] = []
        for node in nodes:
            up = nodes[node.parent] if node.parent >= 0 else None
            parent = (local[node.parent], up.author) if up is not None else None
            item = node.item
            status = self._status(
                node.author,
                node.id,
                node.at * 1000 + _ms(node.id),
                content(item, self._user) if item is not None else None,
                node.visibility,
                parent=parent,
                thread=local[0] if local else 0,
                mentions=node.mentions,
                words=item.text if item is not None else None,
                section=node.section or None,
                mine=item is not None,
            )
            local.append(status)
            if node.item is not None:
                self._engage(node, status, up)
            else:
                self._addressed(node, status, tree, liked)

    def boost(self, item: Item) -> None:
        """Write the status she boosted and her boost of it."""
        target = item.target
        assert target is not None
        shared = self._standalone(target)
        self._rows.add(
            STATUS,
            (
                item.id,
                self._accounts["user"],
                item.ms,
                None,
                None,
                shared,
                None,
                0,
                item.id,
                "",
                None,
                "",
                "",
                None,
                None,
                "Web",
            ),
        )

    def reaction(self, item: Item) -> None:
        """Write the status she liked or bookmarked (unless its tree writes it) and her act."""
        target = item.target
        assert target is not None and target.author is not None
        status = self._local(target.id, target.author)
        if not target.to_user:
            self._standalone(target)
        if item.kind == BOOKMARK:
            self._rows.add(
                "INSERT INTO staging_bookmarks VALUES (?,?,?)",
                (item.at * 1000, next(self._seq), status),
            )
        else:
            self._rows.add(
                "INSERT INTO staging_favourites VALUES (?,?,?,?)",
                (item.at * 1000, next(self._seq), self._accounts["user"], status),
            )

    # After the pass.

    def finish(self, *, posts: int) -> dict[str, int]:
        """Write the follows and the chatter, number what needs numbering, and close."""
        for follow in iter_follows(self._world, "mastodon", joined=self._joined):
            self._follow(follow.source, follow.target, follow.at)
        for chatter in iter_chatter(self._world, "mastodon", posts=posts, picker=self._picker):
            self._chatter(chatter)
        self._extras()
        self._rows.flush()
        db = self._db
        renumber(
            db,
            "staging_favourites",
            "favourites",
            ("account_id", "status_id", "created_ms"),
            "created_ms, seq",
        )
        renumber(
            db, "staging_bookmarks", "bookmarks", ("status_id", "created_ms"), "created_ms, seq"
        )
        renumber(
            db,
            "staging_follows",
            "follows",
            ("account_id", "target_account_id", "created_ms"),
            "created_ms, seq",
        )
        renumber(
            db,
            "staging_notifications",
            "notifications",
            ("type", "created_ms", "account_id", "status_id", "extra"),
            "created_ms, seq",
        )
        meta = {
            "secret": world_secret(self._world.seed),
            "schema": schema.SCHEMA_VERSION,
            "domain": INSTANCE,
            "user_id": str(self._accounts["user"]),
            "start_ms": str(self._world.start * 1000),
            "end_ms": str(self._world.end * 1000),
        }
        db.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))
        finish(db, schema.MASTODON_INDEXES)
        return {key: self.counts[key] for key in sorted(self.counts)}

    # Accounts.

    def _add_accounts(self, profiles: dict[str, Profile]) -> None:
        persona = self._world.user
        fields = [
            {"name": name, "value": me_link(url), "verified_at": "2024-05-02T10:12:43.000+00:00"}
            for name, url in (("Website", persona.website), ("Shop", persona.shop))
        ]
        created = self._joined * 1000
        self._account(
            self._me, 1, created, f"<p>{escape(persona.bio)}</p>", (0, 0, 0, False, False), fields
        )
        for number, person in enumerate(self._world.everyone, 2):
            if person.mastodon is None:
                continue
            profile = profiles[person.key]
            note = f"<p>{escape(profile.note)}</p>"
            counts = (
                profile.followers,
                profile.following,
                profile.posts,
                profile.bot,
                profile.group,
            )
            self._account(person, number, profile.created * 1000, note, counts, [])

    def _account(
        self,
        person: Person,
        number: int,
        created: int,
        note: str,
        counts: tuple[int, int, int, bool, bool],
        fields: list[dict[str, str]],
    ) -> None:
        account = person.mastodon
        assert account is not None
        account_id = (created << 16) | number
        self._accounts[person.key] = account_id
        domain = None if account.host == INSTANCE else account.host
        followers, following, posts, bot, group = counts
        self._rows.add(
            "INSERT INTO accounts VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                account_id,
                account.username,
                domain,
                person.display_name,
                note,
                created,
                0,
                int(bot),
                int(group),
                followers,
                following,
                posts,
                orjson.dumps(fields).decode(),
                account.uri,
                account.url,
                person.key,
            ),
        )

    # Statuses.

    def _local(self, uri_id: int, author: Person) -> int:
        """Return a status's id on her instance."""
        account = author.mastodon
        assert account is not None
        return uri_id if account.host == INSTANCE else uri_id ^ REMOTE_BIT

    def _status(
        self,
        author: Person,
        uri_id: int,
        ms: int,
        html: str | None,
        visibility: str,
        *,
        parent: tuple[int, Person] | None,
        thread: int,
        mentions: tuple[Person, ...],
        words: Text[Person] | None = None,
        section: str | None = None,
        mine: bool = False,
        quote: int | None = None,
        edited: int | None = None,
        poll: int | None = None,
    ) -> int:
        account = author.mastodon
        assert account is not None
        status = self._local(uri_id, author)
        named = self._named
        mentioned = " ".join([named[p.key] for p in mentions if p.key in named])
        tags = " ".join(words.hashtags) if words is not None else ""
        parent_id, parent_account = (
            (parent[0], self._accounts[parent[1].key]) if parent else (None, None)
        )
        self._rows.add(
            STATUS,
            (
                status,
                self._accounts[author.key],
                ms,
                parent_id,
                parent_account,
                None,
                quote,
                VISIBILITY[visibility],
                thread or status,
                html,
                section,
                mentioned,
                tags,
                edited,
                poll,
                "Web" if mine else None,
            ),
        )
        self.counts["mastodon_statuses"] += 1
        if parent is None and visibility == "public" and author.key in self._bell and quote is None:
            self._notify("status", ms, author, status)
        return status

    def _standalone(self, target: Ref) -> int:
        """Write a contact's post that stands alone (one she boosted or liked); return its id."""
        author = target.author
        assert author is not None
        edited = None
        if self._rng.random() < EDIT_CHANCE:
            edited = min(self._world.end, target.at + 300 + int(self._rng.random() * 7_200))
            self._notify("update", edited * 1000, author, self._local(target.id, author))
            edited *= 1000
        return self._status(
            author,
            target.id,
            target.at * 1000 + _ms(target.id),
            None,
            "public",
            parent=None,
            thread=0,
            mentions=(),
            section="contact_post",
            edited=edited,
        )

    def _addressed(self, node: Node, status: int, tree: Tree, liked: set[int]) -> None:
        """Notify her of a post that names her; count it; note a question she left waiting."""
        if not any(person is self._me for person in node.mentions):
            return
        self._notify("mention", node.at * 1000 + _ms(node.id), node.author, status)
        direct = node.visibility == "direct"
        kind = "dm" if direct else "reply" if node.to_user else "mention"
        self._truth.received(node.author, "mastodon", kind)
        if direct:
            self.counts["mastodon_direct_received"] += 1
        if node.asks and node.to_user and not node.answered and node.id not in liked:
            uri = status_uri(Ref(node.id, node.author, node.at), self._user)
            self._truth.unanswered(
                "mastodon", "dm" if direct else "reply", uri, node.author.key, ("user",), node.at
            )

    def _engage(self, node: Node, status: int, up: Node | None) -> None:
        """Write the favourites, boosts and quotes one of her statuses drew."""
        item = node.item
        assert item is not None
        rng, end = self._rng, self._world.end
        if node.visibility == "direct":
            self.counts["mastodon_direct_sent"] += 1
        only = tuple(p for p in node.mentions if p.mastodon) if item.kind == DIRECT else ()
        first = up.author if up is not None else None
        for person, at in engagers(
            rng, self._picker, item.likes, node.at, end, first=first, only=only
        ):
            self._rows.add(
                "INSERT INTO staging_favourites VALUES (?,?,?,?)",
                (at * 1000, next(self._seq), self._accounts[person.key], status),
            )
            self._notify("favourite", at * 1000, person, status)
            self._truth.received(person, "mastodon", "like")
        shares = item.shares if node.visibility in ("public", "unlisted") else 0
        for person, at in engagers(rng, self._picker, shares, node.at, end):
            self._reblog(person, status, at)
        if node.parent < 0 and node.visibility == "public" and rng.random() < QUOTE_CHANCE:
            self._quote(node, status)

    def _reblog(self, person: Person, status: int, at: int) -> None:
        account = person.mastodon
        assert account is not None
        uri_id = self._ids.make(at)
        local = self._local(uri_id, person)
        self._rows.add(
            STATUS,
            (
                local,
                self._accounts[person.key],
                at * 1000 + _ms(uri_id),
                None,
                None,
                status,
                None,
                0,
                local,
                "",
                None,
                "",
                "",
                None,
                None,
                None,
            ),
        )
        self._notify("reblog", at * 1000, person, status)
        self._truth.received(person, "mastodon", "boost")

    def _quote(self, node: Node, status: int) -> None:
        at = min(self._world.end, node.at + 600 + int(self._rng.expovariate(1 / 20_000)))
        person = self._picker.pick(at)
        words = self._composer.contact_quote()
        url = f"{self._user.url}/{node.id}"
        html = f'<p class="quote-inline">RE: {link(url)}</p>' + words_html(
            words, (), _host(person), inline_tags=False
        )
        uri_id = self._ids.make(at)
        quoting = self._status(
            person,
            uri_id,
            at * 1000 + _ms(uri_id),
            html,
            "public",
            parent=None,
            thread=0,
            mentions=(),
            words=words,
            quote=status,
        )
        self._notify("quote", at * 1000 + _ms(uri_id), person, quoting)
        self._truth.received(person, "mastodon", "quote")

    # Follows, chatter and the rest.

    def _follow(self, source: str, target: str, at: int) -> None:
        self._rows.add(
            "INSERT INTO staging_follows VALUES (?,?,?,?)",
            (at * 1000, next(self._seq), self._accounts[source], self._accounts[target]),
        )
        if target == "user":
            person = self._people[source]
            self._notify("follow", at * 1000, person, None)
            self._truth.received(person, "mastodon", "follow")
            self.counts["mastodon_followers"] += 1
        elif source == "user":
            self.counts["mastodon_following"] += 1

    def _chatter(self, chatter: Chatter) -> None:
        person, at = chatter.person, chatter.at
        uri_id = self._ids.make(at)
        ms = at * 1000 + _ms(uri_id)
        if chatter.kind == "broadcast":
            feed = person.kind == "feed"
            words = self._composer.broadcast(
                feed=feed, link=_link(self._rng, person) if feed else None
            )
            html = words_html(words, (), _host(person), inline_tags=False)
            self._status(
                person, uri_id, ms, html, "public", parent=None, thread=0, mentions=(), words=words
            )
            return
        if chatter.kind == "poll":
            self._poll(person, uri_id, at)
            return
        direct = chatter.kind == "direct"
        if direct:
            words = self._composer.contact_direct(question=chatter.question)
        else:
            words = self._composer.contact_mention(self._me, question=chatter.question)
        html = words_html(words, (self._me,), _host(person), inline_tags=False)
        visibility = "direct" if direct else "public"
        status = self._status(
            person,
            uri_id,
            ms,
            html,
            visibility,
            parent=None,
            thread=0,
            mentions=(self._me,),
            words=words,
        )
        self._notify("mention", ms, person, status)
        self._truth.received(person, "mastodon", "dm" if direct else "mention")
        if direct:
            self.counts["mastodon_direct_received"] += 1
        if chatter.question:
            uri = status_uri(Ref(uri_id, person, at), self._user)
            self._truth.unanswered(
                "mastodon", "dm" if direct else "mention", uri, person.key, ("user",), at
            )

    def _poll(self, person: Person, uri_id: int, at: int) -> None:
        rng = self._rng
        options = ["Linocut", "Risograph", "Screen print", "Etching"][: 2 + int(rng.random() * 3)]
        votes = [1 + int(rng.random() * 40) for _ in options]
        mine = int(rng.random() * len(options))
        expires = min(self._world.end, at + DAY)
        poll_id = next(self._polls)
        self._rows.add(
            "INSERT INTO polls VALUES (?,?,?,?,?)",
            (
                poll_id,
                expires * 1000,
                orjson.dumps(list(zip(options, votes, strict=True))).decode(),
                sum(votes),
                orjson.dumps([mine]).decode(),
            ),
        )
        words: Text[Person] = Text(("Which print process should the next workshop cover?",))
        html = words_html(words, (), _host(person), inline_tags=False)
        status = self._status(
            person,
            uri_id,
            at * 1000 + _ms(uri_id),
            html,
            "public",
            parent=None,
            thread=0,
            mentions=(),
            words=words,
            poll=poll_id,
        )
        self._notify("poll", expires * 1000, person, status)

    def _extras(self) -> None:
        """Write the follow requests of the weeks she was locked, and the annual report."""
        away = self._calendar.away[0]
        tail = [p for p in self._world.people if p.mastodon and p.layer == 0][-3:]
        for number, person in enumerate(tail):
            at = away + (number + 1) * 3 * DAY
            self._notify("follow_request", at * 1000, person, None)
            if number == len(tail) - 1:
                self._rows.add(
                    "INSERT INTO follow_requests VALUES (?,?,?)",
                    (number + 1, self._accounts[person.key], at * 1000),
                )
                self.counts["mastodon_follow_requests_pending"] += 1
        world = self._world
        for year in range(_year(world.start), _year(world.end) + 1):
            at = _timestamp(year, 12, 10)
            if world.start <= at <= world.end:
                extra = orjson.dumps({"year": str(year)}).decode()
                self._notify("annual_report", at * 1000, self._me, None, extra)

    def _notify(
        self, kind: str, ms: int, person: Person, status: int | None, extra: str | None = None
    ) -> None:
        self._rows.add(
            "INSERT INTO staging_notifications VALUES (?,?,?,?,?,?)",
            (ms, next(self._seq), kind, self._accounts[person.key], status, extra),
        )
        self.counts[f"mastodon_notifications_{kind}"] += 1


def _host(person: Person) -> str:
    account = person.mastodon
    assert account is not None
    return account.host


def _ms(item_id: int) -> int:
    """Return the millisecond within its second that an id encodes."""
    return (item_id >> 16) % 1000


def _link(rng: random.Random, person: Person) -> str:
    return f"https://printnews.example/{int(rng.random() * 10**6):06d}"


def _year(at: int) -> int:
    return time.gmtime(at).tm_year


def _timestamp(year: int, month: int, day: int) -> int:
    return calendars.timegm((year, month, day, 11, 0, 0))
