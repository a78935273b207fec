"""Find the files of an X archive and stream the tweets in them.

Members may sit under ``data/`` or at the top: people often zip the ``data`` folder itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from amity.model import Problem, Record
from amity.sources.container import Container
from amity.sources.items import ItemError
from amity.sources.jsonstream import iter_javascript_array, read_javascript_value
from amity.sources.twitter.normalize import TweetNormalizer


def find_members(container: Container, *stems: str) -> list[str]:
    """Return the members named ``<stem>.js`` or ``<stem>-partN.js``, in stem then part order."""
    found: list[tuple[int, int, str]] = []
    for name in container.names():
        base = name[5:] if name.startswith("data/") else name
        if "/" in base or not base.endswith(".js"):
            continue
        stem, separator, part = base[:-3].partition("-part")
        if stem in stems and (not separator or part.isdigit()):
            found.append((stems.index(stem), int(part or 0), name))
    return [name for *_, name in sorted(found)]


def read_tweet_file(
    container: Container, name: str, normalizer: TweetNormalizer
) -> Iterator[Record]:
    """Yield the records of every tweet in one file, streamed; a Problem for each bad tweet."""
    file = container.describe(name)
    with container.open(name) as raw:
        for index, item in enumerate(iter_javascript_array(raw, file=file, label="tweet"), 1):
            # Archives since 2020 wrap each tweet as {"tweet": {...}}; older ones do not.
            tweet = item.get("tweet", item) if isinstance(item, dict) else item
            try:
                records = normalizer.records(tweet)
            except ItemError as error:
                yield _problem(file, index, tweet, error.reason, error.hint)
                continue
            except (AttributeError, KeyError, TypeError, ValueError) as error:
                reason = f"has an unexpected shape ({type(error).__name__}: {error})"
                yield _problem(file, index, tweet, reason, "")
                continue
            yield from records


def read_small_file(container: Container, name: str) -> Any:
    """Return the value a small archive file (account.js, manifest.js, …) assigns."""
    with container.open(name) as raw:
        return read_javascript_value(raw, file=container.describe(name))


def _problem(file: str, index: int, tweet: Any, reason: str, hint: str) -> Problem:
    tweet_id = tweet.get("id_str") if isinstance(tweet, dict) else None
    item = f"tweet {index} (id {tweet_id})" if tweet_id else f"tweet {index} (no id)"
    return Problem(file, item, reason, hint or "The tweet was skipped; the rest was imported.")
