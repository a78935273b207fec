"""Read the account lists of Mastodon's data export: the accounts you follow, block and mute.

Mastodon exports each list as a CSV (*Preferences → Import and export → Data export*:
``following_accounts.csv``, ``blocked_accounts.csv``, ``muted_accounts.csv``), downloaded apart
from the account archive. Layouts differ by list and by version: current follows and mutes have
a header (``Account address,Show boosts,Notify on new posts,Languages``; ``Account address,Hide
notifications``), blocks and older lists are one handle a line, sometimes with a leading ``@``,
sometimes with a bare local username. Which list a file is comes from its header's second column,
else from its name (``blocked…``, ``muted…``; anything else is taken for follows, as Mastodon's
older ``imports.txt`` was). The file names neither its owner nor the accounts' actor URIs: the
owner is handed in by the import, and each account's URI is derived by Mastodon's own convention
(``user@host`` → ``https://host/users/user``), the same one the archive reader uses for authors of
status URIs. Mastodon offers no export of your followers.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

from amity.errors import SourceError
from amity.model import Account, AccountRef, Interaction, InteractionKind, Problem, Record
from amity.sources.container import Container

HEADER = "Account address"
"""An account list does not say whose it is: the import passes the owner in."""
MAX_BYTES = 64 << 20
BY_SECOND_COLUMN: dict[str, InteractionKind] = {
    "Show boosts": "follow",
    "Hide notifications": "mute",
}
BY_NAME: tuple[tuple[str, InteractionKind], ...] = (("block", "block"), ("mute", "mute"))


def _member(container: Container) -> str | None:
    names = container.names()
    if len(names) != 1 or not names[0].lower().endswith((".csv", ".txt")):
        return None
    return names[0]


def detect(container: Container) -> bool:
    """Return True for a single CSV whose header or first line is a Mastodon account list."""
    name = _member(container)
    if name is None:
        return False
    with container.open(name) as handle:
        head = handle.read(4096).decode("utf-8", errors="replace").lstrip("\ufeff")
    first = next((line.strip() for line in head.splitlines() if line.strip()), "")
    return first.startswith(HEADER) or _looks_like_handle(first.split(",")[0])


def _looks_like_handle(text: str) -> bool:
    """Return True for ``user@host`` (a header-less list must open with a full address)."""
    user, _, host = text.lstrip("@").partition("@")
    return bool(user) and " " not in text and "." in host


def read(container: Container, owner: Account) -> Iterator[Record]:
    """Yield the owner, then each listed account and the owner's edge to it.

    The edge is a follow, a block or a mute, as ``list_kind`` reads the file.
    """
    name = _member(container)
    if name is None:
        raise SourceError("is not a Mastodon account list CSV", file=str(container.path))
    where = container.describe(name)
    owner_host = owner.handle.partition("@")[2] if owner.handle else ""
    rows = list(csv.reader(_lines(container, name, where)))
    kind = list_kind(name, rows[0] if rows else [])
    yield owner
    seen: set[str] = set()
    for number, row in enumerate(rows, start=1):
        record = _row(row, number, where, owner_host, kind)
        if isinstance(record, AccountRef):
            if record.platform_id not in seen:
                seen.add(record.platform_id)
                yield Account("mastodon", record.platform_id, record.handle)
                yield Interaction("mastodon", kind, owner.ref, record)
        elif record is not None:
            yield record


def list_kind(name: str, first_row: list[str]) -> InteractionKind:
    """Return which list a file is: by its header's second column, else by its file name."""
    if len(first_row) > 1 and first_row[0].strip() == HEADER:
        found = BY_SECOND_COLUMN.get(first_row[1].strip())
        if found:
            return found
    stem = name.rsplit("/", 1)[-1].lower()
    return next((kind for word, kind in BY_NAME if word in stem), "follow")


def _lines(container: Container, name: str, where: str) -> list[str]:
    """Return the file's lines; an account list is small (one line per account)."""
    with container.open(name) as handle:
        data = handle.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise SourceError(
            f"is larger than {MAX_BYTES >> 20} MiB, more than any account list",
            file=where,
            hint="Check that this is an account list CSV from Mastodon's data export.",
        )
    try:
        return data.decode("utf-8-sig").splitlines()
    except UnicodeDecodeError as error:
        raise SourceError(
            f"is not UTF-8 text (bad byte at offset {error.start})",
            file=where,
            hint="Pass the file as Mastodon exported it.",
        ) from error


def _row(
    row: list[str], number: int, where: str, owner_host: str, kind: InteractionKind
) -> AccountRef | Problem | None:
    """Return the account a row names, a Problem, or None for blank lines and the header."""
    address = row[0].strip() if row else ""
    if not address or (number == 1 and address == HEADER):
        return None
    user, _, host = address.lstrip("@").partition("@")
    host = (host or owner_host).lower()
    if not user or not host or "/" in user or "/" in host or " " in address:
        return Problem(
            where,
            f"line {number}",
            "is not an account address (user@host)",
            f"Each line starts with the address of an account you {kind}.",
        )
    return AccountRef("mastodon", f"https://{host}/users/{user}", f"{user}@{host}")
