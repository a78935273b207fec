"""Write JSON the way X's archive does: ``"key" : value``, two-space indent, ``[ ]`` when empty.

X writes each data file as ``window.YTD.<name>.part0 = [`` followed by the pretty-printed items
and a closing ``]`` with no newline after it. Tweets and likes come newest first, but the demo
produces them oldest first; ``NewestFirst`` keeps the formatted items in a spill file, chunk by
chunk, and writes the chunks back in reverse, so no more than one chunk is ever in memory.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

import orjson

INDENT = tuple("  " * level for level in range(16))
CHUNK_ITEMS = 2_048


def quote(text: str) -> str:
    """Return ``text`` as a JSON string literal."""
    return orjson.dumps(text).decode()


def pretty(value: Any, level: int = 0) -> str:
    """Return ``value`` as X's pretty JSON, nested ``level`` steps deep."""
    if isinstance(value, dict):
        if not value:
            return "{ }"
        pad = INDENT[level + 1]
        inner = ",\n".join(f"{pad}{quote(k)} : {pretty(v, level + 1)}" for k, v in value.items())
        return f"{{\n{inner}\n{INDENT[level]}}}"
    if isinstance(value, list):
        if not value:
            return "[ ]"
        pad = INDENT[level + 1]
        inner = ",\n".join(f"{pad}{pretty(v, level + 1)}" for v in value)
        return f"[\n{inner}\n{INDENT[level]}]"
    return orjson.dumps(value).decode()


def manifest_pretty(value: Any, level: int = 0) -> str:
    """Return ``value`` in the manifest's style, where arrays open inline: ``[ {`` … ``} ]``."""
    if isinstance(value, dict):
        if not value:
            return "{ }"
        pad = INDENT[level + 1]
        inner = ",\n".join(
            f"{pad}{quote(k)} : {manifest_pretty(v, level + 1)}" for k, v in value.items()
        )
        return f"{{\n{inner}\n{INDENT[level]}}}"
    if isinstance(value, list):
        if not value:
            return "[ ]"
        return "[ " + ", ".join(manifest_pretty(v, level) for v in value) + " ]"
    return orjson.dumps(value).decode()


def entry(name: str, body: dict[str, Any]) -> str:
    """Return one array item ``{ "name" : {…} }`` at the indent of a data file's top array."""
    return f'  {{\n    "{name}" : {pretty(body, 2)}\n  }}'


def write_array(path: Path, global_name: str, items: Iterable[str]) -> int:
    """Stream items formatted with ``entry`` into a data file; return how many there were."""
    count = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(f"window.{global_name} = [")
        for item in items:
            out.write(",\n" if count else "\n")
            out.write(item)
            count += 1
        out.write("\n]" if count else " ]")
    return count


class NewestFirst:
    """Collect formatted items oldest first; write them newest first to a data file."""

    def __init__(self, folder: Path) -> None:
        # Closed in write(): the spill file lives as long as this writer, not one block.
        self._spill: IO[bytes] = tempfile.TemporaryFile(dir=folder)  # noqa: SIM115
        self._chunks: list[tuple[int, int]] = []
        self._pending: list[str] = []

    def add(self, item: str) -> None:
        """Add the next item (oldest first)."""
        self._pending.append(item)
        if len(self._pending) >= CHUNK_ITEMS:
            self._flush()

    def _flush(self) -> None:
        if not self._pending:
            return
        self._pending.reverse()
        data = ",\n".join(self._pending).encode()
        self._chunks.append((self._spill.tell(), len(data)))
        self._spill.write(data)
        self._pending = []

    def write(self, path: Path, global_name: str) -> None:
        """Write the data file at ``path``, newest item first, and drop the spill file."""
        self._flush()
        with path.open("wb") as out:
            if not self._chunks:
                out.write(f"window.{global_name} = [ ]".encode())
            else:
                out.write(f"window.{global_name} = [\n".encode())
                for number, (offset, size) in enumerate(reversed(self._chunks)):
                    self._spill.seek(offset)
                    out.write(b",\n" if number else b"")
                    out.write(self._spill.read(size))
                out.write(b"\n]")
        self._spill.close()
