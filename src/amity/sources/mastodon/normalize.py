"""Turn Mastodon ActivityStreams objects (actor, Create, Announce) into amity records.

One code path reads Mastodon 3.x and 4.x alike: ``object`` as a dict or a bare URI, ``to``/``cc``
and ``tag`` as a list or a single value, ``contentMap``, ``attachment`` and ``totalItems`` present
or not, ``published`` with or without fractions of a second. It runs once per activity of outboxes
with millions of them, so it uses ``str`` methods and small caches rather than parsing URLs.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from amity.model import AccountRef, Interaction, Post, Visibility
from amity.sources.edges import edges_of
from amity.sources.html import PostHtml, extract_links, html_to_text, read_post_html
from amity.sources.items import ItemError
from amity.sources.times import parse_time as parse_iso

PUBLIC = frozenset({"https://www.w3.org/ns/activitystreams#Public", "as:Public", "Public"})
"""The ways JSON-LD lets a server write the public audience."""

_QUOTE_KEYS = ("quoteUri", "_misskey_quote", "quoteUrl", "quote")
_NO_HTML = PostHtml("", "", ())
SKIPPED = "The rest of the archive was imported; only this item was skipped."


# -- small values -------------------------------------------------------------------------------


def parse_time(value: object) -> datetime:
    """Return an activity's ``published`` time as an aware UTC datetime, or raise ItemError."""
    return parse_iso(value, field="published date")


def as_list(value: object) -> list[Any]:
    """Return a JSON-LD value that may be single, a list or missing as a list."""
    if isinstance(value, list):
        return value
    return [] if value is None else [value]


def as_uri(value: object) -> str | None:
    """Return the URI a JSON-LD reference holds: a string, an object's id or a link's href."""
    if isinstance(value, str):
        return value or None
    if isinstance(value, dict):
        found = value.get("id") or value.get("href")
        return found if isinstance(found, str) else None
    if isinstance(value, list) and value:
        return as_uri(value[0])
    return None


def host_of(uri: str) -> str:
    """Return the host of an absolute URI ('' when it has none)."""
    start = uri.find("://")
    if start < 0:
        return ""
    start += 3
    end = uri.find("/", start)
    return uri[start:] if end < 0 else uri[start:end]


def read_visibility(to: object, cc: object, followers: str) -> Visibility:
    """Return who could see an activity, from its audience, the way Mastodon decides it."""
    to_list, cc_list = as_list(to), as_list(cc)
    try:
        if not PUBLIC.isdisjoint(to_list):
            return "public"
        if not PUBLIC.isdisjoint(cc_list):
            return "unlisted"
    except TypeError:  # an audience entry that is an object, not a URI
        return read_visibility(
            [as_uri(e) for e in to_list], [as_uri(e) for e in cc_list], followers
        )
    if followers in to_list or followers in cc_list:
        return "followers"
    return "direct"


def total_items(collection: object) -> int | None:
    """Return a collection's ``totalItems`` when it is present and plausible."""
    if isinstance(collection, dict):
        total = collection.get("totalItems")
        if type(total) is int and total >= 0:
            return total
    return None


def derive_actor(actor_uri: str) -> AccountRef | None:
    """Return a ref for a Mastodon actor URI ``https://host/users/NAME``, or None."""
    start = actor_uri.find("://")
    users = actor_uri.find("/users/", start + 3) if start > 0 else -1
    if users < 0:
        return None
    host, name = actor_uri[start + 3 : users], actor_uri[users + 7 :]
    if not host or not name or "/" in host or "/" in name:
        return None
    return AccountRef("mastodon", actor_uri, f"{name}@{host}")


# -- accounts -----------------------------------------------------------------------------------


class AccountRefs:
    """Derive the accounts behind status URIs and mention tags, once per account."""

    def __init__(self, owner: AccountRef) -> None:
        self.owner = owner
        self._by_actor: dict[str, AccountRef | None] = {owner.platform_id: owner}
        self._by_mention: dict[str, AccountRef] = {}

    def author_of(self, status_uri: str | None) -> AccountRef | None:
        """Return the author of ``https://host/users/NAME/statuses/ID``, or None."""
        if not status_uri:
            return None
        cut = status_uri.find("/statuses/")
        if cut < 0:
            return None
        actor_uri = status_uri[:cut]
        if actor_uri in self._by_actor:
            return self._by_actor[actor_uri]
        ref = self._by_actor[actor_uri] = derive_actor(actor_uri)
        return ref

    def mentioned(self, tag: dict[str, Any]) -> AccountRef | None:
        """Return the account a ``Mention`` tag names (its href, with the handle from its name)."""
        href = tag.get("href")
        if not isinstance(href, str) or not href:
            return None
        known = self._by_mention.get(href)
        if known is None:
            known = self._by_mention[href] = self._mention_ref(href, tag.get("name"))
        return known

    def _mention_ref(self, href: str, name: object) -> AccountRef:
        if href == self.owner.platform_id:
            return self.owner
        handle = name.lstrip("@") if isinstance(name, str) else ""
        if not handle:
            derived = derive_actor(href)
            handle = (derived.handle or "") if derived else ""
        elif "@" not in handle:
            handle = f"{handle}@{host_of(href)}"
        return AccountRef("mastodon", href, handle or None)


# -- activities ---------------------------------------------------------------------------------


class ActivityReader:
    """Turn one outbox's activities into posts and the interactions they make."""

    def __init__(self, owner: AccountRef, *, followers: str) -> None:
        self.owner = owner
        self.followers = followers
        self.refs = AccountRefs(owner)

    def post_from_create(self, activity: dict[str, Any]) -> Post:
        """Return the post (or direct message) a ``Create`` activity publishes."""
        note = _created_object(activity)
        visibility = read_visibility(
            note.get("to", activity.get("to")), note.get("cc", activity.get("cc")), self.followers
        )
        hashtags, mentions, tag_hrefs = self._read_tags(note.get("tag"))
        content, language = _read_content(note)
        markup = read_post_html(content, skip=tag_hrefs) if content else _NO_HTML
        reply_to_id = as_uri(note.get("inReplyTo"))
        conversation = note.get("conversation")
        return Post(
            platform="mastodon",
            platform_id=note["id"],
            author=self.owner,
            kind="dm" if visibility == "direct" else "post",
            created_at=parse_time(note.get("published") or activity.get("published")),
            text=with_warning(markup.text, note.get("summary")),
            html=markup.html or None,
            language=language,
            visibility=visibility,
            url=as_uri(note.get("url")),
            reply_to_id=reply_to_id,
            reply_to_author=self.refs.author_of(reply_to_id),
            thread_key=conversation if isinstance(conversation, str) else None,
            quote_of_id=(quoted := _quote_of(note)),
            quote_of_author=self.refs.author_of(quoted),
            links=markup.links,
            hashtags=hashtags,
            mentions=mentions,
            recipients=self._others(mentions) if visibility == "direct" else (),
            media_count=len(as_list(note.get("attachment"))),
            reply_count=total_items(note.get("replies")),
            boost_count=total_items(note.get("shares")),
            like_count=total_items(note.get("likes")),
            raw=activity,
        )

    def post_from_announce(self, activity: dict[str, Any]) -> Post:
        """Return the boost an ``Announce`` activity records."""
        boost_id = activity.get("id")
        if not isinstance(boost_id, str) or not boost_id:
            raise ItemError("is an Announce without an id")
        boosted = as_uri(activity.get("object"))
        if boosted is None:
            raise ItemError("is an Announce without the URI of the boosted post")
        return Post(
            platform="mastodon",
            platform_id=boost_id,
            author=self.owner,
            kind="boost",
            created_at=parse_time(activity.get("published")),
            visibility=read_visibility(activity.get("to"), activity.get("cc"), self.followers),
            boost_of_id=boosted,
            boost_of_author=self.refs.author_of(boosted),
            raw=activity,
        )

    def interactions(self, post: Post) -> list[Interaction]:
        """Return the edges from the owner to other accounts that ``post`` makes."""
        if (
            post.kind != "boost"
            and post.reply_to_author is None
            and not post.mentions
            and post.quote_of_id is None
        ):
            return []
        return edges_of(post)

    def _others(self, refs: tuple[AccountRef, ...]) -> tuple[AccountRef, ...]:
        return tuple(ref for ref in refs if ref.platform_id != self.owner.platform_id)

    def _read_tags(
        self, tags: object
    ) -> tuple[tuple[str, ...], tuple[AccountRef, ...], frozenset[str]]:
        """Return a note's hashtags, mentioned accounts, and the hrefs of both."""
        if not tags:
            return (), (), frozenset()
        hashtags: dict[str, None] = {}
        mentions: dict[AccountRef, None] = {}
        hrefs: set[str] = set()
        for tag in as_list(tags):
            kind = tag.get("type") if isinstance(tag, dict) else None
            if kind == "Mention" and (ref := self.refs.mentioned(tag)) is not None:
                mentions[ref] = None
                hrefs.add(ref.platform_id)
            elif kind == "Hashtag":
                _add_hashtag(tag, hashtags, hrefs)
        return tuple(hashtags), tuple(mentions), frozenset(hrefs)


def _add_hashtag(tag: dict[str, Any], names: dict[str, None], hrefs: set[str]) -> None:
    name, href = tag.get("name"), tag.get("href")
    if isinstance(name, str) and (bare := name.lstrip("#")):
        names[bare.lower()] = None
    if isinstance(href, str):
        hrefs.add(href)


def _created_object(activity: dict[str, Any]) -> dict[str, Any]:
    """Return the object of a ``Create``; some exports give only its URI."""
    note = activity.get("object")
    if isinstance(note, str) and note:
        return {"id": note}
    if not isinstance(note, dict):
        raise ItemError("is a Create without an object")
    status_id = note.get("id")
    if not isinstance(status_id, str) or not status_id:
        raise ItemError("is a Create whose object has no id")
    return note


def _read_content(note: dict[str, Any]) -> tuple[str, str | None]:
    """Return a note's HTML content and its language, when ``contentMap`` names just one."""
    content = note.get("content")
    content_map = note.get("contentMap")
    language = None
    if isinstance(content_map, dict) and len(content_map) == 1:
        language, mapped = next(iter(content_map.items()))
        if not isinstance(content, str):
            content = mapped
    return (content if isinstance(content, str) else ""), language or None


def website_of(fields: object) -> str | None:
    """Return the first profile field value that holds a link (actor attachments, API fields)."""
    for entry in as_list(fields):
        value = entry.get("value") if isinstance(entry, dict) else None
        if not isinstance(value, str):
            continue
        links = extract_links(value)
        if links:
            return links[0]
        text = html_to_text(value)
        if text.startswith(("https://", "http://")) and " " not in text:
            return text
    return None


def with_warning(text: str, warning: object) -> str:
    """Return the text of a post; a content warning is words its author wrote, so it leads."""
    if isinstance(warning, str) and warning:
        warning_text = html_to_text(warning)
        return f"{warning_text}\n\n{text}" if text else warning_text
    return text


def _quote_of(note: dict[str, Any]) -> str | None:
    """Return the URI of the post a note quotes (each server names it differently)."""
    for key in _QUOTE_KEYS:
        value = note.get(key)
        if value:
            return as_uri(value)
    return None
