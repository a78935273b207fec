"""Read the follows CSV of Mastodon's data export (``following_accounts.csv``).

Mastodon exports the accounts you follow as a CSV (*Preferences → Import and export → Data
export → Follows*), downloaded apart from the account archive. Its layout has changed: current
exports have a header (``Account address,Show boosts,Notify on new posts,Languages``), older ones
and hand-made lists are one handle a line, sometimes with a leading ``@``, sometimes with a bare
local username. The file names neither its owner nor the accounts' actor URIs: the owner is handed
in by the import, and each account's URI is derived by Mastodon's own convention
(``user@host`` → ``https://host/users/user``), the same one the archive reader uses for authors of
status URIs. Mastodon offers no export of your followers.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

from amity.errors import SourceError
from amity.model import Account, AccountRef, Interaction, Problem, Record
from amity.sources.container import Container

HEADER = "Account address"
PLATFORM = "mastodon"
NEEDS_OWNER = True
MAX_BYTES = 64 << 20
"""The follows file does not say whose it is: the import passes the owner in."""


def _member(container: Container) -> str | None:
    names = container.names()
    if len(names) != 1 or not names[0].lower().endswith((".csv", ".txt")):
        return None
    return names[0]


def detect(container: Container) -> bool:
    """Return True for a single CSV whose header or first line is a Mastodon follows list."""
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
    """Yield the owner, then each followed account and the follow edge to it."""
    name = _member(container)
    if name is None:
        raise SourceError("is not a Mastodon follows CSV", file=str(container.path))
    where = container.describe(name)
    owner_host = owner.handle.partition("@")[2] if owner.handle else ""
    yield owner
    seen: set[str] = set()
    for number, row in enumerate(csv.reader(_lines(container, name, where)), start=1):
        record = _row(row, number, where, owner_host)
        if isinstance(record, AccountRef):
            if record.platform_id not in seen:
                seen.add(record.platform_id)
                yield Account("mastodon", record.platform_id, record.handle)
                yield Interaction("mastodon", "follow", owner.ref, record)
        elif record is not None:
            yield record


def _lines(container: Container, name: str, where: str) -> list[str]:
    """Return the file's lines; a follows list is small (one line per account you follow)."""
    with container.open(name) as handle:
        data = handle.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise SourceError(
            f"is larger than {MAX_BYTES >> 20} MiB, more than any follows list",
            file=where,
            hint="Check that this is the follows CSV from Mastodon's data export.",
        )
    try:
        return data.decode("utf-8-sig").splitlines()
    except UnicodeDecodeError as error:
        raise SourceError(
            f"is not UTF-8 text (bad byte at offset {error.start})",
            file=where,
            hint="Pass the file as Mastodon exported it.",
        ) from error


def _row(row: list[str], number: int, where: str, owner_host: str) -> AccountRef | Problem | None:
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
            "Each line starts with the address of an account you follow.",
        )
    return AccountRef("mastodon", f"https://{host}/users/{user}", f"{user}@{host}")
