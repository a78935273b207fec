"""Detect which archive format a container holds, and read it with the right source."""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType

from amity.errors import UnknownFormat
from amity.model import Account, Record
from amity.sources.bluesky import archive as bluesky_archive
from amity.sources.container import Container
from amity.sources.mastodon import account_lists as mastodon_account_lists
from amity.sources.mastodon import archive as mastodon_archive
from amity.sources.twitter import archive as twitter_archive

ARCHIVE_FORMATS: dict[str, ModuleType] = {
    "mastodon": mastodon_archive,
    "twitter": twitter_archive,
    "bluesky": bluesky_archive,
    "mastodon-account-list": mastodon_account_lists,
}


def detect_format(container: Container) -> str:
    """Return the name of the archive format ``container`` holds, or raise UnknownFormat."""
    for name, module in ARCHIVE_FORMATS.items():
        if module.detect(container):
            return name
    raise UnknownFormat(
        "is not an archive amity can read",
        file=str(container.path),
        hint=(
            "amity reads a Mastodon account export (with outbox.json and actor.json), an X"
            " archive (with data/tweets.js or the older tweets.csv) and a Bluesky repository"
            " export (.car), and Mastodon's follows, blocks and mutes CSVs; see docs/sources.md."
        ),
    )


def needs_owner(format_name: str) -> str | None:
    """Return the platform whose own account a format needs handed in, or None."""
    module = ARCHIVE_FORMATS[format_name]
    return str(module.PLATFORM) if getattr(module, "NEEDS_OWNER", False) else None


def read_archive(
    container: Container, format_name: str, owner: Account | None = None
) -> Iterator[Record]:
    """Yield the records of ``container`` as read by the named format, the owner first."""
    module = ARCHIVE_FORMATS[format_name]
    reader: Iterator[Record] = (
        module.read(container, owner) if owner is not None else module.read(container)
    )
    return reader
