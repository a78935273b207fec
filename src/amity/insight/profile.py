"""What one account's profile says about who is behind it, folded once for comparison.

Names and handles are folded so that differences which do not change who someone is (case,
accents, emoji, punctuation, "(she/her)" or "| illustrator" after a name, ``_`` and ``.`` in a
handle) do not hide a match. The profile's own addresses and the links in its bio and website
become keys (see ``amity.insight.links``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from amity.insight.links import Link, find_links, link_key
from amity.model import Account, PersonAccount

PLATFORM_NAMES = {"mastodon": "Mastodon", "twitter": "X", "bluesky": "Bluesky"}
BRACKETED = re.compile(r"[(\[{].*?[)\]}]")
PRONOUNS = re.compile(r"\b(?:she|he|they|xe|ze|it)\s*/\s*\w+", re.I)
TRAILER = re.compile(r"(?:[|·•,]|\s[-–—]\s).*$")
"""What follows a name and is not part of it: "Ana Ruiz | illustrator", "Ana Ruiz - books"."""
GENERIC_SITES = frozenset(
    {"github.com", "instagram.com", "facebook.com", "youtube.com", "linkedin.com", "tiktok.com",
     "medium.com", "substack.com", "patreon.com", "ko-fi.com", "etsy.com", "linktr.ee",
     "twitter.com", "x.com", "bsky.app", "threads.net"}
)  # fmt: skip
"""Sites whose front page many people give as their website: only a page of theirs there counts."""
DEFAULT_AVATARS = ("default_profile", "missing.png", "/avatars/original/missing")
BIO_WORDS = 4
"""A bio of fewer words ("Artist.", "he/him") is shared by too many people to tell anyone apart."""


@dataclass(frozen=True, slots=True)
class Profile:
    """One account's profile, folded for matching."""

    item: PersonAccount
    handle: str | None
    """The handle's local part, lowercase: ``ana_ruiz`` for ``Ana_Ruiz@mastodon.social``."""
    handle_letters: str | None
    """The local part with letters and digits only: ``anaruiz``."""
    name: str | None
    """The folded display name: ``ana ruiz`` for ``Ana Ruíz 🌿 (she/her)``."""
    name_handles: frozenset[str]
    """Handles the display name spells: ``anaruiz`` and ``ruizana`` for ``ana ruiz``."""
    website: str | None
    avatar: str | None
    bio: str | None
    """The bio folded (case, accents, punctuation), if it is long enough to tell people apart."""
    keys: frozenset[str]
    """Keys that name this account: its handle and its profile addresses."""
    links: tuple[Link, ...]
    """Profiles and pages its bio and website point to."""

    @property
    def account(self) -> Account:
        """Return the account this profile is of."""
        return self.item.account

    @property
    def network(self) -> str:
        """Return the account's network as people call it: Mastodon, X, Bluesky."""
        return PLATFORM_NAMES.get(self.account.platform, self.account.platform)


def read_profile(item: PersonAccount) -> Profile:
    """Fold what ``item``'s profile says into the features that matching compares."""
    account = item.account
    handle = local_part(account)
    name = fold_name(account.display_name) if account.display_name else None
    return Profile(
        item=item,
        handle=handle,
        handle_letters=_letters(handle) if handle else None,
        name=name or None,
        name_handles=name_handles(name) if name else frozenset(),
        website=_website_key(account.website),
        avatar=_avatar(account.avatar_url),
        bio=fold_bio(account.bio) if account.bio else None,
        keys=account_keys(account),
        links=tuple(_links(account)),
    )


def fold_name(name: str) -> str:
    """Return ``name`` without case, accents, emoji, punctuation or what trails the name."""
    return " ".join(_words(TRAILER.sub("", PRONOUNS.sub(" ", BRACKETED.sub(" ", name)))))


def fold_bio(bio: str) -> str | None:
    """Return ``bio`` without case, accents or punctuation; None if too short to tell by."""
    words = _words(bio)
    return " ".join(words) if len(words) >= BIO_WORDS else None


def name_handles(name: str) -> frozenset[str]:
    """Return the handles a person of this (folded) name would spell from it in full."""
    tokens = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().split()
    if len(tokens) < 2:
        return frozenset(tokens) if tokens and len(tokens[0]) >= 6 else frozenset()
    return frozenset({"".join(tokens), tokens[0] + tokens[-1], tokens[-1] + tokens[0]})


def local_part(account: Account) -> str | None:
    """Return the part of a handle one chose: ``ana`` of ``ana@host``, ``ana.bsky.social``."""
    if not account.handle:
        return None
    handle = account.handle.lower().lstrip("@")
    if account.platform == "mastodon":
        return handle.split("@", 1)[0] or None
    if account.platform == "bluesky":
        return handle.split(".", 1)[0] or None
    return handle


def account_keys(account: Account) -> frozenset[str]:
    """Return the keys that name ``account``: its handle, and its profile URL and platform id."""
    addresses = (link_key(*_host_path(text)) for text in (account.url, account.platform_id) if text)
    keys = {key for key in addresses if not key.startswith("web:")}
    if account.handle:
        handle = account.handle.lower().lstrip("@")
        keys.add(f"{account.platform}:{handle}")
        if account.platform == "bluesky" and not handle.endswith(".bsky.social"):
            keys.add(f"web:{handle}")  # a Bluesky handle on one's own domain is that domain
    if account.platform == "bluesky":
        keys.add(f"bluesky:{account.platform_id.lower()}")
    return frozenset(keys)


def _links(account: Account) -> list[Link]:
    found = find_links(account.bio, field="bio") if account.bio else []
    if account.website:
        found += find_links(account.website, field="website")
    return found


def _words(text: str) -> list[str]:
    """Return the words of ``text``, folded: no case, accents, emoji or punctuation."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = (ch if ch.isalnum() else " " for ch in decomposed if not unicodedata.combining(ch))
    return "".join(kept).casefold().split()


def _letters(handle: str) -> str:
    return "".join(ch for ch in handle if ch.isalnum())


def _host_path(url: str) -> tuple[str, str]:
    rest = url.split("://", 1)[-1]
    host, _, path = rest.partition("/")
    return host, "/" + path


def _website_key(website: str | None) -> str | None:
    """Return the website's key, unless it is only the front page of a site many people give."""
    if not website or "." not in website:
        return None
    key = link_key(*_host_path(website.strip()))
    if not key.startswith("web:") or key.removeprefix("web:") in GENERIC_SITES:
        return None
    return key


def _avatar(url: str | None) -> str | None:
    """Return the avatar's address, unless it is a relative path or a network's default image."""
    if not url or not url.startswith(("https://", "http://")):
        return None
    return None if any(mark in url for mark in DEFAULT_AVATARS) else url
