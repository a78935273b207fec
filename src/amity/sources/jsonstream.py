"""Read very large JSON documents one value at a time, in bounded memory.

Exports hold their biggest collections as one JSON array: X's ``tweets.js`` (after a
``window.YTD.tweets.part0 =`` prefix) and Mastodon's ``outbox.json`` (under ``orderedItems``).
``JsonStream`` walks the document's outer structure itself over the file's bytes and hands each
inner value to orjson, or to the standard library's C scanner (``JSONDecoder.raw_decode``) where
it must, refilling its buffer from the file as it goes. The buffer never holds much more than one
chunk and one item, so a file of several gigabytes streams in a few megabytes. See
docs/design-notes.md for why this is not ijson.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from typing import Any

import orjson

from amity.errors import ArchiveTooLarge, SourceError
from amity.sources.container import Readable

CHUNK_CHARS = 1 << 22
MAX_ITEM_CHARS = 64 << 20
"""No single post, activity or message in a real export comes near 64 MiB of JSON."""

_WHITESPACE = re.compile(rb"[ \t\n\r]*")
_NUMBER_TAIL = re.compile(r"[0-9.eE+-]*")
_OPENING = re.compile(rb'\{[ \t\n\r]*"(?:[^"\\\n]|\\.)*"[ \t\n\r]*:')
_BOM = codecs.BOM_UTF8
_FIRST_WINDOW = 256
_DECODER = json.JSONDecoder()
_HINT = "The file may have been cut off while downloading; request a fresh export and try again."


class JsonStream:
    """Pull values out of a JSON (or JSON-in-JavaScript) file without loading it whole.

    The buffer holds the file's bytes, not decoded text: the fast path hands orjson each
    element's bytes as they are (orjson checks the UTF-8 itself), which halves the cost of an
    element against cutting it out of decoded text, and the file is never decoded whole. Only
    the values the standard scanner reads are decoded, a small window at a time.
    """

    def __init__(
        self,
        raw: Readable,
        *,
        file: str,
        chunk_chars: int = CHUNK_CHARS,
        max_item_chars: int = MAX_ITEM_CHARS,
    ) -> None:
        self._raw = raw
        self._buf = b""
        self._pos = 0
        self._consumed = 0
        self._eof = False
        self._started = False
        self._chunk = chunk_chars
        self._max_item = max_item_chars
        self.file = file

    # -- buffer -----------------------------------------------------------------------------

    def _fill(self) -> bool:
        """Append one chunk to the buffer; return False at the end of the file."""
        if self._eof:
            return False
        data = self._read()
        if not self._started:
            self._started = True
            while len(data) < len(_BOM) and not self._eof:
                data += self._read()
            if data.startswith(_BOM):  # a byte order mark, as "utf-8-sig" reads it
                data = data[len(_BOM) :]
                self._consumed += len(_BOM)
        self._consumed += self._pos
        self._buf = self._buf[self._pos :] + data
        self._pos = 0
        return bool(data) or not self._eof

    def _read(self) -> bytes:
        try:
            data = self._raw.read(self._chunk)
        except (OSError, EOFError, ValueError) as error:
            raise SourceError(f"cannot be read: {error}", file=self.file, hint=_HINT) from error
        if not data:
            self._eof = True
        return bytes(data)

    def _skip_whitespace(self) -> str:
        """Skip whitespace and return the next character, or '' at the end of the file."""
        while True:
            match = _WHITESPACE.match(self._buf, self._pos)
            self._pos = match.end() if match else self._pos
            if self._pos < len(self._buf):
                return self._character()
            if not self._fill():
                return ""

    def _character(self) -> str:
        byte = self._buf[self._pos]
        if byte < 0x80:
            return chr(byte)
        # Only shown in a message: a character that cannot start any JSON value.
        return self._buf[self._pos : self._pos + 4].decode("utf-8", "replace")[0]

    def _syntax_error(self, what: str, *, item: str = "") -> SourceError:
        offset = self._consumed + self._pos
        return SourceError(
            f"is not valid JSON: {what} (near byte {offset})",
            file=self.file,
            item=item,
            hint=_HINT,
        )

    def _not_utf8(self, error: UnicodeDecodeError) -> SourceError:
        return SourceError(
            f"is not UTF-8 text (bad byte near offset {self._consumed + self._pos + error.start})",
            file=self.file,
            hint="Pass the export exactly as the platform delivered it.",
        )

    # -- structure --------------------------------------------------------------------------

    def skip_past(self, marker: str) -> None:
        """Advance past the first occurrence of ``marker`` (a JavaScript prefix such as '=')."""
        needle = marker.encode()
        while True:
            found = self._buf.find(needle, self._pos)
            if found >= 0:
                self._pos = found + len(needle)
                return
            self._pos = max(self._pos, len(self._buf) - len(needle))
            if not self._fill():
                raise self._syntax_error(f"expected {marker!r} before the data")

    def peek(self) -> str:
        """Return the next non-whitespace character without consuming it ('' at the end)."""
        return self._skip_whitespace()

    def expect(self, char: str, *, item: str = "") -> None:
        """Consume ``char`` (after whitespace) or fail with a clear message."""
        found = self._skip_whitespace()
        if found != char:
            shown = repr(found) if found else "the end of the file"
            raise self._syntax_error(f"expected {char!r} but found {shown}", item=item)
        self._pos += 1

    def value(self, *, item: str = "") -> Any:
        """Decode and return the next complete JSON value.

        The standard scanner reads a window of decoded text that starts small and doubles until
        it holds the whole value, so a long array of short values never decodes the rest of the
        buffer once per value.
        """
        self._skip_whitespace()
        window = _FIRST_WINDOW
        while True:
            whole = self._pos + window >= len(self._buf)
            try:
                text, _ = codecs.utf_8_decode(
                    self._buf[self._pos : self._pos + window], "strict", whole and self._eof
                )
            except UnicodeDecodeError as error:
                raise self._not_utf8(error) from error
            try:
                obj, end = _DECODER.raw_decode(text)
            except json.JSONDecodeError as error:
                if not self._may_be_cut(error, text):
                    raise self._syntax_error(error.msg, item=item) from error
                window = self._widen(window, whole, item)
                continue
            # A number followed only by number characters may continue beyond the window.
            number = isinstance(obj, int | float) and not isinstance(obj, bool)
            if number and not (whole and self._eof) and _NUMBER_TAIL.fullmatch(text, end):
                window = self._widen(window, whole, item)
                continue
            self._pos += len(text[:end].encode())
            return obj

    def _may_be_cut(self, error: json.JSONDecodeError, text: str) -> bool:
        near_end = error.pos >= len(text) - 6
        return near_end or error.msg.startswith("Unterminated string")

    def _widen(self, window: int, whole: bool, item: str) -> int:
        """Return a larger window, reading more of the file once the window holds all of it."""
        if whole:
            self._grow(item)
        return window * 2

    def _grow(self, item: str) -> None:
        if len(self._buf) - self._pos > self._max_item:
            raise ArchiveTooLarge(
                f"one value is larger than {self._max_item >> 20} MiB of text",
                file=self.file,
                item=item,
                hint="No real export holds items this large; check that this is the right file.",
            )
        if not self._fill():
            raise self._syntax_error("the data ends in the middle of a value", item=item)

    def iter_array(self, *, label: str = "item") -> Iterator[Any]:
        """Consume a JSON array and yield its elements one at a time."""
        self.expect("[")
        if self.peek() == "]":
            self._pos += 1
            return
        index = 0
        separator: tuple[bytes, int] | None = None
        while True:
            if separator is not None:
                for value in self._split_run(*separator):
                    yield value
                    index += 1
            value = self.value(item=f"{label} {index + 1}")
            yield value
            index += 1
            end = self._consumed + self._pos
            following = self._skip_whitespace()
            if following == "]":
                self._pos += 1
                return
            if following != ",":
                shown = repr(following) if following else "the end of the file"
                raise self._syntax_error(
                    f"expected ',' or ']' after {label} {index} but found {shown}",
                    item=f"{label} {index}",
                )
            self._pos += 1
            separator = self._learn_separator(end) if isinstance(value, dict) else None

    # -- the fast path ----------------------------------------------------------------------
    #
    # Array elements of one export share a layout: the same text between one object's closing
    # brace and the next one's first key (',{"id":' in a minified outbox, ', {\n    "tweet" :' in
    # tweets.js). That text can never occur inside a JSON string (its quote or newline would be
    # escaped there, and no byte of a multi-byte UTF-8 character is ASCII), so its next
    # occurrence after an element's start is either the end of the element or lies inside a
    # nested object; orjson then decides, since a nested cut leaves the braces unbalanced and
    # fails to parse. Whenever the fast path is unsure (the last element, a change of layout, a
    # value orjson refuses, bytes that are not UTF-8) the standard scanner reads the element
    # instead, so the result is always the same, only faster.

    def _learn_separator(self, end: int) -> tuple[bytes, int] | None:
        """Return the bytes that separate elements and the length of their gap before the '{'."""
        self._skip_whitespace()
        start = end - self._consumed
        opening = _OPENING.match(self._buf, self._pos)
        if start < 0 or opening is None:
            return None
        return self._buf[start : self._pos] + opening.group(0), self._pos - start

    def _split_run(self, needle: bytes, gap: int) -> Iterator[dict[str, Any]]:
        """Yield objects cut at ``needle`` until unsure, stopping at the start of an element."""
        loads = orjson.loads
        while True:
            found = self._buf.find(needle, self._pos)
            if found < 0:
                if self._eof or len(self._buf) - self._pos > self._max_item:
                    return
                self._fill()
                continue
            # orjson reads an integer past 64 bits as a float (losing digits) where the standard
            # scanner keeps it exact; no export holds one (X ids are 63-bit), and scanning every
            # element for long digit runs would cost more than the fast path saves.
            try:
                value = loads(self._buf[self._pos : found])
            except orjson.JSONDecodeError:
                return
            if type(value) is not dict:
                return
            self._pos = found + gap
            yield value

    def iter_keys(self) -> Iterator[str]:
        """Consume a JSON object's keys one by one; the caller must consume each value."""
        self.expect("{")
        if self.peek() == "}":
            self._pos += 1
            return
        while True:
            key = self.value()
            if not isinstance(key, str):
                raise self._syntax_error("an object key is not a string")
            self.expect(":")
            yield key
            following = self._skip_whitespace()
            if following == "}":
                self._pos += 1
                return
            if following != ",":
                raise self._syntax_error(f"expected ',' or '}}' after key {key!r}")
            self._pos += 1

    def expect_end(self) -> None:
        """Fail unless only whitespace (or a JavaScript ';') is left."""
        rest = self._skip_whitespace()
        if rest == ";":
            self._pos += 1
            rest = self._skip_whitespace()
        if rest:
            raise self._syntax_error(f"unexpected {rest!r} after the data")


def iter_javascript_array(raw: Readable, *, file: str, label: str = "item") -> Iterator[Any]:
    """Yield the elements of ``name = [ ... ]``, the layout of X archive files."""
    stream = JsonStream(raw, file=file)
    stream.skip_past("=")
    yield from stream.iter_array(label=label)
    stream.expect_end()


def read_javascript_value(raw: Readable, *, file: str) -> Any:
    """Return the value assigned in ``name = {...}`` or ``name = [...]`` (small files only)."""
    stream = JsonStream(raw, file=file)
    stream.skip_past("=")
    value = stream.value()
    stream.expect_end()
    return value
