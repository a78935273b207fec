"""Read the X archive layout of 2012-2018 (the "Grailbird" archive).

Its tweets sit in one file per month, ``data/js/tweets/2014_03.js``, each starting
``Grailbird.data.tweets_2014_03 =`` and holding v1.1 API tweets with ``text`` rather than
``full_text`` and dates like "2014-03-02 17:10:05 +0000". The owner is in
``data/js/user_details.js`` (``var user_details = {...}``). The same tweets are also in
``tweets.csv`` at the top, with far less detail (no mention ids, no counts): it is read only when
the monthly files are missing.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from amity.errors import SourceError
from amity.model import Account, AccountRef, Interaction, Post, Problem, Record
from amity.sources.container import Container, Readable
from amity.sources.items import ItemError
from amity.sources.twitter.members import read_small_file, read_tweet_file
from amity.sources.twitter.normalize import (
    AccountBook,
    TweetNormalizer,
    parse_optional_time,
    parse_status_url,
    parse_time,
    unescape,
)

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

_TWEET_FOLDERS = ("data/js/tweets/", "js/tweets/")
_CSV_NAMES = ("tweets.csv", "data/tweets.csv")
_USER_DETAILS = ("data/js/user_details.js", "js/user_details.js")
_URL_SEPARATOR = re.compile(r",(?=https?://)")
"""expanded_urls joins addresses with commas, which addresses may contain themselves."""
_HASHTAG = re.compile(r"(?<![\w&])#(\w+)")
_SHORT_LINK = re.compile(r"https?://t\.co/\w+")


def detect(container: Container) -> bool:
    """Return True if ``container`` holds a 2012-2018 archive (monthly files or tweets.csv)."""
    return bool(tweet_files(container)) or container.find(*_CSV_NAMES) is not None


def tweet_files(container: Container) -> list[str]:
    """Return the monthly tweet files, oldest first."""
    found = []
    for name in container.names():
        for folder in _TWEET_FOLDERS:
            month = name[len(folder) :] if name.startswith(folder) else ""
            if month.endswith(".js") and "/" not in month:
                found.append(name)
    return found


def read(container: Container) -> Iterator[Record]:
    """Yield the owner's account, then the records of every tweet."""
    owner = read_owner(container)
    yield owner
    normalizer = TweetNormalizer(AccountBook(owner))
    files = tweet_files(container)
    for name in files:
        yield from read_tweet_file(container, name, normalizer)
    csv_name = container.find(*_CSV_NAMES)
    if not files and csv_name is not None:
        yield from read_tweet_csv(container, csv_name, normalizer)


def read_owner(container: Container) -> Account:
    """Return the owner's account from ``user_details.js``."""
    name = container.find(*_USER_DETAILS)
    if name is None:
        raise SourceError(
            "lacks its account file (data/js/user_details.js), so its owner is unknown",
            file=str(container.path),
            hint="Pass the whole archive as X delivered it, not tweets.csv alone.",
        )
    file = container.describe(name)
    details = read_small_file(container, name)
    if not isinstance(details, dict) or not details.get("id") or not details.get("screen_name"):
        raise SourceError(
            "has no id and screen_name for the archive's owner",
            file=file,
            hint="The archive may have been edited; download it from X again.",
        )
    handle = str(details["screen_name"])
    return Account(
        "twitter",
        str(details["id"]),
        handle,
        details.get("full_name") or details.get("name"),
        f"https://x.com/{handle}",
        bio=details.get("bio") or None,
        website=details.get("expanded_url") or details.get("url") or None,
        created_at=parse_optional_time(details.get("created_at")),
        is_own=True,
        raw=details,
    )


# -- tweets.csv -----------------------------------------------------------------------------


class _RawReader(io.RawIOBase):
    """Let ``io.TextIOWrapper`` decode a member that offers nothing but ``read``."""

    def __init__(self, raw: Readable) -> None:
        self._raw = raw

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer, /) -> int:
        view = memoryview(buffer).cast("B")
        data = self._raw.read(len(view))
        view[: len(data)] = data
        return len(data)


def read_tweet_csv(
    container: Container, name: str, normalizer: TweetNormalizer
) -> Iterator[Record]:
    """Yield the records of every row of ``tweets.csv``; a Problem for each bad row."""
    file = container.describe(name)
    with container.open(name) as raw:
        lines = io.TextIOWrapper(io.BufferedReader(_RawReader(raw)), "utf-8-sig", newline="")
        try:
            for index, row in enumerate(csv.DictReader(lines), 1):
                try:
                    yield from _row_records(row, normalizer)
                except ItemError as error:
                    item = f"row {index} (id {row.get('tweet_id') or 'missing'})"
                    yield Problem(file, item, error.reason, "The tweet was skipped.")
        except (csv.Error, UnicodeDecodeError) as error:
            raise SourceError(f"is not a readable CSV file ({error})", file=file) from error


def _row_records(row: dict[str, Any], normalizer: TweetNormalizer) -> list[Record]:
    tweet_id = row.get("tweet_id")
    if not tweet_id:
        raise ItemError("has no tweet_id")
    created_at = parse_time(row.get("timestamp"))
    text = unescape(row.get("text") or "")
    expanded = [url for url in _URL_SEPARATOR.split(row.get("expanded_urls") or "") if url]
    text = _expand_links(text, expanded)
    out: list[Record] = []
    owner, book = normalizer.owner, normalizer.book
    if row.get("retweeted_status_id") or text.startswith("RT @"):
        return _boost_row(row, tweet_id, created_at, text, expanded, normalizer, out)
    reply_author = _ref(book, row.get("in_reply_to_user_id"), None, out)
    quote_of_id, links = _quote_and_links(expanded)
    out.append(
        Post(
            platform="twitter",
            platform_id=tweet_id,
            author=owner,
            kind="post",
            created_at=created_at,
            text=text,
            url=f"https://x.com/{owner.handle}/status/{tweet_id}",
            reply_to_id=row.get("in_reply_to_status_id") or None,
            reply_to_author=reply_author,
            quote_of_id=quote_of_id,
            links=links,
            hashtags=tuple(tag.lower() for tag in _HASHTAG.findall(text)),
            media_count=sum(1 for url in expanded if _is_media_page(url)),
            raw=row,
        )
    )
    if reply_author is not None and reply_author is not owner:
        out.append(Interaction("twitter", "reply", owner, reply_author, tweet_id, created_at))
    return out


def _boost_row(
    row: dict[str, Any],
    tweet_id: str,
    created_at: datetime,
    text: str,
    expanded: list[str],
    normalizer: TweetNormalizer,
    out: list[Record],
) -> list[Record]:
    owner = normalizer.owner
    # "RT @name: …" names the original author, whose id the row carries.
    handle = text[4 : text.find(":")] if text.startswith("RT @") and ":" in text else None
    author = _ref(normalizer.book, row.get("retweeted_status_user_id"), handle, out)
    boost_of_id = row.get("retweeted_status_id") or None
    out.append(
        Post(
            platform="twitter",
            platform_id=tweet_id,
            author=owner,
            kind="boost",
            created_at=created_at,
            text=text,
            url=f"https://x.com/{owner.handle}/status/{tweet_id}",
            boost_of_id=boost_of_id,
            boost_of_author=author,
            links=_quote_and_links(expanded)[1],
            hashtags=tuple(tag.lower() for tag in _HASHTAG.findall(text)),
            raw=row,
        )
    )
    if author is not None and author is not owner:
        post_id = boost_of_id or tweet_id
        out.append(Interaction("twitter", "boost", owner, author, post_id, created_at))
    return out


def _ref(
    book: AccountBook, account_id: str | None, handle: str | None, out: list[Record]
) -> AccountRef | None:
    return book.ref(account_id, handle, None, out) if account_id else None


def _expand_links(text: str, expanded: list[str]) -> str:
    """Replace t.co links with the expanded addresses, which the CSV lists in the same order."""
    short = _SHORT_LINK.findall(text)
    if not short or len(short) != len(expanded):
        return text
    for link, address in zip(short, expanded, strict=True):
        text = text.replace(link, address, 1)
    return text


def _quote_and_links(expanded: list[str]) -> tuple[str | None, tuple[str, ...]]:
    """Split the expanded addresses into a quoted tweet's id and the other, non-media links."""
    quote_of_id: str | None = None
    links: list[str] = []
    for url in expanded:
        status = parse_status_url(url)
        if status is not None and quote_of_id is None:
            quote_of_id = status[1]
        elif not _is_media_page(url):
            links.append(url)
    return quote_of_id, tuple(links)


def _is_media_page(url: str) -> bool:
    """Return True for the photo or video page X lists for attached media."""
    return "/status/" in url and ("/photo/" in url or "/video/" in url)
