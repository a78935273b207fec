"""Open an export as a set of named members: a zip file, an unpacked folder, or a single file.

Platforms deliver exports as zip files (Mastodon, X) or single files (Bluesky's repository .car);
people often unpack zips first. ``Container`` hides the difference and guards against members no
real export has: a declared size past ``MAX_MEMBER_BYTES`` or a compression ratio that only a zip
bomb reaches.
"""

from __future__ import annotations

import contextlib
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import IO, Protocol

from amity.errors import ArchiveTooLarge, SourceError, UnknownFormat

MAX_MEMBER_BYTES = 32 << 30
"""The largest member amity will read: far beyond a real export's largest file."""
MAX_RATIO = 200
"""Real exports (JSON, JavaScript, images) compress 3-30x; a bomb compresses thousands of times."""
RATIO_CHECKED_ABOVE = 64 << 20

_HINT_ZIP = (
    "The zip may be incomplete; download the export again, or unpack it and pass the folder."
)


def _starts_like_zip(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(4) == b"PK\x03\x04"


class Readable(Protocol):
    """The one method the parsers need from an open member."""

    def read(self, size: int = -1, /) -> bytes: ...


class _Counted:
    """Count the bytes read through a member, so long imports can show their progress."""

    def __init__(self, handle: IO[bytes], container: Container) -> None:
        self._handle = handle
        self._container = container

    def read(self, size: int = -1, /) -> bytes:
        data = self._handle.read(size)
        self._container.bytes_read += len(data)
        return data


class Container:
    """The members of one export, by their path inside it ('data/tweets.js', 'outbox.json')."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._zip: zipfile.ZipFile | None = None
        self._members: dict[str, str] = {}
        self.bytes_read = 0
        if path.is_dir():
            self._index_folder(path)
        elif path.is_file() and zipfile.is_zipfile(path):
            self._open_zip(path)
        elif path.is_file() and _starts_like_zip(path):
            raise SourceError("is a damaged or incomplete zip file", file=str(path), hint=_HINT_ZIP)
        elif path.is_file():
            # A one-file export (a Bluesky repository .car): the file is the only member.
            self._members[path.name] = str(path)
        elif not path.exists():
            raise UnknownFormat(
                "does not exist", file=str(path), hint="Check the path and try again."
            )
        else:
            raise UnknownFormat("is neither a file nor a folder", file=str(path))

    def _index_folder(self, root: Path) -> None:
        for member in sorted(root.rglob("*")):
            if member.is_file():
                self._members[member.relative_to(root).as_posix()] = str(member)

    def _open_zip(self, path: Path) -> None:
        try:
            self._zip = zipfile.ZipFile(path)
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, OSError, ValueError) as error:
            raise SourceError(
                f"is a damaged zip file ({error})", file=str(path), hint=_HINT_ZIP
            ) from error
        for info in infos:
            if not info.is_dir():
                self._check_size(info)
                self._members[info.filename] = info.filename
        self._strip_common_top()

    def _check_size(self, info: zipfile.ZipInfo) -> None:
        where = f"{self.path}!{info.filename}"
        if info.file_size > MAX_MEMBER_BYTES:
            raise ArchiveTooLarge(
                f"expands to {info.file_size:,} bytes, more than any real export member",
                file=where,
                hint="This does not look like a platform export; check the file.",
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_CHECKED_ABOVE and ratio > MAX_RATIO:
            raise ArchiveTooLarge(
                f"expands {ratio:,.0f} times ({info.compress_size:,} to {info.file_size:,} bytes),"
                " which only a zip bomb does",
                file=where,
                hint="Do not open this file; it is not a platform export.",
            )

    def _strip_common_top(self) -> None:
        """Drop one leading folder shared by every member ('twitter-2024-01-01/data/...').

        People often zip the folder an export unpacked to; ``data/`` itself is part of the
        X layout and is kept.
        """
        names = list(self._members)
        tops = {PurePosixPath(name).parts[0] for name in names}
        nested = all(len(PurePosixPath(n).parts) > 1 for n in names)
        if len(tops) == 1 and nested and tops != {"data"}:
            top = tops.pop() + "/"
            self._members = {name[len(top) :]: real for name, real in self._members.items()}

    # -- reading ----------------------------------------------------------------------------

    def names(self) -> list[str]:
        """Return every member path, sorted."""
        return sorted(self._members)

    def __contains__(self, name: object) -> bool:
        return name in self._members

    def find(self, *names: str) -> str | None:
        """Return the first of ``names`` that is a member, or None."""
        return next((name for name in names if name in self._members), None)

    def describe(self, name: str) -> str:
        """Return how to name a member in messages: the export path, then the member."""
        return f"{self.path}!{name}" if self._zip else str(Path(self._members[name]))

    @contextlib.contextmanager
    def open(self, name: str) -> Iterator[Readable]:
        """Open a member for reading as bytes; damaged compressed data becomes a SourceError."""
        where = self.describe(name)
        try:
            if self._zip is not None:
                with self._zip.open(self._members[name]) as handle:
                    yield _Counted(handle, self)
            else:
                with Path(self._members[name]).open("rb") as handle:
                    yield _Counted(handle, self)
        except (zipfile.BadZipFile, zlib.error, EOFError) as error:
            raise SourceError(
                f"is damaged inside the zip ({error})", file=where, hint=_HINT_ZIP
            ) from error

    def size(self, name: str) -> int:
        """Return a member's size in bytes, for progress reporting."""
        if self._zip is not None:
            return self._zip.getinfo(self._members[name]).file_size
        return Path(self._members[name]).stat().st_size

    def close(self) -> None:
        """Close the underlying zip file, if any."""
        if self._zip is not None:
            self._zip.close()

    def __enter__(self) -> Container:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
