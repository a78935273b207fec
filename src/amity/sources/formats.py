"""The archive formats amity reads: a typed registry, detection, and reading with the right one."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from amity.errors import UnknownFormat
from amity.model import Account, Platform, Record
from amity.sources.bluesky import archive as bluesky_archive
from amity.sources.container import Container
from amity.sources.mastodon import account_lists as mastodon_account_lists
from amity.sources.mastodon import archive as mastodon_archive
from amity.sources.twitter import archive as twitter_archive


@dataclass(frozen=True, slots=True)
class ArchiveFormat:
    """One format: its name in reports, its network, how to recognise it and how to read it.

    A format whose files do not say whose they are (``read_for``) is handed the user's own
    account on that network; the others yield their owner as their first record.
    """

    name: str
    platform: Platform
    detect: Callable[[Container], bool]
    read: Callable[[Container], Iterator[Record]] | None = None
    read_for: Callable[[Container, Account], Iterator[Record]] | None = None


FORMATS: tuple[ArchiveFormat, ...] = (
    ArchiveFormat("mastodon", "mastodon", mastodon_archive.detect, read=mastodon_archive.read),
    ArchiveFormat("twitter", "twitter", twitter_archive.detect, read=twitter_archive.read),
    ArchiveFormat("bluesky", "bluesky", bluesky_archive.detect, read=bluesky_archive.read),
    ArchiveFormat(
        "mastodon-account-list",
        "mastodon",
        mastodon_account_lists.detect,
        read_for=mastodon_account_lists.read,
    ),
)
_BY_NAME = {archive_format.name: archive_format for archive_format in FORMATS}


def detect_format(container: Container) -> str:
    """Return the name of the archive format ``container`` holds, or raise UnknownFormat."""
    for archive_format in FORMATS:
        if archive_format.detect(container):
            return archive_format.name
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
    archive_format = _BY_NAME[format_name]
    return archive_format.platform if archive_format.read_for is not None else None


def read_archive(
    container: Container, format_name: str, owner: Account | None = None
) -> Iterator[Record]:
    """Yield the records of ``container`` as read by the named format, the owner first."""
    archive_format = _BY_NAME[format_name]
    if archive_format.read_for is not None:
        if owner is None:
            raise ValueError(f"the {format_name} format needs the owner's account handed in")
        return archive_format.read_for(container, owner)
    assert archive_format.read is not None, "every format reads one way or the other"
    return archive_format.read(container)
