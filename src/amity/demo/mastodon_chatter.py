"""Write what happens on her instance outside her threads: chatter, follows, polls, the rest.

People's own posts that mention her or write to her privately, the broadcasters' posts, a poll
she voted in, the follows (hers and theirs), the follow requests of the weeks she kept her
account locked over the summer, and the annual report each December.
"""

from __future__ import annotations

import calendar as calendars
import random
import time

import orjson

from amity.demo.chatter import Chatter
from amity.demo.compose import Composer
from amity.demo.follows import Follow
from amity.demo.items import Ref
from amity.demo.mastodon_html import words_html
from amity.demo.mastodon_rows import InstanceRows, host, millisecond
from amity.demo.mastodon_writer import status_uri
from amity.demo.other_side import OtherIds
from amity.demo.text import Text
from amity.demo.timing import DAY, Calendar
from amity.demo.truth import Tally
from amity.demo.world import Person

POLL_OPTIONS = ("Linocut", "Risograph", "Screen print", "Etching")
POLL_QUESTION = "Which print process should the next workshop cover?"


class InstanceChatter:
    """Write the posts and events of the instance that are not in her threads."""

    def __init__(
        self,
        rows: InstanceRows,
        *,
        composer: Composer,
        ids: OtherIds,
        rng: random.Random,
        truth: Tally,
    ) -> None:
        self._rows, self._composer, self._ids = rows, composer, ids
        self._rng, self._truth = rng, truth
        self._people = {person.key: person for person in rows.world.everyone}

    def follow(self, follow: Follow) -> None:
        """Write a follow; one of her is a notification."""
        rows = self._rows
        rows.follow(follow.source, follow.target, follow.at * 1000)
        if follow.target == "user":
            person = self._people[follow.source]
            rows.notify("follow", follow.at * 1000, person, None)
            self._truth.received(person, "mastodon", "follow")
            rows.counts["mastodon_followers"] += 1
        elif follow.source == "user":
            rows.counts["mastodon_following"] += 1

    def chatter(self, chatter: Chatter) -> None:
        """Write one post outside her threads: a broadcast, a poll, a mention or a message."""
        rows, person, at = self._rows, chatter.person, chatter.at
        uri_id = self._ids.make(at)
        ms = at * 1000 + millisecond(uri_id)
        if chatter.kind == "broadcast":
            link = None
            if person.kind == "feed":
                link = f"https://printnews.example/{int(self._rng.random() * 10**6):06d}"
            words = self._composer.broadcast(feed=link is not None, link=link)
            html = words_html(words, (), host(person), inline_tags=False)
            rows.status(person, uri_id, ms, html, "public", words=words)
            return
        if chatter.kind == "poll":
            self._poll(person, uri_id, at)
            return
        direct = chatter.kind == "direct"
        if direct:
            words = self._composer.contact_direct(question=chatter.question)
        else:
            words = self._composer.contact_mention(rows.me, question=chatter.question)
        html = words_html(words, (rows.me,), host(person), inline_tags=False)
        visibility = "direct" if direct else "public"
        status = rows.status(person, uri_id, ms, html, visibility, mentions=(rows.me,), words=words)
        rows.notify("mention", ms, person, status)
        self._truth.received(person, "mastodon", "dm" if direct else "mention")
        if direct:
            rows.counts["mastodon_direct_received"] += 1
        if chatter.question:
            uri = status_uri(Ref(uri_id, person, at), rows.world.user.mastodon)
            kind = "dm" if direct else "mention"
            self._truth.unanswered("mastodon", kind, uri, person.key, ("user",), at)

    def _poll(self, person: Person, uri_id: int, at: int) -> None:
        rng, rows = self._rng, self._rows
        options = list(POLL_OPTIONS[: 2 + int(rng.random() * 3)])
        votes = [1 + int(rng.random() * 40) for _ in options]
        mine = int(rng.random() * len(options))
        expires = min(rows.world.end, at + DAY)
        poll_id = rows.poll(list(zip(options, votes, strict=True)), mine, expires * 1000)
        words: Text[Person] = Text((POLL_QUESTION,))
        html = words_html(words, (), host(person), inline_tags=False)
        status = rows.status(
            person,
            uri_id,
            at * 1000 + millisecond(uri_id),
            html,
            "public",
            words=words,
            poll=poll_id,
        )
        rows.notify("poll", expires * 1000, person, status)

    def extras(self, calendar: Calendar) -> None:
        """Write the follow requests of the weeks she was locked, and the annual report."""
        rows, world = self._rows, self._rows.world
        tail = [p for p in world.people if p.mastodon and p.layer == 0][-3:]
        for number, person in enumerate(tail):
            at = calendar.away[0] + (number + 1) * 3 * DAY
            rows.notify("follow_request", at * 1000, person, None)
            if number == len(tail) - 1:
                rows.follow_request(person, at * 1000, number + 1)
        for year in range(time.gmtime(world.start).tm_year, time.gmtime(world.end).tm_year + 1):
            at = calendars.timegm((year, 12, 10, 11, 0, 0))
            if world.start <= at <= world.end:
                extra = orjson.dumps({"year": str(year)}).decode()
                rows.notify("annual_report", at * 1000, rows.me, None, extra)
