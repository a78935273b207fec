"""Turn X's tweet objects into amity records.

Both archive layouts store tweets in the shape of the v1.1 API: the current ``tweets.js`` (all
numbers as strings, ``full_text``) and the 2012-2018 ``data/js/tweets/*.js`` (``text``, a different
date format). This module is the hot path of an import that may hold millions of tweets, so it
parses dates by slicing, uses string methods rather than regular expressions, and builds only the
records it returns.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from amity.model import Account, AccountRef, Interaction, Post, Record
from amity.sources.items import ItemError
from amity.sources.times import parse_time as parse_iso

_MONTHS = {
    name: f"{number:02d}"
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}
_STATUS_HOSTS = frozenset(
    {"twitter.com", "x.com", "www.twitter.com", "www.x.com", "mobile.twitter.com", "mobile.x.com"}
)
_NO_ENTITIES: dict[str, Any] = {}
_UNRESOLVED_ID = "-1"
"""X writes this id for a mentioned account it could no longer resolve."""


def parse_time(value: Any) -> datetime:
    """Parse an X date: "Thu Nov 03 08:50:26 +0000 2022", "2014-03-02 17:10:05 +0000" or ISO."""
    if not isinstance(value, str):
        raise ItemError(f"has no usable date ({value!r})")
    try:
        if value[3:4] == " ":  # the v1.1 API form: "Thu Nov 03 08:50:26 +0000 2022"
            iso = f"{value[26:30]}-{_MONTHS[value[4:7]]}-{value[8:10]}T{value[11:19]}{value[20:25]}"
        elif value[19:20] == " ":  # the 2012-2018 archive form: "2014-03-02 17:10:05 +0000"
            iso = value[:10] + "T" + value[11:19] + value[20:]
        else:
            iso = value
    except KeyError:
        raise ItemError(f"has a date X never writes ({value!r})") from None
    try:
        return parse_iso(iso)
    except ItemError:
        raise ItemError(f"has a date X never writes ({value!r})") from None


def parse_optional_time(value: Any) -> datetime | None:
    """Parse an X date where one is nice to have (an account's creation): None if unusable."""
    try:
        return parse_time(value) if value else None
    except ItemError:
        return None


def unescape(text: str) -> str:
    """Undo the three HTML escapes X applies to tweet text."""
    if "&" not in text:
        return text
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def parse_status_url(url: str) -> tuple[str | None, str] | None:
    """Return (screen name or None, tweet id) if ``url`` links to a tweet, else None."""
    if "/status/" not in url:
        return None
    host, _, path = (url.partition("://")[2] or url).partition("/")
    if host.lower() not in _STATUS_HOSTS:
        return None
    # name/status/ID, i/web/status/ID or i/status/ID; a trailing /photo/1 is media, not a tweet.
    parts = path.partition("?")[0].partition("#")[0].split("/")
    if "status" not in parts:
        return None
    at = parts.index("status")
    if at not in (1, 2) or len(parts) <= at + 1 or not parts[at + 1].isdigit():
        return None
    if len(parts) > at + 2 and parts[at + 2] in ("photo", "video"):
        return None
    return (parts[0] if at == 1 and parts[0] != "i" else None), parts[at + 1]


def parse_count(value: Any) -> int | None:
    """Return a count X wrote as a string or a number, or None."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class AccountBook:
    """Hand out one reference per account id, and an Account the first time each is seen."""

    def __init__(self, owner: Account) -> None:
        # One shared object, so "is this the owner?" is an identity test on the hot path.
        self.owner = owner.ref
        self._refs: dict[str, AccountRef] = {owner.platform_id: self.owner}
        self._by_handle: dict[str, AccountRef] = {}
        if owner.handle:
            self._by_handle[owner.handle.lower()] = self.owner

    def ref(
        self,
        platform_id: str,
        handle: str | None,
        name: str | None,
        out: list[Record],
        *,
        url: str | None = None,
    ) -> AccountRef:
        """Return the reference for ``platform_id``; append its Account to ``out`` when new.

        An account first met by id alone (a follower, a DM) is announced again once a handle
        turns up for it, so the handle is not lost.
        """
        known = self._refs.get(platform_id)
        if known is not None and (known.handle is not None or not handle):
            return known
        ref = AccountRef("twitter", platform_id, handle, name)
        self._refs[platform_id] = ref
        if handle:
            self._by_handle[handle.lower()] = ref
            url = f"https://x.com/{handle}"
        out.append(Account("twitter", platform_id, handle, name, url))
        return ref

    def by_handle(self, handle: str) -> AccountRef | None:
        """Return the account last seen under ``handle`` (screen names are case-insensitive)."""
        return self._by_handle.get(handle.lower())


class TweetNormalizer:
    """Convert the owner's tweets into a Post and the interactions each one implies."""

    def __init__(self, book: AccountBook) -> None:
        self.book = book
        self.owner = book.owner
        self._url_prefix = f"https://x.com/{book.owner.handle or 'i/web'}/status/"

    def records(self, tweet: Any) -> list[Record]:
        """Return the new accounts, the post and the interactions one tweet object yields."""
        if type(tweet) is not dict:
            raise ItemError("is not a JSON object", "X writes every tweet as an object.")
        tweet_id = tweet.get("id_str")
        if not tweet_id or type(tweet_id) is not str:
            raise ItemError("has no id_str", "Every tweet X exports carries an id_str.")
        created_at = parse_time(tweet.get("created_at"))
        entities = tweet.get("entities") or _NO_ENTITIES
        text = tweet.get("full_text") or tweet.get("text") or ""
        out: list[Record] = []
        if text.startswith("RT @") or "retweeted_status" in tweet:
            self._boost(tweet, tweet_id, created_at, text, entities, out)
        else:
            self._post(tweet, tweet_id, created_at, text, entities, out)
        return out

    def _post(
        self,
        tweet: dict[str, Any],
        tweet_id: str,
        created_at: datetime,
        text: str,
        entities: dict[str, Any],
        out: list[Record],
    ) -> None:
        owner = self.owner
        reply_author = self._reply_author(tweet, entities, out)
        mentions = self._mentions(entities, out) if entities.get("user_mentions") else ()
        quote_of_id, quoted, links = self._links(tweet, entities, out)
        out.append(
            Post(
                platform="twitter",
                platform_id=tweet_id,
                author=owner,
                kind="post",
                created_at=created_at,
                text=expand_text(text, entities),
                language=_language(tweet),
                url=self._url_prefix + tweet_id,
                reply_to_id=tweet.get("in_reply_to_status_id_str") or None,
                reply_to_author=reply_author,
                quote_of_id=quote_of_id,
                links=links,
                hashtags=_hashtags(entities),
                mentions=mentions,
                media_count=_media_count(tweet, entities),
                # reply_count: archives have none
                boost_count=parse_count(tweet.get("retweet_count")),
                like_count=parse_count(tweet.get("favorite_count")),
                raw=tweet,
            )
        )
        if reply_author is not None and reply_author is not owner:
            out.append(Interaction("twitter", "reply", owner, reply_author, tweet_id, created_at))
        reply_id = reply_author.platform_id if reply_author is not None else ""
        for ref in mentions:
            # X lists the account replied to among the mentions; that edge is the reply.
            if ref.platform_id != reply_id and ref is not owner:
                out.append(Interaction("twitter", "mention", owner, ref, tweet_id, created_at))
        if quoted is not None and quoted is not owner:
            out.append(Interaction("twitter", "quote", owner, quoted, tweet_id, created_at))

    def _boost(
        self,
        tweet: dict[str, Any],
        tweet_id: str,
        created_at: datetime,
        text: str,
        entities: dict[str, Any],
        out: list[Record],
    ) -> None:
        original = tweet.get("retweeted_status")
        boost_of_id = original.get("id_str") if type(original) is dict else None
        author = self._boost_author(original, text, entities, out)
        urls = entities.get("urls")
        out.append(
            Post(
                platform="twitter",
                platform_id=tweet_id,
                author=self.owner,
                kind="boost",
                created_at=created_at,
                text=expand_text(text, entities),
                language=_language(tweet),
                url=self._url_prefix + tweet_id,
                boost_of_id=boost_of_id,
                boost_of_author=author,
                links=tuple(_expanded_urls(urls)) if urls else (),
                hashtags=_hashtags(entities),
                # mentions: those of the original tweet, not the owner's
                media_count=_media_count(tweet, entities),
                boost_count=parse_count(tweet.get("retweet_count")),
                like_count=parse_count(tweet.get("favorite_count")),
                raw=tweet,
            )
        )
        if author is not None and author is not self.owner:
            post_id = boost_of_id or tweet_id
            out.append(Interaction("twitter", "boost", self.owner, author, post_id, created_at))

    def _boost_author(
        self, original: Any, text: str, entities: dict[str, Any], out: list[Record]
    ) -> AccountRef | None:
        user = original.get("user") if type(original) is dict else None
        if type(user) is dict and user.get("id_str"):
            return self.book.ref(user["id_str"], user.get("screen_name"), user.get("name"), out)
        # Archives leave out retweeted_status: the author is the mention "RT @name:" names.
        name = text[4 : text.find(":")].lower() if text.startswith("RT @") else ""
        for mention in entities.get("user_mentions") or ():
            if (mention.get("screen_name") or "").lower() == name:
                return self._mention_ref(mention, out)
        return None

    def _reply_author(
        self, tweet: dict[str, Any], entities: dict[str, Any], out: list[Record]
    ) -> AccountRef | None:
        user_id = tweet.get("in_reply_to_user_id_str")
        if not user_id or user_id == _UNRESOLVED_ID:
            return None
        name = None
        for mention in entities.get("user_mentions") or ():
            if mention.get("id_str") == user_id:
                name = mention.get("name")
                break
        return self.book.ref(user_id, tweet.get("in_reply_to_screen_name"), name, out)

    def _mentions(self, entities: dict[str, Any], out: list[Record]) -> tuple[AccountRef, ...]:
        refs = [self._mention_ref(mention, out) for mention in entities["user_mentions"]]
        if len(refs) > 1:  # a tweet may name one account twice, or one X no longer knows
            unique = {ref.platform_id: ref for ref in refs if ref is not None}
            return tuple(unique.values())
        return (refs[0],) if refs[0] is not None else ()

    def _mention_ref(self, mention: dict[str, Any], out: list[Record]) -> AccountRef | None:
        user_id = mention.get("id_str")
        if not user_id or user_id == _UNRESOLVED_ID:
            return None
        return self.book.ref(user_id, mention.get("screen_name"), mention.get("name"), out)

    def _links(
        self, tweet: dict[str, Any], entities: dict[str, Any], out: list[Record]
    ) -> tuple[str | None, AccountRef | None, tuple[str, ...]]:
        """Return the quoted tweet's id and author (if known), and the other links."""
        quote_id: str | None = tweet.get("quoted_status_id_str") or None
        urls = entities.get("urls")
        if not urls and quote_id is None:
            return None, None, ()
        links = _expanded_urls(urls) if urls else []
        quote_name: str | None = None
        for url in reversed(links):  # X shows the last link to a tweet as the quoted tweet
            status = parse_status_url(url) if "/status/" in url else None
            if status is not None and (quote_id is None or status[1] == quote_id):
                quote_name, quote_id = status
                links = [link for link in links if f"/status/{quote_id}" not in link]
                break
        if quote_id is None:
            return None, None, tuple(links)
        return quote_id, self._quoted_author(tweet, quote_name, out), tuple(links)

    def _quoted_author(
        self, tweet: dict[str, Any], name: str | None, out: list[Record]
    ) -> AccountRef | None:
        quoted = tweet.get("quoted_status")
        user = quoted.get("user") if type(quoted) is dict else None
        if type(user) is dict and user.get("id_str"):
            return self.book.ref(user["id_str"], user.get("screen_name"), user.get("name"), out)
        # Only the screen name is known: use it if the archive tied that name to an id elsewhere.
        return self.book.by_handle(name) if name else None


def expand_text(text: str, entities: dict[str, Any]) -> str:
    """Undo X's HTML escapes and replace t.co links with the addresses they stand for."""
    if "&" in text:  # before expanding, so that addresses keep every character they hold
        text = unescape(text)
    if "t.co/" in text:
        for entity in entities.get("urls") or ():
            short, long = entity.get("url"), entity.get("expanded_url")
            if short and long:
                text = text.replace(short, long)
        media = entities.get("media")
        if media:  # every attachment of a tweet shares one t.co link
            short, long = media[0].get("url"), media[0].get("expanded_url")
            if short and long:
                text = text.replace(short, long)
    return text


def _expanded_urls(urls: list[dict[str, Any]]) -> list[str]:
    return [url for entity in urls if (url := entity.get("expanded_url") or entity.get("url"))]


def _hashtags(entities: dict[str, Any]) -> tuple[str, ...]:
    tags = entities.get("hashtags")
    return tuple(tag["text"].lower() for tag in tags if tag.get("text")) if tags else ()


def _media_count(tweet: dict[str, Any], entities: dict[str, Any]) -> int:
    extended = tweet.get("extended_entities")
    media = (extended.get("media") if extended else None) or entities.get("media")
    return len(media) if media else 0


def _language(tweet: dict[str, Any]) -> str | None:
    lang = tweet.get("lang")
    return None if not lang or lang == "und" else str(lang)
