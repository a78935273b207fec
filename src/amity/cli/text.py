"""Text from the network, made safe to print: no escape sequences, no control characters.

Anyone the user talks with writes their own name, handle and posts; printed raw, a name could set
the window title, clear the screen, hide a link or swallow the rest of the output. ``shown``
removes escape sequences, replaces other control characters with a visible mark, drops
bidirectional overrides and zero-width characters, and escapes Rich markup. ``shown_line`` does
the same for a name, a handle or a path, which must also stay on one line. ``safe_json`` does it
for JSON text, by writing those characters as ``\\u`` escapes: the data stays the same.

``command_line`` is the other way round: text for the user to paste into a shell, each word
quoted so that the shell reads it back as it was written (``'#12'`` is no comment).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence

from rich.markup import escape

_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves, clear screen
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\|$)"  # OSC: window titles, hyperlinks (even unterminated)
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\|$)"  # DCS, SOS, PM, APC strings
    r"|\x1b.?"  # any other escape
    r"|\x9b[0-?]*[ -/]*[@-~]|\x9d[^\x07\x9c]*(?:\x07|\x9c|$)"  # their one-byte C1 forms
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Bidirectional marks, embeddings, overrides and isolates; zero-width spaces and joiners; the
# word joiner and invisible operators; the byte order mark.
_INVISIBLE = re.compile("[\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_LINE_BREAK = re.compile("[\t\n\u0085\u2028\u2029]+")
_UNSAFE_IN_JSON = re.compile(
    "[\x7f-\x9f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
MARK = "\ufffd"


def plain(text: str | None) -> str:
    """Return ``text`` without escape sequences, control or invisible directional characters."""
    if not text:
        return ""
    cleaned = _ESCAPE_SEQUENCE.sub("", text)
    cleaned = _CONTROL.sub(MARK, cleaned)
    return _INVISIBLE.sub("", cleaned)


def shown(text: str | None) -> str:
    """Return ``text`` safe for a Rich console: plain, with its markup escaped."""
    return escape(plain(text))


def one_line(text: str | None) -> str:
    """Return ``text`` plain and on one line: tabs and line breaks become single spaces."""
    return plain(_LINE_BREAK.sub(" ", text or ""))


def shown_line(text: str | None) -> str:
    """Return a name, a handle or a path safe for a Rich console, and on one line."""
    return escape(one_line(text))


def safe_json(text: str) -> str:
    """Return JSON text with the characters a terminal would act on written as ``\\u`` escapes.

    JSON encoders escape only the controls below U+0020; the C1 controls, bidirectional
    overrides and zero-width characters pass through raw. Outside strings JSON holds none of
    them, so escaping them wherever they are keeps the document and its data the same.
    """
    return _UNSAFE_IN_JSON.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def command_line(words: Sequence[str], *, workspace: str | None = None) -> str:
    """Return ``amity WORDS…`` as one line to paste into a shell, each word quoted as it needs.

    ``workspace`` goes last, as ``--workspace PATH``: the command then runs in the same workspace
    as the one that printed it.
    """
    chosen = ["--workspace", workspace] if workspace is not None else []
    return shlex.join(["amity", *(one_line(word) for word in words), *chosen])
