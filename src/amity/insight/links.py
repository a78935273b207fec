"""Where a profile points: the links and mentions in a bio or website, as the accounts they name.

Each link or mention becomes a *key*: ``mastodon:user@host``, ``twitter:name`` and
``bluesky:handle`` (or ``bluesky:did:...``) for a profile on one of the three networks,
``web:host/path`` for any other page. An account's own handle and profile address give the same
keys (see ``amity.insight.profile``), so "A's bio points at B" is one of A's link keys found
among B's keys.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MENTION = re.compile(r"(?<![\w@/.])@([a-z0-9_][a-z0-9_.-]*)@((?:[a-z0-9-]+\.)+[a-z]{2,})", re.I)
"""A fediverse mention, ``@user@host``: how Mastodon users say where else they are."""
URL = re.compile(r"(?<![\w@/.-])(?:https?://)?((?:[a-z0-9-]+\.)+[a-z]{2,})(/[^\s<>\"'()]*)?", re.I)
"""A web address, with or without its scheme: people write ``x.com/name`` as often as the URL."""
LABELLED = re.compile(r"\b(twitter|x|bluesky|bsky)\s*:\s*@?([a-z0-9_][a-z0-9_.-]*)", re.I)
"""A handle named with its network, as in "Twitter: @name" or "bsky: name.bsky.social"."""

TWITTER_HOSTS = frozenset({"twitter.com", "x.com"})
TWITTER_NAME = re.compile(r"[a-z0-9_]{1,15}", re.I)
TWITTER_PATHS = frozenset({"home", "i", "intent", "search", "hashtag", "share", "settings"})
"""First path segments of twitter.com / x.com that are pages, not accounts."""


@dataclass(frozen=True, slots=True)
class Link:
    """One place a profile points to: its key, and what the profile says, in words."""

    key: str
    said: str


def find_links(text: str, *, field: str) -> list[Link]:
    """Return the profiles and pages ``text`` (a bio or a website, named by ``field``) points to."""
    found = [
        Link(f"mastodon:{m[1].lower()}@{m[2].lower()}", f"{field} mentions {m[0]}")
        for m in MENTION.finditer(text)
    ]
    found += [
        Link(_labelled_key(m[1], m[2]), f"{field} mentions {m[0]}") for m in LABELLED.finditer(text)
    ]
    for match in URL.finditer(text):
        path = (match[2] or "").rstrip(".,;:!?")
        found.append(
            Link(link_key(match[1], path), f"{field} links to {match[0].rstrip('.,;:!?')}")
        )
    return found


def link_key(host: str, path: str) -> str:
    """Return the key of the page at ``host`` and ``path``: a profile's, where it is one.

    Only a profile's own address counts as the profile: a link to one of its posts
    (``x.com/name/status/1``, ``host/@name/1``) may be to anyone's.
    """
    host = host.lower().removeprefix("www.").removeprefix("mobile.")
    parts = [part for part in re.split(r"[?#]", path, maxsplit=1)[0].split("/") if part]
    first = parts[0] if parts else ""
    if host in TWITTER_HOSTS and len(parts) == 1 and _is_twitter_name(first):
        return f"twitter:{first.lower()}"
    if host == "bsky.app" and len(parts) == 2 and first == "profile":
        return f"bluesky:{parts[1].lower()}"
    if host.endswith(".bsky.social") and not parts:
        return f"bluesky:{host}"
    if len(parts) == 1 and first.startswith("@") and len(first) > 1:  # Mastodon's profile page
        name = first[1:].lower()
        return f"mastodon:{name}" if "@" in name else f"mastodon:{name}@{host}"
    if len(parts) == 2 and first == "users":  # an ActivityPub actor URI
        return f"mastodon:{parts[1].lower()}@{host}"
    return "web:" + "/".join([host, *parts]).lower()


def _is_twitter_name(segment: str) -> bool:
    return bool(TWITTER_NAME.fullmatch(segment)) and segment.lower() not in TWITTER_PATHS


def _labelled_key(network: str, handle: str) -> str:
    handle = handle.lower().rstrip(".")
    if network.lower() in ("twitter", "x"):
        return f"twitter:{handle}"
    return f"bluesky:{handle if '.' in handle else handle + '.bsky.social'}"
