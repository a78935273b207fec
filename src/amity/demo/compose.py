"""Decide what each post says: its kind of words, its hashtags and the link it shares.

The user's own posts fall into the audit's four families: conversation (replies, questions,
mentions), broadcast (blog links, work in progress, announcements), promotion (sales language)
and personal (stories). Contacts' words appear where an archive holds them: retweets, liked
tweets and direct messages.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import random
import re
import time

from amity.demo.text import Text, TextMaker
from amity.demo.timing import Campaign
from amity.demo.world import Person, Persona

TOP_LEVEL = (
    ("link_own", 0.08),
    ("link_other", 0.12),
    ("promo", 0.12),
    ("personal", 0.2),
    ("question", 0.12),
    ("mention", 0.14),
    ("process", 0.15),
    ("announce", 0.07),
)
"""Top-level post kinds and their shares outside campaigns (promotion triples in campaigns)."""
TAGS = {
    "promo": ("shopsmall", "printmaking", "illustration", "handmade", "linocut"),
    "process": ("linocut", "printmaking", "wip", "sketchbook", "risograph", "illustration"),
    "link_own": ("illustration", "freelance", "creativebusiness"),
    "personal": ("studiolife", "caturday", "sketchbook"),
    "announce": ("workshop", "printmaking", "bristol"),
    "question": ("askartists", "printmaking"),
}
TAG_CHANCE = {"promo": 0.8, "process": 0.7, "link_own": 0.4, "personal": 0.25, "announce": 0.6}
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def first_name(person: Person | None) -> str:
    """Return what the user calls someone: the first word of their display name."""
    if person is None:
        return "all"
    return person.display_name.split(" ", 1)[0]


def slug(title: str) -> str:
    """Return a URL slug for ``title``: lowercase words joined by hyphens."""
    return _NOT_SLUG.sub("-", title.lower()).strip("-")[:60].rstrip("-")


class Composer:
    """Write the user's posts and the contacts' words, one Text at a time."""

    def __init__(self, rng: random.Random, persona: Persona) -> None:
        self._rng = rng
        self._maker: TextMaker[Person] = TextMaker(rng)
        self._persona = persona
        self._kinds = tuple(kind for kind, _ in TOP_LEVEL)
        self._cumulative = list(itertools.accumulate(w for _, w in TOP_LEVEL))
        self._campaign_cumulative = list(
            itertools.accumulate(w * (3.0 if kind == "promo" else 1.0) for kind, w in TOP_LEVEL)
        )
        self._blogs = self._maker.words("blog_domain")

    def top_kind(self, campaign: Campaign | None) -> str:
        """Pick the kind of a top-level post; campaigns bring more sales posts."""
        cumulative = self._campaign_cumulative if campaign else self._cumulative
        return self._kinds[bisect.bisect(cumulative, self._rng.random() * cumulative[-1])]

    def top_level(self, kind: str, at: int, campaign: Campaign | None, who: Person) -> Text[Person]:
        """Write a top-level post of ``kind`` (``who`` is used when it mentions someone)."""
        given: dict[str, str] = {}
        link = None
        if kind in ("link_own", "link_other"):
            given["title"] = self._maker.sentence("title")
            link = self._blog_link(kind, given["title"], at)
        elif kind == "promo":
            given["product"] = self._maker.word("product")
            link = f"{self._persona.shop}/products/{slug(given['product'])}"
        elif kind == "announce" and self._rng.random() < 0.5:
            link = f"{self._persona.website}/workshops"
        tags = self._hashtags(kind, campaign)
        return self._maker.make(kind, who=who, hashtags=tags, link=link, given=given)

    def _blog_link(self, kind: str, title: str, at: int) -> str:
        year, month = time.gmtime(at)[:2]
        if kind == "link_own":
            return f"{self._persona.blog}/{year}/{slug(title)}"
        domain = self._blogs[int(self._rng.random() * len(self._blogs))]
        return f"https://{domain}/{year}/{month:02d}/{slug(title)}"

    def _hashtags(self, kind: str, campaign: Campaign | None) -> tuple[str, ...]:
        tags: list[str] = []
        if campaign and kind in ("promo", "process", "announce"):
            tags.append(campaign.hashtag)
        if kind in TAGS and self._rng.random() < TAG_CHANCE.get(kind, 0.2):
            tags += self._rng.sample(TAGS[kind], 1 + (self._rng.random() < 0.35))
        return tuple(dict.fromkeys(tags))

    def reply(self, *, question: bool, name: str) -> Text[Person]:
        """Write one of the user's replies in a conversation with ``name``."""
        section = "reply_question" if question else "reply"
        return self._maker.make(section, given={"name": name})

    def thread_next(self) -> Text[Person]:
        """Write a continuation of the user's own thread."""
        return self._maker.make("thread_next")

    def direct(self, *, question: bool, name: str) -> Text[Person]:
        """Write one of the user's direct messages to ``name``."""
        section = "direct_question" if question else "direct"
        return self._maker.make(section, given={"name": name})

    def contact_post(self) -> Text[Person]:
        """Write a contact's own post (seen in retweets and liked tweets)."""
        return self._maker.make("contact_post")

    def contact_reply(self, *, question: bool) -> Text[Person]:
        """Write a contact's reply to the user."""
        return self._maker.make("contact_question" if question else "contact_reply")

    def contact_direct(self, *, question: bool) -> Text[Person]:
        """Write a contact's direct message to the user."""
        return self._maker.make("contact_dm_question" if question else "contact_dm")

    def contact_chat(self) -> Text[Person]:
        """Write a contact's reply to someone else in a thread she takes part in."""
        return self._maker.make("contact_chat")

    def contact_mention(self, who: Person, *, question: bool) -> Text[Person]:
        """Write a contact's post that mentions ``who`` (the user), perhaps asking her something."""
        section = "contact_mention_question" if question else "contact_mention"
        return self._maker.make(section, who=who)

    def contact_quote(self) -> Text[Person]:
        """Write the words a contact adds when quoting one of her posts."""
        return self._maker.make("contact_quote")

    def broadcast(self, *, feed: bool, link: str | None) -> Text[Person]:
        """Write an organisation's announcement, or a feed bot's link post."""
        return self._maker.make("feed_post" if feed else "broadcast", link=link)

    def bio(self) -> str:
        """Write a contact's profile text."""
        return self._maker.make("bio").plain()


class Voices:
    """Other people's words drawn from a seed: one section and one seed, always the same words.

    The servers' side of the world stores, for most of other people's posts, only which kind of
    words they are (a template section) and renders them from the post's id when asked: the
    words are the same every time, and a world of a million posts is not slowed by writing them.
    """

    def __init__(self) -> None:
        self._rng = random.Random(0)
        self._maker: TextMaker[Person] = TextMaker(self._rng)

    def words(self, section: str, seed: int) -> Text[Person]:
        """Return the words of ``section`` for the post ``seed``."""
        self._rng.seed(seed)
        return self._maker.make(section)


@functools.cache
def voices() -> Voices:
    """Return the one Voices of this process (loading the templates once)."""
    return Voices()
