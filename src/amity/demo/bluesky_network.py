"""Write what the Bluesky network knows of her: the database the demo PDS and AppView answer from.

Bluesky is sync-only in the demo: there is no archive. Her posts, replies, reposts, likes and
follows are records in her repository; the threads she takes part in, the posts she reposted or
liked, what people did to her posts (likes, reposts, quotes, replies), their follows and their
mentions are records in theirs. Every record has a TID record key (its time), a real CID and the
JSON the lexicon describes; replies and likes point at their subjects by URI and CID. Her
notifications and her chat are written beside them.
"""

from __future__ import annotations

import hashlib
import itertools
import random
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson

from amity.demo.bluesky_ids import (
    FOLLOW,
    LIKE,
    POST,
    REPOST,
    at_uri,
    cid_of,
    tid,
    tid_of,
)
from amity.demo.bluesky_text import render
from amity.demo.chatter import iter_chatter
from amity.demo.compose import Composer, voices
from amity.demo.follows import iter_follows
from amity.demo.ids import iso_ms
from amity.demo.items import LIKE as LIKE_ITEM
from amity.demo.items import Item, Ref
from amity.demo.messages import Message
from amity.demo.other_side import Completer, Node, OtherIds, as_person, engagers
from amity.demo.picker import Picker
from amity.demo.profiles import Profile
from amity.demo.servers import schema
from amity.demo.servers.store import BLUESKY_FILE, Batches, create, finish, world_secret
from amity.demo.text import Text
from amity.demo.timing import DAY
from amity.demo.truth import Tally
from amity.demo.witness import Tree
from amity.demo.world import Person, World

USER_CREATED_DAYS = 500
QUOTE_CHANCE = 0.03
REPLY_NOTIFY_DEPTH = 5
VIA_REPOST_CHANCE = 0.1
RECORD = "INSERT INTO records VALUES (?,?,?,?,?,?,?,?,?,?,?)"
StrongRef = dict[str, str]


class BlueskyNetwork:
    """Witness the pass on Bluesky and write the network's database."""

    def __init__(
        self, servers: Path, world: World, truth: Tally, profiles: dict[str, Profile]
    ) -> None:
        seed = world.seed
        self._world, self._truth = world, truth
        self._me = as_person(world.user)
        self._db = create(servers / BLUESKY_FILE, schema.BLUESKY_SCHEMA)
        self._rows = Batches(self._db)
        self._seq = itertools.count()
        self._record_ids = itertools.count(1)
        self._rng = random.Random(f"amity-demo-bluesky-side-{seed}")
        self._picker = Picker(world, "bluesky", random.Random(f"amity-demo-bluesky-folk-{seed}"))
        self._composer = Composer(random.Random(f"amity-demo-bluesky-words-{seed}"), world.user)
        self._ids = OtherIds("bluesky", worker=5)
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
        self._pending: list[Item] = []
        self._joined = world.start - USER_CREATED_DAYS * DAY
        self._add_accounts(profiles)

    # The pass's witness.

    def tree(self, tree: Tree) -> None:
        """Write every post of a reply tree as a record, and what it did to her."""
        nodes = self._completer.complete(tree)
        liked = {ref.id for ref in tree.liked.values()}
        refs: list[StrongRef] = []
        written: dict[int, StrongRef] = {}
        for node in nodes:
            up = nodes[node.parent] if node.parent >= 0 else None
            reply = None
            if up is not None:
                reply = {"root": refs[0], "parent": refs[node.parent]}
            item = node.item
            words = item.text if item is not None else voices().words(node.section, node.id)
            assert words is not None
            record_id, ref = self._post(node.author, node.id, words, reply=reply)
            refs.append(ref)
            written[node.id] = ref
            if node.item is not None:
                self._engage(node, ref, up)
            else:
                self._addressed(node, record_id, ref, nodes, liked)
        for item in self._pending:
            assert item.target is not None
            self._like(self._me, written[item.target.id], item.at)
        self._pending.clear()

    def boost(self, item: Item) -> None:
        """Write the post she reposted and her repost of it."""
        target = item.target
        assert target is not None and target.author is not None
        subject = self._standalone(target)
        _, repost = self._write(
            self._me,
            REPOST,
            tid_of(item.id),
            item.ms,
            {"$type": REPOST, "subject": subject, "createdAt": iso_ms(item.ms)},
            subject=subject["uri"],
        )
        if self._rng.random() < VIA_REPOST_CHANCE:
            liker = self._picker.pick(item.at)
            at = min(self._world.end, item.at + 60 + int(self._rng.expovariate(1 / 3_600)))
            like = self._like(liker, subject, at, via=repost)
            # A like of the post she reposted: she hears of it, but the like is its author's.
            self._notify("like-via-repost", at * 1000, like, repost["uri"])

    def reaction(self, item: Item) -> None:
        """Write the post she liked (unless its tree writes it) and her like."""
        target = item.target
        assert target is not None and item.kind == LIKE_ITEM
        if target.to_user:
            self._pending.append(item)
            return
        self._like(self._me, self._standalone(target), item.at)

    # After the pass.

    def finish(
        self, *, posts: int, chats: Iterable[tuple[Person, list[Message]]]
    ) -> dict[str, int]:
        """Write follows, chatter and chat, number the notifications, and close."""
        for follow in iter_follows(self._world, "bluesky", joined=self._joined):
            self._follow(follow.source, follow.target, follow.at)
        for chatter in iter_chatter(self._world, "bluesky", posts=posts, picker=self._picker):
            if chatter.kind == "broadcast":
                words = self._composer.broadcast(feed=False, link=None)
                self._post(chatter.person, self._ids.make(chatter.at), words, reply=None)
            elif chatter.kind == "mention":
                self._mention(chatter.person, chatter.at, chatter.question)
        for person, messages in chats:
            self._chat(person, messages)
        self._rows.flush()
        self._number_notifications()
        world = self._world
        assert world.user.bluesky is not None
        meta = {
            "secret": world_secret(world.seed),
            "schema": schema.SCHEMA_VERSION,
            "did": world.user.bluesky.did,
            "handle": world.user.bluesky.handle,
            "user_id": str(self._accounts["user"]),
            "start_ms": str(world.start * 1000),
            "end_ms": str(world.end * 1000),
        }
        self._db.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))
        finish(self._db, schema.BLUESKY_INDEXES)
        return {key: self.counts[key] for key in sorted(self.counts)}

    # Accounts and records.

    def _add_accounts(self, profiles: dict[str, Profile]) -> None:
        persona = self._world.user
        self._account(self._me, self._joined, persona.bio, (0, 0, 0))
        for person in self._world.everyone:
            if person.bluesky is not None:
                profile = profiles[person.key]
                counts = (profile.followers, profile.following, profile.posts)
                self._account(person, profile.created, profile.note, counts)

    def _account(
        self, person: Person, created: int, note: str, counts: tuple[int, int, int]
    ) -> None:
        account = person.bluesky
        assert account is not None
        number = len(self._accounts) + 1
        self._accounts[person.key] = number
        self._rows.add(
            "INSERT INTO accounts VALUES (?,?,?,?,?,?,?,?,?,?)",
            (
                number,
                account.did,
                account.handle,
                person.display_name,
                note,
                created * 1000,
                *counts,
                person.key,
            ),
        )

    def _write(
        self,
        author: Person,
        collection: str,
        rkey: str,
        ms: int,
        record: dict[str, Any],
        *,
        subject: str | None = None,
        parent: str | None = None,
        root: str | None = None,
        quote: str | None = None,
    ) -> tuple[int, StrongRef]:
        """Write one record into ``author``'s repository; return its row id and strong ref."""
        account = author.bluesky
        assert account is not None
        cid = cid_of(record)
        record_id = next(self._record_ids)
        self._rows.add(
            RECORD,
            (
                record_id,
                self._accounts[author.key],
                collection,
                rkey,
                cid,
                ms,
                orjson.dumps(record).decode(),
                subject,
                parent,
                root,
                quote,
            ),
        )
        self.counts[f"bluesky_records_{collection.rsplit('.', 1)[-1]}"] += 1
        return record_id, {"uri": at_uri(account.did, collection, rkey), "cid": cid}

    def _post(
        self,
        author: Person,
        post_id: int,
        words: Text[Person],
        *,
        reply: dict[str, StrongRef] | None,
        embed: StrongRef | None = None,
    ) -> tuple[int, StrongRef]:
        ms = post_id >> 16
        text, facets = render(words)
        record: dict[str, Any] = {
            "$type": POST,
            "text": text,
            "createdAt": iso_ms(ms),
            "langs": ["en"],
        }
        if facets:
            record["facets"] = facets
        if reply is not None:
            record["reply"] = reply
        if embed is not None:
            record["embed"] = {"$type": "app.bsky.embed.record", "record": embed}
        return self._write(
            author,
            POST,
            tid_of(post_id),
            ms,
            record,
            parent=reply["parent"]["uri"] if reply else None,
            root=reply["root"]["uri"] if reply else None,
            quote=embed["uri"] if embed else None,
        )

    def _standalone(self, target: Ref) -> StrongRef:
        """Write a contact's post that stands alone (one she reposted or liked)."""
        assert target.author is not None
        return self._post(
            target.author, target.id, voices().words("contact_post", target.id), reply=None
        )[1]

    def _like(
        self, person: Person, subject: StrongRef, at: int, via: StrongRef | None = None
    ) -> int:
        ms = at * 1000
        record: dict[str, Any] = {"$type": LIKE, "subject": subject, "createdAt": iso_ms(ms)}
        if via is not None:
            record["via"] = via
        return self._write(
            person, LIKE, tid_of(self._ids.make(at)), ms, record, subject=subject["uri"]
        )[0]

    # What people do to her.

    def _addressed(
        self, node: Node, record_id: int, ref: StrongRef, nodes: list[Node], liked: set[int]
    ) -> None:
        """Notify her of a reply below a post of hers, as the AppView does; note a question.

        The AppView tells the authors of a reply's ancestors up to five levels up, naming the
        ancestor (``reasonSubject``); she hears once, of the nearest post of hers.
        """
        above, height = node.parent, 0
        while above >= 0 and height < REPLY_NOTIFY_DEPTH and nodes[above].author is not self._me:
            above, height = nodes[above].parent, height + 1
        if above < 0 or height >= REPLY_NOTIFY_DEPTH:
            return
        self._notify("reply", node.id >> 16, record_id, self._uri_of(nodes[above]))
        if height == 0:  # a reply further down her thread answers someone else
            self._truth.received(node.author, "bluesky", "reply")
        if node.asks and node.to_user and not node.answered and node.id not in liked:
            self._truth.unanswered(
                "bluesky", "reply", ref["uri"], node.author.key, ("user",), node.at
            )

    def _uri_of(self, node: Node) -> str:
        account = node.author.bluesky
        assert account is not None
        return at_uri(account.did, POST, tid_of(node.id))

    def _engage(self, node: Node, ref: StrongRef, up: Node | None) -> None:
        item = node.item
        assert item is not None
        rng, end = self._rng, self._world.end
        first = up.author if up is not None else None
        for person, at in engagers(rng, self._picker, item.likes, node.at, end, first=first):
            self._notify("like", at * 1000, self._like(person, ref, at), ref["uri"])
            self._truth.received(person, "bluesky", "like")
        for person, at in engagers(rng, self._picker, item.shares, node.at, end):
            ms = at * 1000
            record_id, _ = self._write(
                person,
                REPOST,
                tid_of(self._ids.make(at)),
                ms,
                {"$type": REPOST, "subject": ref, "createdAt": iso_ms(ms)},
                subject=ref["uri"],
            )
            self._notify("repost", ms, record_id, ref["uri"])
            self._truth.received(person, "bluesky", "boost")
        if node.parent < 0 and rng.random() < QUOTE_CHANCE:
            at = min(end, node.at + 600 + int(rng.expovariate(1 / 20_000)))
            person = self._picker.pick(at)
            post_id = self._ids.make(at)
            record_id, _ = self._post(
                person, post_id, self._composer.contact_quote(), reply=None, embed=ref
            )
            self._notify("quote", post_id >> 16, record_id, ref["uri"])
            self._truth.received(person, "bluesky", "quote")

    def _mention(self, person: Person, at: int, question: bool) -> None:
        post_id = self._ids.make(at)
        words = self._composer.contact_mention(self._me, question=question)
        record_id, ref = self._post(person, post_id, words, reply=None)
        self._notify("mention", post_id >> 16, record_id, None)
        self._truth.received(person, "bluesky", "mention")
        if question:
            self._truth.unanswered("bluesky", "mention", ref["uri"], person.key, ("user",), at)

    def _follow(self, source: str, target: str, at: int) -> None:
        person, followed = self._people.get(source, self._me), self._people.get(target, self._me)
        assert followed.bluesky is not None
        ms = at * 1000
        record_id, _ = self._write(
            person,
            FOLLOW,
            tid_of(self._ids.make(at)),
            ms,
            {"$type": FOLLOW, "subject": followed.bluesky.did, "createdAt": iso_ms(ms)},
            subject=followed.bluesky.did,
        )
        if target == "user":
            self._notify("follow", ms, record_id, None)
            self._truth.received(person, "bluesky", "follow")
            self.counts["bluesky_followers"] += 1
        elif source == "user":
            self.counts["bluesky_following"] += 1

    def _chat(self, person: Person, messages: list[Message]) -> None:
        account = person.bluesky
        me = self._world.user.bluesky
        assert account is not None and me is not None
        digest = hashlib.sha256(f"{me.did} {account.did}".encode()).digest()
        convo = tid(int.from_bytes(digest[:7], "big") >> 3)
        self._rows.add("INSERT INTO convos VALUES (?,?,?)", (convo, self._accounts[person.key], 0))
        for message in messages:
            sender = self._accounts["user" if message.sender == me.did else person.key]
            self._rows.add(
                "INSERT INTO messages VALUES (?,?,?,?,?)",
                (tid_of(message.id), convo, sender, message.ms, message.text),
            )
            self.counts["bluesky_chat_messages"] += 1

    def _notify(self, reason: str, ms: int, record_id: int, subject: str | None) -> None:
        self._rows.add(
            "INSERT INTO staging_notifications VALUES (?,?,?,?,?)",
            (ms, next(self._seq), reason, record_id, subject),
        )
        self.counts[f"bluesky_notifications_{reason}"] += 1

    def _number_notifications(self) -> None:
        """Copy the notifications over in time order, each a distinct millisecond (the cursor)."""
        db = self._db
        read = db.execute(
            "SELECT indexed_ms, reason, record_id, reason_subject "
            "FROM staging_notifications ORDER BY indexed_ms, seq"
        )
        rows = Batches(db)
        last = 0
        for ms, reason, record_id, subject in read:
            last = max(ms, last + 1)
            rows.add(
                "INSERT INTO notifications (indexed_ms, reason, record_id, reason_subject) "
                "VALUES (?,?,?,?)",
                (last, reason, record_id, subject),
            )
        rows.flush()
        db.execute("DROP TABLE staging_notifications")
