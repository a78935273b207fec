"""Fill her instance's database: accounts, statuses, favourites, follows and notifications.

The rows are written as the instance would hold them. Her statuses and those of other local
accounts keep their ids; a remote status gets an id of the instance's own (``REMOTE_BIT``), as a
real instance assigns one when it first fetches the status, while its URI still names the id on
its home server. Favourites, bookmarks, follows and notifications are numbered in the order they
happened, once everything is written (``close``).
"""

from __future__ import annotations

import itertools
from collections import Counter
from pathlib import Path

import orjson

from amity.demo.mastodon_html import escape
from amity.demo.mastodon_writer import me_link
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
from amity.demo.world import Person, World

INSTANCE = "inkwell.social"
VISIBILITY = {"public": 0, "unlisted": 1, "followers": 2, "direct": 3}
STATUS = "INSERT INTO statuses VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
ACCOUNT = "INSERT INTO accounts VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
VERIFIED = "2024-05-02T10:12:43.000+00:00"


class InstanceRows:
    """Write the rows of her instance's database, for the people of one world."""

    def __init__(
        self, servers: Path, world: World, me: Person, profiles: dict[str, Profile], joined: int
    ) -> None:
        self.world = world
        self.me = me
        self._db = create(servers / MASTODON_FILE, schema.MASTODON_SCHEMA)
        self._rows = Batches(self._db)
        self._seq = itertools.count()
        self._polls = itertools.count(1)
        self.counts: Counter[str] = Counter()
        self.accounts: dict[str, int] = {}
        self._add_accounts(profiles, joined)
        self._named = {key: str(number) for key, number in self.accounts.items()}
        bell = [p for p in world.people if p.mastodon and p.layer == 1][:1]
        self.bell = {p.key for p in bell} | {p.key for p in world.notables[:1]}
        """Whose new posts she asked to be told of (``status`` notifications)."""

    def _add_accounts(self, profiles: dict[str, Profile], joined: int) -> None:
        persona = self.world.user
        fields = [
            {"name": name, "value": me_link(url), "verified_at": VERIFIED}
            for name, url in (("Website", persona.website), ("Shop", persona.shop))
        ]
        note = f"<p>{escape(persona.bio)}</p>"
        self._account(self.me, 1, joined * 1000, note, (0, 0, 0, False, False), fields)
        for number, person in enumerate(self.world.everyone, 2):
            if person.mastodon is None:
                continue
            profile = profiles[person.key]
            counts = (
                profile.followers,
                profile.following,
                profile.posts,
                profile.bot,
                profile.group,
            )
            note = f"<p>{escape(profile.note)}</p>"
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
        self.accounts[person.key] = account_id
        domain = None if account.host == INSTANCE else account.host
        followers, following, posts, bot, group = counts
        row = (
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
        )
        self._rows.add(ACCOUNT, row)

    def local(self, uri_id: int, author: Person) -> int:
        """Return a status's id on her instance."""
        account = author.mastodon
        assert account is not None
        return uri_id if account.host == INSTANCE else uri_id ^ REMOTE_BIT

    def status(
        self,
        author: Person,
        uri_id: int,
        ms: int,
        html: str | None,
        visibility: str,
        *,
        parent: tuple[int, Person] | None = None,
        thread: int = 0,
        mentions: tuple[Person, ...] = (),
        words: Text[Person] | None = None,
        section: str | None = None,
        mine: bool = False,
        quote: int | None = None,
        edited: int | None = None,
        poll: int | None = None,
    ) -> int:
        """Write a status (its HTML, or the section its words come from); return its id here.

        A new top-level public post by someone she rang the bell for is a ``status``
        notification.
        """
        status = self.local(uri_id, author)
        named = self._named
        mentioned = " ".join([named[p.key] for p in mentions if p.key in named])
        tags = " ".join(words.hashtags) if words is not None else ""
        parent_id, parent_account = (
            (parent[0], self.accounts[parent[1].key]) if parent else (None, None)
        )
        self._rows.add(
            STATUS,
            (
                status,
                self.accounts[author.key],
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
        if parent is None and visibility == "public" and author.key in self.bell and quote is None:
            self.notify("status", ms, author, status)
        return status

    def boost(self, person: Person, local: int, ms: int, shared: int) -> None:
        """Write a boost (a status that points at ``shared``) with its id here."""
        mine = "Web" if person is self.me else None
        self._rows.add(
            STATUS,
            (
                local,
                self.accounts[person.key],
                ms,
                None,
                None,
                shared,
                None,
                0,
                local,
                "",
                None,
                "",
                "",
                None,
                None,
                mine,
            ),
        )

    def favourite(self, person: Person, status: int, ms: int) -> None:
        """Write that ``person`` favourited a status."""
        self._rows.add(
            "INSERT INTO staging_favourites VALUES (?,?,?,?)",
            (ms, next(self._seq), self.accounts[person.key], status),
        )

    def bookmark(self, status: int, ms: int) -> None:
        """Write that she bookmarked a status."""
        self._rows.add(
            "INSERT INTO staging_bookmarks VALUES (?,?,?)", (ms, next(self._seq), status)
        )

    def follow(self, source: str, target: str, ms: int) -> None:
        """Write that the person ``source`` follows ``target`` (keys; ``"user"`` for her)."""
        self._rows.add(
            "INSERT INTO staging_follows VALUES (?,?,?,?)",
            (ms, next(self._seq), self.accounts[source], self.accounts[target]),
        )

    def follow_request(self, person: Person, ms: int, number: int) -> None:
        """Write a follow request still waiting for her (``number``: its id)."""
        self._rows.add(
            "INSERT INTO follow_requests VALUES (?,?,?)", (number, self.accounts[person.key], ms)
        )
        self.counts["mastodon_follow_requests_pending"] += 1

    def poll(self, options: list[tuple[str, int]], mine: int, expires_ms: int) -> int:
        """Write a poll she voted in (for option ``mine``); return its id."""
        poll_id = next(self._polls)
        self._rows.add(
            "INSERT INTO polls VALUES (?,?,?,?,?)",
            (
                poll_id,
                expires_ms,
                orjson.dumps(options).decode(),
                sum(votes for _, votes in options),
                orjson.dumps([mine]).decode(),
            ),
        )
        return poll_id

    def notify(
        self, kind: str, ms: int, person: Person, status: int | None, extra: str | None = None
    ) -> None:
        """Write one of her notifications."""
        self._rows.add(
            "INSERT INTO staging_notifications VALUES (?,?,?,?,?,?)",
            (ms, next(self._seq), kind, self.accounts[person.key], status, extra),
        )
        self.counts[f"mastodon_notifications_{kind}"] += 1

    def close(self) -> dict[str, int]:
        """Number what follows time, write the instance's details, index, and close."""
        self._rows.flush()
        db = self._db
        for staging, table, columns in (
            ("staging_favourites", "favourites", ("account_id", "status_id", "created_ms")),
            ("staging_bookmarks", "bookmarks", ("status_id", "created_ms")),
            ("staging_follows", "follows", ("account_id", "target_account_id", "created_ms")),
            (
                "staging_notifications",
                "notifications",
                ("type", "created_ms", "account_id", "status_id", "extra"),
            ),
        ):
            renumber(db, staging, table, columns, "created_ms, seq")
        world = self.world
        meta = {
            "secret": world_secret(world.seed),
            "schema": schema.SCHEMA_VERSION,
            "domain": INSTANCE,
            "user_id": str(self.accounts["user"]),
            "start_ms": str(world.start * 1000),
            "end_ms": str(world.end * 1000),
        }
        db.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))
        finish(db, schema.MASTODON_INDEXES)
        return {key: self.counts[key] for key in sorted(self.counts)}


def host(person: Person) -> str:
    """Return the server a person's Mastodon account is on."""
    account = person.mastodon
    assert account is not None
    return account.host


def millisecond(item_id: int) -> int:
    """Return the millisecond within its second that an id encodes."""
    return (item_id >> 16) % 1000
